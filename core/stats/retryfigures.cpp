#include "stats/retryfigures.h"

#include "queue/retrystats.h"
#include "stats/timewindow.h"

namespace Mailpulse::Stats
{

bool retryFiguresByDomain(
    Store::Database &database, const TimeWindow &window, QHash<QString, RetryFigures> *figures, QString *error)
{
    figures->clear();
    QString queueError;
    const QList<Queue::RetryStats> stats = Queue::retryStatsByDomain(database, window.since, window.until, &queueError);
    if (!queueError.isEmpty()) {
        if (error)
            *error = queueError;
        return false;
    }
    // `attempted` is the denominator of the queue's recovery rate: "retries" means entries that were retried, so
    // that recovery_rate = recovered / retries holds in the stats output too.
    for (const Queue::RetryStats &s : stats)
        figures->insert(s.key, { s.attempted, s.recovered });
    return true;
}

} // namespace Mailpulse::Stats
