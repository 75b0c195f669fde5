#include "queue/retryqueue.h"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <unordered_map>
#include <utility>

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

#include "queue/queuelogging.h"
#include "queue/retryladder.h"
#include "smtp/proberesultjson.h"
#include "store/bulkinsert.h"
#include "store/database.h"
#include "store/isotime.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace Mailpulse::Queue
{

using Bounce::DeliveryClass;
using Tracking::Outcome;

namespace
{

// "The entry is open", as the unique index retry_entries_open_target says it (store schema v7): a query must name
// it exactly so for SQLite to find open entries by that index.
#define MAILPULSE_OPEN_CONDITION "(state = 'pending' OR state = 'paused' OR state = 'running')"

const QString kColumns = QStringLiteral(
    "id, target, recipient, domain, state, status, class, reason, first_status, first_reason, source, attempts,"
    " failures, ladder_step, first_failed_at, last_attempt_at, next_attempt_at, expires_at, lease_pid, lease_until,"
    " config_json, settings_json, resolved_at, resolved_by, recovered, recovered_with_alternate");

// The columns of retry_entries an insert writes (all but id and the lease), and one row of their values.
const QString kEntryColumns = QStringLiteral(
    "target, recipient, domain, state, status, class, reason, first_status, first_reason, source, attempts,"
    " failures, ladder_step, first_failed_at, last_attempt_at, next_attempt_at, expires_at, config_json,"
    " settings_json, resolved_at, resolved_by, recovered, recovered_with_alternate");
const QString kEntryRow = QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

QVariant nullText() { return QVariant(QMetaType::fromType<QString>()); }
QVariant textOrNull(const QString &text) { return text.isEmpty() ? nullText() : QVariant(text); }
// The store's time text (Store::IsoTime), or NULL.
QVariant timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(Store::IsoTime::toText(time)) : nullText();
}
QDateTime timeOf(const QVariant &value) { return value.isNull() ? QDateTime() : Smtp::fromIsoUtc(value.toString()); }

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QVariant &value) { return QJsonDocument::fromJson(value.toString().toUtf8()).object(); }

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    qCWarning(lcQueue).noquote() << message;
    return false;
}

bool run(QSqlQuery &query, QString *error)
{
    if (query.exec())
        return true;
    return fail(error, QStringLiteral("retry queue: %1").arg(query.lastError().text()));
}

bool prepare(QSqlQuery &query, const QString &sql, QString *error)
{
    if (query.prepare(sql))
        return true;
    return fail(error, QStringLiteral("retry queue: cannot prepare: %1").arg(query.lastError().text()));
}

bool ready(Store::Statement &statement, QString *error)
{
    QString message;
    return statement.ready(&message) || fail(error, QStringLiteral("retry queue: cannot prepare: %1").arg(message));
}

bool run(Store::Statement &statement, QString *error)
{
    QString message;
    return statement.exec(&message) || fail(error, QStringLiteral("retry queue: %1").arg(message));
}

// The JSON columns an import's entries share (the default ProbeConfig, the same few settings): parsed and
// written once, not once per outcome.
struct JsonMemo {
    QString configText;
    Smtp::ProbeConfig config;
    bool hasConfig = false;
    QString settingsText;
    std::optional<RetrySettings> settings;
    bool hasSettings = false;

    const Smtp::ProbeConfig &configOf(const QVariant &value)
    {
        const QString text = value.toString();
        if (!hasConfig || text != configText) {
            config = probeConfigFromJson(jsonObject(text));
            configText = text;
            hasConfig = true;
        }
        return config;
    }
    const std::optional<RetrySettings> &settingsOf(const QVariant &value)
    {
        const QString text = value.toString();
        if (!hasSettings || text != settingsText) {
            settings = RetrySettings::fromJson(jsonObject(text));
            settingsText = text;
            hasSettings = true;
        }
        return settings;
    }
};

bool processAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    if (pid <= 0)
        return false;
    // Signal 0 checks existence only; EPERM means it exists under another user.
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#else
    Q_UNUSED(pid);
    return true; // rely on the lease alone
#endif
}

qint64 ownPid() { return QCoreApplication::applicationPid(); }

// A row of kColumns, from a QSqlQuery or a Store::Statement.
template <typename Row> RetryEntry entryFrom(const Row &q, JsonMemo *memo = nullptr)
{
    RetryEntry e;
    e.id = q.value(0).toLongLong();
    e.target = q.value(1).toString();
    e.recipient = q.value(2).toString();
    e.domain = q.value(3).toString();
    e.state = entryStateFromName(q.value(4).toString()).value_or(EntryState::Pending);
    e.classification.status = q.value(5).toString();
    e.classification.cls = Bounce::deliveryClassFromName(q.value(6).toString()).value_or(DeliveryClass::Soft);
    e.classification.reason = q.value(7).toString();
    e.firstStatus = q.value(8).toString();
    e.firstReason = q.value(9).toString();
    e.source = q.value(10).toString();
    e.attempts = q.value(11).toInt();
    e.failures = q.value(12).toInt();
    e.ladderStep = q.value(13).toInt();
    e.firstFailedAt = timeOf(q.value(14));
    e.lastAttemptAt = timeOf(q.value(15));
    e.nextAttemptAt = timeOf(q.value(16));
    e.expiresAt = timeOf(q.value(17));
    e.leasePid = q.value(18).toLongLong();
    e.leaseUntil = timeOf(q.value(19));
    if (memo) {
        e.baseConfig = memo->configOf(q.value(20));
        e.settings = memo->settingsOf(q.value(21)).value_or(RetrySettings::of(e.baseConfig));
    } else {
        e.baseConfig = probeConfigFromJson(jsonObject(q.value(20)));
        e.settings = RetrySettings::fromJson(jsonObject(q.value(21))).value_or(RetrySettings::of(e.baseConfig));
    }
    e.resolvedAt = timeOf(q.value(22));
    e.resolvedBy = q.value(23).toString();
    e.recovered = q.value(24).toBool();
    e.recoveredWithAlternate = q.value(25).toBool();
    return e;
}

