#include "stats/statsengine.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVarLengthArray>
#include <QVariant>

#include "smtp/proberesultjson.h"
#include "stats/retryfigures.h"
#include "store/database.h"

namespace Mailpulse::Stats
{

/// One (domain, MX host) group of the scan, with the raw timing values.
struct StatsEngine::Partial {
    QString domain;
    QString host; // empty: no host reached
    qint64 probes = 0;
    qint64 successes = 0;
    QMap<QString, qint64> failuresByStatus;
    QMap<QString, qint64> failuresByPhase;
    QList<qint64> connect;
    QList<qint64> greeting;
    QList<qint64> tls;
};

namespace
{

// The scan. One pass over the covering index; per group the failures come back as one list of "status phase"
// tokens (CASE yields NULL for successes, which group_concat skips) and each timing as one list of numbers.
// INDEXED BY pins the covering index: without ANALYZE data the planner may otherwise pick probes_started and read a
// million table rows. %1 is the host column (or NULL when grouping by domain only), %2 an optional domain filter.
const QString kScanSql
    = QStringLiteral("SELECT domain, %1, count(*), sum(class = 'success'),"
                     " group_concat(CASE WHEN class <> 'success' THEN coalesce(status, 'unknown') || ' ' || phase END),"
                     " CAST(group_concat(connect_ms) AS BLOB), CAST(group_concat(greeting_ms) AS BLOB),"
                     " CAST(group_concat(tls_ms) AS BLOB)"
                     " FROM probes INDEXED BY probes_stats"
                     " WHERE started_at >= :since AND started_at < :until AND domain IS NOT NULL%2"
                     " GROUP BY domain%3");

// "12,7,30" as the bytes SQLite built (CAST AS BLOB spares the driver a UTF-16 conversion of every list).
void parseInts(const QByteArray &list, QList<qint64> &values)
{
    qint64 current = 0;
    bool inNumber = false;
    for (const char c : list) {
        if (c >= '0' && c <= '9') {
            current = current * 10 + (c - '0');
            inNumber = true;
        } else {
            if (inNumber)
                values.append(current);
            current = 0;
            inNumber = false;
        }
    }
    if (inNumber)
        values.append(current);
}

// "4.4.2 greeting,5.1.1 rcpt,…" → counts per status and per phase. A group has few distinct statuses and phases:
// counting in small flat arrays first keeps the map allocations to one per distinct key.
void countFailures(const QString &list, QMap<QString, qint64> &byStatus, QMap<QString, qint64> &byPhase)
{
    if (list.isEmpty())
        return;
    using Counts = QVarLengthArray<std::pair<QStringView, qint64>, 8>;
    Counts statuses;
    Counts phases;
    const auto count = [](Counts &counts, QStringView key) {
        for (auto &[k, n] : counts) {
            if (k == key) {
                ++n;
                return;
            }
        }
        counts.append({ key, 1 });
    };
    for (const QStringView token : QStringView(list).split(u',')) {
        const qsizetype space = token.indexOf(u' ');
        count(statuses, token.left(space));
        count(phases, token.mid(space + 1));
    }
    for (const auto &[key, n] : statuses)
        byStatus[key.toString()] += n;
    for (const auto &[key, n] : phases)
        byPhase[key.toString()] += n;
}

template <typename Map> void addCounts(Map &into, const Map &from)
{
    for (auto it = from.cbegin(); it != from.cend(); ++it)
        into[it.key()] += it.value();
}

QString sqlFailure(const QString &what, const QSqlQuery &query)
{
    return QStringLiteral("%1: %2").arg(what, query.lastError().text());
}

} // namespace

StatsEngine::StatsEngine(Store::Database &database, ProviderRules rules, StatsOptions options)
    : m_database(database)
    , m_rules(std::move(rules))
    , m_options(options)
{
}

namespace
{

// Nearest rank: the ceil(p/100 * n)-th smallest value (1-based), computed in integers to stay exact.
qsizetype rankIndex(qsizetype n, int percent)
{
    const qint64 rank = std::clamp<qint64>((qint64(percent) * n + 99) / 100, 1, n);
    return qsizetype(rank - 1);
}

// p50 and p95 with two partial selections, the second only over what lies above the first.
Percentiles percentiles(QList<qint64> &values)
{
    if (values.isEmpty())
        return {};
    const auto p50 = values.begin() + rankIndex(values.size(), 50);
    std::nth_element(values.begin(), p50, values.end());
    const qint64 median = *p50;
    // Everything after p50 is >= it, so p95 is found among those alone.
    const auto p95 = values.begin() + rankIndex(values.size(), 95);
    if (p95 > p50)
        std::nth_element(p50 + 1, p95, values.end());
    return { median, *p95 };
}

} // namespace

std::optional<qint64> StatsEngine::percentile(QList<qint64> &values, int percent)
{
    if (values.isEmpty())
        return std::nullopt;
    const auto nth = values.begin() + rankIndex(values.size(), percent);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

namespace
{

// One scan over [from, to) of the domains (empty: open) on one connection.
bool scanRange(const QSqlDatabase &connection, const TimeWindow &window, const QString &domain, bool byHost,
    const QString &from, const QString &to, QList<StatsEngine::Partial> *partials, QString *error)
{
    QSqlQuery query(connection);
    query.setForwardOnly(true);
    QString filter;
    if (!domain.isEmpty())
        filter += QStringLiteral(" AND domain = :domain");
    if (!from.isEmpty())
        filter += QStringLiteral(" AND domain >= :from");
    if (!to.isEmpty())
        filter += QStringLiteral(" AND domain < :to");
    const QString sql = kScanSql.arg(byHost ? QStringLiteral("host") : QStringLiteral("NULL"), filter,
        byHost ? QStringLiteral(", host") : QString());
    if (!query.prepare(sql)) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot prepare the stats query"), query);
        return false;
    }
    query.bindValue(QStringLiteral(":since"), window.sinceKey());
    query.bindValue(QStringLiteral(":until"), window.untilKey());
    if (!domain.isEmpty())
        query.bindValue(QStringLiteral(":domain"), domain.toLower());
    if (!from.isEmpty())
        query.bindValue(QStringLiteral(":from"), from);
    if (!to.isEmpty())
        query.bindValue(QStringLiteral(":to"), to);
    if (!query.exec()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read probe statistics"), query);
        return false;
    }
    while (query.next()) {
        StatsEngine::Partial p;
        p.domain = query.value(0).toString();
        p.host = query.value(1).toString();
        p.probes = query.value(2).toLongLong();
        p.successes = query.value(3).toLongLong();
        countFailures(query.value(4).toString(), p.failuresByStatus, p.failuresByPhase);
        p.connect.reserve(p.probes);
        p.greeting.reserve(p.probes);
        p.tls.reserve(p.probes);
        parseInts(query.value(5).toByteArray(), p.connect);
        parseInts(query.value(6).toByteArray(), p.greeting);
        parseInts(query.value(7).toByteArray(), p.tls);
        partials->append(std::move(p));
    }
    if (query.lastError().isValid()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read probe statistics"), query);
        return false;
    }
    return true;
}

constexpr int MaxWorkers = 4;

} // namespace

QStringList StatsEngine::splitPoints(int parts) const
{
    // Domains of evenly spaced rows (by id), sorted: their quantiles split the rows into parts of similar size
    // whatever order the probes were stored in. A handful of indexed lookups, no scan.
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT max(id) FROM probes")) || !query.next())
        return {};
    const qint64 maxId = query.value(0).toLongLong();
    constexpr int Samples = 256;
    QStringList sample;
    QSqlQuery row(m_database.connection());
    row.setForwardOnly(true);
    row.prepare(QStringLiteral("SELECT domain FROM probes WHERE id >= :id AND domain IS NOT NULL ORDER BY id LIMIT 1"));
    for (int i = 0; i < Samples; ++i) {
        row.bindValue(QStringLiteral(":id"), 1 + maxId * i / Samples);
        if (row.exec() && row.next())
            sample.append(row.value(0).toString());
    }
    // In SQLite's order (BINARY: UTF-8 bytes), so that the ranges neither overlap nor leave gaps whatever the names.
    const auto sqliteLess = [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); };
    std::sort(sample.begin(), sample.end(), sqliteLess);
    QStringList points;
    for (int k = 1; k < parts && !sample.isEmpty(); ++k) {
        const QString point = sample.at(sample.size() * k / parts);
        if (points.isEmpty() || sqliteLess(points.last(), point))
            points.append(point);
    }
    return points;
}

