#include <QCryptographicHash>
#include <QSet>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"
#include "store/bouncerepository.h"
#include "store/bouncerow.h"
#include "store/database.h"
#include "store/fingerprintkey.h"
#include "store/importfilerepository.h"
#include "store/isotime.h"
#include "store/lookupkey.h"
#include "store/transaction.h"
#include "tracking/bounceeventsink.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;
using namespace Mailpulse::Store;
using namespace Qt::StringLiterals;

class TestBounceRepository : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void schema();
    void insertIsIdempotent();
    void fingerprintKeys();
    void insertAllIsAtomic();
    void valuesChangeFromRowToRow();
    void preparedRows();
    void manyRowsSortOutDuplicates();
    void manyRowsRefuseUnprinted();
    void probeLinkCheckedAtCommit();
    void sinkRecordsImportsTogether();
    void queries();
    void lookupKeys();
    void isoTimeText_data();
    void isoTimeText();
    void probeOutcomes();
    void importedOutcomes();
    void importFiles();

private:
    static BounceEvent event(const QString &recipient, const QString &status, const QDateTime &at, int n);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
};

BounceEvent TestBounceRepository::event(const QString &recipient, const QString &status, const QDateTime &at, int n)
{
    BounceEvent e;
    e.recipient = recipient;
    e.domain = recipient.section(u'@', 1);
    e.classification = { status,
        status.startsWith(u'2') ? DeliveryClass::Success
                                : (status.startsWith(u'4') ? DeliveryClass::Soft : DeliveryClass::Hard),
        u"userunknown"_s };
    e.source = BounceSource::Log;
    e.occurredAt = at;
    e.diagnostic = u"550 5.1.1 unknown"_s;
    e.remoteMta = u"mx.example[192.0.2.1]:25"_s;
    e.replyCode = 550;
    e.action = u"bounced"_s;
    e.sourceRef = u"mail.log:%1"_s.arg(n);
    e.fingerprint = u"log:test-%1"_s.arg(n);
    return e;
}

void TestBounceRepository::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Database>();
    QString error;
    QVERIFY2(m_db->open(m_dir->filePath(u"store.sqlite"_s), &error), qPrintable(error));
}

void TestBounceRepository::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestBounceRepository::schema()
{
    QVERIFY(m_db->schemaVersion() >= 2);
    QSqlQuery q(m_db->connection());
    QStringList indexes;
    QVERIFY(q.exec(u"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bounces'"_s));
    while (q.next())
        indexes << q.value(0).toString();
    for (const QString &name : { u"bounces_domain_key"_s, u"bounces_probe"_s })
        QVERIFY2(indexes.contains(name), qPrintable(indexes.join(u", "_s)));
    // v8: nothing looks bounces up by recipient; neither the index nor its key column is kept.
    QVERIFY(!indexes.contains(u"bounces_recipient_key"_s));
    QVERIFY(!m_db->connection().record(u"bounces"_s).contains(u"recipient_key"_s));
    QVERIFY(!indexes.contains(u"bounces_status"_s)); // dropped in v5: no query filters bounces by status
    // v6: the texts are not indexed, their keys are.
    QVERIFY(!indexes.contains(u"bounces_domain_occurred"_s));
    QVERIFY(!indexes.contains(u"bounces_recipient_occurred"_s));
    QVERIFY(q.exec(u"SELECT count(*) FROM import_files"_s) && q.next());
    // The fingerprint is unique at the schema level, not only in the repository.
    QVERIFY(q.exec(u"INSERT INTO bounces (fingerprint, source, class) VALUES ('x', 'log', 'hard')"_s));
    QVERIFY(!q.exec(u"INSERT INTO bounces (fingerprint, source, class) VALUES ('x', 'log', 'soft')"_s));
}

