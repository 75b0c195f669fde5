#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration retryQueueMigration()
{
    // v3: the retry queue (core/queue). Times are ISO 8601 UTC with milliseconds (Smtp::toIsoUtc), so string
    // comparison is time order. States and other vocabularies are not CHECK-constrained: SQLite cannot alter a
    // constraint and the vocabularies may grow.
    return Migration { 3,
        {
            // One row per soft-failure episode of one target. At most one open (pending, paused, running) row per
            // target, enforced by the partial unique index below; a closed row (succeeded, expired, failed,
            // cancelled) stays as history and for statistics, and a later failure opens a new row.
            // `running` carries a lease (lease_pid, lease_until): a row whose lease ran out or whose owning process
            // is gone goes back to pending, so a crash never leaves a row stuck.
            QStringLiteral("CREATE TABLE retry_entries ("
                           " id INTEGER PRIMARY KEY,"
                           " target TEXT NOT NULL,"
                           " recipient TEXT,"
                           " domain TEXT NOT NULL,"
                           " state TEXT NOT NULL,"
                           " status TEXT,"
                           " class TEXT NOT NULL,"
                           " reason TEXT,"
                           " first_status TEXT,"
                           " first_reason TEXT,"
                           " source TEXT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 1,"
                           " failures INTEGER NOT NULL DEFAULT 1,"
                           " ladder_step INTEGER NOT NULL DEFAULT 0,"
                           " first_failed_at TEXT NOT NULL,"
                           " last_attempt_at TEXT,"
                           " next_attempt_at TEXT,"
                           " expires_at TEXT NOT NULL,"
                           " lease_pid INTEGER,"
                           " lease_until TEXT,"
                           " config_json TEXT NOT NULL,"
                           " settings_json TEXT NOT NULL,"
                           " resolved_at TEXT,"
                           " resolved_by TEXT,"
                           " recovered INTEGER NOT NULL DEFAULT 0,"
                           " recovered_with_alternate INTEGER NOT NULL DEFAULT 0"
                           ")"),
            QStringLiteral("CREATE UNIQUE INDEX retry_entries_open_target ON retry_entries (target)"
                           " WHERE state IN ('pending', 'paused', 'running')"),
            QStringLiteral("CREATE INDEX retry_entries_state_next ON retry_entries (state, next_attempt_at)"),
            QStringLiteral("CREATE INDEX retry_entries_domain_first ON retry_entries (domain, first_failed_at)"),
            QStringLiteral("CREATE INDEX retry_entries_first ON retry_entries (first_failed_at)"),
            // Every outcome that touched an entry: the original failure (kind 'initial'), the queue's own attempts
            // ('retry') and outcomes from elsewhere ('external': a manual probe, an imported bounce).
            QStringLiteral("CREATE TABLE retry_attempts ("
                           " id INTEGER PRIMARY KEY,"
                           " entry_id INTEGER NOT NULL REFERENCES retry_entries (id) ON DELETE CASCADE,"
                           " at TEXT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " source TEXT NOT NULL,"
                           " settings_json TEXT,"
                           " alternate INTEGER NOT NULL DEFAULT 0,"
                           " status TEXT,"
                           " class TEXT NOT NULL,"
                           " reason TEXT,"
                           " probe_id INTEGER"
                           ")"),
            QStringLiteral("CREATE INDEX retry_attempts_entry ON retry_attempts (entry_id, at)"),
            // Alternate settings that cured a domain's connection failures, used first by its later entries.
            QStringLiteral("CREATE TABLE domain_settings ("
                           " domain TEXT PRIMARY KEY,"
                           " settings_json TEXT NOT NULL,"
                           " learned_at TEXT NOT NULL,"
                           " entry_id INTEGER,"
                           " cured_status TEXT"
                           ")"),
        } };
}

} // namespace Mailpulse::Store
