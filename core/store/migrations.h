#pragma once

#include <QList>
#include <QStringList>

namespace Mailpulse::Store
{

/// One schema step: the statements that take the schema from version `version - 1` to `version`.
/// Applied once, in one transaction, and recorded in PRAGMA user_version. An applied migration is never edited:
/// a change to the schema is a new migration appended to the list.
struct Migration {
    int version = 0;
    QStringList statements; // one SQL statement each (QSQLITE executes only the first statement of a string)
};

/// Mailpulse's migrations, ordered by version 1..N without gaps.
QList<Migration> schemaMigrations();

/// v2: bounce events (from probes, DSNs and MTA logs) and the read positions of imported log files.
Migration bouncesMigration();
/// v3: retry queue entries, their attempts, and per-domain remembered settings.
Migration retryQueueMigration();
/// v4: the contact list, its notes, and what statistics need beyond the probes table.
Migration contactsMigration();
/// v5: bounce fingerprints stored as 16-byte keys; no index on bounce status.
Migration bounceKeysMigration();
/// v6: bounces indexed by integer keys of their recipient and domain (LookupKey), not by the texts.
Migration bounceLookupMigration();
/// v7: the retry queue's one-open-entry-per-target index with an OR condition, which SQLite checks cheaply.
Migration retryOpenTargetMigration();
/// v8: bounces without the recipient index (bouncerecipientschema.cpp).
Migration bounceRecipientIndexMigration();
/// v9: bounces' foreign key to their probe checked at commit, so that imports insert many rows per statement.
Migration bounceProbeDeferredMigration();

/// SQLite's application_id (file header offset 68) for Mailpulse stores: "MPls". Lets open() tell a Mailpulse
/// store from some other program's SQLite file before touching it.
inline constexpr qint32 ApplicationId = 0x4D506C73;

} // namespace Mailpulse::Store
