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
    // import_files: per log file, keyed by its identity (device, inode) rather than its name, because rotation
    // renames files (mail.log → mail.log.1) and the renamed file must go on where it was read to: how many bytes
    // and lines were read, and a hash of the first head_length bytes. A file shorter than the offset or with
    // another head (copytruncate, a reused inode) is read from its start again. Without an identity (platforms
    // without inodes) device and inode are 0 and the path is the key.
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
                           " id INTEGER PRIMARY KEY,"
                           " path TEXT NOT NULL,"
                           " device INTEGER NOT NULL,"
                           " inode INTEGER NOT NULL,"
                           " size INTEGER NOT NULL,"
                           " read_offset INTEGER NOT NULL,"
                           " read_lines INTEGER NOT NULL DEFAULT 0,"
                           " head_length INTEGER NOT NULL,"
                           " head_hash TEXT NOT NULL,"
                           " compressed INTEGER NOT NULL DEFAULT 0,"
                           " updated_at TEXT NOT NULL"
                           ")"),
            QStringLiteral("CREATE INDEX import_files_identity ON import_files (device, inode)"),
            QStringLiteral("CREATE INDEX import_files_path ON import_files (path)"),
        } };
}

} // namespace Mailpulse::Store
