#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Queue
{

/// How well retrying worked for one domain or one enhanced status (DESIGN.md "Retry queue"), over the queue
/// entries whose first failure lies in a time window.
///
/// Definitions (the contract `stats domains` and the GUI rely on):
/// - an entry is one soft-failure episode of one target (recipient, or domain for a domain-only probe);
/// - `attempted`: entries the queue retried at least once;
/// - `recovered`: entries that ended `succeeded` through one of the queue's own retry attempts (a later success from
///   a manual probe or an import resolves the entry too, but is not counted as a recovery);
/// - `attemptsToRecovery`: mean number of attempts of recovered entries, the original failure included (fail,
///   fail, succeed = 3);
/// - times are in seconds from the first failure to the recovering attempt.
struct RetryStats {
    QString key; // the domain (retryStatsByDomain) or the enhanced status of the first failure (retryStatsByStatus)
    qint64 entries = 0; // soft-failure episodes queued in the window
    qint64 attempted = 0;
    qint64 recovered = 0;
    double recoveryRate = 0.0; // recovered / attempted; 0 when nothing was attempted
    qint64 retryAttempts = 0; // retry attempts made (the original failures not counted)
    double attemptsToRecovery = 0.0; // 0 when nothing recovered
    qint64 medianSecondsToRecovery = -1; // -1 when nothing recovered
    qint64 recoveredWithAlternate = 0; // recoveries whose winning attempt used alternate settings (ladder)
};

/// Per domain, sorted by domain. `since`/`until` bound the first failure: [since, until); an invalid QDateTime
/// leaves that side open. Returns an empty list and sets `error` on a store failure (error stays empty otherwise).
QList<RetryStats> retryStatsByDomain(
    Store::Database &database, const QDateTime &since, const QDateTime &until, QString *error = nullptr);

/// Per enhanced status of the entry's first failure ("4.4.2", "4.7.1", …), sorted by status. Same window rules.
QList<RetryStats> retryStatsByStatus(
    Store::Database &database, const QDateTime &since, const QDateTime &until, QString *error = nullptr);

/// One domain's figures (key = domain; all zero, median -1, when it has no entries in the window).
RetryStats retryStatsForDomain(Store::Database &database, const QString &domain, const QDateTime &since,
    const QDateTime &until, QString *error = nullptr);

} // namespace Mailpulse::Queue
