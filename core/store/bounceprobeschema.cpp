#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bounceProbeDeferredMigration()
{
    // v9: a bounce's link to its probe is checked when the transaction commits (DEFERRABLE INITIALLY DEFERRED), not
    // after each statement. An immediate foreign key makes SQLite keep a statement journal for every INSERT of many
    // rows (a statement that may fail halfway must undo its own rows): a copy of each page the statement changes,
    // and the fingerprint index is changed in random order. Without it an import writes bounces 64 rows to a
    // statement: on 22,841 rows of a Postfix log, 767M instructions one row at a time, 640M with 64-row statements
    // and a deferred key, and no gain with an immediate one (the journal eats it). What the key guarantees is the
    // same: a transaction that leaves a bounce naming a probe that does not exist fails to commit, and deleting a
    // probe still sets its bounces' probe_id to NULL at once (actions are not deferred).
    //
    // SQLite cannot alter a constraint in place: the table is copied, ids included, and its indexes made again.
    // The column list is the table's as v5, v6 and v8 left it.
    return Migration { 9,
        {
            QStringLiteral("CREATE TABLE bounces_v9 ("
                           " id INTEGER PRIMARY KEY,"
                           " fingerprint BLOB NOT NULL UNIQUE,"
                           " source TEXT NOT NULL,"
                           " probe_id INTEGER REFERENCES probes (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,"
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
                           " source_ref TEXT,"
                           " domain_key INTEGER"
                           ")"),
            QStringLiteral("INSERT INTO bounces_v9 (id, fingerprint, source, probe_id, occurred_at, recipient, domain,"
                           " status, class, reason, action, reply_code, remote_mta, diagnostic, source_ref, domain_key)"
                           " SELECT id, fingerprint, source, probe_id, occurred_at, recipient, domain, status, class,"
                           " reason, action, reply_code, remote_mta, diagnostic, source_ref, domain_key FROM bounces"
                           " ORDER BY id"),
            QStringLiteral("DROP TABLE bounces"),
            QStringLiteral("ALTER TABLE bounces_v9 RENAME TO bounces"),
            QStringLiteral("CREATE INDEX bounces_probe ON bounces (probe_id) WHERE probe_id IS NOT NULL"),
            QStringLiteral("CREATE INDEX bounces_domain_key ON bounces (domain_key, occurred_at)"),
        } };
}

} // namespace Mailpulse::Store