// Binds an entry's kEntryColumns from `first` on.
void bindEntry(Store::Statement &q, int first, const RetryEntry &e, const QString &config, const QString &settings)
{
    q.bindText(first, e.target);
    q.bindTextOrNull(first + 1, e.recipient);
    q.bindText(first + 2, e.domain);
    q.bindText(first + 3, entryStateName(e.state));
    q.bindTextOrNull(first + 4, e.classification.status);
    q.bindText(first + 5, Bounce::deliveryClassName(e.classification.cls));
    q.bindTextOrNull(first + 6, e.classification.reason);
    q.bindTextOrNull(first + 7, e.firstStatus);
    q.bindTextOrNull(first + 8, e.firstReason);
    q.bindText(first + 9, e.source);
    q.bindInt(first + 10, e.attempts);
    q.bindInt(first + 11, e.failures);
    q.bindInt(first + 12, e.ladderStep);
    q.bindTime(first + 13, e.firstFailedAt);
    q.bindTime(first + 14, e.lastAttemptAt);
    q.bindTime(first + 15, e.nextAttemptAt);
    q.bindTime(first + 16, e.expiresAt);
    q.bindText(first + 17, config);
    q.bindText(first + 18, settings);
    q.bindTime(first + 19, e.resolvedAt);
    q.bindTextOrNull(first + 20, e.resolvedBy);
    q.bindInt(first + 21, e.recovered ? 1 : 0);
    q.bindInt(first + 22, e.recoveredWithAlternate ? 1 : 0);
}

} // namespace

// record()'s statements, prepared once and kept: an import records hundreds of thousands of outcomes.
struct RetryQueue::Statements {
    explicit Statements(Store::Database &db)
        : openId(db, QStringLiteral("SELECT id FROM retry_entries WHERE target = ? AND " MAILPULSE_OPEN_CONDITION))
        , byId(db, QStringLiteral("SELECT %1 FROM retry_entries WHERE id = ?").arg(kColumns))
        , remembered(db, QStringLiteral("SELECT settings_json FROM domain_settings WHERE domain = ?"))
        // An entry an import's batch created and kept (see RetryQueue::KeptEntry::stored), written whole once.
        , insertKept(db,
              QStringLiteral("INSERT INTO retry_entries (") + kEntryColumns + QStringLiteral(") VALUES ") + kEntryRow)
        // A batch's created entries, with the ids SQLite would give them one by one (see insertCreated()). OR FAIL:
        // see Store::BulkInsert.
        , insertEntries(db, QStringLiteral("INSERT OR FAIL INTO retry_entries (id, ") + kEntryColumns + u')',
              QStringLiteral("(?, ") + kEntryRow.mid(1))
        , maxId(db, QStringLiteral("SELECT max(id) FROM retry_entries"))
        , insertAttempts(db,
              QStringLiteral("INSERT INTO retry_attempts (entry_id, at, kind, source, settings_json, alternate,"
                             " status, class, reason, probe_id)"),
              QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        , touchClosed(
              db, QStringLiteral("UPDATE retry_entries SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?"))
        , succeed(db,
              QStringLiteral("UPDATE retry_entries SET state = 'succeeded', status = ?, class = ?, reason = ?,"
                             " attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = NULL, lease_pid = NULL,"
                             " lease_until = NULL, resolved_at = ?, resolved_by = ?, recovered = ?,"
                             " recovered_with_alternate = ?, settings_json = ? WHERE id = ?"))
        , remember(db,
              QStringLiteral("INSERT INTO domain_settings (domain, settings_json, learned_at, entry_id, cured_status)"
                             " VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET"
                             " settings_json = excluded.settings_json, learned_at = excluded.learned_at,"
                             " entry_id = excluded.entry_id, cured_status = excluded.cured_status"))
        , writeKept(db,
              QStringLiteral("UPDATE retry_entries SET state = ?, status = ?, class = ?, reason = ?, attempts = ?,"
                             " failures = ?, ladder_step = ?, last_attempt_at = ?, next_attempt_at = ?,"
                             " settings_json = ?, lease_pid = CASE WHEN ? THEN NULL ELSE lease_pid END,"
                             " lease_until = CASE WHEN ? THEN NULL ELSE lease_until END,"
                             " resolved_at = CASE WHEN ? THEN ? ELSE resolved_at END,"
                             " resolved_by = CASE WHEN ? THEN ? ELSE resolved_by END,"
                             " recovered = CASE WHEN ? THEN ? ELSE recovered END,"
                             " recovered_with_alternate = CASE WHEN ? THEN ? ELSE recovered_with_alternate END"
                             " WHERE id = ?"))
        , updateFailure(db,
              QStringLiteral("UPDATE retry_entries SET state = ?, status = ?, class = ?, reason = ?,"
                             " attempts = attempts + 1, failures = ?, ladder_step = ?, last_attempt_at = ?,"
                             " next_attempt_at = ?, settings_json = ?, lease_pid = CASE WHEN ? THEN NULL ELSE"
                             " lease_pid END, lease_until = CASE WHEN ? THEN NULL ELSE lease_until END,"
                             " resolved_at = COALESCE(?, resolved_at), resolved_by = COALESCE(?, resolved_by)"
                             " WHERE id = ?"))
    {
    }

    QString settingsText(const RetrySettings &settings)
    {
        // An import's entries use a handful of settings (the base ones, the ladder's first rung per family).
        for (const auto &[known, text] : std::as_const(settingsTexts)) {
            if (known == settings)
                return text;
        }
        const QString text = jsonText(settings.toJson());
        if (settingsTexts.size() >= 8)
            settingsTexts.removeFirst();
        settingsTexts.append({ settings, text });
        return text;
    }
    QString configText(const Smtp::ProbeConfig *config)
    {
        if (config) {
            Smtp::ProbeConfig base = *config;
            base.mxSkip = 0; // the ladder decides skips
            return jsonText(probeConfigToJson(base));
        }
        // Imports carry no config: their entries store "{}", "the defaults in force when the entry is retried"
        // (probeConfigFromJson() fills every absent field with ProbeConfig's default). Writing the whole default
        // config into each of an import's hundreds of thousands of rows cost a third of the insert and nearly half
        // of the table, and would have frozen the defaults of the day.
        return QStringLiteral("{}");
    }

    Store::Statement openId;
    Store::Statement byId;
    Store::Statement remembered;
    Store::Statement insertKept;
    Store::BulkInsert insertEntries;
    Store::Statement maxId;
    Store::BulkInsert insertAttempts;
    Store::Statement touchClosed;
    Store::Statement succeed;
    Store::Statement remember;
    Store::Statement writeKept;
    Store::Statement updateFailure;
    JsonMemo json;
    QList<std::pair<RetrySettings, QString>> settingsTexts;
};

// One row of retry_attempts, as insertAttempt() writes it.
struct RetryQueue::AttemptRow {
    QDateTime at;
    QString kind;
    Bounce::BounceSource source = Bounce::BounceSource::Log;
    std::optional<RetrySettings> settings;
    bool alternate = false;
    Bounce::Classification classification;
    qint64 probeId = 0;

