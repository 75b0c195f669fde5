#include <atomic>
#include <memory>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <sqlite3.h>

#include "smtp/proberesultjson.h"
#include "store/bouncerepository.h"
#include "store/bulkinsert.h"
#include "store/database.h"
#include "store/isotime.h"
#include "store/migrations.h"
#include "store/proberepository.h"
#include "store/statement.h"

using namespace Mailpulse;
using namespace Mailpulse::Smtp;
using namespace Mailpulse::Store;
using namespace Qt::StringLiterals;

namespace
{

// A plain connection that bypasses Database, to look at (or tamper with) the file the way another program would.
class RawConnection
{
public:
    explicit RawConnection(const QString &path)
        : m_name(u"raw.%1"_s.arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawConnection()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(RawConnection)

    bool exec(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql)) {
            qWarning() << sql << query.lastError().text();
            return false;
        }
        return true;
    }
    QVariant value(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql) || !query.next()) {
            qWarning() << sql << query.lastError().text();
            return {};
        }
        return query.value(0);
    }
    QStringList column(const QString &sql)
    {
        QStringList values;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql))
            return values;
        while (query.next())
            values.append(query.value(0).toString());
        return values;
    }

private:
    static inline std::atomic<int> s_counter { 0 };
    QString m_name;
};

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

ProbeResult makeResult(const QString &domain, const QDateTime &startedAt, const QString &user = u"user"_s)
{
    ProbeResult r;
    r.target = user + u'@' + domain;
    r.domain = domain;
    r.host = u"mx1."_s + domain;
    r.address = u"192.0.2.25"_s;
    r.port = 25;
    r.tlsMode = TlsMode::StartTls;
    r.classification = { u"2.1.5"_s, Bounce::DeliveryClass::Success, u"accepted"_s };
    r.phase = Phase::Done;
    SmtpReply reply;
    reply.code = 221;
    reply.enhanced = u"2.0.0"_s;
    reply.lines = { u"Bye"_s };
    r.reply = reply;
    r.timings = { 3, 10, 50, 5, 40, 6, 7, 130 };
    TlsInfo tls;
    tls.protocol = u"TLSv1.3"_s;
    tls.cipher = u"TLS_AES_128_GCM_SHA256"_s;
    tls.verified = true;
    tls.subject = u"CN=mx1."_s + domain;
    tls.issuer = u"CN=Test CA"_s;
    tls.san = { u"mx1."_s + domain };
    tls.notAfter = QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC);
    r.tls = tls;
    r.findings = { { u"info"_s, u"pipelining"_s, u"PIPELINING offered"_s } };
    RecipientResult recipient;
    recipient.address = r.target;
    recipient.classification = r.classification;
    recipient.reply = reply;
    r.recipients = { recipient };
    r.transcript = { { 0, 'I', u"connected"_s }, { 50, 'S', u"220 hi"_s }, { 51, 'C', u"EHLO probe"_s } };
    r.hostsTried = { u"mx1.%1[192.0.2.25]:25"_s.arg(domain) };
    r.startedAt = startedAt;
    return r;
}

QDateTime at(int minute, int ms = 0) { return QDateTime(QDate(2026, 11, 27), QTime(10, minute, 0, ms), Qt::UTC); }

QJsonObject json(const std::optional<ProbeResult> &result) { return result ? toJson(*result) : QJsonObject(); }

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void processSettingsApplyBeforeFirstUse();
    void statementTextsRoundTrip();
    void statementRebindsWhatChanged();
    void statementNarrowsEveryUnit();
    void statementBindsTimes();
    void bulkInsertKeepsOrder_data();
    void bulkInsertKeepsOrder();
    void bulkInsertStopsAtAFailure();

    void openCreatesSchema();
    void openCreatesParentDirectories();
    void defaultPath();
    void reopenKeepsData();
    void emptyFileIsNewStore();
    void existingStoreKeepsItsPageSize();
    void connectionsAreRemoved();
    void insertFindRecentCount();
    void columnsHoldQueryableValues();
    void absentValuesAreNull();
    void insertAllIsAtomic();
    void insertAllRollsBackOnTriggerFailure();
    void newerSchemaRefused();
    void garbageFileRefused_data();
    void garbageFileRefused();
    void damagedStoreRefused();
    void foreignSqliteFileRefused_data();
    void foreignSqliteFileRefused();
    void directoryRefused();
    void twoInstancesWriteInTurn();
    void concurrentWriters();
    void hostileStringsStoredVerbatim();
    void migrationsAppendAndRollBack();
    void migrationsMustBeNumbered();

