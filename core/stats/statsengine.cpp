#include "stats/statsengine.h"

#include <algorithm>
#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
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

// The scan. group_concat of the failure statuses and phases counts them in the same pass as everything else;
// CASE yields NULL for successes, which group_concat skips. INDEXED BY pins the covering index: without ANALYZE
// data the planner may otherwise pick probes_started and read a million table rows.
const QString kScanSql
    = QStringLiteral("SELECT domain, host, count(*), sum(class = 'success'),"
                     " group_concat(CASE WHEN class <> 'success' THEN coalesce(status, 'unknown') END),"
                     " group_concat(CASE WHEN class <> 'success' THEN phase END),"
                     " group_concat(connect_ms), group_concat(greeting_ms), group_concat(tls_ms)"
                     " FROM probes INDEXED BY probes_stats"
                     " WHERE started_at >= :since AND started_at < :until AND domain IS NOT NULL");
const QString kGroupSql = QStringLiteral(" GROUP BY domain, host");

void parseInts(const QString &list, QList<qint64> &values)
{
    qint64 current = 0;
    bool inNumber = false;
    for (const QChar c : list) {
        const char16_t u = c.unicode();
        if (u >= u'0' && u <= u'9') {
            current = current * 10 + (u - u'0');
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

void countTokens(const QString &list, QMap<QString, qint64> &counts)
{
    if (list.isEmpty())
        return;
    for (const QStringView token : QStringView(list).split(u','))
        ++counts[token.toString()];
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

std::optional<qint64> StatsEngine::percentile(QList<qint64> &values, int percent)
{
    if (values.isEmpty())
        return std::nullopt;
    // Nearest rank: the ceil(p/100 * n)-th smallest value (1-based), computed in integers to stay exact.
    const qint64 n = values.size();
    qint64 rank = (qint64(percent) * n + 99) / 100;
    rank = std::clamp<qint64>(rank, 1, n);
    const auto nth = values.begin() + (rank - 1);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

bool StatsEngine::scan(const TimeWindow &window, const QString &domain, QList<Partial> *partials, QString *error) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    const QString sql = domain.isEmpty() ? QString(kScanSql + kGroupSql)
                                         : QString(kScanSql + QStringLiteral(" AND domain = :domain") + kGroupSql);
    if (!query.prepare(sql)) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot prepare the stats query"), query);
        return false;
    }
    query.bindValue(QStringLiteral(":since"), window.sinceKey());
    query.bindValue(QStringLiteral(":until"), window.untilKey());
    if (!domain.isEmpty())
        query.bindValue(QStringLiteral(":domain"), domain.toLower());
    if (!query.exec()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read probe statistics"), query);
        return false;
    }
    while (query.next()) {
        Partial p;
        p.domain = query.value(0).toString();
        p.host = query.value(1).toString();
        p.probes = query.value(2).toLongLong();
        p.successes = query.value(3).toLongLong();
        countTokens(query.value(4).toString(), p.failuresByStatus);
        countTokens(query.value(5).toString(), p.failuresByPhase);
        parseInts(query.value(6).toString(), p.connect);
        parseInts(query.value(7).toString(), p.greeting);
        parseInts(query.value(8).toString(), p.tls);
        partials->append(std::move(p));
    }
    if (query.lastError().isValid()) {
        if (error)
            *error = sqlFailure(QStringLiteral("cannot read probe statistics"), query);
        return false;
    }
    return true;
}

void StatsEngine::finish(GroupStats &group, QList<qint64> &connect, QList<qint64> &greeting, QList<qint64> &tls) const
{
    group.connectMs = { percentile(connect, 50), percentile(connect, 95) };
    group.greetingMs = { percentile(greeting, 50), percentile(greeting, 95) };
    group.tlsMs = { percentile(tls, 50), percentile(tls, 95) };
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
    if (!scan(window, domain, &partials, error))
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
            connect += std::move(p.connect);
            greeting += std::move(p.greeting);
            tls += std::move(p.tls);
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
    QList<Partial> partials;
    if (!scan(window, {}, &partials, error))
        return false;
    *providers = assignProviders(partials);
    return true;
}

bool StatsEngine::providerStats(const TimeWindow &window, QList<GroupStats> *stats, QString *error) const
{
    stats->clear();
    QList<Partial> partials;
    if (!scan(window, {}, &partials, error))
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
    QString sql = QStringLiteral("SELECT substr(started_at, 1, :len) AS bucket, count(*), sum(class = 'success')"
                                 " FROM probes WHERE started_at >= :since AND started_at < :until");
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
