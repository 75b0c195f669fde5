#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include "stats/groupstats.h"
#include "stats/providerrules.h"
#include "stats/timewindow.h"

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Stats
{

/// Per-domain and per-provider statistics over the probes table, computed on demand.
///
/// One covering index (probes_stats, schema v4) lets SQLite aggregate every domain (or (domain, MX host) group) in a
/// single ordered pass without touching the table rows; the timing values come back per group as one group_concat
/// list each, so percentiles are exact (nearest rank) without returning a row per probe. No rollup table: every
/// window is exact to the millisecond, and probes stored by any path count at once. On large stores (see
/// StatsOptions::parallelFromRows) the domains are split into ranges that threads scan side by side, each on its own
/// connection. bench/bench_stats.cpp: 1,000,000 probes across 10,000 domains, `stats domains` in ~300 ms with two
/// threads (~410 ms on one; ~450 ms CPU in all).
///
/// A domain belongs to the provider that runs the MX host most of its probes in the window reached (ties: the
/// alphabetically first); domains whose probes never reached a host (DNS failures) form the group "unresolved".
class StatsEngine final
{
public:
    explicit StatsEngine(
        Store::Database &database, ProviderRules rules = ProviderRules::defaultRules(), StatsOptions options = {});

    /// One entry per domain with probes in the window, sorted by domain. A non-empty `domain` restricts the result to
    /// that domain. False and `error` on a store failure.
    bool domainStats(
        const TimeWindow &window, QList<GroupStats> *stats, QString *error, const QString &domain = {}) const;
    /// One entry per provider, sorted by name; `domains` lists the members.
    bool providerStats(const TimeWindow &window, QList<GroupStats> *stats, QString *error) const;

    /// Probes per hour or day, oldest first, with empty buckets filled in between the window's bounds (or the first
    /// and last probe where a side is open). Empty `domain` and `provider`: all probes; otherwise one domain or the
    /// domains of one provider.
    bool trend(const TimeWindow &window, Granularity granularity, QList<TrendPoint> *points, QString *error,
        const QString &domain = {}, const QString &provider = {}) const;

    /// The provider each domain with probes in the window belongs to.
    bool providerOfDomains(const TimeWindow &window, QHash<QString, QString> *providers, QString *error) const;

    const ProviderRules &rules() const { return m_rules; }
    const StatsOptions &options() const { return m_options; }

    /// The group name of domains without any MX host in the window.
    static QString unresolvedProvider() { return QStringLiteral("unresolved"); }
    /// Nearest-rank percentile of `values` (reordered in place); absent for no values.
    static std::optional<qint64> percentile(QList<qint64> &values, int percent);

    /// One (domain[, host]) group as the scan returns it (public for the scan's helpers; not an API).
    struct Partial;

private:
    QStringList splitPoints(int parts) const;
    bool scan(
        const TimeWindow &window, const QString &domain, bool byHost, QList<Partial> *partials, QString *error) const;
    QHash<QString, QString> assignProviders(const QList<Partial> &partials) const;
    void finish(GroupStats &group, QList<qint64> &connect, QList<qint64> &greeting, QList<qint64> &tls) const;

    Store::Database &m_database;
    ProviderRules m_rules;
    StatsOptions m_options;
};

} // namespace Mailpulse::Stats