bool StatsEngine::scan(
    const TimeWindow &window, const QString &domain, bool byHost, QList<Partial> *partials, QString *error) const
{
    partials->clear();
    const QString path = m_database.path();
    int workers = std::clamp(m_options.threads > 0 ? m_options.threads : QThread::idealThreadCount(), 1, MaxWorkers);
    if (!domain.isEmpty() || workers < 2 || path.isEmpty() || path.startsWith(u':')) // ":memory:" is per connection
        workers = 1;
    if (workers > 1) {
        QSqlQuery query(m_database.connection());
        query.setForwardOnly(true);
        // max(id) is one index lookup; the row count would be a scan.
        if (!query.exec(QStringLiteral("SELECT max(id) FROM probes")) || !query.next()
            || query.value(0).toLongLong() < m_options.parallelFromRows)
            workers = 1;
    }
    const QStringList points = workers > 1 ? splitPoints(workers) : QStringList();
    if (points.isEmpty())
        return scanRange(m_database.connection(), window, domain, byHost, {}, {}, partials, error);

    // Each worker reads its range of domains through its own connection (a connection belongs to one thread; WAL
    // lets them read side by side); this thread takes the first range on the caller's connection. Ranges are
    // consecutive and each comes back ordered, so concatenating keeps the domain order.
    const qsizetype ranges = points.size() + 1;
    auto results = std::vector<QList<Partial>>(size_t(ranges));
    auto errors = std::vector<QString>(size_t(ranges));
    std::vector<char> ok(size_t(ranges), 0);
    std::vector<std::thread> threads;
    for (qsizetype r = 1; r < ranges; ++r) {
        threads.emplace_back([&, r] {
            Store::Database worker;
            QString openError;
            if (!worker.open(path, &openError)) {
                errors[size_t(r)] = openError;
                return;
            }
            ok[size_t(r)] = scanRange(worker.connection(), window, {}, byHost, points.at(r - 1),
                r < points.size() ? points.at(r) : QString(), &results[size_t(r)], &errors[size_t(r)]);
        });
    }
    ok[0] = scanRange(m_database.connection(), window, {}, byHost, {}, points.first(), &results[0], &errors[0]);
    for (std::thread &t : threads)
        t.join();
    for (qsizetype r = 0; r < ranges; ++r) {
        if (!ok[size_t(r)]) {
            if (error)
                *error = errors[size_t(r)];
            return false;
        }
        *partials += std::move(results[size_t(r)]);
    }
    return true;
}