void TestBounceRepository::insertIsIdempotent()
{
    BounceRepository repo(*m_db);
    const BounceEvent e = event(u"a@b.example"_s, u"5.1.1"_s, QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC), 1);
    QString error;
    QCOMPARE(repo.insert(e, 0, &error), BounceRepository::InsertResult::Inserted);
    QCOMPARE(repo.insert(e, 0, &error), BounceRepository::InsertResult::Duplicate);
    BounceEvent other = e;
    other.fingerprint.clear();
    QCOMPARE(repo.insert(other, 0, &error), BounceRepository::InsertResult::Failed);
    QVERIFY(!error.isEmpty());
    QCOMPARE(repo.count(), 1);
    QVERIFY(repo.contains(e.fingerprint));

    const QList<BounceEvent> stored = repo.recent(10);
    QCOMPARE(stored.size(), 1);
    const BounceEvent &s = stored.first();
    QCOMPARE(s.recipient, e.recipient);
    QCOMPARE(s.domain, e.domain);
    QCOMPARE(s.classification, e.classification);
    QCOMPARE(s.source, e.source);
    QCOMPARE(s.occurredAt, e.occurredAt);
    QCOMPARE(s.diagnostic, e.diagnostic);
    QCOMPARE(s.remoteMta, e.remoteMta);
    QCOMPARE(s.replyCode, e.replyCode);
    QCOMPARE(s.action, e.action);
    QCOMPARE(s.sourceRef, e.sourceRef);
    // Stored as its key: it reads back as "key:<hex>", which names the same row.
    QCOMPARE(s.fingerprint, FingerprintKey::toText(FingerprintKey::bytesOf(e.fingerprint)));
    QVERIFY(repo.contains(s.fingerprint));
    QCOMPARE(repo.insert(s, 0, &error), BounceRepository::InsertResult::Duplicate);
}

void TestBounceRepository::fingerprintKeys()
{
    // A log line's fingerprint is a hash in hex: its key is those bytes. Anything else: SHA-256's first 16 bytes.
    const QString log = u"log:00112233445566778899aabbccddeeff"_s;
    QCOMPARE(FingerprintKey::bytesOf(log), QByteArray::fromHex("00112233445566778899aabbccddeeff"));
    const QString dsn = u"dsn:2fd4e1c67a2d28fced849ee1bb76e7391b93eb12:x@dsn.example:0"_s;
    QCOMPARE(FingerprintKey::bytesOf(dsn), QCryptographicHash::hash(dsn.toUtf8(), QCryptographicHash::Sha256).left(16));
    // Not quite a log key (upper case, short, not hex): hashed like any text.
    for (const QString &text : { u"log:00112233445566778899AABBCCDDEEFF"_s, u"log:0011"_s,
             u"log:0011223344556677889_aabbccddeeff"_s, u"probe:7:a@b.example"_s }) {
        QCOMPARE(FingerprintKey::bytesOf(text).size(), 16);
        QCOMPARE(FingerprintKey::bytesOf(text),
            QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).left(16));
    }
    // What an event reads back as names the same key.
    for (const QString &text : { log, dsn })
        QCOMPARE(FingerprintKey::bytesOf(FingerprintKey::toText(FingerprintKey::bytesOf(text))),
            FingerprintKey::bytesOf(text));
    // The SQL function the v5 migration converts stored texts with is the same function.
    QSqlQuery q(m_db->connection());
    QVERIFY(q.prepare(u"SELECT mailpulse_fingerprint_key(?), mailpulse_fingerprint_key(?)"_s));
    q.addBindValue(log);
    q.addBindValue(dsn);
    QVERIFY(q.exec() && q.next());
    QCOMPARE(q.value(0).toByteArray(), FingerprintKey::bytesOf(log));
    QCOMPARE(q.value(1).toByteArray(), FingerprintKey::bytesOf(dsn));
}

void TestBounceRepository::insertAllIsAtomic()
{
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QList<BounceEvent> events { event(u"a@b.example"_s, u"5.1.1"_s, t, 1), event(u"c@b.example"_s, u"4.2.2"_s, t, 2),
        event(u"a@b.example"_s, u"5.1.1"_s, t, 1) };
    int inserted = 0;
    int duplicates = 0;
    QString error;
    QVERIFY2(repo.insertAll(events, &inserted, &duplicates, &error), qPrintable(error));
    QCOMPARE(inserted, 2);
    QCOMPARE(duplicates, 1);

    // One bad event: nothing of the batch is stored.
    QList<BounceEvent> bad { event(u"d@b.example"_s, u"5.1.1"_s, t, 3), event(u"e@b.example"_s, u"5.1.1"_s, t, 4) };
    bad[1].fingerprint.clear();
    QVERIFY(!repo.insertAll(bad, &inserted, &duplicates, &error));
    QCOMPARE(repo.count(), 2);
    QVERIFY(!repo.contains(u"log:test-3"_s));
}