private:
    QString dbPath() const { return m_dir->filePath(u"mailpulse.sqlite"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStore::initTestCase()
{
    // As main() does, before anything opens a store.
    QVERIFY(Database::prepareProcess());
}

void TestStore::processSettingsApplyBeforeFirstUse()
{
    // Memory statistics are off: a store in use allocates, and SQLite counts none of it.
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (x TEXT)"_s));
    QVERIFY(db.exec(u"INSERT INTO t SELECT hex(randomblob(1000)) FROM (SELECT 1 UNION ALL SELECT 2)"_s));
    QCOMPARE(sqlite3_memory_used(), 0);
    // Once SQLite is in use, the settings can no longer change: the call says so and changes nothing.
    QVERIFY(!Database::prepareProcess());
}

void TestStore::statementTextsRoundTrip()
{
    // Statement binds texts as UTF-8 (ASCII narrowed directly, anything else through Qt's encoder) into a buffer
    // per placeholder that the next bind reuses: each text reads back as it was, whatever came before it.
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (n INTEGER, x TEXT)"_s));
    const QString lone = QString(QChar(0xD800)) + u"z"_s; // a lone surrogate: stored as Qt's encoder writes it
    const QStringList texts { u"plain ascii, long enough to need a larger buffer than what follows"_s, u"é"_s,
        u"日本語のテキスト"_s, u"a\U0001F600b"_s, QString(u"x\u007f\u0080y"_s), u"ascii then ü at the end"_s,
        QString(QChar(0)) + u"nul"_s, u"short"_s, u""_s, lone };
    {
        Statement insert(db, u"INSERT INTO t (n, x) VALUES (?, ?)"_s);
        for (qsizetype i = 0; i < texts.size(); ++i) {
            QVERIFY(insert.ready());
            insert.bindInt(0, i);
            insert.bindText(1, texts[i]);
            QVERIFY(insert.exec());
        }
    }
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT x FROM t ORDER BY n"_s));
    for (const QString &text : texts) {
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QString::fromUtf8(QStringEncoder(QStringEncoder::Utf8).encode(text)));
    }
    QVERIFY(!q.next());
}

void TestStore::statementNarrowsEveryUnit()
{
    // ASCII is narrowed eight units a step (the last eight of a text again where its length is no multiple of
    // eight): a text that differs from the one bound before in any single unit, or holds a non-ASCII unit anywhere
    // (Latin-1, wider, a surrogate), is stored as it is, for every length on both sides of the step.
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (n INTEGER, x TEXT)"_s));
    QStringList texts;
    for (int length = 1; length <= 41; ++length) {
        QString base;
        for (int i = 0; i < length; ++i)
            base.append(QChar(u'a' + i % 26));
        for (int at = 0; at < length; ++at) {
            for (const char16_t unit : { u'#', u'\x7f', u'\xe9', u'\x100', u'\x65e5', u'\xd800' }) {
                QString changed = base;
                changed[at] = QChar(unit);
                texts << base << changed << changed << base;
            }
        }
    }
    QVERIFY(db.exec(u"BEGIN"_s));
    {
        Statement insert(db, u"INSERT INTO t (n, x) VALUES (?, ?)"_s);
        QVERIFY(insert.ready());
        for (qsizetype i = 0; i < texts.size(); ++i) {
            insert.bindInt(0, i);
            insert.bindText(1, texts[i]);
            QVERIFY(insert.exec());
        }
    }
    QVERIFY(db.exec(u"COMMIT"_s));
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT x FROM t ORDER BY n"_s));
    for (const QString &text : std::as_const(texts)) {
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QString::fromUtf8(QStringEncoder(QStringEncoder::Utf8).encode(text)));
    }
    QVERIFY(!q.next());
}

void TestStore::statementRebindsWhatChanged()
{
    // A placeholder bound again with the text it holds is left bound; anything else (other bytes of the same
    // length, another type in between, another length, a statement prepared again after a reopen) is bound anew.
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (n INTEGER, x)"_s));
    struct Step {
        enum Kind { Text, TextOrNull, Int, Null, Blob, Reopen } kind;
        QString text;
    };
    const QList<Step> steps { { Step::Text, u"same"_s }, { Step::Text, u"same"_s }, { Step::Text, u"sane"_s },
        { Step::Text, u"sane"_s }, { Step::Int, {} }, { Step::Text, u"sane"_s }, { Step::Null, {} },
        { Step::Text, u"sane"_s }, { Step::Blob, u"sane"_s }, { Step::Text, u"sane"_s }, { Step::Text, u"san"_s },
        { Step::Text, u"sané"_s }, { Step::Text, u"sané"_s }, { Step::Text, u"sanex"_s }, { Step::TextOrNull, u""_s },
        { Step::TextOrNull, u"sanex"_s }, { Step::Text, u""_s }, { Step::Text, u"sanex"_s },
        { Step::Reopen, u"sanex"_s }, { Step::Text, u"sanex"_s } };
    QVariantList expected;
    {
        Statement insert(db, u"INSERT INTO t (n, x) VALUES (?, ?)"_s);
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const Step &step = steps[i];
            if (step.kind == Step::Reopen) {
                db.close();
                QVERIFY(db.open(dbPath()));
            }
            QVERIFY(insert.ready());
            insert.bindInt(0, i);
            switch (step.kind) {
            case Step::Text:
            case Step::Reopen:
                insert.bindText(1, step.text);
                expected.append(step.text);
                break;
            case Step::TextOrNull:
                insert.bindTextOrNull(1, step.text);
                expected.append(step.text.isEmpty() ? QVariant() : QVariant(step.text));
                break;
            case Step::Int:
                insert.bindInt(1, 42);
                expected.append(42);
                break;
            case Step::Null:
                insert.bindNull(1);
                expected.append(QVariant());
                break;
            case Step::Blob:
                insert.bindBlob(1, step.text.toUtf8());
                expected.append(step.text.toUtf8());
                break;
            }
            QVERIFY(insert.exec());
        }
    }
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT x, typeof(x) FROM t ORDER BY n"_s));
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QVERIFY(q.next());
        const QVariant &want = expected[i];
        QCOMPARE(q.value(1).toString(),
            want.isNull()                                ? u"null"_s
                : want.typeId() == QMetaType::Int        ? u"integer"_s
                : want.typeId() == QMetaType::QByteArray ? u"blob"_s
                                                         : u"text"_s);
        if (!want.isNull())
            QCOMPARE(q.value(0).toString(), want.toString());
    }
    QVERIFY(!q.next());
}