void StatsEngine::finish(GroupStats &group, QList<qint64> &connect, QList<qint64> &greeting, QList<qint64> &tls) const
{
    group.connectMs = percentiles(connect);
    group.greetingMs = percentiles(greeting);
    group.tlsMs = percentiles(tls);
    qint64 best = 0;
    group.dominantStatus.clear();
    for (auto it = group.failuresByStatus.cbegin(); it != group.failuresByStatus.cend(); ++it) {
        if (it.value() > best) { // strictly greater: on a tie the lower code (earlier in the map) stays
            best = it.value();
            group.dominantStatus = it.key();
        }
    }
    group.flagged = group.probes >= m_options.flagMinProbes && group.probes > 0
        && double(group.failures()) / double(group.probes) > m_options.flagFailureRate;
}

bool StatsEngine::domainStats(
    const TimeWindow &window, QList<GroupStats> *stats, QString *error, const QString &domain) const
{
    stats->clear();
    QList<Partial> partials;
    if (!scan(window, domain, false, &partials, error))
        return false;
    QHash<QString, RetryFigures> retries;
    if (!retryFiguresByDomain(m_database, window, &retries, error))
        return false;

    // Rows arrive ordered by domain (the index order), so each domain's partials are adjacent.
    for (qsizetype i = 0; i < partials.size();) {
        GroupStats group;
        group.key = partials.at(i).domain;
        QList<qint64> connect;
        QList<qint64> greeting;
        QList<qint64> tls;
        for (; i < partials.size() && partials.at(i).domain == group.key; ++i) {
            Partial &p = partials[i];
            group.probes += p.probes;
            group.successes += p.successes;
            addCounts(group.failuresByStatus, p.failuresByStatus);
            addCounts(group.failuresByPhase, p.failuresByPhase);
            // By domain there is one partial per domain: take its lists instead of copying them.
            if (connect.isEmpty() && greeting.isEmpty() && tls.isEmpty()) {
                connect = std::move(p.connect);
                greeting = std::move(p.greeting);
                tls = std::move(p.tls);
            } else {
                connect += p.connect;
                greeting += p.greeting;
                tls += p.tls;
            }
        }
        const RetryFigures figures = retries.value(group.key);
        group.retries = figures.retried;
        group.recovered = figures.recovered;
        finish(group, connect, greeting, tls);
        stats->append(std::move(group));
    }
    std::sort(stats->begin(), stats->end(), [](const GroupStats &a, const GroupStats &b) { return a.key < b.key; });
    return true;
}