    /// Binds the row's placeholders (entry_id first) from `first` on.
    void bind(Store::Statement &q, int first, qint64 entryId, Statements &st) const
    {
        q.bindInt(first, entryId);
        q.bindTime(first + 1, at);
        q.bindText(first + 2, kind);
        q.bindText(first + 3, Bounce::bounceSourceName(source));
        if (settings)
            q.bindText(first + 4, st.settingsText(*settings));
        else
            q.bindNull(first + 4);
        q.bindInt(first + 5, alternate ? 1 : 0);
        q.bindTextOrNull(first + 6, classification.status);
        q.bindText(first + 7, Bounce::deliveryClassName(classification.cls));
        q.bindTextOrNull(first + 8, classification.reason);
        if (probeId > 0)
            q.bindInt(first + 9, probeId);
        else
            q.bindNull(first + 9);
    }
};

// An entry a batch keeps (see Batch::kept), and which of its columns flushBatch() must write.
struct RetryQueue::KeptEntry {
    RetryEntry entry;
    bool changed = false; // the columns every outcome sets
    bool clearLease = false;
    bool resolved = false;
    bool recovery = false;
    // False for an entry the batch created: it is not in the store yet, its id is provisional (negative, in the
    // order of creation) and its attempts wait here. flushBatch() inserts it whole, with its final state, and then
    // its attempts: one insert instead of an insert and an update that moves it in the state and open-target
    // indexes.
    bool stored = true;
    QList<AttemptRow> attempts;
};

// What record() knows during a batch (see OutcomeSink::beginBatch()). Read once the batch has seen enough outcomes
// to pay for the read (a log, not a single bounce mail: a Maildir is a batch per file).
struct RetryQueue::Batch {
    static constexpr int LoadAfter = 256;
    int outcomes = 0;
    bool loaded = false;
    // Every target with an open entry, and maybe some whose entry closed since (they are then looked up).
    QSet<QString> openTargets;
    // domain_settings as read or written during the batch; `noneRemembered`: the table was empty when loaded.
    QHash<QString, std::optional<RetrySettings>> remembered;
    bool noneRemembered = false;

