#include "bounce/mailsource.h"

namespace Mailpulse::Bounce
{

bool MailSource::forEach(const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
    QString *error, Limits limits)
{
    Q_UNUSED(path)
    Q_UNUSED(format)
    Q_UNUSED(sink)
    Q_UNUSED(limits)
    if (error)
        *error = QStringLiteral("not implemented yet");
    return false;
}

} // namespace Mailpulse::Bounce
