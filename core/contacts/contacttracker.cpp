#include "contacts/contacttracker.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "common/clock.h"
#include "contacts/addressorder.h"
#include "contacts/contactentry.h"
#include "smtp/proberesultjson.h"
#include "store/bouncerow.h"
#include "store/bulkinsert.h"
#include "store/database.h"
#include "store/isotime.h"
#include "store/statement.h"

namespace Mailpulse::Contacts
{

namespace
{

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QString later(const QString &a, const QString &b) { return a.isEmpty() ? b : (b > a ? b : a); }
QString earlier(const QString &a, const QString &b) { return a.isEmpty() ? b : (b.isEmpty() || a < b ? a : b); }

struct Streak {
    bool exists = false;
    qint64 failures = 0;
    QString firstFailedAt;
    QString lastFailedAt;
    QString lastStatus;
    QString lastClass;
    QString lastReason;
    QString lastSuccessAt;
    QString lastOutcomeAt;
};

// The run in a row of the `readRun` statement (its first nine columns).
Streak runFrom(const Store::Statement &row)
{
    Streak s;
    s.exists = row.integer(0) != 0;
    s.failures = row.integer(1);
    s.firstFailedAt = row.text(2);
    s.lastFailedAt = row.text(3);
    s.lastStatus = row.text(4);
    s.lastClass = row.text(5);
    s.lastReason = row.text(6);
    s.lastSuccessAt = row.text(7);
    s.lastOutcomeAt = row.text(8);
    return s;
}

// A failure at `at` counted into a run's or a listed contact's facts: one more, the first and last times, and the
// status, class and reason of the latest (of the same second too).
template <typename Facts> void addFailure(Facts &f, const QString &at, const Bounce::Classification &c)
{
    ++f.failures;
    f.firstFailedAt = earlier(f.firstFailedAt, at);
    if (at >= f.lastFailedAt) {
        f.lastStatus = c.status;
        f.lastClass = Bounce::deliveryClassName(c.cls);
        f.lastReason = c.reason;
    }
    f.lastFailedAt = later(f.lastFailedAt, at);
}

// Prepares `q` if needed and binds `values` in placeholder order.
bool bindAll(Store::Statement &q, std::initializer_list<QVariant> values, QString *message)
{
    if (!q.ready(message))
        return false;
    int i = 0;
    for (const QVariant &value : values)
        q.bind(i++, value);
    return true;
}

// … and runs it (a statement without rows).
bool execWith(Store::Statement &q, std::initializer_list<QVariant> values, QString *message)
{
    return bindAll(q, values, message) && q.exec(message);
}

// Binds a run's row of the `storeRuns` insert from `first` on (by type, no QVariant list: a large import writes
// tens of thousands of runs).
void bindStreak(Store::Statement &q, int first, const QString &address, const QString &domain, const Streak &s)
{
    q.bindText(first, address);
    q.bindText(first + 1, domain);
    q.bindInt(first + 2, s.failures);
    q.bindTextOrNull(first + 3, s.firstFailedAt);
    q.bindTextOrNull(first + 4, s.lastFailedAt);
    q.bindTextOrNull(first + 5, s.lastStatus);
    q.bindTextOrNull(first + 6, s.lastClass);
    q.bindTextOrNull(first + 7, s.lastReason);
    q.bindTextOrNull(first + 8, s.lastSuccessAt);
    q.bindText(first + 9, s.lastOutcomeAt);
}

// Writes the run of `address` (an upsert of the whole row).
bool storeStreak(
    Store::BulkInsert &runs, const QString &address, const QString &domain, const Streak &s, QString *message)
{
    return runs.insert(
        1, [&](Store::Statement &q, int first, qsizetype) { bindStreak(q, first, address, domain, s); }, message);
}

bool sqlFail(QString *error, const QString &what, const QString &message)
{
    if (error)
        *error = QStringLiteral("contacts: %1: %2").arg(what, message);
    return false;
}

} // namespace

// record()'s statements, prepared once and kept: an import records hundreds of thousands of outcomes.
struct ContactTracker::Statements {
    explicit Statements(Store::Database &db)
        // A success only ends a run: one statement does it, and finds no row for the (many) recipients that never
        // failed. As in a failure's path: a success older than the last failure does not end the run.
        // QtSql binds only plain `?` placeholders, by position and each once: a value used twice is bound twice.
        // (UPDATE … FROM a one-row subquery would bind it once, but SQLite builds an ephemeral table for it each
        // time: slower than the second bind.)
        : readEnd(db,
            QStringLiteral("SELECT failures, first_failed_at, last_failed_at, last_success_at, last_outcome_at"
                           " FROM recipient_streaks WHERE address = ?"))
        , storeEnd(db,
              QStringLiteral("UPDATE recipient_streaks SET failures = ?, first_failed_at = ?, last_success_at = ?,"
                             " last_outcome_at = ? WHERE address = ?"))
        , contactSuccess(db, QStringLiteral("UPDATE contacts SET last_success_at = ? WHERE address = ?"))
        // The run and the contact's status, if any, in one read.
        , readRun(db,
              QStringLiteral("SELECT s.address IS NOT NULL, s.failures, s.first_failed_at, s.last_failed_at,"
                             " s.last_status, s.last_class, s.last_reason, s.last_success_at, s.last_outcome_at,"
                             " c.status, s.domain FROM (SELECT ? AS address) AS k"
                             " LEFT JOIN recipient_streaks AS s ON s.address = k.address"
                             " LEFT JOIN contacts AS c ON c.address = k.address"))
        , storeRuns(db,
              QStringLiteral(
                  "INSERT INTO recipient_streaks (address, domain, failures, first_failed_at,"
                  " last_failed_at, last_status, last_class, last_reason, last_success_at, last_outcome_at)"),
              QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
              QStringLiteral("ON CONFLICT (address) DO UPDATE SET failures = excluded.failures,"
                             " first_failed_at = excluded.first_failed_at, last_failed_at = excluded.last_failed_at,"
                             " last_status = excluded.last_status, last_class = excluded.last_class,"
                             " last_reason = excluded.last_reason, last_success_at = excluded.last_success_at,"
                             " last_outcome_at = excluded.last_outcome_at"))
        , addNotes(db, QStringLiteral("INSERT INTO contact_notes (address, at, status, author, text)"),
              QStringLiteral("(?, ?, ?, 'mailpulse', ?)"))
        // OR FAIL: see Store::BulkInsert.
        , lists(db,
              QStringLiteral(
                  "INSERT OR FAIL INTO contacts (address, domain, status, rule, failures, last_status, last_class,"
                  " reason, first_failed_at, last_failed_at, last_success_at, opened_at, status_changed_at)"),
              QStringLiteral("(?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        , reopen(db,
              QStringLiteral(
                  "UPDATE contacts SET status = 'new', rule = CASE WHEN ? THEN ? ELSE rule END, failures = 1,"
                  " last_status = ?, last_class = ?, reason = ?, first_failed_at = ?, last_failed_at = ?,"
                  " opened_at = ?, status_changed_at = ? WHERE address = ?"))
        , follow(db,
              QStringLiteral("UPDATE contacts SET failures = failures + 1,"
                             " last_status = CASE WHEN ? >= coalesce(last_failed_at, '') THEN ? ELSE last_status END,"
                             " last_class = CASE WHEN ? >= coalesce(last_failed_at, '') THEN ? ELSE last_class END,"
                             " reason = CASE WHEN ? >= coalesce(last_failed_at, '') THEN ? ELSE reason END,"
                             " first_failed_at = min(coalesce(first_failed_at, ?), ?),"
                             " last_failed_at = max(coalesce(last_failed_at, ''), ?),"
                             " rule = CASE WHEN ? THEN ? ELSE rule END"
                             " WHERE address = ?"))
    {
    }

    Store::Statement readEnd;
    Store::Statement storeEnd;
    Store::Statement contactSuccess;
    Store::Statement readRun;
    // Many rows to a statement in flushBatch(); single() elsewhere.
    Store::BulkInsert storeRuns;
    Store::BulkInsert addNotes;
    Store::BulkInsert lists;
    Store::Statement reopen;
    Store::Statement follow;
};

// What record() knows during a batch (see OutcomeSink::beginBatch()): the hashes of the addresses with a failure run
// and of those with a contact, read once the batch has seen enough outcomes to pay for the read (a log, not a single
// bounce mail), and kept current as record() writes runs and lists contacts. A hash, not the address: the sets stay
// small (a collision only costs the read that would have happened anyway). Not loaded for stores with more than
// MaxRuns of either: reading them would cost more than the reads it saves, and memory.
struct ContactTracker::Batch {
    static constexpr int LoadAfter = 256;
    static constexpr qint64 MaxRuns = 500'000;
    int outcomes = 0;
    bool tried = false;
    bool loaded = false;
    QSet<size_t> runs;
    QSet<size_t> contacts;
    // The runs record() read during the batch (of recipients with or without one), as they stand now.
    std::unordered_map<QString, KeptRun> kept;
};

// A contact the batch listed, not yet in the store: its row as `list` inserts it, kept current as later outcomes
// of the batch change it (as `follow` and `contactSuccess` would), and its notes. flushBatch() inserts it once,
// instead of an insert and an update for each later failure that moved it in the status index.
struct ContactTracker::ListedContact {
    struct Note {
        QString at;
        QString status;
        QString text;
    };
    QString domain;
    QString rule;
    qint64 failures = 0;
    QString lastStatus;
    QString lastClass;
    QString lastReason;
    QString firstFailedAt;
    QString lastFailedAt;
    QString lastSuccessAt;
    QString openedAt;
    QList<Note> notes;
};

// A recipient's run as a batch keeps it: the streak row, its contact's status ("" without a contact), and whether
// flushBatch() must write the streak.
struct ContactTracker::KeptRun {
    Streak streak;
    QString domain; // the streak row's
    QString contactStatus;
    bool changed = false;
    std::optional<ListedContact> listed; // a contact the batch listed (not in the store yet)
};

ContactTracker::ContactTracker(Store::Database &database, const Clock &clock, ContactRules rules)
    : m_database(database)
    , m_clock(clock)
    , m_rules(rules)
{
}

ContactTracker::~ContactTracker() = default;

void ContactTracker::releaseStatements() { m_statements.reset(); }

bool ContactTracker::beginBatch(QString *error)
{
    Q_UNUSED(error)
    m_batch = std::make_unique<Batch>();
    return true;
}

void ContactTracker::endBatch() { m_batch.reset(); }

ContactTracker::KeptRun *ContactTracker::keptRun(const QString &address, QString *message)
{
    Batch &batch = *m_batch;
    if (const auto it = batch.kept.find(address); it != batch.kept.end())
        return &it->second;
    if (qsizetype(batch.kept.size()) >= m_keepLimit && !flushBatch(message))
        return nullptr;
    KeptRun run;
    const size_t hash = qHash(address);
    if (batch.loaded && !batch.runs.contains(hash) && !batch.contacts.contains(hash))
        return &batch.kept.emplace(address, std::move(run)).first->second; // neither a run nor a contact: no read
    Store::Statement &q = m_statements->readRun;
    if (!q.ready(message))
        return nullptr;
    q.bind(0, address);
    message->clear();
    if (q.first(message)) {
        run.streak = runFrom(q);
        run.contactStatus = q.text(9);
        run.domain = q.text(10);
        q.reset();
    } else if (!message->isEmpty()) {
        return nullptr;
    }
    return &batch.kept.emplace(address, std::move(run)).first->second;
}

bool ContactTracker::flushBatch(QString *error)
{
    if (!m_batch || m_batch->kept.empty())
        return true;
    QList<const std::pair<const QString, KeptRun> *> changed;
    for (const auto &kept : m_batch->kept) {
        if (kept.second.changed)
            changed.append(&kept);
    }
    // The streaks and contacts tables are keyed by address: in that order, neighbouring rows share pages.
    sortByText(changed, [](const auto *kept) { return QStringView(kept->first); });
    // Many rows to a statement, each table's rows in the order of inserting them one by one (a contact, then its
    // notes): the notes' ids come out the same.
    Statements &st = *m_statements;
    QString message;
    if (!st.storeRuns.insert(
            changed.size(),
            [&](Store::Statement &q, int first, qsizetype i) {
                bindStreak(q, first, changed[i]->first, changed[i]->second.domain, changed[i]->second.streak);
            },
            &message))
        return sqlFail(error, QStringLiteral("cannot store the failure run"), message);
    QList<const std::pair<const QString, KeptRun> *> listed;
    QList<std::pair<const QString *, const ListedContact::Note *>> notes;
    for (const auto *kept : std::as_const(changed)) {
        if (!kept->second.listed)
            continue;
        listed.append(kept);
        for (const ListedContact::Note &note : kept->second.listed->notes)
            notes.append({ &kept->first, &note });
    }
    const bool stored = st.lists.insert(
                            listed.size(),
                            [&](Store::Statement &q, int first, qsizetype i) {
                                bindListed(q, first, listed[i]->first, *listed[i]->second.listed);
                            },
                            &message)
        && st.addNotes.insert(
            notes.size(),
            [&](Store::Statement &q, int first, qsizetype i) {
                const ListedContact::Note &note = *notes[i].second;
                q.bindText(first, *notes[i].first);
                q.bindText(first + 1, note.at);
                q.bindText(first + 2, note.status);
                q.bindText(first + 3, note.text);
            },
            &message);
    if (!stored)
        return sqlFail(error, QStringLiteral("cannot list the recipient"), message);
    m_batch->kept.clear();
    return true;
}

void ContactTracker::bindListed(Store::Statement &q, int first, const QString &address, const ListedContact &c)
{
    q.bindText(first, address);
    q.bindText(first + 1, c.domain);
    q.bindText(first + 2, c.rule);
    q.bindInt(first + 3, c.failures);
    q.bindTextOrNull(first + 4, c.lastStatus);
    q.bindTextOrNull(first + 5, c.lastClass);
    q.bindTextOrNull(first + 6, c.lastReason);
    q.bindTextOrNull(first + 7, c.firstFailedAt);
    q.bindTextOrNull(first + 8, c.lastFailedAt);
    q.bindTextOrNull(first + 9, c.lastSuccessAt);
    q.bindText(first + 10, c.openedAt);
    q.bindText(first + 11, c.openedAt);
}

void ContactTracker::loadWhenDue()
{
    Batch &batch = *m_batch;
    if (batch.tried || ++batch.outcomes < Batch::LoadAfter)
        return;
    batch.tried = true;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    const auto load = [&query](const QString &table, QSet<size_t> *hashes) {
        if (!query.exec(QStringLiteral("SELECT count(*) FROM ") + table) || !query.next()
            || query.value(0).toLongLong() > Batch::MaxRuns
            || !query.exec(QStringLiteral("SELECT address FROM ") + table))
            return false;
        while (query.next())
            hashes->insert(qHash(query.value(0).toString()));
        return !query.lastError().isValid();
    };
    // A failed read leaves the batch unloaded: every outcome is then looked up, as without a batch.
    batch.loaded
        = load(QStringLiteral("recipient_streaks"), &batch.runs) && load(QStringLiteral("contacts"), &batch.contacts);
    if (!batch.loaded) {
        batch.runs.clear();
        batch.contacts.clear();
        return;
    }
    // What the batch made before the load and keeps unwritten: the store does not have it yet.
    for (const auto &[address, kept] : batch.kept) {
        if (kept.streak.exists)
            batch.runs.insert(qHash(address));
        if (!kept.contactStatus.isEmpty())
            batch.contacts.insert(qHash(address));
    }
}

bool ContactTracker::mayHaveRun(const QString &address)
{
    if (!m_batch)
        return true;
    return !m_batch->loaded || m_batch->runs.contains(qHash(address));
}

Tracking::OutcomeSink::Result ContactTracker::record(const Tracking::Outcome &outcome, QString *error)
{
    if (outcome.recipient.isEmpty())
        return Result::Recorded;
    if (!m_statements)
        m_statements = std::make_unique<Statements>(m_database);
    if (m_batch)
        loadWhenDue();
    Statements &st = *m_statements;
    const QString address = normalizedAddress(outcome.recipient);
    QString nowText; // read once, and only when needed
    const auto now = [&] {
        if (nowText.isEmpty())
            nowText = Store::IsoTime::toText(m_clock.now());
        return nowText;
    };
    const bool success = outcome.classification.cls == Bounce::DeliveryClass::Success;
    // Most successes are of recipients that never failed: one indexed read finds no run, and that is all (in a
    // batch, not even the read, nor the time's text).
    if (success && !mayHaveRun(address))
        return Result::Recorded;
    // An import's outcome comes with its event's row, whose time text (the same text) is ready.
    const Store::BounceRow *const row = outcome.row;
    const QString at = !outcome.at.isValid()                ? now()
        : row && !row->isNull(Store::BounceRow::OccurredAt) ? QString::fromUtf8(row->text(Store::BounceRow::OccurredAt))
                                                            : Store::IsoTime::toText(outcome.at);
    const bool hard = outcome.classification.cls == Bounce::DeliveryClass::Hard;
    QString message;
    const auto failed = [&](const QString &what) {
        sqlFail(error, what, message);
        return Result::Failed;
    };
    // Runs `statement` with the values given (execWith()), keeping its error in `message`.
    const auto run = [&](Store::Statement &statement, std::initializer_list<QVariant> values) {
        return execWith(statement, values, &message);
    };
    // … and reads its first row, if any: false on an error.
    const auto read = [&](Store::Statement &statement, std::initializer_list<QVariant> values, bool *found) {
        if (!bindAll(statement, values, &message))
            return false;
        message.clear();
        *found = statement.first(&message);
        return *found || message.isEmpty();
    };

    if (success) {
        // In a batch, the batch's copy of the run, written in flushBatch(); else the stored one, written here.
        Streak stored;
        Streak *s = &stored;
        KeptRun *kept = nullptr;
        if (m_batch) {
            kept = keptRun(address, &message);
            if (!kept)
                return failed(QStringLiteral("cannot read the failure run"));
            s = &kept->streak;
        } else if (!read(st.readEnd, { address }, &stored.exists)) {
            return failed(QStringLiteral("cannot read the failure run"));
        } else if (stored.exists) {
            const Store::Statement &row = st.readEnd;
            stored.failures = row.integer(0);
            stored.firstFailedAt = row.text(1);
            stored.lastFailedAt = row.text(2);
            stored.lastSuccessAt = row.text(3);
            stored.lastOutcomeAt = row.text(4);
            st.readEnd.reset();
        }
        if (!s->exists)
            return Result::Recorded; // never failed: nothing to track
        if (at >= s->lastFailedAt) {
            s->failures = 0; // the run is over
            s->firstFailedAt.clear();
        }
        s->lastSuccessAt = later(s->lastSuccessAt, at);
        s->lastOutcomeAt = later(s->lastOutcomeAt, at);
        if (kept) {
            kept->changed = true;
        } else if (!run(st.storeEnd,
                       { s->failures, textOrNull(s->firstFailedAt), textOrNull(s->lastSuccessAt), s->lastOutcomeAt,
                           address })) {
            return failed(QStringLiteral("cannot store the failure run"));
        }
        // Listed or not: an address without a contact row changes nothing (a batch knows there is none).
        if (kept && kept->listed)
            kept->listed->lastSuccessAt = s->lastSuccessAt;
        else if ((!kept || !kept->contactStatus.isEmpty()) && !run(st.contactSuccess, { s->lastSuccessAt, address }))
            return failed(QStringLiteral("cannot update the contact"));
        return Result::Recorded;
    }

    Streak s;
    QString entryStatus;
    bool found = false;
    KeptRun *kept = nullptr;
    if (m_batch) {
        kept = keptRun(address, &message);
        if (!kept)
            return failed(QStringLiteral("cannot read the failure run"));
        s = kept->streak;
        entryStatus = kept->contactStatus;
    } else if (!read(st.readRun, { address }, &found)) {
        return failed(QStringLiteral("cannot read the failure run"));
    }
    if (found) {
        s = runFrom(st.readRun);
        entryStatus = st.readRun.text(9);
        st.readRun.reset();
    }

    if (!s.lastSuccessAt.isEmpty() && at < s.lastSuccessAt && s.exists) {
        // Older than a success we know of: it was followed by that success, so it is not part of the run.
        return Result::Recorded;
    }
    addFailure(s, at, outcome.classification);
    s.lastOutcomeAt = later(s.lastOutcomeAt, at);

    const QString domain = (outcome.domain.isEmpty() ? address.section(u'@', -1) : outcome.domain).toLower();
    if (kept) {
        s.exists = true;
        kept->streak = s;
        kept->domain = domain;
        kept->changed = true;
    } else if (!storeStreak(st.storeRuns, address, domain, s, &message)) {
        return failed(QStringLiteral("cannot store the failure run"));
    }
    if (m_batch && m_batch->loaded)
        m_batch->runs.insert(qHash(address));

    const auto addNote = [&](const QString &status, const QString &text) {
        return run(st.addNotes.single(), { address, now(), status, text })
            || sqlFail(error, QStringLiteral("cannot add a note"), message);
    };
    // Only for a note (most failures add none).
    const auto statusText = [&outcome] {
        return outcome.classification.status.isEmpty()
            ? QStringLiteral("an unknown status")
            : QStringLiteral("%1 (%2)").arg(outcome.classification.status, outcome.classification.reason);
    };

    if (entryStatus.isEmpty()) {
        const bool byHard = hard && m_rules.hardBounce;
        const bool byRun = m_rules.consecutiveFailures > 0 && s.failures >= m_rules.consecutiveFailures;
        if (!byHard && !byRun)
            return Result::Recorded;
        const QString rule = byHard ? Rule::hardBounce() : Rule::consecutiveFailures();
        const QString why = byHard
            ? QStringLiteral("Listed: hard failure %1").arg(statusText())
            : QStringLiteral("Listed: %1 consecutive failures, the last %2").arg(s.failures).arg(statusText());
        if (kept) {
            // Inserted by flushBatch(), as `list` and addNote() below would insert it now.
            kept->listed = ListedContact { domain, rule, s.failures, s.lastStatus, s.lastClass, s.lastReason,
                s.firstFailedAt, s.lastFailedAt, s.lastSuccessAt, now(), { { now(), QStringLiteral("new"), why } } };
            kept->contactStatus = contactStatusName(ContactStatus::New); // (its run is in Batch::runs)
            return Result::Recorded;
        }
        if (!run(st.lists.single(),
                { address, domain, rule, s.failures, textOrNull(s.lastStatus), textOrNull(s.lastClass),
                    textOrNull(s.lastReason), textOrNull(s.firstFailedAt), textOrNull(s.lastFailedAt),
                    textOrNull(s.lastSuccessAt), now(), now() }))
            return failed(QStringLiteral("cannot list the recipient"));
        return addNote(QStringLiteral("new"), why) ? Result::Recorded : Result::Failed;
    }

    if (entryStatus == contactStatusName(ContactStatus::Resolved)) {
        // Reopen: the count starts again with this failure; the rule becomes hard-bounce if this one is hard.
        if (!run(st.reopen,
                { hard && m_rules.hardBounce ? 1 : 0, Rule::hardBounce(), textOrNull(outcome.classification.status),
                    Bounce::deliveryClassName(outcome.classification.cls), textOrNull(outcome.classification.reason),
                    at, at, now(), now(), address }))
            return failed(QStringLiteral("cannot reopen the contact"));
        if (kept)
            kept->contactStatus = contactStatusName(ContactStatus::New);
        return addNote(QStringLiteral("new"), QStringLiteral("Reopened: failed again with %1").arg(statusText()))
            ? Result::Recorded
            : Result::Failed;
    }

    // new, contacted or ignored: the facts follow, the workflow status stays.
    if (kept && kept->listed) {
        // As `follow` below: each new value from the row as it was (SQL's SET reads the old row).
        ListedContact &c = *kept->listed;
        addFailure(c, at, outcome.classification);
        if (hard && m_rules.hardBounce)
            c.rule = Rule::hardBounce();
        return Result::Recorded;
    }
    if (!run(st.follow,
            { at, textOrNull(outcome.classification.status), at, Bounce::deliveryClassName(outcome.classification.cls),
                at, textOrNull(outcome.classification.reason), at, at, at, hard && m_rules.hardBounce ? 1 : 0,
                Rule::hardBounce(), address }))
        return failed(QStringLiteral("cannot update the contact"));
    return Result::Recorded;
}

} // namespace Mailpulse::Contacts
