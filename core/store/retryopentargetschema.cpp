#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration retryOpenTargetMigration()
{
    // v7: the partial index that keeps one open entry per target says "open" with OR instead of IN. SQLite
    // evaluates an IN list by building a temporary b-tree, and it evaluates a partial index's condition on every
    // insert and update of the table (twice per update): on a 1M-line log import that was about half of the
    // retry queue's store time. Queries that look up open targets must name the condition exactly as written here
    // for SQLite to use the index (RetryQueue's OpenCondition).
    return Migration { 7,
        {
            QStringLiteral("DROP INDEX retry_entries_open_target"),
            QStringLiteral("CREATE UNIQUE INDEX retry_entries_open_target ON retry_entries (target)"
                           " WHERE state = 'pending' OR state = 'paused' OR state = 'running'"),
        } };
}

} // namespace Mailpulse::Store