void TestBounceRepository::valuesChangeFromRowToRow()
{
    // The repository re-binds only what changed between rows: every column must still come back as given,
    // including a value going to null and back.
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QList<BounceEvent> events;
    for (int i = 0; i < 6; ++i) {
        BounceEvent e = event(u"u%1@b.example"_s.arg(i % 2), i % 3 ? u"5.1.1"_s : u"2.0.0"_s, t.addSecs(i), i);
        if (i % 2) {
            e.diagnostic.clear();
            e.remoteMta = QString();
            e.replyCode = 0;
            e.source = BounceSource::Dsn;
            e.occurredAt = QDateTime();
        }
        events << e;
    }
    QVERIFY(repo.insertAll(events));
    for (const BounceEvent &e : std::as_const(events)) {
        const QList<BounceEvent> stored = repo.forRecipient(e.recipient);
        const auto it = std::find_if(stored.cbegin(), stored.cend(), [&e](const BounceEvent &s) {
            return FingerprintKey::of(s.fingerprint) == FingerprintKey::of(e.fingerprint);
        });
        QVERIFY(it != stored.cend());
        QCOMPARE(it->classification, e.classification);
        QCOMPARE(it->source, e.source);
        QCOMPARE(it->diagnostic, e.diagnostic);
        QCOMPARE(it->remoteMta, e.remoteMta);
        QCOMPARE(it->replyCode, e.replyCode);
        QCOMPARE(it->occurredAt, e.occurredAt);
        QCOMPARE(it->sourceRef, e.sourceRef);
    }
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT count(*) FROM bounces WHERE diagnostic IS NULL AND reply_code IS NULL"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 3);
}

void TestBounceRepository::preparedRows()
{
    // An importer hands the repository each event as its BounceRow, prepared on another thread: every column is
    // stored as binding the event's own values stores it (a null text as NULL, an empty one as '', UTF-8 otherwise;
    // no reply code or domain as NULL), whatever the texts of the rows before.
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0, 1, 5), Qt::UTC);
    QList<BounceEvent> events;
    for (int i = 0; i < 5; ++i)
        events << event(u"u%1@b.example"_s.arg(i), u"5.1.1"_s, t.addSecs(i), i);
    events[1].recipient = u"jürgen@bücher.example"_s;
    events[1].domain = u"bücher.example"_s;
    events[1].diagnostic = u"550 日本語 \U0001F600"_s;
    events[2].diagnostic = u""_s; // empty, not null
    events[2].remoteMta = QString(); // null
    events[2].occurredAt = QDateTime();
    events[2].replyCode = 0;
    events[3].domain = QString();
    events[3].action = QString(QChar(0xD800)); // a lone surrogate, at a column's end
    events[3].remoteMta = u"x"_s;
    events[4].source = BounceSource::Probe;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Store::BounceRow row = Store::BounceRow::of(events[i]);
        QCOMPARE(QByteArray(row.key().data(), FingerprintKey::Size), FingerprintKey::bytesOf(events[i].fingerprint));
        qsizetype textBytes = 0;
        for (int c = 0; c < Store::BounceRow::TextCount; ++c)
            textBytes += row.text(Store::BounceRow::Text(c)).size();
        QCOMPARE(row.allocatedBytes(), textBytes); // no room spare, ASCII rows or not
        QCOMPARE(repo.insert(row), BounceRepository::InsertResult::Inserted);
        QCOMPARE(repo.insert(row), BounceRepository::InsertResult::Duplicate);
    }
    BounceEvent unprinted = events[0];
    unprinted.fingerprint.clear();
    QCOMPARE(repo.insert(Store::BounceRow::of(unprinted)), BounceRepository::InsertResult::Failed);

    const auto utf8 = [](const QString &text) {
        return text.isNull() ? QVariant()
                             : QVariant(QString::fromUtf8(QStringEncoder(QStringEncoder::Utf8).encode(text)));
    };
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT source, probe_id, occurred_at, recipient, domain, status, class, reason, action,"
                   " reply_code, remote_mta, diagnostic, source_ref, domain_key FROM bounces ORDER BY id"_s));
    for (qsizetype i = 0; i < events.size(); ++i) {
        const BounceEvent &e = events[i];
        QVERIFY(q.next());
        const QVariantList expected { bounceSourceName(e.source), QVariant(), utf8(IsoTime::toText(e.occurredAt)),
            utf8(e.recipient), utf8(e.domain), utf8(e.classification.status), deliveryClassName(e.classification.cls),
            utf8(e.classification.reason), utf8(e.action), e.replyCode ? QVariant(e.replyCode) : QVariant(),
            utf8(e.remoteMta), utf8(e.diagnostic), utf8(e.sourceRef),
            e.domain.isEmpty() ? QVariant() : QVariant(LookupKey::of(e.domain)) };
        for (int c = 0; c < int(expected.size()); ++c) {
            QCOMPARE(q.value(c).isNull(), expected[c].isNull());
            QCOMPARE(q.value(c).toString(), expected[c].toString());
        }
    }
    QVERIFY(!q.next());
}

