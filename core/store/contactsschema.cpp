#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration contactsMigration()
{
    // v4 (issue 5): statistics support and the contact list. Times are the store's fixed-width ISO 8601 UTC strings
    // (Smtp::toIsoUtc), so that they sort and compare as text.
    return Migration { 4,
        {
            // Stats: one ordered, covering pass over (domain, host) groups for `stats domains|providers`. Every
            // column the aggregation reads is in the index, so SQLite never visits the table rows (which carry
            // the bulky result_json). The window filter on started_at is applied inside the index scan.
            QStringLiteral("CREATE INDEX probes_stats ON probes"
                           " (domain, host, started_at, class, status, phase, connect_ms, greeting_ms, tls_ms)"),

            // Every recipient that failed at least once: its current run of consecutive failures. Successes reset
            // the run; a recipient never seen failing has no row (successful recipients are not stored twice).
            QStringLiteral("CREATE TABLE recipient_streaks ("
                           " address TEXT PRIMARY KEY,"
                           " domain TEXT NOT NULL,"
                           " failures INTEGER NOT NULL DEFAULT 0,"
                           " first_failed_at TEXT,"
                           " last_failed_at TEXT,"
                           " last_status TEXT,"
                           " last_class TEXT,"
                           " last_reason TEXT,"
                           " last_success_at TEXT,"
                           " last_outcome_at TEXT NOT NULL"
                           ") WITHOUT ROWID"),

            // The contact list: recipients that keep failing. `rule` is why the entry was opened
            // (consecutive-failures or hard-bounce); `failures`, first/last_failed_at count the failures since it
            // was (re)opened. No CHECK on status or rule: SQLite cannot alter a constraint, and the vocabularies
            // may grow; ContactList validates them.
            QStringLiteral("CREATE TABLE contacts ("
                           " address TEXT PRIMARY KEY,"
                           " domain TEXT NOT NULL,"
                           " status TEXT NOT NULL,"
                           " rule TEXT NOT NULL,"
                           " failures INTEGER NOT NULL,"
                           " last_status TEXT,"
                           " last_class TEXT,"
                           " reason TEXT,"
                           " first_failed_at TEXT,"
                           " last_failed_at TEXT,"
                           " last_success_at TEXT,"
                           " opened_at TEXT NOT NULL,"
                           " status_changed_at TEXT NOT NULL"
                           ")"),
            QStringLiteral("CREATE INDEX contacts_status ON contacts (status, last_failed_at)"),
            QStringLiteral("CREATE INDEX contacts_domain ON contacts (domain)"),

            // Contact details a user entered or imported. Kept apart from `contacts` because they may arrive before a
            // recipient is listed (an imported address book) and must survive an entry's whole life.
            QStringLiteral("CREATE TABLE contact_details ("
                           " address TEXT PRIMARY KEY,"
                           " name TEXT,"
                           " phone TEXT,"
                           " alt_email TEXT,"
                           " updated_at TEXT NOT NULL"
                           ") WITHOUT ROWID"),

            // The workflow's history: every status change (by a user or by a reopening failure) and every note.
            QStringLiteral("CREATE TABLE contact_notes ("
                           " id INTEGER PRIMARY KEY,"
                           " address TEXT NOT NULL REFERENCES contacts (address) ON DELETE CASCADE,"
                           " at TEXT NOT NULL,"
                           " status TEXT NOT NULL,"
                           " author TEXT NOT NULL,"
                           " text TEXT"
                           ")"),
            QStringLiteral("CREATE INDEX contact_notes_address ON contact_notes (address, at)"),
        } };
}

} // namespace Mailpulse::Store
