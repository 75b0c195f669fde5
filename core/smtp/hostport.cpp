#include "hostport.h"

#include <QHostAddress>

namespace Mailpulse::Smtp
{

std::optional<HostPort> HostPort::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &message) -> std::optional<HostPort> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString input = text.trimmed();
    HostPort result;
    QString portText;
    if (input.startsWith(u'[')) {
        const qsizetype close = input.indexOf(u']');
        if (close < 0)
            return fail(QStringLiteral("missing ']' in '%1'").arg(input));
        result.host = input.mid(1, close - 1);
        const QString rest = input.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':'))
                return fail(QStringLiteral("unexpected text after ']' in '%1'").arg(input));
            portText = rest.mid(1);
        }
        if (QHostAddress(result.host).isNull())
            return fail(QStringLiteral("'%1' is not an IP address").arg(result.host));
    } else if (input.count(u':') == 1) {
        const qsizetype colon = input.indexOf(u':');
        result.host = input.left(colon);
        portText = input.mid(colon + 1);
    } else {
        result.host = input; // a name, an IPv4 literal, or a bare IPv6 literal
        if (input.contains(u':') && QHostAddress(input).isNull())
            return fail(QStringLiteral("'%1' is not an IPv6 address (write [ADDR]:PORT)").arg(input));
    }
    if (result.host.isEmpty())
        return fail(QStringLiteral("no host in '%1'").arg(input));
    for (QChar c : std::as_const(result.host)) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c == u'/' || c == u'@')
            return fail(QStringLiteral("invalid character in host '%1'").arg(result.host));
    }
    if (!portText.isNull()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return fail(QStringLiteral("port must be 1-65535 in '%1'").arg(input));
        result.port = quint16(port);
    }
    return result;
}

} // namespace Mailpulse::Smtp