void TestStore::bulkInsertKeepsOrder_data()
{
    QTest::addColumn<int>("rowsPerStatement");
    QTest::addColumn<int>("count");
    // 64 rows to a statement: then 8, then 1 (two of 64, three of 8, five alone).
    QTest::newRow("every size") << 64 << 2 * 64 + 3 * 8 + 5;
    QTest::newRow("one statement exactly") << 64 << 64;
    QTest::newRow("fewer than the smallest many") << 64 << 7;
    QTest::newRow("none") << 64 << 0;
    QTest::newRow("one at a time") << 1 << 5;
    QTest::newRow("capped by the placeholders") << 1'000'000 << 40'000;
}

void TestStore::bulkInsertKeepsOrder()
{
    // Rows go in in the order given, through statements of many rows and then fewer: their rowids, values and
    // order are those of inserting them one by one; a constant in the row and an upsert tail apply to each row.
    QFETCH(int, rowsPerStatement);
    QFETCH(int, count);
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER UNIQUE, x TEXT, k TEXT)"_s));
    QVERIFY(db.exec(u"INSERT INTO t (id, n, x, k) VALUES (41, -1, 'before', 'c')"_s));
    {
        BulkInsert insert(db, u"INSERT INTO t (n, x, k)"_s, u"(?, ?, 'c')"_s,
            u"ON CONFLICT (n) DO UPDATE SET x = excluded.x || ' again'"_s, rowsPerStatement);
        QCOMPARE(insert.columns(), 2);
        QVERIFY(insert.rowsPerStatement() <= 32766 / 2);
        QString error;
        QVERIFY2(insert.insert(
                     count,
                     [](Statement &q, int first, qsizetype i) {
                         q.bindInt(first, i);
                         q.bindText(first + 1, u"row %1"_s.arg(i));
                     },
                     &error),
            qPrintable(error));
        // The tail: an existing row is updated, not inserted again.
        QVERIFY(insert.insert(1, [](Statement &q, int first, qsizetype) {
            q.bindInt(first, -1);
            q.bindText(first + 1, u"x"_s);
        }));
    }
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT id, n, x, k FROM t ORDER BY id"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(2).toString(), u"x again"_s);
    for (int i = 0; i < count; ++i) {
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), qint64(42 + i));
        QCOMPARE(q.value(1).toInt(), i);
        QCOMPARE(q.value(2).toString(), u"row %1"_s.arg(i));
        QCOMPARE(q.value(3).toString(), u"c"_s);
    }
    QVERIFY(!q.next());
}

