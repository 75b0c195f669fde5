#pragma once

#include <memory>
#include <optional>

#include <QDateTime>
#include <QList>
#include <QString>

#include "common/clock.h"
#include "queue/retryentry.h"
#include "queue/retrypolicy.h"
#include "queue/retrysettings.h"
#include "tracking/outcome.h"

class QSqlQuery;

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Queue
{

/// The retry queue in the store: an OutcomeSink that turns soft failures into entries (one open entry per
/// target), resolves them on a later success and closes them on a hard failure, plus the repository the scheduler,
/// the CLI and the GUI work with (reading, claiming under a lease, manual actions).
///
/// record() runs inside the OutcomeRecorder's transaction. The other writes each run in their own short
/// transaction, so several processes (GUI and CLI) can share one store.
class RetryQueue final : public Tracking::OutcomeSink
{
public:
    enum class ActionResult { Done, NotFound, NotAllowed, Failed };

    /// One of the queue's own attempts, announced by the scheduler around OutcomeRecorder::recordProbe() so that
    /// record() attributes the outcome to the entry (a retry, not an unrelated probe of the same target).
    struct Attempt {
        qint64 entryId = 0;
        RetrySettings settings;
        bool alternate = false;
    };

    RetryQueue(Store::Database &database, const Clock *clock, RetryPolicy policy = RetryPolicy());
    ~RetryQueue() override;
    Q_DISABLE_COPY_MOVE(RetryQueue)

    void setPolicy(const RetryPolicy &policy) { m_policy = policy; }
    const RetryPolicy &policy() const { return m_policy; }

    /// Keeps record()'s prepared statements between calls (they are prepared again if the Database was reopened):
    /// destroy the queue, or call releaseStatements(), before the Database is closed.
    Result record(const Tracking::Outcome &outcome, QString *error) override;
    /// Drops record()'s prepared statements; they are prepared again on the next record().
    void releaseStatements();
    /// Within a batch, record() knows which targets have an open entry (read once at the start) and what the
    /// domains' remembered settings are, so that most outcomes (successes without an entry) need no read. It keeps
    /// the entries it touched in memory and writes their changed states in flushBatch() (or when it keeps too
    /// many): an entry that a log defers ten times and then delivers is updated once, not eleven times. An entry
    /// the batch creates is inserted then, whole, with its attempts after it: entry ids come out as without a
    /// batch (in the order of creation), attempt ids grouped by entry.
    bool beginBatch(QString *error) override;
    bool flushBatch(QString *error) override;
    void endBatch() override;
    /// The SQL condition "the entry is open", as the open-target index states it: queries that look up open
    /// entries name it so, or SQLite cannot use that index.
    static QString openCondition();
    /// How many entries a batch keeps before it writes them and starts again (tests set a small one).
    void setBatchKeepLimit(qsizetype limit) { m_keepLimit = limit; }

    void beginAttempt(const Attempt &attempt) { m_attempt = attempt; }
    void endAttempt() { m_attempt.reset(); }

    // Reading. nullopt / empty with `error` empty means "none"; with `error` set, a store failure.
    std::optional<RetryEntry> entry(qint64 id, bool withHistory = true, QString *error = nullptr) const;
    std::optional<RetryEntry> openEntry(const QString &target, QString *error = nullptr) const;
    /// Oldest first; `state` nullopt: every state.
    QList<RetryEntry> entries(
        std::optional<EntryState> state = std::nullopt, bool withHistory = true, QString *error = nullptr) const;
    /// Pending entries due at `now`, the longest overdue first.
    QList<qint64> dueIds(const QDateTime &now, QString *error = nullptr) const;
    /// Every pending entry, the earliest due first.
    QList<qint64> pendingIds(QString *error = nullptr) const;
    /// The earliest next attempt of a pending entry; invalid when none is pending.
    QDateTime nextDueAt(QString *error = nullptr) const;
    /// -1 on failure.
    qint64 count(std::optional<EntryState> state = std::nullopt) const;
    /// Settings that cured the domain's connection failures before.
    std::optional<RetrySettings> rememberedSettings(const QString &domain, QString *error = nullptr) const;

    // The scheduler's side.
    /// pending → running under a lease held by this process until now + leaseMs. False with `error` empty when
    /// the entry is not pending (any more): someone else runs it, or the user paused or cancelled it.
    bool claim(qint64 id, qint64 leaseMs, QString *error = nullptr);
    /// running → pending without an outcome (the attempt could not be recorded); keeps the schedule.
    bool release(qint64 id, QString *error = nullptr);
    /// Running entries whose lease ran out or whose owning process is gone go back to pending: a crash never
    /// leaves an entry stuck. Returns how many, -1 on failure.
    int reclaimStale(QString *error = nullptr);
    /// Pending and paused entries past their lifetime become expired (nothing ran while they were due).
    int expireOverdue(QString *error = nullptr);
    /// Entries that fell due while nothing ran are spread out: the i-th (oldest first) is rescheduled to
    /// now + (i / batch) × spacing, so that a restart after a long pause does not retry everything at once.
    int spreadOverdue(int batch, int spacingSecs, QString *error = nullptr);

    // Manual actions (GUI, CLI).
    /// Pending or paused (or running: the attempt in flight then only records) → paused.
    ActionResult pause(qint64 id, QString *error = nullptr);
    /// Paused → pending; due at once if its time passed while paused.
    ActionResult resume(qint64 id, QString *error = nullptr);
    /// Any open state → cancelled.
    ActionResult cancel(qint64 id, QString *error = nullptr);
    /// Pending → due now.
    ActionResult retryNow(qint64 id, QString *error = nullptr);

private:
    struct Statements;
    Statements &statements();
    /// Reads what a batch keeps (the open targets, whether any settings are remembered).
    bool loadBatch(QString *error);
    /// The id of the target's open entry, 0 for none.
    bool openEntryId(const QString &target, qint64 *id, QString *error);
    std::optional<RetryEntry> readEntry(qint64 id, QString *error);
    /// rememberedSettings() through a kept statement.
    std::optional<RetrySettings> remembered(const QString &domain, QString *error);
    Result recordSuccess(const Tracking::Outcome &o, const RetryEntry &e, bool ours, QString *error);
    Result recordFailure(const Tracking::Outcome &o, const RetryEntry &e, bool ours, QString *error);
    Result createEntry(const Tracking::Outcome &o, QString *error);
    /// In a batch: keeps `entry` as its target's latest state, to be written by flushBatch() (see Batch).
    /// In a batch: room for one more kept entry (writes and drops what is kept when the limit is reached).
    bool makeRoom(QString *error);
    bool keepChanged(RetryEntry entry, bool clearLease, bool resolved, bool recovery, QString *error);
    struct Batch;
    struct KeptEntry;
    struct AttemptRow;
    bool writeKept(KeptEntry &kept, QString *error);
    /// Inserts an entry not yet in the store, then its attempts; `config` is the probe's (nullptr for an import).
    bool insertKept(KeptEntry &kept, const Smtp::ProbeConfig *config, QString *error);
    /// Inserts the attempt, or keeps it with its entry when that is not in the store yet (a negative id).
    bool insertAttempt(qint64 entryId, const Tracking::Outcome &o, const QString &kind, bool alternate,
        const std::optional<RetrySettings> &settings, QString *error);
    bool writeAttempt(qint64 entryId, const AttemptRow &row, QString *error);
    /// flushBatch()'s inserts of the entries the batch created (provisional ids, in flushBatch()'s order), and
    /// then of their attempts, many rows to a statement: ids and rows as insertKept() gives them one by one.
    bool insertCreated(const QList<qint64> &created, QString *error);
    /// When the open entry `e` last failed: its latest attempt, else its first failure.
    static QDateTime latestFailure(const RetryEntry &e);
    std::optional<RetrySettings> usedSettings(const Tracking::Outcome &o) const;
    ActionResult changeState(qint64 id, const QList<EntryState> &from, EntryState to, bool dueNow, QString *error);
    QList<RetryEntry> select(
        const QString &where, const QList<QVariant> &values, bool withHistory, QString *error) const;
    bool loadHistory(RetryEntry &entry, QString *error) const;

    Store::Database &m_database;
    const Clock *m_clock;
    RetryPolicy m_policy;
    std::optional<Attempt> m_attempt;
    std::unique_ptr<Statements> m_statements;
    std::unique_ptr<Batch> m_batch;
    qsizetype m_keepLimit = 8192; // about 10 MB of entries
    // createEntry()'s first settings for an outcome without a probe's config and with nothing remembered for its
    // domain (every outcome of a log import, nearly): always the same, worked out once (the ladder builds its
    // whole cycle of settings each time). For a connection-class failure, and for any other.
    std::optional<RetrySettings> m_plainLadderRung;
    std::optional<RetrySettings> m_plainOrigin;
};

} // namespace Mailpulse::Queue
