#pragma once

#include <memory>
#include <span>

#include <QDateTime>
#include <QList>
#include <QString>

#include "bounce/bounceevent.h"

namespace Mailpulse::Store
{

class BounceRow;
class Database;

/// Bounce events in the `bounces` table (schema v2, keys v5), one row per recipient outcome, idempotent by
/// fingerprint (stored as its FingerprintKey: events read back carry "key:<hex>" as their fingerprint).
/// Keeps its prepared insert statements between insert() calls, because imports store millions of rows: destroy
/// the repository (or call release()) before closing the Database.
class BounceRepository final
{
public:
    explicit BounceRepository(Database &database);
    ~BounceRepository();
    Q_DISABLE_COPY_MOVE(BounceRepository)

    enum class InsertResult { Inserted, Duplicate, Failed };

    /// Stores `event` unless an event with its fingerprint is stored (Duplicate). `probeId` > 0 links a probe row.
    /// Runs in the caller's transaction, if any. An event without a fingerprint is refused (Failed).
    InsertResult insert(const Bounce::BounceEvent &event, qint64 probeId = 0, QString *error = nullptr);
    /// The same, for an event prepared as its row (BounceRow::of()).
    InsertResult insert(const BounceRow &row, QString *error = nullptr);
    /// The same for many rows, in order, with many rows to a statement (an import's way: SQLite's cost per
    /// statement is about a third of a single-row insert). `results[i]` says what became of rows[i]; of two rows
    /// with one fingerprint the first is stored. False on a failure (`error` says why; the rows of earlier
    /// statements stay stored, so run it in a transaction the caller rolls back). A row without a fingerprint
    /// fails the call before anything is stored.
    bool insert(std::span<const BounceRow *const> rows, InsertResult *results, QString *error = nullptr);
    /// Stores all events in one transaction: all of them or, on any failure, none. Duplicates are skipped and
    /// counted, not failures.
    bool insertAll(const QList<Bounce::BounceEvent> &events, int *inserted = nullptr, int *duplicates = nullptr,
        QString *error = nullptr);
    /// Drops the prepared statement (it is prepared again on the next insert()).
    void release();

    /// Most recent first (by occurred_at, then insertion order). `limit` <= 0 means all; an empty `domain` means
    /// every domain.
    QList<Bounce::BounceEvent> recent(int limit, const QString &domain = {}) const;
    /// One recipient's events, most recent first (the recipient as stored: domain part lower-cased). Reads the whole
    /// table: bounces are not indexed by recipient (schema v8), as nothing in the app looks them up that way.
    QList<Bounce::BounceEvent> forRecipient(const QString &recipient, int limit = 0) const;
    /// Number of stored events, for one domain if given; -1 on failure.
    qint64 count(const QString &domain = {}) const;
    /// Whether an event with this fingerprint (as parsed, or as read back) is stored.
    bool contains(const QString &fingerprint) const;
    /// The probe row an event belongs to (0 for none or unknown).
    qint64 probeIdOf(const QString &fingerprint) const;

private:
    struct Statements;
    /// After a statement of `rows` that stored `stored` of them, the last with id `lastId`: which ones.
    bool sortOut(
        int stored, qint64 lastId, std::span<const BounceRow *const> rows, InsertResult *results, QString *error);
    Database &m_database;
    std::unique_ptr<Statements> m_statements;
};

} // namespace Mailpulse::Store