    // The entries record() touched, as they stand now (open or closed), by id, and each target's latest one. An
    // import's outcomes of one target follow each other closely (a deferral, its retries, the delivery): the
    // entry is read once and written once. At most m_keepLimit are kept: then they are written and dropped.
    std::unordered_map<qint64, KeptEntry> kept; // nodes: a rehash moves no entry
    QHash<QString, qint64> latest;
    qint64 lastProvisionalId = 0; // the batch's created entries count down from -1
    qsizetype keptAttempts = 0; // the attempts created entries hold (KeptEntry::attempts)
};

QString RetryQueue::openCondition() { return QStringLiteral(MAILPULSE_OPEN_CONDITION); }

RetryQueue::RetryQueue(Store::Database &database, const Clock *clock, RetryPolicy policy)
    : m_database(database)
    , m_clock(clock)
    , m_policy(std::move(policy))
{
}

RetryQueue::~RetryQueue() = default;

void RetryQueue::releaseStatements() { m_statements.reset(); }

bool RetryQueue::beginBatch(QString *error)
{
    Q_UNUSED(error)
    m_batch = std::make_unique<Batch>();
    return true;
}

bool RetryQueue::loadBatch(QString *error)
{
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    // The open-target index holds exactly these rows: this reads the index, not the table.
    if (!prepare(q,
            QStringLiteral("SELECT target FROM retry_entries INDEXED BY retry_entries_open_target"
                           " WHERE " MAILPULSE_OPEN_CONDITION),
            error)
        || !run(q, error))
        return false;
    while (q.next())
        m_batch->openTargets.insert(q.value(0).toString());
    if (!prepare(q, QStringLiteral("SELECT EXISTS (SELECT 1 FROM domain_settings)"), error) || !run(q, error)
        || !q.next())
        return false;
    m_batch->noneRemembered = !q.value(0).toBool();
    m_batch->loaded = true;
    return true;
}

bool RetryQueue::flushBatch(QString *error)
{
    if (!m_batch)
        return true;
    QList<qint64> ids;
    QList<qint64> created;
    for (const auto &[id, kept] : m_batch->kept) {
        if (!kept.stored || kept.changed)
            (kept.stored ? ids : created).append(id);
    }
    std::sort(ids.begin(), ids.end()); // the table's order: neighbouring rows share pages
    // Created entries in the order they were created (-1, -2, …): their ids then follow that order as when each
    // is inserted at once, and of a target's entries the closed one is in the store before the open one that
    // followed it (one open entry per target).
    std::sort(created.begin(), created.end(), std::greater<>());
    for (const qint64 id : std::as_const(ids)) {
        if (!writeKept(m_batch->kept.at(id), error))
            return false;
    }
    if (!insertCreated(created, error))
        return false;
    m_batch->kept.clear();
    m_batch->latest.clear();
    m_batch->keptAttempts = 0;
    return true;
}

bool RetryQueue::writeKept(KeptEntry &k, QString *error)
{
    if (!k.stored)
        return insertKept(k, nullptr, error); // only imports' entries (without a config) are kept unstored
    Statements &st = statements();
    Store::Statement &q = st.writeKept;
    const RetryEntry &e = k.entry;
    if (!ready(q, error))
        return false;
    q.bindText(0, entryStateName(e.state));
    q.bindTextOrNull(1, e.classification.status);
    q.bindText(2, Bounce::deliveryClassName(e.classification.cls));
    q.bindTextOrNull(3, e.classification.reason);
    q.bindInt(4, e.attempts);
    q.bindInt(5, e.failures);
    q.bindInt(6, e.ladderStep);
    q.bindTime(7, e.lastAttemptAt);
    q.bindTime(8, e.nextAttemptAt);
    q.bindText(9, st.settingsText(e.settings));
    q.bindInt(10, k.clearLease ? 1 : 0);
    q.bindInt(11, k.clearLease ? 1 : 0);
    q.bindInt(12, k.resolved ? 1 : 0);
    q.bindTime(13, e.resolvedAt);
    q.bindInt(14, k.resolved ? 1 : 0);
    q.bindTextOrNull(15, e.resolvedBy);
    q.bindInt(16, k.recovery ? 1 : 0);
    q.bindInt(17, e.recovered ? 1 : 0);
    q.bindInt(18, k.recovery ? 1 : 0);
    q.bindInt(19, e.recoveredWithAlternate ? 1 : 0);
    q.bindInt(20, e.id);
    if (!run(q, error))
        return false;
    k.changed = k.clearLease = k.resolved = k.recovery = false;
    return true;
}

bool RetryQueue::makeRoom(QString *error) { return qsizetype(m_batch->kept.size()) < m_keepLimit || flushBatch(error); }

bool RetryQueue::keepChanged(RetryEntry entry, bool clearLease, bool resolved, bool recovery, QString *error)
{
    Batch &b = *m_batch;
    if (!b.kept.contains(entry.id) && !makeRoom(error))
        return false;
    KeptEntry &k = b.kept[entry.id];
    k.entry = std::move(entry);
    k.changed = true;
    k.clearLease = k.clearLease || clearLease;
    k.resolved = k.resolved || resolved;
    k.recovery = k.recovery || recovery;
    b.latest.insert(k.entry.target, k.entry.id);
    // A stored entry that closed is written at once: the target may fail again, and its new entry may only be
    // inserted once the store no longer holds this one open (one open entry per target). Most outcomes keep an
    // entry open. One the batch created waits: flushBatch() inserts it before any later entry of its target.
    return isOpen(k.entry.state) || !k.stored || writeKept(k, error);
}

void RetryQueue::endBatch() { m_batch.reset(); }

RetryQueue::Statements &RetryQueue::statements()
{
    if (!m_statements)
        m_statements = std::make_unique<Statements>(m_database);
    return *m_statements;
}

bool RetryQueue::openEntryId(const QString &target, qint64 *id, QString *error)
{
    *id = 0;
    Store::Statement &q = statements().openId;
    if (!ready(q, error))
        return false;
    q.bind(0, target);
    QString message;
    if (q.first(&message)) {
        *id = q.integer(0);
        q.reset();
    } else if (!message.isEmpty()) {
        return fail(error, QStringLiteral("retry queue: %1").arg(message));
    }
    return true;
}

std::optional<RetryEntry> RetryQueue::readEntry(qint64 id, QString *error)
{
    Statements &st = statements();
    Store::Statement &q = st.byId;
    if (!ready(q, error))
        return std::nullopt;
    q.bind(0, id);
    std::optional<RetryEntry> e;
    QString message;
    if (q.first(&message)) {
        e = entryFrom(q, &st.json);
        q.reset();
    } else if (!message.isEmpty()) {
        fail(error, QStringLiteral("retry queue: %1").arg(message));
    }
    return e;
}

std::optional<RetrySettings> RetryQueue::remembered(const QString &domain, QString *error)
{
    if (m_batch) {
        if (m_batch->loaded && m_batch->noneRemembered)
            return std::nullopt;
        const auto known = m_batch->remembered.constFind(domain);
        if (known != m_batch->remembered.cend())
            return *known;
    }
    Store::Statement &q = statements().remembered;
    if (!ready(q, error))
        return std::nullopt;
    q.bind(0, domain);
    std::optional<RetrySettings> settings;
    QString message;
    if (q.first(&message)) {
        settings = RetrySettings::fromJson(jsonObject(q.value(0)));
        q.reset();
    } else if (!message.isEmpty()) {
        fail(error, QStringLiteral("retry queue: %1").arg(message));
    }
    if (m_batch && message.isEmpty())
        m_batch->remembered.insert(domain, settings);
    return settings;
}

// ---- the sink ----------------------------------------------------------------------------------------------------

Tracking::OutcomeSink::Result RetryQueue::record(const Outcome &o, QString *error)
{
    if (o.target.isEmpty())
        return Result::Recorded;
    QString readError;
    std::optional<RetryEntry> current;
    bool ours = false;
    // The queue's own attempt is matched by entry id, not by target: the user may have paused or cancelled the
    // entry while the attempt ran, and the outcome still belongs to it (not to a fresh entry).
    if (m_attempt) {
        current = entry(m_attempt->entryId, false, &readError);
        ours = current && current->target == o.target;
        if (!ours)
            current.reset();
    }
    if (m_batch && !m_batch->loaded && ++m_batch->outcomes > Batch::LoadAfter && !loadBatch(error))
        return Result::Failed;
    // Memory stays bounded when a log retries a few targets endlessly: their created entries' attempts count too.
    // Written here, before this outcome looks anything up, so that nothing refers to a provisional id meanwhile.
    if (m_batch && m_batch->keptAttempts >= 4 * m_keepLimit && !flushBatch(error))
        return Result::Failed;
    // In a batch, a target without an open entry when it was loaded and none opened since has none; one whose
    // latest entry the batch keeps has that one.
    bool known = false;
    if (m_batch && !m_attempt) {
        if (const auto id = m_batch->latest.constFind(o.target); id != m_batch->latest.cend()) {
            known = true;
            const RetryEntry &latest = m_batch->kept.at(*id).entry;
            if (isOpen(latest.state))
                current = latest;
        }
    }
    const bool mayBeOpen = !known && (!m_batch || !m_batch->loaded || m_batch->openTargets.contains(o.target));
    if (!current && readError.isEmpty() && mayBeOpen) {
        // Most outcomes (an import's successes above all) have no open entry: an indexed lookup of the id says so
        // without reading (and parsing) a row.
        qint64 id = 0;
        if (openEntryId(o.target, &id, &readError) && id > 0)
            current = readEntry(id, &readError);
    }
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return Result::Failed;
    }

    switch (o.classification.cls) {
    case DeliveryClass::Success:
        // A success from elsewhere that is older than the entry's latest failure does not close it: the target
        // failed after it (an older log imported late, or a log read again, whose successes are not stored and so
        // come again: Tracking::BounceEventSink).
        if (!current || (!ours && o.at.isValid() && o.at < latestFailure(*current)))
            return Result::Recorded;
        return recordSuccess(o, *current, ours, error);
    case DeliveryClass::Soft:
        return current ? recordFailure(o, *current, ours, error) : createEntry(o, error);
    case DeliveryClass::Hard:
        return current ? recordFailure(o, *current, ours, error) : Result::Recorded;
    }
    return Result::Recorded;
}

QDateTime RetryQueue::latestFailure(const RetryEntry &e)
{
    return e.lastAttemptAt.isValid() && e.lastAttemptAt > e.firstFailedAt ? e.lastAttemptAt : e.firstFailedAt;
}