void TestBounceRepository::manyRowsSortOutDuplicates()
{
    // 200 rows go in as statements of 64, 64, 64 and 8 rows: some stored before (all of a statement, none of one,
    // some of others), and fingerprints repeated within the call, within one statement and across statements.
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QList<BounceEvent> events;
    for (int i = 0; i < 200; ++i)
        events << event(u"u%1@b.example"_s.arg(i), u"5.1.1"_s, t.addSecs(i), i);
    QSet<int> storedBefore { 5, 70, 150, 199 };
    for (int i = 64; i < 128; ++i)
        storedBefore.insert(i); // the second statement: every row a duplicate
    for (int i = 0; i < 200; ++i) {
        if (storedBefore.contains(i))
            QCOMPARE(repo.insert(events[i]), BounceRepository::InsertResult::Inserted);
    }
    events[30].fingerprint = events[10].fingerprint; // same statement, the first one stored
    events[31].fingerprint = events[5].fingerprint; // same as a row stored before
    events[140].fingerprint = events[20].fingerprint; // an earlier statement's row
    events[193].fingerprint = events[192].fingerprint; // in the 8-row statement
    events[194].fingerprint = events[192].fingerprint;
    const QSet<int> repeated { 30, 31, 140, 193, 194 };

    std::vector<BounceRow> rows;
    for (const BounceEvent &e : events)
        rows.push_back(BounceRow::of(e));
    std::vector<const BounceRow *> pointers;
    for (const BounceRow &r : rows)
        pointers.push_back(&r);
    std::vector<BounceRepository::InsertResult> results(rows.size(), BounceRepository::InsertResult::Failed);
    QString error;
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.begin());
        QVERIFY2(repo.insert(pointers, results.data(), &error), qPrintable(error));
        QVERIFY(transaction.commit());
    }
    QList<int> expectedIds;
    for (int i = 0; i < 200; ++i) {
        const bool fresh = !storedBefore.contains(i) && !repeated.contains(i);
        QVERIFY2(results[i]
                == (fresh ? BounceRepository::InsertResult::Inserted : BounceRepository::InsertResult::Duplicate),
            qPrintable(u"row %1"_s.arg(i)));
        if (fresh)
            expectedIds << i;
    }
    QCOMPARE(repo.count(), qint64(storedBefore.size() + expectedIds.size()));
    // The stored rows are each event's own, in the order given (ids as if inserted one by one).
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT source_ref FROM bounces WHERE id > %1 ORDER BY id"_s.arg(storedBefore.size())));
    QList<int> storedRefs;
    while (q.next())
        storedRefs << q.value(0).toString().section(u':', 1).toInt();
    QCOMPARE(storedRefs, expectedIds);

    // The same rows again: all duplicates, nothing stored.
    QVERIFY2(repo.insert(pointers, results.data(), &error), qPrintable(error));
    for (BounceRepository::InsertResult r : results)
        QVERIFY(r == BounceRepository::InsertResult::Duplicate);
    QCOMPARE(repo.count(), qint64(storedBefore.size() + expectedIds.size()));
}

