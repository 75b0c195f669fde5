#include "store/bouncerepository.h"

#include <algorithm>

#include <QSqlError>
#include <QSqlQuery>
#include <QVarLengthArray>
#include <QVariant>

#include "store/bouncerow.h"
#include "store/bulkinsert.h"
#include "store/database.h"
#include "store/fingerprintkey.h"
#include "store/isotime.h"
#include "store/lookupkey.h"
#include "store/statement.h"
#include "store/storelogging.h"
#include "store/transaction.h"

namespace Mailpulse::Store
{

using Bounce::BounceEvent;

struct BounceRepository::Statements {
    explicit Statements(Database &db)
        // OR FAIL with ON CONFLICT on the fingerprint: a stored fingerprint skips its row, any other constraint
        // failure is an error. FAIL rather than SQLite's default ABORT, and the probe key checked at commit
        // (schema v9), so that a statement of many rows needs no statement journal (see Store::BulkInsert).
        : insert(db,
            QStringLiteral("INSERT OR FAIL INTO bounces (fingerprint, source, probe_id, occurred_at, recipient, domain,"
                           " status, class, reason, action, reply_code, remote_mta, diagnostic, source_ref,"
                           " domain_key)"),
            QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            QStringLiteral("ON CONFLICT (fingerprint) DO NOTHING"), RowsPerStatement)
        , idOf(db, QStringLiteral("SELECT id FROM bounces WHERE fingerprint = ?"))
    {
    }
    // 64 measured best of 16 … 256 (C program, 22,841 rows of a Postfix log import: 646M, 639M, 642M instructions
    // against 767M one row at a time); larger statements only cost more to prepare.
    static constexpr int RowsPerStatement = 64;
    BulkInsert insert;
    Statement idOf;
};

namespace
{

const QString SelectColumns = QStringLiteral(
    "SELECT fingerprint, source, occurred_at, recipient, domain, status, class, reason, action, reply_code,"
    " remote_mta, diagnostic, source_ref FROM bounces");

QList<BounceEvent> readEvents(QSqlQuery &query)
{
    QList<BounceEvent> events;
    while (query.next()) {
        BounceEvent e;
        // A key reads back as "key:<hex>" (FingerprintKey::toText); a text only where something wrote one directly.
        const QVariant fingerprint = query.value(0);
        e.fingerprint = fingerprint.typeId() == QMetaType::QByteArray
            ? FingerprintKey::toText(fingerprint.toByteArray())
            : fingerprint.toString();
        const auto source = Bounce::bounceSourceFromName(query.value(1).toString());
        const auto cls = Bounce::deliveryClassFromName(query.value(6).toString());
        if (!source || !cls) {
            qCWarning(lcStore) << "bounce row with unknown source or class skipped:" << e.fingerprint;
            continue;
        }
        e.source = *source;
        e.occurredAt = QDateTime::fromString(query.value(2).toString(), Qt::ISODateWithMs);
        e.recipient = query.value(3).toString();
        e.domain = query.value(4).toString();
        e.classification.status = query.value(5).toString();
        e.classification.cls = *cls;
        e.classification.reason = query.value(7).toString();
        e.action = query.value(8).toString();
        e.replyCode = query.value(9).toInt();
        e.remoteMta = query.value(10).toString();
        e.diagnostic = query.value(11).toString();
        e.sourceRef = query.value(12).toString();
        events.append(std::move(e));
    }
    return events;
}

// A query's :key and :domain for a domain as stored (lower case).
void bindDomain(QSqlQuery &query, const QString &domain)
{
    const QString lower = domain.toLower();
    query.bindValue(QStringLiteral(":key"), LookupKey::of(lower));
    query.bindValue(QStringLiteral(":domain"), lower);
}

} // namespace

BounceRepository::BounceRepository(Database &database)
    : m_database(database)
{
}

BounceRepository::~BounceRepository() = default;

void BounceRepository::release() { m_statements.reset(); }

BounceRepository::InsertResult BounceRepository::insert(const BounceEvent &event, qint64 probeId, QString *error)
{
    return insert(BounceRow::of(event, probeId), error);
}

namespace
{

bool refuseWithoutFingerprint(const BounceRow &row, QString *error)
{
    if (row.hasFingerprint())
        return false;
    if (error)
        *error = QStringLiteral("bounce event without a fingerprint");
    return true;
}

// Binds `row` into the insert's placeholders from `first` on, in the column order of Statements::insert.
void bindRow(Statement &q, int first, const BounceRow &row)
{
    const auto text = [&q, &row, first](int column, BounceRow::Text text) {
        if (row.isNull(text))
            q.bindNull(first + column);
        else
            q.bindUtf8(first + column, row.text(text));
    };
    const auto integer = [&q, first](int column, qint64 value) {
        if (value != 0)
            q.bindInt(first + column, value);
        else
            q.bindNull(first + column);
    };
    q.bindBlob(first, QByteArrayView(row.key().data(), FingerprintKey::Size));
    text(1, BounceRow::Source);
    integer(2, row.probeId());
    text(3, BounceRow::OccurredAt);
    text(4, BounceRow::Recipient);
    text(5, BounceRow::Domain);
    text(6, BounceRow::Status);
    text(7, BounceRow::Class);
    text(8, BounceRow::Reason);
    text(9, BounceRow::Action);
    integer(10, row.replyCode());
    text(11, BounceRow::RemoteMta);
    text(12, BounceRow::Diagnostic);
    text(13, BounceRow::SourceRef);
    integer(14, row.domainKey());
}

} // namespace

BounceRepository::InsertResult BounceRepository::insert(const BounceRow &row, QString *error)
{
    const BounceRow *one = &row;
    InsertResult result = InsertResult::Failed;
    return insert(std::span(&one, 1), &result, error) ? result : InsertResult::Failed;
}

bool BounceRepository::insert(std::span<const BounceRow *const> rows, InsertResult *results, QString *error)
{
    for (const BounceRow *row : rows) {
        if (refuseWithoutFingerprint(*row, error))
            return false;
    }
    if (!m_statements)
        m_statements = std::make_unique<Statements>(m_database);
    return m_statements->insert.insert(
        qsizetype(rows.size()), [rows](Statement &q, int first, qsizetype i) { bindRow(q, first, *rows[i]); },
        [this, rows, results](const Statement &q, qsizetype first, int count, QString *error) {
            return sortOut(q.changes(), q.lastInsertId(), rows.subspan(first, count), results + first, error);
        },
        error);
}

bool BounceRepository::sortOut(
    int stored, qint64 lastId, std::span<const BounceRow *const> rows, InsertResult *results, QString *error)
{
    // All stored (a first import) or none (an import of the same lines again): nothing to look up.
    if (stored == int(rows.size()) || stored == 0) {
        std::fill_n(results, rows.size(), stored == 0 ? InsertResult::Duplicate : InsertResult::Inserted);
        return true;
    }
    // Some of them. SQLite gave the rows it stored the ids after the table's largest, in order (a new row gets
    // max(id) + 1), so the statement's own rows are the ones whose fingerprint now has an id above
    // lastId - stored; of two rows with one fingerprint, the first was stored and the second skipped.
    Statement &idOf = m_statements->idOf;
    if (!idOf.ready(error))
        return false;
    const qint64 before = lastId - stored;
    QVarLengthArray<qint64, Statements::RowsPerStatement> mine;
    for (size_t i = 0; i < rows.size(); ++i) {
        idOf.bindBlob(0, QByteArrayView(rows[i]->key().data(), FingerprintKey::Size));
        QString lookupError;
        const bool found = idOf.first(&lookupError);
        const qint64 id = found ? idOf.integer(0) : 0;
        idOf.reset();
        if (!found) {
            if (error)
                *error = lookupError.isEmpty()
                    ? QStringLiteral("a bounce just inserted or skipped as stored is not in the table")
                    : lookupError;
            return false;
        }
        const bool fresh = id > before && !mine.contains(id);
        if (fresh)
            mine.append(id);
        results[i] = fresh ? InsertResult::Inserted : InsertResult::Duplicate;
    }
    if (mine.size() != stored) {
        if (error)
            *error = QStringLiteral("cannot tell which %1 of %2 bounces were stored").arg(stored).arg(rows.size());
        return false;
    }
    return true;
}

bool BounceRepository::insertAll(const QList<BounceEvent> &events, int *inserted, int *duplicates, QString *error)
{
    Transaction transaction(m_database);
    if (!transaction.begin(error))
        return false;
    int fresh = 0;
    int seen = 0;
    for (const BounceEvent &event : events) {
        switch (insert(event, 0, error)) {
        case InsertResult::Inserted:
            ++fresh;
            break;
        case InsertResult::Duplicate:
            ++seen;
            break;
        case InsertResult::Failed:
            return false;
        }
    }
    if (!transaction.commit(error))
        return false;
    if (inserted)
        *inserted = fresh;
    if (duplicates)
        *duplicates = seen;
    return true;
}

QList<BounceEvent> BounceRepository::recent(int limit, const QString &domain) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(SelectColumns
        + (domain.isEmpty() ? QString() : QStringLiteral(" WHERE domain_key = :key AND domain = :domain"))
        + QStringLiteral(" ORDER BY occurred_at DESC, id DESC LIMIT :limit"));
    if (!domain.isEmpty())
        bindDomain(query, domain);
    query.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : -1);
    if (!query.exec()) {
        qCWarning(lcStore) << "reading bounces failed:" << query.lastError().text();
        return {};
    }
    return readEvents(query);
}