std::optional<RetrySettings> RetryQueue::usedSettings(const Outcome &o) const
{
    if (!o.config)
        return std::nullopt;
    RetrySettings s = RetrySettings::of(*o.config);
    s.mxSkip = 0;
    if (o.probe) {
        s.host = o.probe->host;
        if (o.probe->port != 0)
            s.port = o.probe->port;
        // The engine never skips a domain's last MX host: count the skip only where it happened.
        for (const Smtp::TranscriptEntry &line : o.probe->transcript) {
            if (line.dir == 'I' && line.line.startsWith(QLatin1String("Skipping MX ")))
                ++s.mxSkip;
        }
    }
    return s;
}

bool RetryQueue::insertAttempt(qint64 entryId, const Outcome &o, const QString &kind, bool alternate,
    const std::optional<RetrySettings> &settings, QString *error)
{
    AttemptRow row { o.at.isValid() ? o.at : m_clock->now(), kind, o.source, settings, alternate, o.classification,
        o.probeId };
    if (entryId < 0) {
        // An entry the batch created: its attempts are inserted after it (flushBatch()).
        m_batch->kept.at(entryId).attempts.append(std::move(row));
        ++m_batch->keptAttempts;
        return true;
    }
    return writeAttempt(entryId, row, error);
}

bool RetryQueue::writeAttempt(qint64 entryId, const AttemptRow &row, QString *error)
{
    Statements &st = statements();
    Store::Statement &q = st.insertAttempts.single();
    if (!ready(q, error))
        return false;
    row.bind(q, 0, entryId, st);
    return run(q, error);
}

bool RetryQueue::insertKept(KeptEntry &k, const Smtp::ProbeConfig *config, QString *error)
{
    Statements &st = statements();
    Store::Statement &q = st.insertKept;
    if (!ready(q, error))
        return false;
    bindEntry(q, 0, k.entry, st.configText(config), st.settingsText(k.entry.settings));
    if (!run(q, error))
        return false;
    const qint64 id = q.lastInsertId();
    for (const AttemptRow &row : std::as_const(k.attempts)) {
        if (!writeAttempt(id, row, error))
            return false;
    }
    k.attempts.clear();
    k.entry.id = id;
    k.stored = true;
    k.changed = k.clearLease = k.resolved = k.recovery = false;
    return true;
}

bool RetryQueue::insertCreated(const QList<qint64> &created, QString *error)
{
    if (created.isEmpty())
        return true;
    Statements &st = statements();
    // The ids SQLite gives rows inserted one by one (the largest rowid + 1), given here so that the attempts that
    // refer to them can be inserted many to a statement too, after every entry.
    Store::Statement &max = st.maxId;
    if (!ready(max, error))
        return false;
    QString message;
    qint64 last = 0;
    if (max.first(&message)) {
        last = max.integer(0);
        max.reset();
    } else if (!message.isEmpty()) {
        return fail(error, QStringLiteral("retry queue: %1").arg(message));
    }
    if (last > std::numeric_limits<qint64>::max() - created.size()) {
        // SQLite then picks free rowids at random: as it would, one by one.
        for (const qint64 id : created) {
            if (!insertKept(m_batch->kept.at(id), nullptr, error))
                return false;
        }
        return true;
    }
    QList<KeptEntry *> entries;
    entries.reserve(created.size());
    QList<std::pair<qint64, const AttemptRow *>> attempts;
    for (const qint64 id : created) {
        KeptEntry &k = m_batch->kept.at(id);
        k.entry.id = last + 1 + entries.size();
        entries.append(&k);
        for (const AttemptRow &row : std::as_const(k.attempts))
            attempts.append({ k.entry.id, &row });
    }
    const QString config = st.configText(nullptr); // only imports' entries (without a config) are kept unstored
    const bool stored = st.insertEntries.insert(
                            entries.size(),
                            [&](Store::Statement &q, int first, qsizetype i) {
                                const RetryEntry &e = entries[i]->entry;
                                q.bindInt(first, e.id);
                                bindEntry(q, first + 1, e, config, st.settingsText(e.settings));
                            },
                            &message)
        && st.insertAttempts.insert(
            attempts.size(),
            [&](Store::Statement &q, int first, qsizetype i) {
                attempts[i].second->bind(q, first, attempts[i].first, st);
            },
            &message);
    if (!stored)
        return fail(error, QStringLiteral("retry queue: %1").arg(message));
    for (KeptEntry *k : std::as_const(entries)) {
        k->attempts.clear();
        k->stored = true;
        k->changed = k->clearLease = k->resolved = k->recovery = false;
    }
    return true;
}

Tracking::OutcomeSink::Result RetryQueue::createEntry(const Outcome &o, QString *error)
{
    const QDateTime at = o.at.isValid() ? o.at : m_clock->now();
    Smtp::ProbeConfig base = o.config ? *o.config : Smtp::ProbeConfig();
    base.mxSkip = 0; // the ladder decides skips
    QString readError;
    const std::optional<RetrySettings> learned = remembered(o.domain, &readError);
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return Result::Failed;
    }
    const bool connection = RetryLadder::isConnectionClass(o.classification);
    const auto firstSettings
        = [&] { return connection ? RetryLadder::settingsForStep(base, 0, learned) : RetrySettings::of(base); };
    std::optional<RetrySettings> &plain = connection ? m_plainLadderRung : m_plainOrigin;
    if (!o.config && !learned && !plain)
        plain = firstSettings();
    const RetrySettings next = !o.config && !learned ? *plain : firstSettings();
    const QDateTime expires = m_policy.expiresAt(at);
    QDateTime nextAt = m_policy.nextAttempt(o.classification, 1, at, expires);
    // An imported failure older than the lifetime is history, not work.
    const QDateTime now = m_clock->now();
    const bool expired = !nextAt.isValid() || expires <= now;
    if (expired)
        nextAt = QDateTime();

    KeptEntry created;
    created.stored = false;
    RetryEntry &e = created.entry;
    e.target = o.target;
    e.recipient = o.recipient;
    e.domain = o.domain;
    e.state = expired ? EntryState::Expired : EntryState::Pending;
    e.classification = { o.classification.status, o.classification.cls, o.classification.reason };
    e.firstStatus = o.classification.status;
    e.firstReason = o.classification.reason;
    e.source = Bounce::bounceSourceName(o.source);
    e.attempts = 1;
    e.failures = 1;
    e.firstFailedAt = at;
    e.lastAttemptAt = at;
    e.nextAttemptAt = nextAt;
    e.expiresAt = expires;
    if (expired) {
        e.resolvedAt = now;
        e.resolvedBy = QStringLiteral("lifetime");
    }
    e.baseConfig = base;
    e.settings = next;
    created.attempts.append(
        { at, QStringLiteral("initial"), o.source, usedSettings(o), false, o.classification, o.probeId });
    if (m_batch && !expired)
        m_batch->openTargets.insert(o.target);
    if (m_batch && !m_attempt && !o.config) {
        // An import's entry: kept with a provisional id, and inserted whole by flushBatch() (see KeptEntry::stored).
        if (!makeRoom(error))
            return Result::Failed;
        Batch &b = *m_batch;
        const qint64 id = --b.lastProvisionalId;
        e.id = id;
        b.kept.emplace(id, std::move(created));
        b.latest.insert(o.target, id);
    } else if (!insertKept(created, o.config, error)) {
        return Result::Failed;
    }
    qCInfo(lcQueue).noquote() << "queued" << o.target << o.classification.status << "next" << Smtp::toIsoUtc(nextAt);
    return Result::Recorded;
}