QHash<QString, QString> StatsEngine::assignProviders(const QList<Partial> &partials) const
{
    QHash<QString, QString> hostProvider; // cache: many domains share a host
    QHash<QString, QHash<QString, qint64>> votes; // domain → provider → probes
    QHash<QString, QString> result;
    for (const Partial &p : partials) {
        if (p.host.isEmpty()) {
            votes[p.domain]; // known domain, maybe without any vote
            continue;
        }
        auto cached = hostProvider.constFind(p.host);
        if (cached == hostProvider.cend())
            cached = hostProvider.insert(p.host, m_rules.providerForHost(p.host));
        votes[p.domain][*cached] += p.probes;
    }
    for (auto it = votes.cbegin(); it != votes.cend(); ++it) {
        QString best;
        qint64 bestVotes = 0;
        for (auto v = it->cbegin(); v != it->cend(); ++v) {
            if (v.value() > bestVotes || (v.value() == bestVotes && v.key() < best)) {
                best = v.key();
                bestVotes = v.value();
            }
        }
        result.insert(it.key(), best.isEmpty() ? unresolvedProvider() : best);
    }
    return result;
}

bool StatsEngine::providerOfDomains(const TimeWindow &window, QHash<QString, QString> *providers, QString *error) const
{
    // Only the votes: (domain, host) probe counts, without the figures.
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT domain, host, count(*) FROM probes INDEXED BY probes_stats"
                                 " WHERE started_at >= :since AND started_at < :until AND domain IS NOT NULL"
                                 " GROUP BY domain, host"));
    query.bindValue(QStringLiteral(":since"), window.sinceKey());
    query.bindValue(QStringLiteral(":until"), window.untilKey());
    if (!query.exec()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read the MX hosts of domains"), query);
        return false;
    }
    QList<Partial> partials;
    while (query.next()) {
        Partial p;
        p.domain = query.value(0).toString();
        p.host = query.value(1).toString();
        p.probes = query.value(2).toLongLong();
        partials.append(std::move(p));
    }
    *providers = assignProviders(partials);
    return true;
}

bool StatsEngine::providerStats(const TimeWindow &window, QList<GroupStats> *stats, QString *error) const
{
    stats->clear();
    QList<Partial> partials;
    if (!scan(window, {}, true, &partials, error))
        return false;
    QHash<QString, RetryFigures> retries;
    if (!retryFiguresByDomain(m_database, window, &retries, error))
        return false;
    const QHash<QString, QString> providerOf = assignProviders(partials);

    struct Accumulator {
        GroupStats group;
        QList<qint64> connect;
        QList<qint64> greeting;
        QList<qint64> tls;
    };
    QMap<QString, Accumulator> byProvider;
    for (Partial &p : partials) {
        Accumulator &a = byProvider[providerOf.value(p.domain)];
        GroupStats &g = a.group;
        if (g.domains.isEmpty() || g.domains.last() != p.domain) {
            g.domains.append(p.domain); // partials come ordered by domain
            const RetryFigures figures = retries.value(p.domain);
            g.retries += figures.retried;
            g.recovered += figures.recovered;
        }
        g.probes += p.probes;
        g.successes += p.successes;
        addCounts(g.failuresByStatus, p.failuresByStatus);
        addCounts(g.failuresByPhase, p.failuresByPhase);
        a.connect += std::move(p.connect);
        a.greeting += std::move(p.greeting);
        a.tls += std::move(p.tls);
    }
    for (auto it = byProvider.begin(); it != byProvider.end(); ++it) {
        Accumulator &a = it.value();
        a.group.key = it.key();
        a.group.domains.sort();
        finish(a.group, a.connect, a.greeting, a.tls);
        stats->append(std::move(a.group));
    }
    return true;
}