void TestStore::bulkInsertStopsAtAFailure()
{
    // A constraint failure in a statement of many rows undoes that statement alone and says why; the caller's
    // transaction decides about the rest (an import rolls its file back).
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (n INTEGER PRIMARY KEY, x TEXT NOT NULL)"_s));
    BulkInsert insert(db, u"INSERT INTO t (n, x)"_s, u"(?, ?)"_s, {}, 16);
    QString error;
    QVERIFY(!insert.insert(
        40,
        [](Statement &q, int first, qsizetype i) {
            q.bindInt(first, i);
            if (i == 20)
                q.bindNull(first + 1);
            else
                q.bindText(first + 1, u"ok"_s);
        },
        &error));
    QVERIFY2(error.contains(u"NOT NULL"_s), qPrintable(error));
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT count(*), max(n) FROM t"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 16);
    QCOMPARE(q.value(1).toInt(), 15);
    // The statements are usable again.
    QVERIFY2(insert.insert(
                 20,
                 [](Statement &q, int first, qsizetype i) {
                     q.bindInt(first, 100 + i);
                     q.bindText(first + 1, u"y"_s);
                 },
                 &error),
        qPrintable(error));
    QVERIFY(q.exec(u"SELECT count(*) FROM t"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 36);
}

void TestStore::statementBindsTimes()
{
    // bindTime() writes IsoTime::toText()'s text (NULL for an invalid time), also when the same bytes
    // or a text of the same length were bound before.
    Database db;
    QVERIFY(db.open(dbPath()));
    QVERIFY(db.exec(u"CREATE TABLE t (n INTEGER, x)"_s));
    const QDateTime base(QDate(2026, 11, 27), QTime(10, 0, 1, 123), Qt::UTC);
    const QList<QDateTime> times { base, base, base.addMSecs(1), QDateTime(), base.addYears(-100).addDays(-1),
        QDateTime(QDate(1969, 12, 31), QTime(23, 59, 59, 999), Qt::UTC), base.toTimeZone(QTimeZone(3600)),
        QDateTime(QDate(12000, 1, 1), QTime(0, 0), Qt::UTC) };
    {
        Statement insert(db, u"INSERT INTO t (n, x) VALUES (?, ?)"_s);
        for (qsizetype i = 0; i < times.size(); ++i) {
            QVERIFY(insert.ready());
            insert.bindInt(0, i);
            if (i == 2)
                insert.bindText(1, u"2026-11-27T10:00:01.999Z"_s); // the same length, then the time
            insert.bindTime(1, times[i]);
            QVERIFY(insert.exec());
        }
    }
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT x FROM t ORDER BY n"_s));
    for (const QDateTime &time : times) {
        QVERIFY(q.next());
        // (Qt writes no ISO text for a year past 9999: NULL, as binding IsoTime::toText()'s null text binds.)
        QCOMPARE(q.value(0).isNull(), IsoTime::toText(time).isNull());
        QCOMPARE(q.value(0).toString(), IsoTime::toText(time));
        if (time.isValid() && time.date().year() < 10000)
            QCOMPARE(q.value(0).toString(), time.toUTC().toString(Qt::ISODateWithMs).replace(u"Z"_s, u""_s) + u'Z');
    }
    QVERIFY(!q.next());
    QCOMPARE(IsoTime::toText(base), u"2026-11-27T10:00:01.123Z"_s);
}

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStore::cleanup() { m_dir.reset(); }

void TestStore::openCreatesSchema()
{
    {
        Database db;
        QString error;
        QVERIFY2(db.open(dbPath(), &error), qPrintable(error));
        QVERIFY(db.isOpen());
        QCOMPARE(db.path(), dbPath());
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(Database::latestSchemaVersion(), int(schemaMigrations().size()));
    }
    QVERIFY(QFile::exists(dbPath()));

    RawConnection raw(dbPath());
    QCOMPARE(raw.value(u"PRAGMA user_version"_s).toInt(), Database::latestSchemaVersion());
    QCOMPARE(raw.value(u"PRAGMA application_id"_s).toInt(), ApplicationId);
    QCOMPARE(raw.value(u"PRAGMA journal_mode"_s).toString(), u"wal"_s); // persistent in the file
    QCOMPARE(raw.value(u"PRAGMA page_size"_s).toInt(), 16384); // a new store's pages (see Database::open())
    const QStringList columns = raw.column(u"SELECT name FROM pragma_table_info('probes') ORDER BY cid"_s);
    const QStringList expected {
        u"id"_s,
        u"started_at"_s,
        u"target"_s,
        u"domain"_s,
        u"host"_s,
        u"address"_s,
        u"port"_s,
        u"tls_mode"_s,
        u"status"_s,
        u"class"_s,
        u"reason"_s,
        u"phase"_s,
        u"reply_code"_s,
        u"reply_enhanced"_s,
        u"reply_text"_s,
        u"detail"_s,
        u"dns_ms"_s,
        u"connect_ms"_s,
        u"greeting_ms"_s,
        u"ehlo_ms"_s,
        u"tls_ms"_s,
        u"mail_ms"_s,
        u"rcpt_ms"_s,
        u"total_ms"_s,
        u"tls_protocol"_s,
        u"tls_cipher"_s,
        u"tls_verified"_s,
        u"result_json"_s,
    };
    QCOMPARE(columns, expected);
    QStringList indexes = raw.column(u"SELECT (SELECT group_concat(name, ',') FROM pragma_index_info(il.name))"
                                     " FROM pragma_index_list('probes') il"_s);
    indexes.sort();
    // v1's three indexes, plus v4's covering index for the statistics.
    QCOMPARE(indexes,
        (QStringList { u"domain,host,started_at,class,status,phase,connect_ms,greeting_ms,tls_ms"_s,
            u"domain,started_at"_s, u"started_at"_s, u"status"_s }));
}

void TestStore::openCreatesParentDirectories()
{
    const QString path = m_dir->filePath(u"a/b/c/store.sqlite"_s);
    Database db;
    QString error;
    QVERIFY2(db.open(path, &error), qPrintable(error));
    QVERIFY(QFile::exists(path));
}

void TestStore::defaultPath() { QVERIFY(Database::defaultPath().endsWith(u"/mailpulse.sqlite"_s)); }

void TestStore::reopenKeepsData()
{
    qint64 id = 0;
    {
        Database db;
        QVERIFY(db.open(dbPath()));
        ProbeRepository repo(db);
        QVERIFY(repo.insert(makeResult(u"example.com"_s, at(1)), &id));
    }
    Database db;
    QString error;
    QVERIFY2(db.open(dbPath(), &error), qPrintable(error));
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
    ProbeRepository repo(db);
    QCOMPARE(repo.count(), 1);
    QCOMPARE(json(repo.find(id)), toJson(makeResult(u"example.com"_s, at(1))));

    // Reopening the same instance on the same file works too.
    QVERIFY2(db.open(dbPath(), &error), qPrintable(error));
    QCOMPARE(ProbeRepository(db).count(), 1);
}

void TestStore::emptyFileIsNewStore()
{
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    Database db;
    QString error;
    QVERIFY2(db.open(dbPath(), &error), qPrintable(error));
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
}

void TestStore::existingStoreKeepsItsPageSize()
{
    // A store made before new stores got 16 KiB pages (SQLite's default 4 KiB) opens, migrates and works as it is.
    {
        RawConnection raw(dbPath());
        QVERIFY(raw.exec(u"PRAGMA page_size = 4096"_s));
        QVERIFY(raw.exec(u"PRAGMA application_id = %1"_s.arg(ApplicationId)));
    }
    {
        Database db;
        QString error;
        QVERIFY2(db.open(dbPath(), &error), qPrintable(error));
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        ProbeRepository repo(db);
        qint64 id = 0;
        QVERIFY(repo.insert(makeResult(u"page.example"_s, at(1)), &id));
    }
    RawConnection raw(dbPath());
    QCOMPARE(raw.value(u"PRAGMA page_size"_s).toInt(), 4096);
    QCOMPARE(raw.value(u"SELECT count(*) FROM probes"_s).toInt(), 1);
}

void TestStore::connectionsAreRemoved()
{
    const QStringList before = QSqlDatabase::connectionNames();
    {
        Database a;
        Database b;
        QVERIFY(a.open(dbPath()));
        QVERIFY(b.open(dbPath()));
        QCOMPARE(QSqlDatabase::connectionNames().size(), before.size() + 2);
        // A refused open leaves no connection behind either.
        Database c;
        QVERIFY(!c.open(m_dir->path()));
        QCOMPARE(QSqlDatabase::connectionNames().size(), before.size() + 2);
    }
    QCOMPARE(QSqlDatabase::connectionNames(), before);
}

void TestStore::insertFindRecentCount()
{
    Database db;
    QVERIFY(db.open(dbPath()));
    ProbeRepository repo(db);
    QCOMPARE(repo.count(), 0);
    QVERIFY(repo.recent(10).isEmpty());

    // Inserted out of time order: recent() orders by started_at.
    const QList<ProbeResult> results {
        makeResult(u"a.example"_s, at(2)),
        makeResult(u"b.example"_s, at(1)),
        makeResult(u"a.example"_s, at(3, 5)),
        makeResult(u"a.example"_s, at(3, 4)),
        makeResult(u"xn--bcher-kva.example"_s, at(0)),
    };
    QList<qint64> ids;
    for (const ProbeResult &result : results) {
        qint64 id = -1;
        QString error;
        QVERIFY2(repo.insert(result, &id, &error), qPrintable(error));
        QVERIFY(id > 0);
        QVERIFY(!ids.contains(id));
        ids.append(id);
    }
    QCOMPARE(repo.count(), 5);

    for (qsizetype i = 0; i < results.size(); ++i) {
        QString error;
        const std::optional<ProbeResult> found = repo.find(ids.at(i), &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(toJson(*found), toJson(results.at(i)));
    }
    QString error = u"stale"_s;
    QVERIFY(!repo.find(ids.constLast() + 1000, &error));
    QVERIFY(error.isEmpty()); // absent is not an error

    const QList<ProbeResult> all = repo.recent(0);
    QCOMPARE(all.size(), 5);
    const QList<QDateTime> order { at(3, 5), at(3, 4), at(2), at(1), at(0) };
    for (qsizetype i = 0; i < order.size(); ++i)
        QCOMPARE(all.at(i).startedAt, order.at(i));

    const QList<ProbeResult> two = repo.recent(2);
    QCOMPARE(two.size(), 2);
    QCOMPARE(two.at(0).startedAt, at(3, 5));

    const QList<ProbeResult> domainA = repo.recent(10, u"A.example"_s);
    QCOMPARE(domainA.size(), 3);
    for (const ProbeResult &result : domainA)
        QCOMPARE(result.domain, u"a.example"_s);
    QCOMPARE(repo.recent(1, u"a.example"_s).size(), 1);
    QCOMPARE(repo.recent(10, u"bücher.example"_s).size(), 1); // Unicode form finds the ACE domain
    QVERIFY(repo.recent(10, u"nowhere.example"_s).isEmpty());
}

void TestStore::columnsHoldQueryableValues()
{
    qint64 id = 0;
    ProbeResult result = makeResult(u"example.com"_s, at(7, 89));
    result.reply->lines = { u"line one"_s, u"line two"_s };
    result.timings.connect = 0;
    {
        Database db;
        QVERIFY(db.open(dbPath()));
        QVERIFY(ProbeRepository(db).insert(result, &id));
    }
    RawConnection raw(dbPath());
    const auto value = [&](const QString &column) {
        return raw.value(u"SELECT "_s + column + u" FROM probes WHERE id = "_s + QString::number(id));
    };
    QCOMPARE(value(u"started_at"_s).toString(), u"2026-11-27T10:07:00.089Z"_s);
    QCOMPARE(value(u"target"_s).toString(), u"user@example.com"_s);
    QCOMPARE(value(u"domain"_s).toString(), u"example.com"_s);
    QCOMPARE(value(u"host"_s).toString(), u"mx1.example.com"_s);
    QCOMPARE(value(u"address"_s).toString(), u"192.0.2.25"_s);
    QCOMPARE(value(u"port"_s).toInt(), 25);
    QCOMPARE(value(u"tls_mode"_s).toString(), u"starttls"_s);
    QCOMPARE(value(u"status"_s).toString(), u"2.1.5"_s);
    QCOMPARE(value(u"class"_s).toString(), u"success"_s);
    QCOMPARE(value(u"reason"_s).toString(), u"accepted"_s);
    QCOMPARE(value(u"phase"_s).toString(), u"done"_s);
    QCOMPARE(value(u"reply_code"_s).toInt(), 221);
    QCOMPARE(value(u"reply_enhanced"_s).toString(), u"2.0.0"_s);
    QCOMPARE(value(u"reply_text"_s).toString(), u"line one line two"_s);
    QCOMPARE(value(u"typeof(connect_ms)"_s).toString(), u"integer"_s);
    QCOMPARE(value(u"connect_ms"_s).toInt(), 0);
    QCOMPARE(value(u"total_ms"_s).toInt(), 130);
    QCOMPARE(value(u"tls_protocol"_s).toString(), u"TLSv1.3"_s);
    QCOMPARE(value(u"tls_verified"_s).toInt(), 1);
    QCOMPARE(QJsonDocument::fromJson(value(u"result_json"_s).toString().toUtf8()).object(), toJson(result));
}

void TestStore::absentValuesAreNull()
{
    ProbeResult result;
    result.target = u"nowhere.invalid"_s;
    result.domain = u"nowhere.invalid"_s;
    result.classification = { u"5.1.2"_s, Bounce::DeliveryClass::Hard, u"hostunknown"_s };
    qint64 id = 0;
    {
        Database db;
        QVERIFY(db.open(dbPath()));
        QVERIFY(ProbeRepository(db).insert(result, &id));
        QCOMPARE(json(ProbeRepository(db).find(id)), toJson(result));
    }
    RawConnection raw(dbPath());
    for (const QString &column :
        { u"started_at"_s, u"host"_s, u"address"_s, u"port"_s, u"reply_code"_s, u"reply_enhanced"_s, u"reply_text"_s,
            u"detail"_s, u"dns_ms"_s, u"total_ms"_s, u"tls_protocol"_s, u"tls_cipher"_s, u"tls_verified"_s }) {
        QCOMPARE(raw.value(u"SELECT typeof("_s + column + u") FROM probes"_s).toString(), u"null"_s);
    }
}

void TestStore::insertAllIsAtomic()
{
    Database db;
    QVERIFY(db.open(dbPath()));
    ProbeRepository repo(db);
    QVERIFY(repo.insert(makeResult(u"keep.example"_s, at(0))));
    QVERIFY(repo.insertAll({}));

    QString error;
    QVERIFY2(repo.insertAll({ makeResult(u"a.example"_s, at(1)), makeResult(u"b.example"_s, at(2)) }, &error),
        qPrintable(error));
    QCOMPARE(repo.count(), 3);

    // The third row has no target (NOT NULL): the two before it must not stay.
    ProbeResult broken = makeResult(u"c.example"_s, at(3));
    broken.target.clear();
    QVERIFY(!repo.insertAll({ makeResult(u"d.example"_s, at(4)), makeResult(u"e.example"_s, at(5)), broken }, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(repo.count(), 3);
    QVERIFY(repo.recent(0, u"d.example"_s).isEmpty());

    // The connection is usable afterwards (no transaction left open).
    QVERIFY2(repo.insert(makeResult(u"f.example"_s, at(6)), nullptr, &error), qPrintable(error));
    QCOMPARE(repo.count(), 4);
    Database other;
    QVERIFY(other.open(dbPath()));
    QCOMPARE(ProbeRepository(other).count(), 4);
}

void TestStore::insertAllRollsBackOnTriggerFailure()
{
    Database db;
    QVERIFY(db.open(dbPath()));
    // A TEMP trigger lives in this connection only, so the schema on disk stays as the code made it.
    QVERIFY(db.exec(u"CREATE TEMP TRIGGER boom BEFORE INSERT ON main.probes WHEN NEW.target = 'boom@x.example'"
                    " BEGIN SELECT RAISE(ABORT, 'boom'); END"_s));
    ProbeRepository repo(db);
    QList<ProbeResult> batch;
    for (int i = 0; i < 20; ++i)
        batch.append(makeResult(u"x.example"_s, at(i), u"u%1"_s.arg(i)));
    batch.insert(10, makeResult(u"x.example"_s, at(30), u"boom"_s));
    QString error;
    QVERIFY(!repo.insertAll(batch, &error));
    QVERIFY2(error.contains(u"boom"_s), qPrintable(error));
    QCOMPARE(repo.count(), 0);
    batch.removeAt(10);
    QVERIFY2(repo.insertAll(batch, &error), qPrintable(error));
    QCOMPARE(repo.count(), 20);
}

void TestStore::newerSchemaRefused()
{
    {
        Database db;
        QVERIFY(db.open(dbPath()));
        QVERIFY(ProbeRepository(db).insert(makeResult(u"example.com"_s, at(1))));
    }
    {
        RawConnection raw(dbPath());
        QVERIFY(raw.exec(u"PRAGMA user_version = %1"_s.arg(Database::latestSchemaVersion() + 1)));
    }
    const QByteArray before = fileHash(dbPath());
    const QStringList entriesBefore = QDir(m_dir->path()).entryList(QDir::Files);
    QVERIFY(!before.isEmpty());

    Database db;
    QString error;
    QVERIFY(!db.open(dbPath(), &error));
    QVERIFY2(error.contains(u"newer"_s), qPrintable(error));
    QVERIFY2(error.contains(dbPath()), qPrintable(error));
    QVERIFY(!db.isOpen());
    QCOMPARE(fileHash(dbPath()), before);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), entriesBefore);

    // The refused instance is reusable.
    const QString other = m_dir->filePath(u"other.sqlite"_s);
    QVERIFY2(db.open(other, &error), qPrintable(error));
}

void TestStore::garbageFileRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("error");

    QByteArray random(8192, Qt::Uninitialized);
    QRandomGenerator generator(42);
    generator.fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
    QTest::newRow("random") << random << u"not an SQLite database"_s;
    QTest::newRow("text") << QByteArray("probes,example.com\n") << u"not an SQLite database"_s;
    QTest::newRow("short") << QByteArray("SQLite") << u"not an SQLite database"_s;
    // A valid magic string with nonsense after it (page size 0x4141): SQLite itself refuses it.
    QTest::newRow("damaged header") << (QByteArray("SQLite format 3", 16) + QByteArray(4080, 'A'))
                                    << u"not an SQLite database or damaged"_s;
}

void TestStore::garbageFileRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, error);

    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    const QStringList entriesBefore = QDir(m_dir->path()).entryList(QDir::Files);

    Database db;
    QString message;
    QVERIFY(!db.open(dbPath(), &message));
    QVERIFY2(message.contains(error), qPrintable(message));
    QVERIFY(!db.isOpen());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), entriesBefore);
}

