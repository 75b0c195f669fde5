#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bounceKeysMigration()
{
    // v5: bounces keep a 16-byte fingerprint key (store/fingerprintkey.h) instead of the 36-to-100-character text,
    // and lose the index on status. Measured on a 1M-line Postfix import: the table and its UNIQUE index shrink, and
    // the insert costs a quarter less CPU; the status index cost another fifth of the insert and served no query
    // (History, reports, the CLI and stats filter bounces by domain, recipient, time, fingerprint or probe only).
    //
    // SQLite cannot change a column's type or drop a UNIQUE constraint in place: the table is copied. The stored
    // texts go through mailpulse_fingerprint_key(), the function Database registers on every connection, which is
    // the one BounceRepository keys new rows with, so a file imported before the migration is still a duplicate
    // when imported again. OR IGNORE: two texts with one key would be one event by that very definition. The column
    // list repeats v2's on purpose: an applied migration never changes, so each keeps its own copy.
    return Migration { 5,
        {
            QStringLiteral("CREATE TABLE bounces_v5 ("
                           " id INTEGER PRIMARY KEY,"
                           " fingerprint BLOB NOT NULL UNIQUE,"
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
            QStringLiteral(
                "INSERT OR IGNORE INTO bounces_v5 (id, fingerprint, source, probe_id, occurred_at, recipient,"
                " domain, status, class, reason, action, reply_code, remote_mta, diagnostic, source_ref)"
                " SELECT id, mailpulse_fingerprint_key(fingerprint), source, probe_id, occurred_at,"
                " recipient, domain, status, class, reason, action, reply_code, remote_mta, diagnostic,"
                " source_ref FROM bounces ORDER BY id"),
            QStringLiteral("DROP TABLE bounces"),
            QStringLiteral("ALTER TABLE bounces_v5 RENAME TO bounces"),
            QStringLiteral("CREATE INDEX bounces_domain_occurred ON bounces (domain, occurred_at)"),
            QStringLiteral("CREATE INDEX bounces_recipient_occurred ON bounces (recipient, occurred_at)"),
            QStringLiteral("CREATE INDEX bounces_probe ON bounces (probe_id) WHERE probe_id IS NOT NULL"),
        } };
}

} // namespace Mailpulse::Store
