#pragma once

#include <QString>
#include <optional>

namespace Mailpulse::Smtp
{

/// "host", "host:port", "192.0.2.1:25", "[2001:db8::1]:25" or a bare IPv6 literal; port 0 = not given.
struct HostPort {
    QString host;
    quint16 port = 0;

    static std::optional<HostPort> parse(const QString &text, QString *error = nullptr);
};

} // namespace Mailpulse::Smtp