void TestStore::damagedStoreRefused()
{
    {
        Database db;
        QVERIFY(db.open(dbPath()));
    }
    // A valid header (so only SQLite itself can tell) over a page 1 whose schema b-tree is garbage.
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(100));
    file.write(QByteArray(400, '\xff'));
    file.close();
    const QByteArray before = fileHash(dbPath());
    const QStringList entriesBefore = QDir(m_dir->path()).entryList(QDir::Files);

    Database db;
    QString error;
    QVERIFY(!db.open(dbPath(), &error));
    QVERIFY2(error.contains(u"damaged"_s), qPrintable(error));
    QCOMPARE(fileHash(dbPath()), before);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), entriesBefore);
}

void TestStore::foreignSqliteFileRefused_data()
{
    QTest::addColumn<QString>("setup");
    QTest::newRow("other tables") << u"CREATE TABLE notes (body TEXT)"_s;
    QTest::newRow("other application id") << u"PRAGMA application_id = 42"_s;
    QTest::newRow("version without id") << u"PRAGMA user_version = 1"_s;
}

void TestStore::foreignSqliteFileRefused()
{
    QFETCH(QString, setup);
    {
        RawConnection raw(dbPath());
        QVERIFY(raw.exec(setup));
    }
    const QByteArray before = fileHash(dbPath());
    QVERIFY(!before.isEmpty());
    Database db;
    QString error;
    QVERIFY(!db.open(dbPath(), &error));
    QVERIFY2(error.contains(u"not a Mailpulse store"_s), qPrintable(error));
    QCOMPARE(fileHash(dbPath()), before);
}

