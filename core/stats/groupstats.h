#pragma once

#include <optional>

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Mailpulse::Stats
{

/// p50 and p95 of one timing in milliseconds, nearest-rank (the smallest stored value with at least p% of the values
/// at or below it: exact, always a value that was measured). Absent when no probe in the group reached the phase.
struct Percentiles {
    std::optional<qint64> p50;
    std::optional<qint64> p95;
    friend bool operator==(const Percentiles &, const Percentiles &) = default;
};

/// The figures of one domain or one provider over a time window (DESIGN.md "stats domains|providers").
struct GroupStats {
    QString key; // the domain, or the provider's name
    QStringList domains; // providers: the member domains, sorted; domains: empty
    qint64 probes = 0;
    qint64 successes = 0;
    QMap<QString, qint64> failuresByStatus; // enhanced status → failed probes ("unknown" when none was recorded)
    QMap<QString, qint64> failuresByPhase; // phase name → failed probes
    Percentiles connectMs;
    Percentiles greetingMs;
    Percentiles tlsMs;
    // Retry queue figures (Queue::RetryStats): entries retried at least once, and those a retry recovered.
    qint64 retries = 0;
    qint64 recovered = 0;
    bool flagged = false; // a consistent problem: see StatsOptions
    QString dominantStatus; // the most frequent failure status (ties: the lowest code); empty without failures

    qint64 failures() const { return probes - successes; }
    /// successes / probes; absent for a group without probes.
    std::optional<double> successRate() const
    {
        return probes > 0 ? std::optional<double>(double(successes) / double(probes)) : std::nullopt;
    }
    std::optional<double> recoveryRate() const
    {
        return retries > 0 ? std::optional<double>(double(recovered) / double(retries)) : std::nullopt;
    }
    friend bool operator==(const GroupStats &, const GroupStats &) = default;
};

/// When a group counts as a consistent problem.
struct StatsOptions {
    double flagFailureRate = 0.20; // flagged when failures / probes is above this …
    qint64 flagMinProbes = 10; // … over at least this many probes in the window

    /// Threads that scan ranges of domains side by side (each with its own connection); 0: one per core, at most 4.
    int threads = 0;
    /// Below this many stored probes (by the largest row id) a single connection does the scan.
    qint64 parallelFromRows = 200000;
};

/// Probes per hour or per day.
struct TrendPoint {
    QDateTime start; // UTC start of the bucket
    qint64 probes = 0;
    qint64 successes = 0;
    qint64 failures() const { return probes - successes; }
    friend bool operator==(const TrendPoint &, const TrendPoint &) = default;
};

enum class Granularity { Hour, Day };

} // namespace Mailpulse::Stats