Tracking::OutcomeSink::Result RetryQueue::recordSuccess(
    const Outcome &o, const RetryEntry &e, bool ours, QString *error)
{
    const QDateTime at = o.at.isValid() ? o.at : m_clock->now();
    const std::optional<RetrySettings> used = usedSettings(o);
    const bool alternate = ours && used && RetryLadder::isAlternate(e.baseConfig, *used);
    if (!insertAttempt(e.id, o, ours ? QStringLiteral("retry") : QStringLiteral("external"), alternate, used, error))
        return Result::Failed;
    if (e.state == EntryState::Cancelled || e.state == EntryState::Expired || e.state == EntryState::Failed
        || e.state == EntryState::Succeeded) {
        // Our attempt finished after the user (or another process) closed the entry: keep their decision.
        Store::Statement &q = statements().touchClosed;
        if (!ready(q, error))
            return Result::Failed;
        q.bind(0, timeOrNull(at));
        q.bind(1, e.id);
        return run(q, error) ? Result::Recorded : Result::Failed;
    }

    if (m_batch && !ours) {
        // An import's success: kept, written by flushBatch() as `succeed` below would write it now.
        RetryEntry u = e;
        u.state = EntryState::Succeeded;
        u.classification = { o.classification.status, o.classification.cls, o.classification.reason };
        ++u.attempts;
        u.lastAttemptAt = at;
        u.nextAttemptAt = QDateTime();
        u.leasePid = 0;
        u.leaseUntil = QDateTime();
        u.resolvedAt = at;
        u.resolvedBy = Bounce::bounceSourceName(o.source);
        u.recovered = false;
        u.recoveredWithAlternate = alternate;
        u.settings = used ? *used : e.settings;
        return keepChanged(std::move(u), true, true, true, error) ? Result::Recorded : Result::Failed;
    }

    Statements &st = statements();
    Store::Statement &q = st.succeed;
    if (!ready(q, error))
        return Result::Failed;
    const QVariant atText = timeOrNull(at);
    q.bind(0, textOrNull(o.classification.status));
    q.bind(1, Bounce::deliveryClassName(o.classification.cls));
    q.bind(2, textOrNull(o.classification.reason));
    q.bind(3, atText);
    q.bind(4, atText);
    q.bind(5, ours ? QStringLiteral("retry") : Bounce::bounceSourceName(o.source));
    q.bind(6, ours ? 1 : 0);
    q.bind(7, alternate ? 1 : 0);
    q.bind(8, st.settingsText(used ? *used : e.settings));
    q.bind(9, e.id);
    if (!run(q, error))
        return Result::Failed;

    if (alternate) {
        // Later entries of this domain start with what cured this one.
        RetrySettings remembered = *used;
        Store::Statement &upsert = st.remember;
        if (!ready(upsert, error))
            return Result::Failed;
        upsert.bind(0, e.domain);
        upsert.bind(1, st.settingsText(remembered));
        upsert.bind(2, atText);
        upsert.bind(3, e.id);
        upsert.bind(4, textOrNull(e.classification.status));
        if (!run(upsert, error))
            return Result::Failed;
        if (m_batch) {
            m_batch->noneRemembered = false;
            m_batch->remembered.remove(e.domain); // read again, as stored
        }
        qCInfo(lcQueue).noquote() << e.domain << "remembers" << remembered.describe();
    }
    return Result::Recorded;
}

Tracking::OutcomeSink::Result RetryQueue::recordFailure(
    const Outcome &o, const RetryEntry &e, bool ours, QString *error)
{
    const QDateTime at = o.at.isValid() ? o.at : m_clock->now();
    const std::optional<RetrySettings> used = usedSettings(o);
    const bool alternate = ours && used && RetryLadder::isAlternate(e.baseConfig, *used);
    if (!insertAttempt(e.id, o, ours ? QStringLiteral("retry") : QStringLiteral("external"), alternate, used, error))
        return Result::Failed;

    const bool hard = o.classification.cls == DeliveryClass::Hard;
    // A hard answer reached with alternate settings may be the settings' fault (587 wanting AUTH): it ends that
    // rung, not the entry. A hard answer with the base settings, or from elsewhere, ends the entry.
    const bool ends = hard && !alternate;
    const bool connection = RetryLadder::isConnectionClass(o.classification) || (hard && alternate);

    EntryState state = e.state;
    int ladderStep = e.ladderStep;
    RetrySettings next = e.settings;
    const int failures = e.failures + (hard ? 0 : 1);
    QDateTime nextAt;
    QString resolvedBy;
    if (!isOpen(e.state)) {
        // Closed meanwhile (cancelled while our attempt ran): record the attempt only.
        nextAt = e.nextAttemptAt;
    } else if (ends) {
        state = EntryState::Failed;
        resolvedBy = QStringLiteral("hard");
    } else {
        if (connection && ours) {
            ++ladderStep;
            QString readError;
            const auto learned = remembered(e.domain, &readError);
            if (!readError.isEmpty()) {
                if (error)
                    *error = readError;
                return Result::Failed;
            }
            next = RetryLadder::settingsForStep(e.baseConfig, ladderStep, learned);
        } else if (ours && used) {
            // The server was reached and answered: these settings work for the connection; keep them.
            next = *used;
            next.host = RetrySettings::of(e.baseConfig).host;
        }
        nextAt = m_policy.nextAttempt(o.classification, std::max(1, failures), at, e.expiresAt);
        if (!nextAt.isValid()) {
            state = EntryState::Expired;
            resolvedBy = QStringLiteral("lifetime");
        } else if (ours && e.state == EntryState::Running) {
            state = EntryState::Pending;
        }
    }
    const bool closing = state != e.state && !isOpen(state);
    const bool releasing = ours; // our attempt is over, whatever the state became meanwhile

    if (m_batch && !ours) {
        // An import's failure: kept, written by flushBatch() as `updateFailure` below would write it now.
        RetryEntry u = e;
        u.state = state;
        u.classification = { o.classification.status, o.classification.cls, o.classification.reason };
        ++u.attempts;
        u.failures = failures;
        u.ladderStep = ladderStep;
        u.lastAttemptAt = at;
        u.nextAttemptAt = closing ? QDateTime() : nextAt;
        u.settings = next;
        if (closing) {
            u.leasePid = 0;
            u.leaseUntil = QDateTime();
            u.resolvedAt = at;
            u.resolvedBy = resolvedBy;
        }
        return keepChanged(std::move(u), closing, closing, false, error) ? Result::Recorded : Result::Failed;
    }

    Statements &st = statements();
    Store::Statement &q = st.updateFailure;
    if (!ready(q, error))
        return Result::Failed;
    q.bind(0, entryStateName(state));
    q.bind(1, textOrNull(o.classification.status));
    q.bind(2, Bounce::deliveryClassName(o.classification.cls));
    q.bind(3, textOrNull(o.classification.reason));
    q.bind(4, failures);
    q.bind(5, ladderStep);
    q.bind(6, timeOrNull(at));
    q.bind(7, closing ? nullText() : timeOrNull(nextAt));
    q.bind(8, st.settingsText(next));
    q.bind(9, releasing || closing ? 1 : 0);
    q.bind(10, releasing || closing ? 1 : 0);
    q.bind(11, closing ? timeOrNull(at) : nullText());
    q.bind(12, closing ? QVariant(resolvedBy) : nullText());
    q.bind(13, e.id);
    if (!run(q, error))
        return Result::Failed;
    qCInfo(lcQueue).noquote() << e.target << o.classification.status << entryStateName(state) << "next"
                              << Smtp::toIsoUtc(nextAt) << next.describe();
    return Result::Recorded;
}