void TestBounceRepository::manyRowsRefuseUnprinted()
{
    // A row without a fingerprint (the last of 70: the first statement of 64 would go through) fails the call
    // before anything is stored.
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    std::vector<BounceRow> rows;
    for (int i = 0; i < 70; ++i) {
        BounceEvent e = event(u"u%1@b.example"_s.arg(i), u"5.1.1"_s, t, i);
        if (i == 69)
            e.fingerprint.clear();
        rows.push_back(BounceRow::of(e));
    }
    std::vector<const BounceRow *> pointers;
    for (const BounceRow &r : rows)
        pointers.push_back(&r);
    std::vector<BounceRepository::InsertResult> results(rows.size());
    QString error;
    QVERIFY(!repo.insert(pointers, results.data(), &error));
    QVERIFY2(error.contains(u"fingerprint"_s), qPrintable(error));
    QCOMPARE(repo.count(), 0);
    QCOMPARE(repo.insert(rows[0]), BounceRepository::InsertResult::Inserted);
}

void TestBounceRepository::probeLinkCheckedAtCommit()
{
    // v9: a bounce's probe must exist when its transaction commits (not after each statement), and deleting the
    // probe still unlinks its bounces at once.
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QString error;
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.begin());
        QCOMPARE(repo.insert(event(u"a@b.example"_s, u"5.1.1"_s, t, 1), 424242, &error),
            BounceRepository::InsertResult::Inserted);
        QVERIFY(!transaction.commit(&error));
        QVERIFY2(error.contains(u"FOREIGN KEY"_s, Qt::CaseInsensitive), qPrintable(error));
        transaction.rollback();
    }
    QCOMPARE(repo.count(), 0);
    // Without a transaction of the caller's, the statement's own commit refuses it.
    QCOMPARE(
        repo.insert(event(u"a@b.example"_s, u"5.1.1"_s, t, 1), 424242, &error), BounceRepository::InsertResult::Failed);
    QCOMPARE(repo.count(), 0);

    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(
        u"INSERT INTO probes (id, target, tls_mode, class, phase, result_json) VALUES (7, 'b.example', 'none', 'hard', 'rcpt', '{}')"_s));
    QCOMPARE(
        repo.insert(event(u"a@b.example"_s, u"5.1.1"_s, t, 2), 7, &error), BounceRepository::InsertResult::Inserted);
    QCOMPARE(repo.probeIdOf(u"log:test-2"_s), 7);
    QVERIFY(q.exec(u"DELETE FROM probes WHERE id = 7"_s));
    QCOMPARE(repo.probeIdOf(u"log:test-2"_s), 0);
    QCOMPARE(repo.count(), 1);
}

