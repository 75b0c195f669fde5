#include "bounce/dsnparser.h"

namespace Mailpulse::Bounce
{

ParsedMail DsnParser::parse(const QByteArray &raw, const QString &ref)
{
    Q_UNUSED(raw)
    Q_UNUSED(ref)
    ParsedMail mail;
    mail.error = QStringLiteral("not implemented yet");
    return mail;
}

} // namespace Mailpulse::Bounce
