#pragma once

#include <QHash>
#include <QString>

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Stats
{

struct TimeWindow;

/// What stats take from the retry queue for one domain.
struct RetryFigures {
    qint64 retried = 0; // queue entries retried at least once
    qint64 recovered = 0; // of those, recovered by a retry
};

/// The retry columns of the stats, per domain, for queue entries whose first failure lies in the window: the one
/// place stats read the retry queue (Queue::retryStatsByDomain). False and `error` on a store failure.
bool retryFiguresByDomain(
    Store::Database &database, const TimeWindow &window, QHash<QString, RetryFigures> *figures, QString *error);

} // namespace Mailpulse::Stats