void TestBounceRepository::sinkRecordsImportsTogether()
{
    // BounceEventSink::recordAll(): imported outcomes with prepared rows go in together, and say which were new;
    // a mix with a probe outcome goes one by one, with the same results.
    Tracking::BounceEventSink sink(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QList<BounceEvent> events;
    for (int i = 0; i < 100; ++i)
        events << event(u"u%1@b.example"_s.arg(i), u"4.2.2"_s, t.addSecs(i), i);
    events[90].fingerprint = events[3].fingerprint;
    std::vector<BounceRow> rows;
    for (const BounceEvent &e : events)
        rows.push_back(BounceRow::of(e));
    std::vector<Tracking::Outcome> outcomes;
    for (qsizetype i = 0; i < events.size(); ++i) {
        outcomes.push_back(Tracking::OutcomeRecorder::outcomeOf(events[i]));
        outcomes.back().row = &rows[size_t(i)];
    }
    using Result = Tracking::OutcomeSink::Result;
    std::vector<Result> results(outcomes.size(), Result::Failed);
    QString error;
    QVERIFY2(sink.recordAll(std::span(outcomes).first(50), results.data(), &error), qPrintable(error));
    QVERIFY2(sink.recordAll(outcomes, results.data(), &error), qPrintable(error));
    for (int i = 0; i < 100; ++i)
        QCOMPARE(results[size_t(i)], (i < 50 || i == 90) ? Result::Duplicate : Result::Recorded);
    QCOMPARE(BounceRepository(*m_db).count(), 99);

    Tracking::Outcome probe;
    probe.source = BounceSource::Probe;
    probe.target = probe.recipient = u"p@b.example"_s;
    probe.domain = u"b.example"_s;
    probe.classification = { u"4.4.1"_s, DeliveryClass::Soft, u"expired"_s };
    probe.at = t;
    outcomes.push_back(probe);
    results.assign(outcomes.size(), Result::Failed);
    QVERIFY2(sink.recordAll(outcomes, results.data(), &error), qPrintable(error));
    for (size_t i = 0; i < 100; ++i)
        QCOMPARE(results[i], Result::Duplicate);
    QCOMPARE(results.back(), Result::Recorded);
    QCOMPARE(BounceRepository(*m_db).count(), 100);
}

void TestBounceRepository::queries()
{
    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QList<BounceEvent> events;
    for (int i = 0; i < 6; ++i)
        events << event(i % 2 ? u"x@odd.example"_s : u"y%1@even.example"_s.arg(i), u"5.1.1"_s, t.addSecs(i * 60), i);
    QVERIFY(repo.insertAll(events));
    QCOMPARE(repo.count(), 6);
    QCOMPARE(repo.count(u"odd.example"_s), 3);
    QCOMPARE(repo.count(u"ODD.example"_s), 3);
    const QList<BounceEvent> recent = repo.recent(2);
    QCOMPARE(recent.size(), 2);
    QCOMPARE(FingerprintKey::of(recent.at(0).fingerprint), FingerprintKey::of(u"log:test-5"_s));
    QCOMPARE(FingerprintKey::of(recent.at(1).fingerprint), FingerprintKey::of(u"log:test-4"_s));
    QCOMPARE(repo.recent(0, u"even.example"_s).size(), 3);
    const QList<BounceEvent> x = repo.forRecipient(u"x@odd.example"_s);
    QCOMPARE(x.size(), 3);
    QVERIFY(x.at(0).occurredAt > x.at(1).occurredAt);
}

void TestBounceRepository::lookupKeys()
{
    QCOMPARE(LookupKey::of(u""_s), 0);
    QVERIFY(LookupKey::of(u"a@b.example"_s) != 0);
    QVERIFY(LookupKey::of(u"a@b.example"_s) != LookupKey::of(u"A@b.example"_s));
    QCOMPARE(LookupKey::of(u"a@b.example"_s), LookupKey::of(QStringView(u"xa@b.example").sliced(1)));
    // The published FNV-1a test vector of the empty input is the offset basis; one byte more must change it. Here
    // the UTF-16 code units hash low byte first: "a" is the bytes 0x61 0x00.
    quint64 h = 0xcbf29ce484222325ULL;
    for (unsigned char byte : { 0x61, 0x00 })
        h = (h ^ byte) * 0x100000001b3ULL;
    QCOMPARE(LookupKey::of(u"a"_s), qint64(h));

    BounceRepository repo(*m_db);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    QVERIFY(repo.insertAll({ event(u"x@one.example"_s, u"5.1.1"_s, t, 1), event(u"y@two.example"_s, u"5.1.1"_s, t, 2),
        event(u"x@one.example"_s, u"4.4.1"_s, t.addSecs(60), 3) }));
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT count(*) FROM bounces WHERE domain_key = %1"_s.arg(LookupKey::of(u"one.example"_s)))
        && q.next());
    QCOMPARE(q.value(0).toInt(), 2);

    // Two texts with one key (forced here: a 64-bit collision is not found by chance) still give exact answers.
    QVERIFY(q.exec(
        u"UPDATE bounces SET domain_key = %1 WHERE domain = 'two.example'"_s.arg(LookupKey::of(u"one.example"_s))));
    QCOMPARE(repo.count(u"one.example"_s), 2);
    QCOMPARE(repo.recent(0, u"one.example"_s).size(), 2);
    QCOMPARE(repo.count(u"two.example"_s), 0); // its key is now another's: not found by it
    QCOMPARE(repo.forRecipient(u"x@one.example"_s).size(), 2); // found without a key
    QCOMPARE(repo.forRecipient(u"y@two.example"_s).size(), 1);

    // The queries use the key index, not a scan of the table.
    for (const QString &sql : { u"SELECT count(*) FROM bounces WHERE domain_key = 1 AND domain = 'x'"_s }) {
        QVERIFY(q.exec(u"EXPLAIN QUERY PLAN "_s + sql));
        QStringList plan;
        while (q.next())
            plan << q.value(3).toString();
        QVERIFY2(plan.join(u' ').contains(u"USING INDEX bounces_"_s), qPrintable(plan.join(u"; "_s)));
    }
}

