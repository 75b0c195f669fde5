#include "queue/retrystats.h"

#include <algorithm>
#include <map>

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "smtp/proberesultjson.h"
#include "store/database.h"

namespace Mailpulse::Queue
{

namespace
{

enum class GroupBy { Domain, Status };

struct Accumulator {
    RetryStats stats;
    qint64 attemptsOfRecovered = 0;
    QList<qint64> secondsToRecovery;
};

QVariant boundOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(Smtp::toIsoUtc(time)) : QVariant(QMetaType::fromType<QString>());
}

qint64 median(QList<qint64> values)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    // The lower of the two middle values for an even count: a time that actually happened.
    return values.at((n - 1) / 2);
}

RetryStats finish(Accumulator &a)
{
    RetryStats s = a.stats;
    s.recoveryRate = s.attempted > 0 ? double(s.recovered) / double(s.attempted) : 0.0;
    s.attemptsToRecovery = s.recovered > 0 ? double(a.attemptsOfRecovered) / double(s.recovered) : 0.0;
    s.medianSecondsToRecovery = median(a.secondsToRecovery);
    return s;
}

QList<RetryStats> compute(Store::Database &database, GroupBy groupBy, const QString &domain, const QDateTime &since,
    const QDateTime &until, QString *error)
{
    QSqlQuery q(database.connection());
    q.setForwardOnly(true);
    // Retry attempts counted per entry in one pass; the window bounds the first failure.
    const bool ok = q.prepare(QStringLiteral(
        "SELECT e.domain, e.first_status, e.first_failed_at, e.resolved_at, e.recovered, e.recovered_with_alternate,"
        " e.attempts, (SELECT count(*) FROM retry_attempts a WHERE a.entry_id = e.id AND a.kind = 'retry')"
        " FROM retry_entries e"
        " WHERE (? IS NULL OR e.first_failed_at >= ?) AND (? IS NULL OR e.first_failed_at < ?)"
        " AND (? IS NULL OR e.domain = ?)"));
    if (ok) {
        const QVariant from = boundOrNull(since);
        const QVariant to = boundOrNull(until);
        const QVariant only = domain.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(domain);
        for (const QVariant &v : { from, from, to, to, only, only })
            q.addBindValue(v);
    }
    if (!ok || !q.exec()) {
        if (error)
            *error = QStringLiteral("retry statistics: %1").arg(q.lastError().text());
        return {};
    }
    std::map<QString, Accumulator> groups; // sorted by key
    while (q.next()) {
        const QString key = groupBy == GroupBy::Domain ? q.value(0).toString() : q.value(1).toString();
        Accumulator &a = groups[key];
        a.stats.key = key;
        ++a.stats.entries;
        const qint64 retries = q.value(7).toLongLong();
        a.stats.retryAttempts += retries;
        if (retries > 0)
            ++a.stats.attempted;
        if (q.value(4).toBool()) {
            ++a.stats.recovered;
            if (q.value(5).toBool())
                ++a.stats.recoveredWithAlternate;
            a.attemptsOfRecovered += q.value(6).toLongLong();
            const QDateTime first = Smtp::fromIsoUtc(q.value(2).toString());
            const QDateTime resolved = Smtp::fromIsoUtc(q.value(3).toString());
            if (first.isValid() && resolved.isValid())
                a.secondsToRecovery.append(std::max<qint64>(0, first.secsTo(resolved)));
        }
    }
    QList<RetryStats> list;
    for (auto &[key, accumulator] : groups)
        list.append(finish(accumulator));
    return list;
}

} // namespace

QList<RetryStats> retryStatsByDomain(
    Store::Database &database, const QDateTime &since, const QDateTime &until, QString *error)
{
    return compute(database, GroupBy::Domain, {}, since, until, error);
}

QList<RetryStats> retryStatsByStatus(
    Store::Database &database, const QDateTime &since, const QDateTime &until, QString *error)
{
    return compute(database, GroupBy::Status, {}, since, until, error);
}

RetryStats retryStatsForDomain(
    Store::Database &database, const QString &domain, const QDateTime &since, const QDateTime &until, QString *error)
{
    const QList<RetryStats> list = compute(database, GroupBy::Domain, domain, since, until, error);
    if (!list.isEmpty())
        return list.first();
    RetryStats empty;
    empty.key = domain;
    return empty;
}

} // namespace Mailpulse::Queue
