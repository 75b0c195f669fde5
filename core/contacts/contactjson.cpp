#include "contacts/contactjson.h"

#include <QJsonArray>

#include "smtp/proberesultjson.h"

namespace Mailpulse::Contacts
{

namespace
{

QJsonValue text(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }
QJsonValue time(const QDateTime &t) { return t.isValid() ? QJsonValue(Smtp::toIsoUtc(t)) : QJsonValue(); }

} // namespace

QJsonObject toJson(const ContactEntry &e)
{
    QJsonArray notes;
    for (const ContactNote &n : e.notes) {
        notes.append(QJsonObject { { QStringLiteral("at"), time(n.at) }, { QStringLiteral("status"), n.status },
            { QStringLiteral("author"), n.author }, { QStringLiteral("text"), text(n.text) } });
    }
    return {
        { QStringLiteral("address"), e.address },
        { QStringLiteral("domain"), e.domain },
        { QStringLiteral("status"), contactStatusName(e.status) },
        { QStringLiteral("rule"), e.rule },
        { QStringLiteral("failures"), double(e.failures) },
        { QStringLiteral("last_status"), text(e.lastStatus) },
        { QStringLiteral("last_class"), text(e.lastClass) },
        { QStringLiteral("reason"), text(e.reason) },
        { QStringLiteral("first_failed_at"), time(e.firstFailedAt) },
        { QStringLiteral("last_failed_at"), time(e.lastFailedAt) },
        { QStringLiteral("last_success_at"), time(e.lastSuccessAt) },
        { QStringLiteral("opened_at"), time(e.openedAt) },
        { QStringLiteral("status_changed_at"), time(e.statusChangedAt) },
        { QStringLiteral("name"), text(e.details.name) },
        { QStringLiteral("phone"), text(e.details.phone) },
        { QStringLiteral("alt_email"), text(e.details.altEmail) },
        { QStringLiteral("notes"), notes },
    };
}

} // namespace Mailpulse::Contacts