void TestBounceRepository::isoTimeText_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::newRow("epoch") << QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    QTest::newRow("now-ish") << QDateTime(QDate(2026, 11, 27), QTime(10, 0, 1, 123), Qt::UTC);
    QTest::newRow("leap day") << QDateTime(QDate(2028, 2, 29), QTime(23, 59, 59, 999), Qt::UTC);
    QTest::newRow("offset") << QDateTime(QDate(2026, 7, 1), QTime(2, 0), QTimeZone(7200));
    QTest::newRow("before 1970") << QDateTime(QDate(1969, 12, 31), QTime(23, 0, 0, 5), Qt::UTC);
    QTest::newRow("2100") << QDateTime(QDate(2100, 3, 1), QTime(0, 0), Qt::UTC);
}

void TestBounceRepository::isoTimeText()
{
    QFETCH(QDateTime, time);
    QCOMPARE(IsoTime::toText(time), time.toUTC().toString(Qt::ISODateWithMs));
    QVERIFY(IsoTime::toText({}).isNull());
}

void TestBounceRepository::probeOutcomes()
{
    Smtp::ProbeResult result;
    result.target = u"a@b.example,c@b.example"_s;
    result.domain = u"b.example"_s;
    result.host = u"mx.b.example"_s;
    result.classification = { u"5.1.1"_s, DeliveryClass::Hard, u"userunknown"_s };
    result.phase = Smtp::Phase::Rcpt;
    result.startedAt = QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    Smtp::RecipientResult a;
    a.address = u"a@b.example"_s;
    a.classification = result.classification;
    Smtp::SmtpReply reply;
    reply.code = 550;
    reply.enhanced = u"5.1.1"_s;
    reply.lines = QStringList { u"No such user"_s };
    a.reply = reply;
    Smtp::RecipientResult c;
    c.address = u"c@b.example"_s;
    c.classification = { u"2.1.5"_s, DeliveryClass::Success, u"accepted"_s };
    result.recipients = { a, c };

    Tracking::OutcomeRecorder recorder(*m_db);
    Tracking::BounceEventSink sink(*m_db);
    recorder.addSink(&sink);
    qint64 id = 0;
    QString error;
    QVERIFY2(recorder.recordProbe(result, Smtp::ProbeConfig(), &id, &error), qPrintable(error));
    QVERIFY(id > 0);

    // The refused recipient is a bounce event; the accepted one is not (a success is Passed to the later sinks).
    BounceRepository repo(*m_db);
    QCOMPARE(repo.count(), 1);
    const QString fp = u"probe:%1:a@b.example"_s.arg(id);
    QVERIFY(repo.contains(fp));
    QCOMPARE(repo.probeIdOf(fp), id);
    const QList<BounceEvent> forA = repo.forRecipient(u"a@b.example"_s);
    QCOMPARE(forA.size(), 1);
    QCOMPARE(forA.first().source, BounceSource::Probe);
    QCOMPARE(forA.first().classification.status, u"5.1.1"_s);
    QCOMPARE(forA.first().replyCode, 550);
    QCOMPARE(forA.first().diagnostic, u"550 5.1.1 No such user"_s);
    QCOMPARE(forA.first().remoteMta, u"mx.b.example"_s);
    QVERIFY(repo.forRecipient(u"c@b.example"_s).isEmpty());
    const QList<Tracking::Outcome> outcomes = Tracking::OutcomeRecorder::outcomesOf(result, Smtp::ProbeConfig(), id);
    QCOMPARE(outcomes.size(), 2);
    QCOMPARE(outcomes.at(1).recipient, u"c@b.example"_s);
    QCOMPARE(sink.record(outcomes.at(1), &error), Tracking::OutcomeSink::Result::Passed);
    QCOMPARE(repo.count(), 1);

    // A domain-only probe is keyed by its domain.
    Smtp::ProbeResult domainOnly = result;
    domainOnly.target = u"b.example"_s;
    domainOnly.recipients.clear();
    QVERIFY(recorder.recordProbe(domainOnly, Smtp::ProbeConfig(), &id, &error));
    QVERIFY(repo.contains(u"probe:%1:b.example"_s.arg(id)));
}