bool StatsEngine::trend(const TimeWindow &window, Granularity granularity, QList<TrendPoint> *points, QString *error,
    const QString &domain, const QString &provider) const
{
    points->clear();
    QStringList domains;
    if (!provider.isEmpty()) {
        QHash<QString, QString> providerOf;
        if (!providerOfDomains(window, &providerOf, error))
            return false;
        for (auto it = providerOf.cbegin(); it != providerOf.cend(); ++it) {
            if (it.value().compare(provider, Qt::CaseInsensitive) == 0)
                domains.append(it.key());
        }
        if (domains.isEmpty())
            return true;
    }

    // The store's times are fixed-width ISO strings: the first 13 characters are the hour, the first 10 the day.
    // The covering stats index holds started_at, class and domain: no table row is read.
    QString sql
        = QStringLiteral("SELECT substr(started_at, 1, :len) AS bucket, count(*), sum(class = 'success')"
                         " FROM probes INDEXED BY probes_stats WHERE started_at >= :since AND started_at < :until");
    if (!domain.isEmpty())
        sql += QStringLiteral(" AND domain = :domain");
    else if (!domains.isEmpty())
        sql += QStringLiteral(" AND domain IN (SELECT value FROM json_each(:domains))");
    sql += QStringLiteral(" GROUP BY bucket ORDER BY bucket");

    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot prepare the trend query"), query);
        return false;
    }
    const bool hourly = granularity == Granularity::Hour;
    query.bindValue(QStringLiteral(":len"), hourly ? 13 : 10);
    query.bindValue(QStringLiteral(":since"), window.sinceKey());
    query.bindValue(QStringLiteral(":until"), window.untilKey());
    if (!domain.isEmpty())
        query.bindValue(QStringLiteral(":domain"), domain.toLower());
    else if (!domains.isEmpty())
        query.bindValue(QStringLiteral(":domains"),
            QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(domains)).toJson(QJsonDocument::Compact)));
    if (!query.exec()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read the trend"), query);
        return false;
    }
    QList<TrendPoint> sparse;
    while (query.next()) {
        const QString bucket = query.value(0).toString();
        const QString iso = bucket + (hourly ? QStringLiteral(":00:00Z") : QStringLiteral("T00:00:00Z"));
        const QDateTime start = Smtp::fromIsoUtc(iso);
        if (!start.isValid())
            continue;
        sparse.append({ start, query.value(1).toLongLong(), query.value(2).toLongLong() });
    }

    const qint64 step = hourly ? 3600 : 86400;
    const auto floorTo = [step](const QDateTime &t) {
        const qint64 secs = t.toSecsSinceEpoch();
        return QDateTime::fromSecsSinceEpoch(secs - ((secs % step) + step) % step, Qt::UTC);
    };
    QDateTime first
        = window.since.isValid() ? floorTo(window.since) : (sparse.isEmpty() ? QDateTime() : sparse.first().start);
    QDateTime last = window.until.isValid() ? floorTo(window.until.addMSecs(-1))
                                            : (sparse.isEmpty() ? QDateTime() : sparse.last().start);
    // Filling is for charts; a window of decades per hour is not a chart, so it stays sparse.
    constexpr qint64 MaxFilledPoints = 100000;
    if (!first.isValid() || !last.isValid() || first > last || first.secsTo(last) / step >= MaxFilledPoints) {
        *points = sparse;
        return true;
    }
    qsizetype next = 0;
    for (QDateTime t = first; t <= last; t = t.addSecs(step)) {
        while (next < sparse.size() && sparse.at(next).start < t)
            ++next; // cannot happen with floored bounds; kept so a point is never emitted twice
        if (next < sparse.size() && sparse.at(next).start == t)
            points->append(sparse.at(next++));
        else
            points->append({ t, 0, 0 });
    }
    return true;
}

} // namespace Mailpulse::Stats