// ---- reading -----------------------------------------------------------------------------------------------------

QList<RetryEntry> RetryQueue::select(
    const QString &where, const QList<QVariant> &values, bool withHistory, QString *error) const
{
    QList<RetryEntry> list;
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q, QStringLiteral("SELECT %1 FROM retry_entries %2").arg(kColumns, where), error))
        return list;
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!run(q, error))
        return list;
    while (q.next())
        list.append(entryFrom(q));
    if (withHistory) {
        for (RetryEntry &e : list) {
            if (!loadHistory(e, error))
                return {};
        }
    }
    return list;
}

bool RetryQueue::loadHistory(RetryEntry &e, QString *error) const
{
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q,
            QStringLiteral("SELECT id, at, kind, source, settings_json, alternate, status, class, reason, probe_id"
                           " FROM retry_attempts WHERE entry_id = ? ORDER BY at, id"),
            error))
        return false;
    q.addBindValue(e.id);
    if (!run(q, error))
        return false;
    e.history.clear();
    while (q.next()) {
        RetryAttempt a;
        a.id = q.value(0).toLongLong();
        a.at = timeOf(q.value(1));
        a.kind = q.value(2).toString();
        a.source = q.value(3).toString();
        if (!q.value(4).isNull())
            a.settings = RetrySettings::fromJson(jsonObject(q.value(4)));
        a.alternate = q.value(5).toBool();
        a.classification.status = q.value(6).toString();
        a.classification.cls = Bounce::deliveryClassFromName(q.value(7).toString()).value_or(DeliveryClass::Soft);
        a.classification.reason = q.value(8).toString();
        a.probeId = q.value(9).toLongLong();
        e.history.append(a);
    }
    return true;
}

std::optional<RetryEntry> RetryQueue::entry(qint64 id, bool withHistory, QString *error) const
{
    const QList<RetryEntry> list = select(QStringLiteral("WHERE id = ?"), { id }, withHistory, error);
    return list.isEmpty() ? std::nullopt : std::optional<RetryEntry>(list.first());
}

std::optional<RetryEntry> RetryQueue::openEntry(const QString &target, QString *error) const
{
    const QList<RetryEntry> list
        = select(QStringLiteral("WHERE target = ? AND " MAILPULSE_OPEN_CONDITION), { target }, false, error);
    return list.isEmpty() ? std::nullopt : std::optional<RetryEntry>(list.first());
}

QList<RetryEntry> RetryQueue::entries(std::optional<EntryState> state, bool withHistory, QString *error) const
{
    if (state)
        return select(QStringLiteral("WHERE state = ? ORDER BY id"), { entryStateName(*state) }, withHistory, error);
    return select(QStringLiteral("ORDER BY id"), {}, withHistory, error);
}

QList<qint64> RetryQueue::dueIds(const QDateTime &now, QString *error) const
{
    QList<qint64> ids;
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q,
            QStringLiteral("SELECT id FROM retry_entries WHERE state = 'pending' AND next_attempt_at <= ?"
                           " ORDER BY next_attempt_at, id"),
            error))
        return ids;
    q.addBindValue(Smtp::toIsoUtc(now));
    if (!run(q, error))
        return ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

QList<qint64> RetryQueue::pendingIds(QString *error) const
{
    QList<qint64> ids;
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q, QStringLiteral("SELECT id FROM retry_entries WHERE state = 'pending' ORDER BY next_attempt_at, id"),
            error)
        || !run(q, error))
        return ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

QDateTime RetryQueue::nextDueAt(QString *error) const
{
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q, QStringLiteral("SELECT min(next_attempt_at) FROM retry_entries WHERE state = 'pending'"), error)
        || !run(q, error) || !q.next())
        return {};
    return timeOf(q.value(0));
}

