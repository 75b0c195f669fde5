#pragma once

#include <optional>

#include <QJsonObject>
#include <QString>

#include "smtp/probeconfig.h"

namespace Mailpulse::Queue
{

/// The settings one retry attempt varies (the alternate-settings ladder): which MX host, port, TLS mode and
/// address family. Everything else comes from the entry's base ProbeConfig unchanged.
struct RetrySettings {
    QString host; // the host connected to (history) or the --mx override planned (empty: DNS decides)
    int mxSkip = 0; // MX hosts skipped in preference order (1 = start at the second MX host)
    quint16 port = 25;
    Smtp::TlsMode tlsMode = Smtp::TlsMode::StartTls;
    Smtp::IpFamily ipFamily = Smtp::IpFamily::Any;

    /// The settings `config` stands for.
    static RetrySettings of(const Smtp::ProbeConfig &config);
    /// `base` with these settings applied (host stays base's override: the ladder never invents a host).
    Smtp::ProbeConfig applyTo(const Smtp::ProbeConfig &base) const;
    /// Same port, TLS mode, family and MX skip (the host is informational).
    bool sameChoice(const RetrySettings &other) const;
    /// Every field equal, the host included.
    bool operator==(const RetrySettings &other) const = default;

    /// {host, port, tls_mode, ip_family, mx_skip}; host null when empty (DESIGN.md: absent data is null).
    QJsonObject toJson() const;
    static std::optional<RetrySettings> fromJson(const QJsonObject &object);
    /// "port 587, starttls, any" — for logs and human output.
    QString describe() const;
};

/// The base ProbeConfig of a queue entry, kept as JSON so that retries probe the way the user asked (pins,
/// nameserver, timeouts, HELO, sender, CA file). Reply limits are not stored: retries use the defaults.
QJsonObject probeConfigToJson(const Smtp::ProbeConfig &config);
Smtp::ProbeConfig probeConfigFromJson(const QJsonObject &object);

} // namespace Mailpulse::Queue