void TestStore::directoryRefused()
{
    Database db;
    QString error;
    QVERIFY(!db.open(m_dir->path(), &error));
    QVERIFY2(error.contains(u"not a regular file"_s), qPrintable(error));
    QVERIFY(!db.open(QString(), &error));
    QVERIFY(!error.isEmpty());
}

void TestStore::twoInstancesWriteInTurn()
{
    // Two connections to one file, as the GUI and the CLI have: each sees the other's writes.
    Database gui;
    Database cli;
    QString error;
    QVERIFY2(gui.open(dbPath(), &error), qPrintable(error));
    QVERIFY2(cli.open(dbPath(), &error), qPrintable(error));
    ProbeRepository guiRepo(gui);
    ProbeRepository cliRepo(cli);
    for (int i = 0; i < 5; ++i) {
        QVERIFY2(guiRepo.insert(makeResult(u"gui.example"_s, at(i)), nullptr, &error), qPrintable(error));
        QVERIFY2(
            cliRepo.insertAll({ makeResult(u"cli.example"_s, at(i)), makeResult(u"cli.example"_s, at(i, 1)) }, &error),
            qPrintable(error));
        QCOMPARE(guiRepo.count(), 3 * (i + 1));
        QCOMPARE(cliRepo.count(), 3 * (i + 1));
    }
    QCOMPARE(guiRepo.recent(0, u"cli.example"_s).size(), 10);
    QCOMPARE(cliRepo.recent(0, u"gui.example"_s).size(), 5);
}

