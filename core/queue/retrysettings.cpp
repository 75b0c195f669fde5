#include "queue/retrysettings.h"

#include <QJsonValue>

#include "smtp/hostport.h"

namespace Mailpulse::Queue
{

using Smtp::IpFamily;
using Smtp::ProbeConfig;
using Smtp::TlsMode;

namespace
{

QJsonValue textOrNull(const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); }

} // namespace

RetrySettings RetrySettings::of(const ProbeConfig &config)
{
    RetrySettings s;
    // The host alone: the port is a field of its own (an override "host:port" is reflected in config.port).
    const auto hostPort = Smtp::HostPort::parse(config.mxOverride);
    s.host = hostPort ? hostPort->host : config.mxOverride;
    s.mxSkip = config.mxSkip;
    s.port = config.port;
    s.tlsMode = config.tlsMode;
    s.ipFamily = config.ipFamily;
    return s;
}

ProbeConfig RetrySettings::applyTo(const ProbeConfig &base) const
{
    ProbeConfig config = base;
    config.mxSkip = mxSkip;
    config.port = port;
    config.tlsMode = tlsMode;
    config.ipFamily = ipFamily;
    // "--mx host:port" carries the port inside the override, and the engine lets it win over config.port: strip
    // it when the ladder changes the port (the ladder only does so when the port was not pinned).
    if (!config.mxOverride.isEmpty() && port != base.port) {
        const qsizetype colon = config.mxOverride.lastIndexOf(u':');
        const bool bracketed = config.mxOverride.startsWith(u'[');
        if (colon > 0 && (bracketed ? config.mxOverride.at(colon - 1) == u']' : config.mxOverride.count(u':') == 1))
            config.mxOverride = config.mxOverride.left(colon);
    }
    return config;
}

bool RetrySettings::sameChoice(const RetrySettings &other) const
{
    return mxSkip == other.mxSkip && port == other.port && tlsMode == other.tlsMode && ipFamily == other.ipFamily;
}

QJsonObject RetrySettings::toJson() const
{
    return QJsonObject {
        { QStringLiteral("host"), textOrNull(host) },
        { QStringLiteral("port"), int(port) },
        { QStringLiteral("tls_mode"), Smtp::tlsModeName(tlsMode) },
        { QStringLiteral("ip_family"), Smtp::ipFamilyName(ipFamily) },
        { QStringLiteral("mx_skip"), mxSkip },
    };
}

std::optional<RetrySettings> RetrySettings::fromJson(const QJsonObject &object)
{
    RetrySettings s;
    s.host = object.value(QStringLiteral("host")).toString();
    s.mxSkip = object.value(QStringLiteral("mx_skip")).toInt(0);
    const int port = object.value(QStringLiteral("port")).toInt(25);
    if (port <= 0 || port > 65535)
        return std::nullopt;
    s.port = quint16(port);
    const auto tls = Smtp::tlsModeFromName(object.value(QStringLiteral("tls_mode")).toString());
    const auto family = Smtp::ipFamilyFromName(object.value(QStringLiteral("ip_family")).toString());
    if (!tls || !family)
        return std::nullopt;
    s.tlsMode = *tls;
    s.ipFamily = *family;
    return s;
}

QString RetrySettings::describe() const
{
    QString text
        = QStringLiteral("port %1, %2, %3").arg(port).arg(Smtp::tlsModeName(tlsMode), Smtp::ipFamilyName(ipFamily));
    if (mxSkip > 0)
        text += QStringLiteral(", MX host %1 onwards").arg(mxSkip + 1);
    if (!host.isEmpty())
        text.prepend(host + QStringLiteral(" "));
    return text;
}

QJsonObject probeConfigToJson(const ProbeConfig &config)
{
    const Smtp::Timeouts &t = config.timeouts;
    return QJsonObject {
        { QStringLiteral("port"), int(config.port) },
        { QStringLiteral("port_pinned"), config.portPinned },
        { QStringLiteral("tls_mode"), Smtp::tlsModeName(config.tlsMode) },
        { QStringLiteral("tls_pinned"), config.tlsPinned },
        { QStringLiteral("ip_family"), Smtp::ipFamilyName(config.ipFamily) },
        { QStringLiteral("mx_skip"), config.mxSkip },
        { QStringLiteral("helo"), config.heloName },
        { QStringLiteral("mail_from"), config.mailFrom },
        { QStringLiteral("verify_certificate"), config.verifyCertificate },
        { QStringLiteral("ca_file"), config.caFile },
        { QStringLiteral("mx_override"), config.mxOverride },
        { QStringLiteral("nameserver"), config.nameserver },
        { QStringLiteral("max_mx_hosts"), config.maxMxHosts },
        { QStringLiteral("timeouts_ms"),
            QJsonObject {
                { QStringLiteral("connect"), t.connectMs },
                { QStringLiteral("greeting"), t.greetingMs },
                { QStringLiteral("command"), t.commandMs },
                { QStringLiteral("tls"), t.tlsMs },
                { QStringLiteral("total"), t.totalMs },
                { QStringLiteral("dns"), t.dnsMs },
            } },
    };
}

ProbeConfig probeConfigFromJson(const QJsonObject &o)
{
    ProbeConfig config;
    const int port = o.value(QStringLiteral("port")).toInt(config.port);
    if (port > 0 && port <= 65535)
        config.port = quint16(port);
    config.portPinned = o.value(QStringLiteral("port_pinned")).toBool(false);
    config.tlsMode = Smtp::tlsModeFromName(o.value(QStringLiteral("tls_mode")).toString()).value_or(config.tlsMode);
    config.tlsPinned = o.value(QStringLiteral("tls_pinned")).toBool(false);
    config.ipFamily = Smtp::ipFamilyFromName(o.value(QStringLiteral("ip_family")).toString()).value_or(config.ipFamily);
    config.mxSkip = o.value(QStringLiteral("mx_skip")).toInt(0);
    config.heloName = o.value(QStringLiteral("helo")).toString();
    config.mailFrom = o.value(QStringLiteral("mail_from")).toString();
    config.verifyCertificate = o.value(QStringLiteral("verify_certificate")).toBool(true);
    config.caFile = o.value(QStringLiteral("ca_file")).toString();
    config.mxOverride = o.value(QStringLiteral("mx_override")).toString();
    config.nameserver = o.value(QStringLiteral("nameserver")).toString();
    config.maxMxHosts = o.value(QStringLiteral("max_mx_hosts")).toInt(config.maxMxHosts);
    const QJsonObject t = o.value(QStringLiteral("timeouts_ms")).toObject();
    const auto ms = [&t](const char *name, int fallback) {
        const int value = t.value(QLatin1String(name)).toInt(fallback);
        return value > 0 ? value : fallback;
    };
    config.timeouts.connectMs = ms("connect", config.timeouts.connectMs);
    config.timeouts.greetingMs = ms("greeting", config.timeouts.greetingMs);
    config.timeouts.commandMs = ms("command", config.timeouts.commandMs);
    config.timeouts.tlsMs = ms("tls", config.timeouts.tlsMs);
    config.timeouts.totalMs = ms("total", config.timeouts.totalMs);
    config.timeouts.dnsMs = ms("dns", config.timeouts.dnsMs);
    return config;
}

} // namespace Mailpulse::Queue