void TestBounceRepository::importedOutcomes()
{
    Tracking::OutcomeRecorder recorder(*m_db);
    Tracking::BounceEventSink sink(*m_db);
    recorder.addSink(&sink);
    const QDateTime t(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    const QList<BounceEvent> events { event(u"a@b.example"_s, u"5.1.1"_s, t, 1),
        event(u"c@b.example"_s, u"4.2.2"_s, t, 2) };
    int recorded = 0;
    QString error;
    QVERIFY2(recorder.recordEvents(events, &recorded, &error), qPrintable(error));
    QCOMPARE(recorded, 2);
    QVERIFY(recorder.recordEvents(events, &recorded, &error));
    QCOMPARE(recorded, 0);
    QCOMPARE(BounceRepository(*m_db).count(), 2);
}

void TestBounceRepository::importFiles()
{
    ImportFileRepository files(*m_db);
    QString error;
    QVERIFY(!files.find(2049, 1234, u"/var/log/mail.log"_s, &error));
    QVERIFY(error.isEmpty());
    ImportFileState s;
    s.path = u"/var/log/mail.log"_s;
    s.device = 2049;
    s.inode = 1234;
    s.size = 5000;
    s.readOffset = 4990;
    s.readLines = 40;
    s.headLength = 4096;
    s.headHash = "00112233445566778899aabbccddeeff";
    QVERIFY2(files.save(s, &error), qPrintable(error));
    auto found = files.find(2049, 1234, s.path);
    QVERIFY(found);
    QCOMPARE(found->readOffset, 4990);
    QCOMPARE(found->readLines, 40);
    QCOMPARE(found->headHash, s.headHash);
    QVERIFY(found->updatedAt.isValid());

    // Rotation renamed the file: found by its identity under any name, and saved under the new one.
    auto renamed = files.find(2049, 1234, u"/var/log/mail.log.1"_s);
    QVERIFY(renamed);
    QCOMPARE(renamed->path, s.path);
    s.path = u"/var/log/mail.log.1"_s;
    s.readOffset = 5000;
    QVERIFY(files.save(s));
    QCOMPARE(files.find(2049, 1234, {})->path, s.path);
    QCOMPARE(files.find(2049, 1234, {})->readOffset, 5000);
    // The new mail.log is another file.
    QVERIFY(!files.find(2049, 1300, u"/var/log/mail.log"_s));

    // Without an identity the path is the key.
    ImportFileState plain = s;
    plain.device = plain.inode = 0;
    plain.path = u"C:/logs/mail.log"_s;
    plain.readOffset = 7;
    QVERIFY(files.save(plain));
    QCOMPARE(files.find(0, 0, plain.path)->readOffset, 7);
    QVERIFY(!files.find(0, 0, u"C:/logs/other.log"_s));
    QSqlQuery count(m_db->connection());
    QVERIFY(count.exec(u"SELECT count(*) FROM import_files"_s) && count.next());
    QCOMPARE(count.value(0).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestBounceRepository)
#include "tst_bouncerepository.moc"
