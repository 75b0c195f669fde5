#pragma once

#include <optional>

#include <QList>

#include "bounce/statuscode.h"
#include "queue/retrysettings.h"
#include "smtp/probeconfig.h"

namespace Mailpulse::Queue
{

/// The alternate-settings ladder for connection-class failures (4.4.x, 4.7.4, 4.7.5): next MX host, other port
/// (25 → 587 → 465 with implicit TLS), other TLS mode, IPv4 vs IPv6. Only what the user did not pin varies: an
/// explicit port (--port, --mx HOST:PORT) stays, an explicit --tls stays, an explicit --ip-family stays, and a
/// --mx override has no "next MX". Each rung changes one thing relative to the base settings, so that a success
/// names the one change that cured the failure.
class RetryLadder final
{
public:
    /// 4.4.x (network), 4.7.4 (STARTTLS required, not offered) and 4.7.5 (TLS failed): what other settings may cure.
    static bool isConnectionClass(const Bounce::Classification &classification);

    /// The rungs other than the base settings, in the order they are tried.
    static QList<RetrySettings> alternates(const Smtp::ProbeConfig &base);

    /// The full cycle of settings the retries of a connection-class failure walk: the domain's remembered
    /// settings first (adapted to the pins; left out when they add nothing), then the alternates, then the base
    /// settings themselves (a transient failure is cured by simply trying again), and round again.
    static QList<RetrySettings> cycle(
        const Smtp::ProbeConfig &base, const std::optional<RetrySettings> &remembered = std::nullopt);

    /// Settings for the `step`-th retry (0-based) of a connection-class failure.
    static RetrySettings settingsForStep(
        const Smtp::ProbeConfig &base, int step, const std::optional<RetrySettings> &remembered = std::nullopt);

    /// True when `settings` differ from what `base` asked for.
    static bool isAlternate(const Smtp::ProbeConfig &base, const RetrySettings &settings);
};

} // namespace Mailpulse::Queue
