#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bouncesMigration()
{
    // v2: bounce events from every source, and how far each MTA log was read.
    //
    // bounces: one row per recipient outcome (successes too: they resolve retry entries and contacts). The
    // fingerprint makes imports idempotent (INSERT OR IGNORE against its UNIQUE index). Times are ISO 8601 UTC
    // text as in probes.started_at, so text order is time order. The three indexes serve the views and reports:
    // a domain's or a recipient's history by time, and counts by status. No CHECK constraints on vocabularies
    // (source, class, reason, action): SQLite cannot alter a constraint, and those vocabularies may grow.
    //
    // import_files: per log path, the file identity (device, inode), how many bytes were read and a hash of its
    // first head_length bytes. A rotated file (other inode, shorter than the offset, or another head) is read
    // from its start again; otherwise reading resumes at read_offset.
    return Migration { 2,
        {
            QStringLiteral("CREATE TABLE bounces ("
                           " id INTEGER PRIMARY KEY,"
                           " fingerprint TEXT NOT NULL UNIQUE,"
                           " source TEXT NOT NULL,"
                           " probe_id INTEGER REFERENCES probes (id) ON DELETE SET NULL,"
                           " occurred_at TEXT,"
                           " recipient TEXT,"
                           " domain TEXT,"
                           " status TEXT,"
                           " class TEXT NOT NULL,"
                           " reason TEXT,"
                           " action TEXT,"
                           " reply_code INTEGER,"
                           " remote_mta TEXT,"
                           " diagnostic TEXT,"
                           " source_ref TEXT"
                           ")"),
            QStringLiteral("CREATE INDEX bounces_domain_occurred ON bounces (domain, occurred_at)"),
            QStringLiteral("CREATE INDEX bounces_recipient_occurred ON bounces (recipient, occurred_at)"),
            QStringLiteral("CREATE INDEX bounces_status ON bounces (status)"),
            QStringLiteral("CREATE INDEX bounces_probe ON bounces (probe_id) WHERE probe_id IS NOT NULL"),
            QStringLiteral("CREATE TABLE import_files ("
                           " path TEXT PRIMARY KEY,"
                           " device INTEGER,"
                           " inode INTEGER,"
                           " size INTEGER NOT NULL,"
                           " read_offset INTEGER NOT NULL,"
                           " read_lines INTEGER NOT NULL DEFAULT 0,"
                           " head_length INTEGER NOT NULL,"
                           " head_hash TEXT NOT NULL,"
                           " compressed INTEGER NOT NULL DEFAULT 0,"
                           " updated_at TEXT NOT NULL"
                           ")"),
            QStringLiteral("CREATE INDEX import_files_identity ON import_files (device, inode)"),
        } };
}

} // namespace Mailpulse::Store