void TestStore::concurrentWriters()
{
    // A writer in another thread with its own Database stands in for a second process: SQLite locks per connection,
    // so both contend for the same write lock as the GUI and the CLI would.
    constexpr int Rows = 200;
    std::atomic<int> failures { 0 };
    std::atomic<bool> threadReady { false };
    std::atomic<bool> go { false };
    QString threadError;
    const QString path = dbPath();
    {
        Database db; // create the schema first so that both writers only write rows
        QVERIFY(db.open(path));
    }
    std::unique_ptr<QThread> thread(QThread::create([&] {
        Database db;
        const bool opened = db.open(path, &threadError);
        threadReady = true;
        if (!opened) {
            ++failures;
            return;
        }
        while (!go)
            QThread::yieldCurrentThread();
        ProbeRepository repo(db);
        for (int i = 0; i < Rows; ++i) {
            const ProbeResult result = makeResult(u"thread.example"_s, at(i % 60));
            const bool ok = i % 4 == 0 ? repo.insertAll({ result, result }, &threadError)
                                       : repo.insert(result, nullptr, &threadError);
            if (!ok)
                ++failures;
        }
    }));
    thread->start();

    Database db;
    QString error;
    QVERIFY2(db.open(path, &error), qPrintable(error));
    ProbeRepository repo(db);
    QTRY_VERIFY_WITH_TIMEOUT(threadReady, 10'000);
    go = true;
    for (int i = 0; i < Rows; ++i) {
        QVERIFY2(repo.insert(makeResult(u"main.example"_s, at(i % 60)), nullptr, &error), qPrintable(error));
        if (i % 10 == 0)
            QVERIFY(repo.count() >= i + 1); // reads while the other writes
    }
    QVERIFY(thread->wait(60'000));
    QVERIFY2(failures == 0, qPrintable(threadError));
    constexpr int ThreadRows = Rows + Rows / 4; // every fourth iteration stores two
    QCOMPARE(repo.count(), Rows + ThreadRows);
    QCOMPARE(repo.recent(0, u"thread.example"_s).size(), ThreadRows);
}

void TestStore::hostileStringsStoredVerbatim()
{
    const QString nul = QStringView(u"a\0b", 3).toString();
    ProbeResult result = makeResult(u"example.com"_s, at(9));
    result.target = u"'; DROP TABLE probes; --"_s;
    result.domain = u"example.com' OR '1'='1"_s;
    result.host = u"\"mx\"; DELETE FROM probes"_s + nul;
    result.detail = u"quote ' double \" backslash \\ percent % underscore _ NUL "_s + nul + u" emoji 📬 \u2028 end"_s;
    result.classification.reason = u"x\r\ny"_s;
    result.transcript.append({ 99, 'S', u"550 \x01\x7f\"'`$(rm -rf /)"_s + nul });
    result.findings.append({ u"warning"_s, u"'); --"_s, u"?1 :target @x $1"_s });

    Database db;
    QVERIFY(db.open(dbPath()));
    ProbeRepository repo(db);
    qint64 id = 0;
    QString error;
    QVERIFY2(repo.insert(result, &id, &error), qPrintable(error));
    QVERIFY2(repo.insertAll({ result, result }, &error), qPrintable(error));
    QCOMPARE(repo.count(), 3);

    const std::optional<ProbeResult> found = repo.find(id, &error);
    QVERIFY2(found, qPrintable(error));
    QCOMPARE(found->target, result.target);
    QCOMPARE(found->domain, result.domain);
    QCOMPARE(found->host, result.host);
    QCOMPARE(found->detail, result.detail);
    QCOMPARE(found->classification.reason, result.classification.reason);
    QCOMPARE(found->transcript.constLast().line, result.transcript.constLast().line);
    QCOMPARE(toJson(*found), toJson(result));
    QCOMPARE(repo.recent(0, result.domain).size(), 3); // bound, so the quote in the filter is just a character
    QVERIFY(repo.recent(0, u"example.com"_s).isEmpty());

    // The columns hold the strings verbatim, NULs included.
    QSqlQuery query(db.connection());
    QVERIFY(query.prepare(u"SELECT target, domain, host, detail FROM probes WHERE id = ?"_s));
    query.addBindValue(id);
    QVERIFY(query.exec());
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), result.target);
    QCOMPARE(query.value(1).toString(), result.domain);
    QCOMPARE(query.value(2).toString(), result.host);
    QCOMPARE(query.value(3).toString(), result.detail);
}

void TestStore::migrationsAppendAndRollBack()
{
    QList<Migration> migrations = schemaMigrations();
    const int base = int(migrations.size()); // the versions this build knows; the test appends base+1, base+2
    {
        Database db;
        QVERIFY(db.open(dbPath(), migrations));
        QVERIFY(ProbeRepository(db).insert(makeResult(u"example.com"_s, at(1))));
    }

    // A later build appends migration base+1: only it runs, and data survives.
    migrations.append(Migration { base + 1,
        { u"CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT)"_s, u"ALTER TABLE probes ADD COLUMN tag TEXT"_s } });
    {
        Database db;
        QString error;
        QVERIFY2(db.open(dbPath(), migrations, &error), qPrintable(error));
        QCOMPARE(db.schemaVersion(), base + 1);
        QCOMPARE(ProbeRepository(db).count(), 1);
    }

    // This build (which knows only up to base) now refuses the file.
    {
        Database db;
        QString error;
        QVERIFY(!db.open(dbPath(), &error));
        QVERIFY2(error.contains(u"newer"_s), qPrintable(error));
    }

    // A failing migration base+2 leaves version base+1 and none of its own statements.
    migrations.append(Migration { base + 2, { u"CREATE TABLE half (x)"_s, u"THIS IS NOT SQL"_s } });
    {
        Database db;
        QString error;
        QVERIFY(!db.open(dbPath(), migrations, &error));
        QVERIFY2(error.contains(u"migration %1 failed"_s.arg(base + 2)), qPrintable(error));
        QVERIFY(!db.isOpen());
    }
    RawConnection raw(dbPath());
    QCOMPARE(raw.value(u"PRAGMA user_version"_s).toInt(), base + 1);
    QCOMPARE(raw.value(u"SELECT count(*) FROM sqlite_master WHERE name = 'half'"_s).toInt(), 0);
    QCOMPARE(raw.value(u"SELECT count(*) FROM sqlite_master WHERE name = 'extra'"_s).toInt(), 1);
    QCOMPARE(raw.value(u"SELECT count(*) FROM probes"_s).toInt(), 1);
}

void TestStore::migrationsMustBeNumbered()
{
    Database db;
    QString error;
    QVERIFY(!db.open(dbPath(), { Migration { 2, { u"CREATE TABLE t (x)"_s } } }, &error));
    QVERIFY2(error.contains(u"1..N"_s), qPrintable(error));
    QVERIFY(!QFile::exists(dbPath()));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
