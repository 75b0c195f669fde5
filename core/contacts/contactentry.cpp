#include "contacts/contactentry.h"

namespace Mailpulse::Contacts
{

QString contactStatusName(ContactStatus status)
{
    switch (status) {
    case ContactStatus::New:
        return QStringLiteral("new");
    case ContactStatus::Contacted:
        return QStringLiteral("contacted");
    case ContactStatus::Resolved:
        return QStringLiteral("resolved");
    case ContactStatus::Ignored:
        return QStringLiteral("ignored");
    }
    return QStringLiteral("new");
}

QString normalizedAddress(const QString &address)
{
    const QString trimmed = address.trimmed();
    const qsizetype at = trimmed.lastIndexOf(u'@');
    if (at < 0)
        return trimmed;
    // Importers hand over domains lower-cased already: then the address is returned as is, without the three
    // allocations of the general case (this runs once per recorded outcome).
    bool lower = true;
    for (const QChar c : QStringView(trimmed).mid(at + 1)) {
        if (c.unicode() >= 0x80 || (c >= u'A' && c <= u'Z')) {
            lower = false;
            break;
        }
    }
    if (lower)
        return trimmed;
    return trimmed.left(at + 1) + trimmed.mid(at + 1).toLower();
}

std::optional<ContactStatus> contactStatusFromName(QStringView name)
{
    for (ContactStatus s :
        { ContactStatus::New, ContactStatus::Contacted, ContactStatus::Resolved, ContactStatus::Ignored }) {
        if (name.compare(contactStatusName(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

} // namespace Mailpulse::Contacts