qint64 RetryQueue::count(std::optional<EntryState> state) const
{
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    const bool ok = state ? q.prepare(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = ?"))
                          : q.prepare(QStringLiteral("SELECT count(*) FROM retry_entries"));
    if (!ok)
        return -1;
    if (state)
        q.addBindValue(entryStateName(*state));
    if (!q.exec() || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

std::optional<RetrySettings> RetryQueue::rememberedSettings(const QString &domain, QString *error) const
{
    QSqlQuery q(m_database.connection());
    q.setForwardOnly(true);
    if (!prepare(q, QStringLiteral("SELECT settings_json FROM domain_settings WHERE domain = ?"), error))
        return std::nullopt;
    q.addBindValue(domain);
    if (!run(q, error) || !q.next())
        return std::nullopt;
    return RetrySettings::fromJson(jsonObject(q.value(0)));
}

// ---- the scheduler's side ----------------------------------------------------------------------------------------

bool RetryQueue::claim(qint64 id, qint64 leaseMs, QString *error)
{
    // One statement, atomic on its own: of two processes claiming the same entry exactly one changes the row.
    QSqlQuery q(m_database.connection());
    if (!prepare(q,
            QStringLiteral("UPDATE retry_entries SET state = 'running', lease_pid = ?, lease_until = ?"
                           " WHERE id = ? AND state = 'pending'"),
            error))
        return false;
    q.addBindValue(ownPid());
    q.addBindValue(Smtp::toIsoUtc(m_clock->now().addMSecs(leaseMs)));
    q.addBindValue(id);
    if (!run(q, error))
        return false;
    return q.numRowsAffected() == 1;
}

bool RetryQueue::release(qint64 id, QString *error)
{
    QSqlQuery q(m_database.connection());
    if (!prepare(q,
            QStringLiteral("UPDATE retry_entries SET state = 'pending', lease_pid = NULL, lease_until = NULL"
                           " WHERE id = ? AND state = 'running'"),
            error))
        return false;
    q.addBindValue(id);
    return run(q, error);
}

int RetryQueue::reclaimStale(QString *error)
{
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return -1;
    const QString now = Smtp::toIsoUtc(m_clock->now());
    QList<qint64> stale;
    {
        QSqlQuery q(m_database.connection());
        q.setForwardOnly(true);
        if (!prepare(q, QStringLiteral("SELECT id, lease_pid, lease_until FROM retry_entries WHERE state = 'running'"),
                error)
            || !run(q, error))
            return -1;
        while (q.next()) {
            const qint64 pid = q.value(1).toLongLong();
            const bool expired = q.value(2).isNull() || q.value(2).toString() < now;
            const bool orphaned = pid != ownPid() && !processAlive(pid);
            if (expired || orphaned)
                stale.append(q.value(0).toLongLong());
        }
    }
    for (const qint64 id : std::as_const(stale)) {
        if (!release(id, error))
            return -1;
    }
    if (!transaction.commit(error))
        return -1;
    if (!stale.isEmpty())
        qCInfo(lcQueue) << "reclaimed" << stale.size() << "entries left running by a process that is gone";
    return int(stale.size());
}

int RetryQueue::expireOverdue(QString *error)
{
    const QDateTime now = m_clock->now();
    QSqlQuery q(m_database.connection());
    if (!prepare(q,
            QStringLiteral("UPDATE retry_entries SET state = 'expired', next_attempt_at = NULL, resolved_at = ?,"
                           " resolved_by = 'lifetime' WHERE state IN ('pending', 'paused') AND expires_at <= ?"),
            error))
        return -1;
    q.addBindValue(Smtp::toIsoUtc(now));
    q.addBindValue(Smtp::toIsoUtc(now));
    if (!run(q, error))
        return -1;
    return q.numRowsAffected();
}

int RetryQueue::spreadOverdue(int batch, int spacingSecs, QString *error)
{
    batch = std::max(1, batch);
    const QDateTime now = m_clock->now();
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return -1;
    const QList<qint64> ids = dueIds(now, error);
    if (error && !error->isEmpty())
        return -1;
    QSqlQuery q(m_database.connection());
    if (!prepare(q, QStringLiteral("UPDATE retry_entries SET next_attempt_at = ? WHERE id = ?"), error))
        return -1;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        q.addBindValue(Smtp::toIsoUtc(now.addSecs(qint64(i / batch) * spacingSecs)));
        q.addBindValue(ids.at(i));
        if (!run(q, error))
            return -1;
    }
    if (!transaction.commit(error))
        return -1;
    return int(ids.size());
}

// ---- manual actions ----------------------------------------------------------------------------------------------

RetryQueue::ActionResult RetryQueue::changeState(
    qint64 id, const QList<EntryState> &from, EntryState to, bool dueNow, QString *error)
{
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return ActionResult::Failed;
    QString readError;
    const std::optional<RetryEntry> e = entry(id, false, &readError);
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return ActionResult::Failed;
    }
    if (!e) {
        if (error)
            *error = QStringLiteral("no queue entry %1").arg(id);
        return ActionResult::NotFound;
    }
    if (!from.contains(e->state)) {
        if (error)
            *error = QStringLiteral("queue entry %1 is %2").arg(id).arg(entryStateName(e->state));
        return ActionResult::NotAllowed;
    }
    const QDateTime now = m_clock->now();
    QDateTime next = e->nextAttemptAt;
    if (dueNow || (to == EntryState::Pending && (!next.isValid() || next < now)))
        next = now;
    const bool closing = !isOpen(to);
    // A running entry keeps its lease when paused: the attempt in flight still reports to it.
    const bool keepLease = e->state == EntryState::Running && to == EntryState::Paused;
    QSqlQuery q(m_database.connection());
    if (!prepare(q,
            QStringLiteral("UPDATE retry_entries SET state = ?, next_attempt_at = ?, resolved_at = ?,"
                           " resolved_by = ?, lease_pid = CASE WHEN ? THEN lease_pid ELSE NULL END,"
                           " lease_until = CASE WHEN ? THEN lease_until ELSE NULL END WHERE id = ?"),
            error))
        return ActionResult::Failed;
    q.addBindValue(entryStateName(to));
    q.addBindValue(closing ? nullText() : timeOrNull(next));
    q.addBindValue(closing ? timeOrNull(now) : nullText());
    q.addBindValue(closing ? QVariant(QStringLiteral("user")) : nullText());
    q.addBindValue(keepLease ? 1 : 0);
    q.addBindValue(keepLease ? 1 : 0);
    q.addBindValue(id);
    if (!run(q, error) || !transaction.commit(error))
        return ActionResult::Failed;
    qCInfo(lcQueue).noquote() << "entry" << id << entryStateName(e->state) << "->" << entryStateName(to);
    return ActionResult::Done;
}

RetryQueue::ActionResult RetryQueue::pause(qint64 id, QString *error)
{
    return changeState(id, { EntryState::Pending, EntryState::Running }, EntryState::Paused, false, error);
}

RetryQueue::ActionResult RetryQueue::resume(qint64 id, QString *error)
{
    return changeState(id, { EntryState::Paused }, EntryState::Pending, false, error);
}

RetryQueue::ActionResult RetryQueue::cancel(qint64 id, QString *error)
{
    return changeState(
        id, { EntryState::Pending, EntryState::Paused, EntryState::Running }, EntryState::Cancelled, false, error);
}

RetryQueue::ActionResult RetryQueue::retryNow(qint64 id, QString *error)
{
    return changeState(id, { EntryState::Pending }, EntryState::Pending, true, error);
}

} // namespace Mailpulse::Queue