QList<BounceEvent> BounceRepository::forRecipient(const QString &recipient, int limit) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(SelectColumns
        + QStringLiteral(" WHERE recipient = :recipient ORDER BY occurred_at DESC, id DESC LIMIT :limit"));
    query.bindValue(QStringLiteral(":recipient"), recipient);
    query.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : -1);
    if (!query.exec()) {
        qCWarning(lcStore) << "reading bounces failed:" << query.lastError().text();
        return {};
    }
    return readEvents(query);
}

qint64 BounceRepository::count(const QString &domain) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(domain.isEmpty() ? QStringLiteral("SELECT count(*) FROM bounces")
                                   : QStringLiteral("SELECT count(*) FROM bounces WHERE domain_key = :key"
                                                    " AND domain = :domain"));
    if (!domain.isEmpty())
        bindDomain(query, domain);
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

bool BounceRepository::contains(const QString &fingerprint) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT 1 FROM bounces WHERE fingerprint = :fp"));
    query.bindValue(QStringLiteral(":fp"), FingerprintKey::bytesOf(fingerprint));
    return query.exec() && query.next();
}

qint64 BounceRepository::probeIdOf(const QString &fingerprint) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT probe_id FROM bounces WHERE fingerprint = :fp"));
    query.bindValue(QStringLiteral(":fp"), FingerprintKey::bytesOf(fingerprint));
    if (!query.exec() || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

} // namespace Mailpulse::Store
