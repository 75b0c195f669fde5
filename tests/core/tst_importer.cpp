#include <functional>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <zlib.h>

#include "bounce/importer.h"
#include "common/resourceusage.h"
#include "queue/retryqueue.h"
#include "store/bouncerepository.h"
#include "store/database.h"
#include "store/fingerprintkey.h"
#include "testsupport.h"
#include "tracking/bounceeventsink.h"
#include "tracking/trackingpipeline.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Mailpulse::Bounce::ImportFormat)

class TestImporter : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void sniff_data();
    void sniff();
    void logsEndToEnd();
    void incrementalAndRotation();
    void copyTruncate();
    void compressedCopyOfImportedLines();
    void garbageFailsTheFileOnly();
    void overlongLine();
    void badCompressedFiles();
    void missingAndUnknown();
    void explicitFormat();
    void bounceMail();
    void mixedDirectory();
    void badMailFailsItsFileOnly();
    void batchedSinksMatchOneByOne();
    void bulkFlushMatchesOneByOne();
    void storeImportedBeforeKeyMigration();
    void successesReadAgainChangeNothing();
    void cli();

private:
    ImportSummary run(const QStringList &paths, Importer::Options options = {});
    qint64 stored(const QString &domain = {}) const;
    QString path(const QString &name) const { return m_dir->filePath(name); }
    static void write(const QString &file, const QByteArray &content, bool append = false);
    static void writeGzip(const QString &file, const QByteArray &content);
    static QString problems(const ImportSummary &s);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_db;
};

namespace
{

QByteArray postfixLine(int second, const QByteArray &rcpt, const QByteArray &status = "bounced")
{
    const QByteArray stamp = "Nov 27 10:" + QByteArray::number(second / 60).rightJustified(2, '0') + ':'
        + QByteArray::number(second % 60).rightJustified(2, '0');
    if (status == "sent")
        return stamp + " mx postfix/smtp[1]: Q" + QByteArray::number(second) + ": to=<" + rcpt
            + ">, relay=mx.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n";
    return stamp + " mx postfix/smtp[1]: Q" + QByteArray::number(second) + ": to=<" + rcpt
        + ">, relay=mx.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host "
          "mx.example[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n";
}

QByteArray noise(int second)
{
    return "Nov 27 10:00:" + QByteArray::number(second % 60).rightJustified(2, '0')
        + " mx postfix/qmgr[2]: ABC: from=<me@ours.example>, size=100, nrcpt=1 (queue active)\n";
}

const QByteArray EximLog = "2026-11-27 10:00:00 exim 4.96 daemon started: pid=1, -q30m\n"
                           "2026-11-27 10:00:01 1rABCD-000123-AB <= me@ours.example H=localhost [127.0.0.1] P=esmtp\n"
                           "2026-11-27 10:00:02 1rABCD-000123-AB ** u1@exim.example R=dnslookup T=remote_smtp "
                           "H=mx.exim.example [192.0.2.3]: SMTP error from remote mail server after RCPT "
                           "TO:<u1@exim.example>: 550 5.1.1 unknown\n"
                           "2026-11-27 10:00:03 1rABCD-000123-AB == u2@exim.example R=dnslookup T=remote_smtp "
                           "defer (111): Connection refused\n"
                           "2026-11-27 10:00:04 1rABCD-000123-AB Completed\n";

const QByteArray Dsn = "From: MAILER-DAEMON@mx.ours.example\r\n"
                       "To: me@ours.example\r\n"
                       "Subject: Undelivered Mail Returned to Sender\r\n"
                       "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n"
                       "Message-ID: <dsn-1@mx.ours.example>\r\n"
                       "MIME-Version: 1.0\r\n"
                       "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
                       "\r\n"
                       "--b1\r\n"
                       "Content-Type: text/plain\r\n"
                       "\r\n"
                       "Your message could not be delivered.\r\n"
                       "--b1\r\n"
                       "Content-Type: message/delivery-status\r\n"
                       "\r\n"
                       "Reporting-MTA: dns; mx.ours.example\r\n"
                       "\r\n"
                       "Final-Recipient: rfc822; gone@dsn.example\r\n"
                       "Action: failed\r\n"
                       "Status: 5.1.1\r\n"
                       "Remote-MTA: dns; mx.dsn.example\r\n"
                       "Diagnostic-Code: smtp; 550 5.1.1 <gone@dsn.example>: User unknown\r\n"
                       "\r\n"
                       "--b1--\r\n";

// Passes record() on and nothing else: the sink as a driver without batches (OutcomeRecorder) drives it.
class Unbatched final : public Tracking::OutcomeSink
{
public:
    explicit Unbatched(Tracking::OutcomeSink &sink)
        : m_sink(sink)
    {
    }
    Result record(const Tracking::Outcome &outcome, QString *error) override { return m_sink.record(outcome, error); }

private:
    Tracking::OutcomeSink &m_sink;
};

// Runs `importAll` with an importer that feeds the tracking pipeline's sinks (a clock at `now`, no jitter), batched
// per file as the importer drives them, or one outcome at a time (each wrapped in Unbatched: no batch, and the
// bounce-event sink stores each event with a statement of its own instead of a log chunk's many rows at once).
// `keepLimit`: how much the sinks keep in memory during a batch before they write it (0: their default).
void withPipeline(Store::Database &db, const QDateTime &now, bool batched, qsizetype keepLimit,
    const std::function<void(Importer &, const Importer::Options &)> &importAll)
{
    Test::FakeClock clock(now);
    Queue::RetryPolicy policy;
    policy.setJitter(0);
    Tracking::TrackingPipeline pipeline(db, clock, policy);
    if (keepLimit > 0) {
        pipeline.retryQueue().setBatchKeepLimit(keepLimit);
        pipeline.contacts().setBatchKeepLimit(keepLimit);
    }
    std::vector<std::unique_ptr<Unbatched>> wrappers;
    Importer importer(db);
    for (Tracking::OutcomeSink *sink : pipeline.sinks()) {
        if (batched) {
            importer.addSink(sink);
        } else {
            wrappers.push_back(std::make_unique<Unbatched>(*sink));
            importer.addSink(wrappers.back().get());
        }
    }
    Importer::Options options;
    options.logTimeZone = QTimeZone::utc();
    importAll(importer, options);
}

// Every row of a query, each as one line of its values.
QStringList rows(const Store::Database &db, const QString &sql)
{
    QStringList lines;
    QSqlQuery q(db.connection());
    if (!q.exec(sql))
        return { u"error: "_s + sql };
    while (q.next()) {
        QStringList values;
        for (int i = 0; i < q.record().count(); ++i)
            values << (q.value(i).isNull() ? u"NULL"_s : q.value(i).toString());
        lines << values.join(u'|');
    }
    return lines;
}

// A Postfix delivery line with an RFC 3339 time (no year to infer).
QByteArray deliveryLine(const QByteArray &time, int id, const QByteArray &rcpt, int kind)
{
    static const char *const Dsn[] = { "2.0.0", "4.4.1", "4.2.2", "5.1.1", "4.7.1" };
    static const char *const Status[] = { "sent", "deferred", "deferred", "bounced", "deferred" };
    static const char *const Text[] = { "250 2.0.0 Ok", "connect to mx.example[192.0.2.1]:25: Connection timed out",
        "host mx.example[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)",
        "host mx.example[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)",
        "host mx.example[192.0.2.1] said: 450 4.7.1 Greylisted (in reply to RCPT TO command)" };
    return time + " mx postfix/smtp[1]: Q" + QByteArray::number(id) + ": to=<" + rcpt
        + ">, relay=mx.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=" + Dsn[kind] + ", status=" + Status[kind]
        + " (" + Text[kind] + ")\n";
}

} // namespace

void TestImporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Store::Database>();
    QString error;
    QVERIFY2(m_db->open(path(u"store.sqlite"_s), &error), qPrintable(error));
}

void TestImporter::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

ImportSummary TestImporter::run(const QStringList &paths, Importer::Options options)
{
    options.logTimeZone = QTimeZone::utc();
    Importer importer(*m_db);
    Tracking::BounceEventSink sink(*m_db);
    importer.addSink(&sink);
    return importer.import(paths, options);
}

qint64 TestImporter::stored(const QString &domain) const { return Store::BounceRepository(*m_db).count(domain); }

void TestImporter::write(const QString &file, const QByteArray &content, bool append)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    QVERIFY(f.open(append ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(content), content.size());
}

void TestImporter::writeGzip(const QString &file, const QByteArray &content)
{
    z_stream z {};
    QCOMPARE(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    QByteArray out(int(deflateBound(&z, uLong(content.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(content.constData()));
    z.avail_in = uInt(content.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    QCOMPARE(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    write(file, out);
}

QString TestImporter::problems(const ImportSummary &s)
{
    QStringList lines;
    for (const ImportProblem &p : s.skipped)
        lines << p.file + u": "_s + p.reason;
    return lines.join(u"; "_s);
}

void TestImporter::sniff_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<ImportFormat>("format");
    QTest::newRow("postfix") << noise(1) + postfixLine(2, "a@b.example") << ImportFormat::Postfix;
    QTest::newRow("syslog from other programs first")
        << QByteArray("Nov 27 10:00:01 mx dovecot[1]: imap-login: Login\n") << ImportFormat::Postfix;
    QTest::newRow("exim") << EximLog << ImportFormat::Exim;
    QTest::newRow("mbox") << "From MAILER-DAEMON Fri Nov 27 10:00:00 2026\n" + Dsn << ImportFormat::Mbox;
    QTest::newRow("eml") << Dsn << ImportFormat::Dsn;
    QTest::newRow("eml with Received first")
        << "Received: from x by y; Fri, 27 Nov 2026\r\n" + Dsn << ImportFormat::Dsn;
    QTest::newRow("binary") << QByteArray("\x7f"
                                          "ELF\x02\x01\x01\x00\x00\x00",
        10) << ImportFormat::Auto;
    QTest::newRow("prose") << QByteArray("Dear user, this is a letter.\n") << ImportFormat::Auto;
}

void TestImporter::sniff()
{
    QFETCH(QByteArray, head);
    QTEST(Importer::sniff(head), "format");
}

void TestImporter::logsEndToEnd()
{
    // A directory as MTA logs leave it: the live Postfix log, an older rotated one compressed, an Exim main log.
    write(path(u"logs/mail.log"_s),
        noise(0) + postfixLine(1, "a@pf.example") + noise(2) + postfixLine(3, "b@pf.example")
            + postfixLine(4, "c@pf.example", "sent"));
    writeGzip(path(u"logs/mail.log.2.gz"_s),
        postfixLine(100, "old1@pf.example") + noise(101) + postfixLine(102, "old2@pf.example"));
    write(path(u"logs/exim/mainlog"_s), EximLog);

    // The connection settings an import changes for its duration (page cache, statement journal in memory,
    // secure_delete off) are the connection's own again afterwards.
    // (Debian's SQLite has secure_delete on by default; set here so that the test does not depend on the build.)
    QVERIFY(m_db->exec(u"PRAGMA secure_delete = ON"_s));
    const QStringList pragmas { u"PRAGMA cache_size"_s, u"PRAGMA temp_store"_s, u"PRAGMA secure_delete"_s };
    QStringList settings;
    for (const QString &pragma : pragmas)
        settings << rows(*m_db, pragma);
    QCOMPARE(settings.last(), u"1"_s);
    ImportSummary s = run({ path(u"logs"_s) });
    QStringList after;
    for (const QString &pragma : pragmas)
        after << rows(*m_db, pragma);
    QCOMPARE(after, settings);
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.files, 3);
    QCOMPARE(s.records, 6);
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(s.deliveries, 1); // c@pf.example's status=sent: read, not stored as a bounce event
    QCOMPARE(s.lines, 5 + 3 + 5);
    QCOMPARE(stored(u"pf.example"_s), 4);
    QVERIFY(Store::BounceRepository(*m_db).forRecipient(u"c@pf.example"_s).isEmpty());
    QCOMPARE(stored(u"exim.example"_s), 2);
    QVERIFY(!s.hasBadInput());

    const QList<BounceEvent> events = Store::BounceRepository(*m_db).forRecipient(u"b@pf.example"_s);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().sourceRef, path(u"logs/mail.log:4"_s));
    QCOMPARE(events.first().classification.reason, u"userunknown"_s);
    QCOMPARE(
        events.first().occurredAt, QDateTime(QDate(QDate::currentDate().year(), 11, 27), QTime(10, 0, 3), Qt::UTC));

    // Again: nothing new. Logs resume at their end, the unchanged archive is not even read.
    s = run({ path(u"logs"_s) });
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.records, 0);
    QCOMPARE(s.deliveries, 0);
    QCOMPARE(s.lines, 0);
    QCOMPARE(stored(), 6);

    // Read everything again: every bounce event is a duplicate, the success is read again (and changes nothing:
    // successesReadAgainChangeNothing).
    Importer::Options full;
    full.incremental = false;
    s = run({ path(u"logs"_s) }, full);
    QCOMPARE(s.records, 0);
    QCOMPARE(s.duplicates, 6);
    QCOMPARE(s.deliveries, 1);
    QCOMPARE(stored(), 6);
}

void TestImporter::incrementalAndRotation()
{
    const QString log = path(u"mail.log"_s);
    write(log, postfixLine(1, "a@r.example") + postfixLine(2, "b@r.example"));
    ImportSummary s = run({ log });
    QCOMPARE(s.records, 2);

    // Growth: only the new lines are read, and line numbers go on.
    write(log, noise(3) + postfixLine(4, "c@r.example"), true);
    s = run({ log });
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.lines, 2);
    QCOMPARE(s.records, 1);
    QCOMPARE(Store::BounceRepository(*m_db).forRecipient(u"c@r.example"_s).first().sourceRef, log + u":4"_s);

    // A last line still being written (no newline yet) is read, and read again once complete.
    write(log, postfixLine(5, "d@r.example").chopped(1), true);
    s = run({ log });
    QCOMPARE(s.records, 1);
    write(log, "\n", true);
    s = run({ log });
    QCOMPARE(s.lines, 1);
    QCOMPARE(s.records, 0);
    QCOMPARE(s.duplicates, 1);

    // Rotation: mail.log becomes mail.log.1 (and gets one more line before Postfix reopens), a new mail.log
    // starts. The renamed file continues where it was read to; the new one is read from its start.
    QVERIFY(QFile::rename(log, path(u"mail.log.1"_s)));
    write(path(u"mail.log.1"_s), postfixLine(6, "e@r.example"), true);
    write(log, postfixLine(7, "f@r.example") + postfixLine(8, "g@r.example"));
    s = run({ log, path(u"mail.log.1"_s) });
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.lines, 3);
    QCOMPARE(s.records, 3);
    QCOMPARE(s.duplicates, 0);
    QCOMPARE(stored(), 7);
}

void TestImporter::copyTruncate()
{
    // logrotate's copytruncate: same file (inode), emptied and written anew.
    const QString log = path(u"mail.log"_s);
    write(log, postfixLine(1, "a@t.example") + postfixLine(2, "b@t.example") + postfixLine(3, "c@t.example"));
    QCOMPARE(run({ log }).records, 3);
    write(log, postfixLine(4, "d@t.example"));
    ImportSummary s = run({ log });
    QCOMPARE(s.lines, 1);
    QCOMPARE(s.records, 1);

    // Same size as before but other content (another head): read from the start as well.
    write(log, postfixLine(5, "e@t.example"));
    s = run({ log });
    QCOMPARE(s.records, 1);
    QCOMPARE(stored(), 5);
}

void TestImporter::compressedCopyOfImportedLines()
{
    const QByteArray lines = postfixLine(1, "a@z.example") + postfixLine(2, "b@z.example");
    write(path(u"mail.log.1"_s), lines);
    QCOMPARE(run({ path(u"mail.log.1"_s) }).records, 2);
    // The rotated log compressed later: the same events, not stored twice.
    QFile::remove(path(u"mail.log.1"_s));
    writeGzip(path(u"mail.log.1.gz"_s), lines);
    const ImportSummary s = run({ path(u"mail.log.1.gz"_s) });
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.records, 0);
    QCOMPARE(s.duplicates, 2);
}

void TestImporter::garbageFailsTheFileOnly()
{
    write(path(u"in/good.log"_s), postfixLine(1, "a@good.example"));
    // Valid events first, then lines that are no log lines: the file stores nothing.
    write(path(u"in/bad.log"_s),
        postfixLine(1, "a@bad.example") + postfixLine(2, "b@bad.example") + "this is not a log line\n"
            + QByteArray("\x00\x01\x02 binary\n", 11) + postfixLine(3, "c@bad.example"));
    const ImportSummary s = run({ path(u"in"_s) });
    QCOMPARE(s.files, 2);
    QCOMPARE(s.records, 1);
    QCOMPARE(stored(u"good.example"_s), 1);
    QCOMPARE(stored(u"bad.example"_s), 0);
    QVERIFY(s.hasBadInput());
    QCOMPARE(s.skipped.size(), 1);
    QCOMPARE(s.skipped.first().file, path(u"in/bad.log"_s));
    QVERIFY2(s.skipped.first().reason.contains(u"line 3: not a syslog line"_s), qPrintable(s.skipped.first().reason));
    QVERIFY2(s.skipped.first().reason.contains(u"2 bad lines"_s), qPrintable(s.skipped.first().reason));

    // Once repaired, the file imports (it was not remembered as read).
    write(path(u"in/bad.log"_s), postfixLine(1, "a@bad.example") + postfixLine(2, "b@bad.example"));
    QCOMPARE(run({ path(u"in"_s) }).records, 2);
}

void TestImporter::overlongLine()
{
    // 50 MB without a newline between two valid lines: an error for the file, bounded memory, others go on.
    const QString big = path(u"big/mail.log"_s);
    write(big, postfixLine(1, "a@big.example"));
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::Append));
        const QByteArray chunk(1024 * 1024, 'x');
        for (int i = 0; i < 50; ++i)
            QCOMPARE(f.write(chunk), chunk.size());
        f.write("\n" + postfixLine(2, "b@big.example"));
    }
    write(path(u"big/other.log"_s), postfixLine(3, "c@other.example"));

    const qint64 before = peakResidentKiB();
    const ImportSummary s = run({ path(u"big"_s) });
    const qint64 after = peakResidentKiB();
    QCOMPARE(stored(u"big.example"_s), 0);
    QCOMPARE(stored(u"other.example"_s), 1);
    QCOMPARE(s.skipped.size(), 1);
    QVERIFY2(s.skipped.first().reason.contains(u"line 2: longer than"_s), qPrintable(problems(s)));
    if (before > 0) // a 50 MB line must not be held: the growth stays far below its size
        QVERIFY2(after - before < 20 * 1024, qPrintable(u"peak RSS grew by %1 KiB"_s.arg(after - before)));
}

void TestImporter::badCompressedFiles()
{
    QByteArray content;
    for (int i = 0; i < 2000; ++i)
        content += postfixLine(i, "u" + QByteArray::number(i) + "@gz.example");
    writeGzip(path(u"gz/whole.log.1.gz"_s), content);
    QFile whole(path(u"gz/whole.log.1.gz"_s));
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray compressed = whole.readAll();
    write(path(u"gz/truncated.log.2.gz"_s), compressed.first(compressed.size() / 2));
    QByteArray corrupt = compressed;
    for (qsizetype i = 100; i < 200; ++i)
        corrupt[i] = char(corrupt[i] ^ 0x5a);
    write(path(u"gz/corrupt.log.3.gz"_s), corrupt);

    const ImportSummary s = run({ path(u"gz"_s) });
    QCOMPARE(s.files, 3);
    QCOMPARE(s.records, 2000); // whole.log.1.gz only
    QCOMPARE(s.skipped.size(), 2);
    const QString text = problems(s);
    QVERIFY2(text.contains(u"truncated.log.2.gz: line"_s) && text.contains(u"truncated"_s), qPrintable(text));
    QVERIFY2(text.contains(u"corrupt.log.3.gz"_s), qPrintable(text));
    QCOMPARE(stored(), 2000);
}

void TestImporter::missingAndUnknown()
{
    write(path(u"m/notes.txt"_s), "Remember to buy milk.\n");
    write(path(u"m/empty.log"_s), {});
    write(path(u"m/mail.log"_s), postfixLine(1, "a@m.example"));
    const ImportSummary s = run({ path(u"nope"_s), path(u"m"_s) });
    QCOMPARE(s.missing, QStringList { path(u"nope"_s) });
    QCOMPARE(s.records, 1);
    QCOMPARE(s.files, 3);
    QCOMPARE(s.skipped.size(), 2); // the missing path and the text file; an empty file is fine
    QVERIFY2(problems(s).contains(u"notes.txt: unrecognised format"_s), qPrintable(problems(s)));
}

void TestImporter::explicitFormat()
{
    // --format exim on a Postfix log: every line is a bad line.
    write(path(u"mail.log"_s), postfixLine(1, "a@x.example"));
    Importer::Options exim;
    exim.format = ImportFormat::Exim;
    ImportSummary s = run({ path(u"mail.log"_s) }, exim);
    QCOMPARE(s.records, 0);
    QVERIFY(s.hasBadInput());
    QVERIFY2(problems(s).contains(u"not an Exim log line"_s), qPrintable(problems(s)));
    Importer::Options postfix;
    postfix.format = ImportFormat::Postfix;
    s = run({ path(u"mail.log"_s) }, postfix);
    QCOMPARE(s.records, 1);
}

void TestImporter::bounceMail()
{
    write(path(u"mails/dsn.eml"_s), Dsn);
    // A delivery report (RFC 3464 "Action: delivered"): a success, read but not stored as a bounce event.
    QByteArray delivered = Dsn;
    delivered.replace("gone@dsn.example", "here@dsn.example")
        .replace("Action: failed", "Action: delivered")
        .replace("Status: 5.1.1", "Status: 2.0.0")
        .replace("550 5.1.1 <here@dsn.example>: User unknown", "250 2.0.0 Ok");
    write(path(u"mails/delivered.eml"_s), delivered);
    ImportSummary s = run({ path(u"mails"_s) });
    QVERIFY2(!s.hasBadInput(), qPrintable(problems(s)));
    QCOMPARE(s.files, 2);
    QCOMPARE(s.messages, 2);
    QCOMPARE(s.records, 1);
    QCOMPARE(s.deliveries, 1);
    QCOMPARE(stored(u"dsn.example"_s), 1);
    QVERIFY(Store::BounceRepository(*m_db).forRecipient(u"here@dsn.example"_s).isEmpty());
    s = run({ path(u"mails"_s) });
    QCOMPARE(s.duplicates, 1);
    QCOMPARE(s.deliveries, 1);
    QCOMPARE(stored(), 1);
}

void TestImporter::mixedDirectory()
{
    // Logs and mails side by side, as a user collects them: each file goes to the reader its content calls for.
    QByteArray second = Dsn;
    second.replace("gone@dsn.example", "left@dsn.example").replace("dsn-1@", "dsn-2@");
    QByteArray third = Dsn;
    third.replace("gone@dsn.example", "moved@dsn.example").replace("dsn-1@", "dsn-3@");
    const QByteArray plain = "From: friend@people.example\nTo: me@ours.example\nSubject: lunch?\n"
                             "Message-ID: <lunch@people.example>\n\nTomorrow at noon?\n";
    write(path(u"mixed/logs/mail.log"_s), postfixLine(1, "a@mix.example"));
    write(path(u"mixed/logs/mainlog"_s), EximLog);
    write(path(u"mixed/bounce.eml"_s), Dsn);
    write(path(u"mixed/archive.mbox"_s),
        "From MAILER-DAEMON Fri Nov 27 10:00:00 2026\n" + second
            + "\nFrom friend@people.example Fri Nov 27 "
              "10:00:00 2026\n"
            + plain);
    write(path(u"mixed/Maildir/cur/1764237600.1.host:2,S"_s), third);
    QDir().mkpath(path(u"mixed/Maildir/new"_s));
    QDir().mkpath(path(u"mixed/Maildir/tmp"_s));

    const ImportSummary s = run({ path(u"mixed"_s) });
    QVERIFY2(!s.hasBadInput(), qPrintable(problems(s)));
    QCOMPARE(s.files, 5);
    QCOMPARE(s.messages, 4);
    QCOMPARE(s.records, 1 + 2 + 3);
    QCOMPARE(stored(u"dsn.example"_s), 3);
    QCOMPARE(s.skipped.size(), 1); // a remark for the mail that is no bounce, not an error
    QVERIFY(!s.skipped.first().error);
    QCOMPARE(s.skipped.first().file, path(u"mixed/archive.mbox"_s));

    const ImportSummary again = run({ path(u"mixed"_s) });
    QCOMPARE(again.records, 0);
    QCOMPARE(again.duplicates, 3); // the mails; the logs are not read again
}

void TestImporter::badMailFailsItsFileOnly()
{
    // An mbox whose second message is too big: its first (good) bounce is not stored either.
    QByteArray second = Dsn;
    second.replace("gone@dsn.example", "left@dsn.example").replace("dsn-1@", "dsn-2@");
    second.replace("Your message could not be delivered.", QByteArray(8000, 'x'));
    write(path(u"mb/archive.mbox"_s),
        "From MAILER-DAEMON Fri Nov 27 10:00:00 2026\n" + Dsn + "\nFrom MAILER-DAEMON Fri Nov 27 10:00:01 2026\n"
            + second);
    QByteArray third = Dsn;
    third.replace("gone@dsn.example", "moved@other.example").replace("dsn-1@", "dsn-3@");
    write(path(u"mb/single.eml"_s), third);
    Importer::Options options;
    options.mailLimits.maxMessageBytes = 4000;
    const ImportSummary s = run({ path(u"mb"_s) }, options);
    QVERIFY(s.hasBadInput());
    QCOMPARE(s.skipped.size(), 1);
    QCOMPARE(s.skipped.first().file, path(u"mb/archive.mbox"_s));
    QCOMPARE(stored(u"dsn.example"_s), 0);
    QCOMPARE(stored(u"other.example"_s), 1);
}

void TestImporter::batchedSinksMatchOneByOne()
{
    // The same two logs through the pipeline's sinks, batched per file (as the importer drives them) and one
    // outcome at a time (as OutcomeRecorder does): the retry queue and the contact list must end the same. Each log
    // is long enough for the queue to load its batch state (RetryQueue::Batch::LoadAfter); the second one meets
    // entries the first one opened and a domain's remembered settings. Each has enough successes for the contact
    // tracker to load its batch state too (ContactTracker::Batch::LoadAfter).
    QByteArray first;
    QByteArray second;
    quint32 seed = 7;
    const auto random = [&seed](quint32 n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 16) % n;
    };
    for (int i = 0; i < 3000; ++i) {
        // A fifth are a month old (their entries expire at once), the rest from this morning.
        const bool old = random(5) == 0;
        const auto two = [](int n) { return QByteArray::number(n).rightJustified(2, '0'); };
        const QByteArray time = (old ? "2026-10-20T" : "2026-11-27T") + two(8 + i / 200) + ':' + two(i / 4 % 50 + 10)
            + ':' + two(i % 50 + 10) + "Z";
        const QByteArray rcpt
            = "u" + QByteArray::number(random(12)) + "@d" + QByteArray::number(random(4)) + ".example";
        const QByteArray line = deliveryLine(time, i, rcpt, int(random(5)));
        (i < 1500 ? first : second) += line;
        if (i % 97 == 0)
            (i < 1500 ? first : second) += line; // the same line twice: a duplicate
    }
    second += deliveryLine("2026-11-27T18:00:00Z", 5000, "late@d9.example", 3);
    // A recipient the second log lists (three soft failures), whose later outcomes change the contact the batch
    // keeps: a hard failure (the rule becomes hard-bounce), one in the same second (its status is the last one), an
    // older one (its status is not) and a delivery.
    int id = 5001;
    for (const auto &[time, kind] :
        std::initializer_list<std::pair<const char *, int>> { { "18:01:00", 1 }, { "18:02:00", 2 }, { "18:03:00", 4 },
            { "18:04:00", 3 }, { "18:04:00", 2 }, { "18:02:30", 4 }, { "18:06:00", 0 } })
        second += deliveryLine(QByteArray("2026-11-27T") + time + 'Z', id++, "follow@d8.example", kind);
    // A target deferred again and again (a new entry in this log): with a small keep limit, the attempts its kept
    // entry holds fill the batch's room on their own.
    for (int i = 0; i < 60; ++i)
        second += deliveryLine("2026-11-27T19:10:" + QByteArray::number(i).rightJustified(2, '0') + 'Z', id++,
            "storm@d7.example", 1 + i % 2);
    second += deliveryLine("2026-11-27T20:00:00Z", id++, "storm@d7.example", 0);

    // keepLimit: how much the sinks keep in memory during a batch before they write it (0: their default).
    const auto importBoth = [&](const QString &name, bool batched, qsizetype keepLimit = 0) {
        Store::Database db;
        QString error;
        if (!db.open(path(name + u".sqlite"_s), &error))
            return QStringList { error };
        QSqlQuery(db.connection())
            .exec(u"INSERT INTO domain_settings (domain, settings_json, learned_at, entry_id, cured_status) VALUES"
                  " ('d2.example', '{\"host\":null,\"ip_family\":\"ipv4\",\"mx_skip\":0,\"port\":587,"
                  "\"tls_mode\":\"starttls\"}', '2026-11-01T00:00:00.000Z', NULL, '4.4.1')"_s);
        // A contact listed by hand (a CSV import) without a failure run, whose first outcome comes once the batch
        // has loaded what it knows: the batch must still read it.
        QSqlQuery(db.connection())
            .exec(u"INSERT INTO contacts (address, domain, status, rule, failures, opened_at, status_changed_at)"
                  " VALUES ('late@d9.example', 'd9.example', 'contacted', 'manual', 0, '2026-11-01T00:00:00.000Z',"
                  " '2026-11-01T00:00:00.000Z')"_s);
        QStringList state;
        withPipeline(db, QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC), batched, keepLimit,
            [&](Importer &importer, const Importer::Options &options) {
                for (const QByteArray &content : { first, second }) {
                    write(path(name + u"/mail.log"_s), content, true);
                    const ImportSummary s = importer.import({ path(name + u"/mail.log"_s) }, options);
                    state << u"records %1 duplicates %2 problems %3"_s.arg(s.records)
                                 .arg(s.duplicates)
                                 .arg(s.skipped.size());
                }
            });
        for (const char *sql :
            { "SELECT * FROM retry_entries ORDER BY id", // An entry the batch created is inserted with its attempts
                                                         // when the batch is written: its attempts' ids then differ
                                                         // from one at a time, not their entry, order or content.
                "SELECT entry_id, at, kind, source, settings_json, alternate, status, class, reason, probe_id"
                " FROM retry_attempts ORDER BY entry_id, id",
                "SELECT * FROM domain_settings ORDER BY domain", "SELECT * FROM recipient_streaks ORDER BY address",
                "SELECT * FROM contacts ORDER BY address",
                // Likewise a contact the batch listed, with its notes.
                "SELECT address, at, status, author, text FROM contact_notes ORDER BY address, id",
                "SELECT fingerprint, occurred_at, recipient, status, class, reason FROM bounces ORDER BY id" })
            state << rows(db, QString::fromLatin1(sql));
        return state;
    };
    const QStringList batched = importBoth(u"batched"_s, true);
    const QStringList oneByOne = importBoth(u"onebyone"_s, false);
    QCOMPARE(batched, oneByOne);
    // Kept state written and dropped every few targets (48 targets here) ends the same too.
    QCOMPARE(importBoth(u"batched-small"_s, true, 5), oneByOne);
    QVERIFY2(batched.first().endsWith(u"problems 0"_s), qPrintable(batched.first()));

    // The logs exercised what matters: open and expired entries, retries of open ones, listed contacts.
    Store::Database db;
    QVERIFY(db.open(path(u"batched.sqlite"_s)));
    const auto count = [&db](const char *sql) { return rows(db, QString::fromLatin1(sql)).value(0).toInt(); };
    QVERIFY(count("SELECT count(*) FROM retry_entries WHERE state = 'pending'") > 0);
    QVERIFY(count("SELECT count(*) FROM retry_entries WHERE state = 'expired'") > 0);
    QVERIFY(count("SELECT count(*) FROM retry_entries WHERE state IN ('succeeded', 'failed')") > 0);
    QVERIFY(count("SELECT count(*) FROM retry_attempts WHERE kind = 'external'") > 0);
    QVERIFY(count("SELECT count(*) FROM retry_entries WHERE domain = 'd2.example' AND settings_json LIKE '%587%'") > 0);
    QVERIFY(count("SELECT count(*) FROM contacts") > 0);
    QCOMPARE(rows(db,
                 u"SELECT rule, failures, last_status, first_failed_at, last_failed_at, last_success_at"
                 " FROM contacts WHERE address = 'follow@d8.example'"_s),
        QStringList {
            u"hard-bounce|6|4.2.2|2026-11-27T18:01:00.000Z|2026-11-27T18:04:00.000Z|2026-11-27T18:06:00.000Z"_s });
    QVERIFY2(!batched.first().contains(u"duplicates 0"_s), qPrintable(batched.first()));
}

void TestImporter::bulkFlushMatchesOneByOne()
{
    // Enough new entries, attempts, runs and listed contacts for the sinks' flush to write them many rows to a
    // statement (Store::BulkInsert: statements of 128 rows, then of 16, then single rows): the rows, and the ids
    // that refer to them, come out as when each row is inserted on its own.
    QByteArray log;
    constexpr int Recipients = 403;
    int id = 0;
    const auto rcpt = [](int r) -> QByteArray { // (not a QStringBuilder of temporaries)
        return "u" + QByteArray::number(r) + "@d" + QByteArray::number(r % 30) + ".example";
    };
    const auto two = [](int n) { return QByteArray::number(n).rightJustified(2, '0'); };
    // Three rounds of failures of the recipient (mailbox full, greylisted; a third of them fail hard in the last
    // one), then deliveries to a fifth.
    for (int round = 0; round < 4; ++round) {
        for (int r = 0; r < Recipients; ++r) {
            if (round == 3 && r % 5 != 0)
                continue;
            const int kind = round == 3 ? 0 : round == 1 ? 4 : round == 2 && r % 3 == 0 ? 3 : 2;
            log += deliveryLine(
                "2026-11-27T1" + QByteArray::number(round) + ':' + two(r / 60) + ':' + two(r % 60) + 'Z', id++, rcpt(r),
                kind);
        }
    }
    const auto import = [&](const QString &name, bool batched) {
        Store::Database db;
        QString error;
        if (!db.open(path(name + u".sqlite"_s), &error))
            return QStringList { error };
        // Ids go on from those in the store.
        QSqlQuery(db.connection())
            .exec(u"INSERT INTO retry_entries (id, target, domain, state, class, source, first_failed_at, expires_at,"
                  " config_json, settings_json) VALUES (40, 'old@d1.example', 'd1.example', 'failed', 'hard', 'log',"
                  " '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '{}', '{}')"_s);
        withPipeline(db, QDateTime(QDate(2026, 11, 27), QTime(18, 0), Qt::UTC), batched, 0,
            [&](Importer &importer, const Importer::Options &options) {
                write(path(name + u"/mail.log"_s), log, true);
                importer.import({ path(name + u"/mail.log"_s) }, options);
            });
        QStringList state;
        for (const char *sql : { "SELECT * FROM retry_entries ORDER BY id",
                 // The batch inserts an entry's attempts together, after every entry: grouped by entry.
                 batched ? "SELECT id, entry_id, at, kind, status FROM retry_attempts ORDER BY id"
                         : "SELECT row_number() OVER (ORDER BY entry_id, id), entry_id, at, kind, status"
                           " FROM retry_attempts ORDER BY entry_id, id",
                 "SELECT * FROM recipient_streaks ORDER BY address", "SELECT * FROM contacts ORDER BY address",
                 // … and the listed contacts' notes in the contacts' order (by address).
                 batched ? "SELECT id, address, at, status, author, text FROM contact_notes ORDER BY id"
                         : "SELECT row_number() OVER (ORDER BY address, id), address, at, status, author, text"
                           " FROM contact_notes ORDER BY address, id" })
            state << rows(db, QString::fromLatin1(sql));
        return state;
    };
    const QStringList batched = import(u"bulk"_s, true);
    QCOMPARE(batched, import(u"single"_s, false));

    Store::Database db;
    QVERIFY(db.open(path(u"bulk.sqlite"_s)));
    const auto count = [&db](const char *sql) { return rows(db, QString::fromLatin1(sql)).value(0).toInt(); };
    // More than one statement of the most rows holds, and a remainder for each smaller one.
    QCOMPARE(count("SELECT count(*) FROM retry_entries WHERE id > 40"), Recipients);
    QCOMPARE(count("SELECT min(id) FROM retry_entries WHERE id > 40"), 41);
    QVERIFY(count("SELECT count(*) FROM retry_attempts") > 2 * 128);
    QVERIFY(count("SELECT count(*) FROM retry_attempts") % 128 % 16 > 0);
    QCOMPARE(count("SELECT count(*) FROM recipient_streaks"), Recipients);
    QCOMPARE(count("SELECT count(*) FROM contacts"), Recipients);
    QVERIFY(count("SELECT count(*) FROM contact_notes") % 128 % 16 > 0);
    QVERIFY(count("SELECT count(*) FROM contacts WHERE rule = 'hard-bounce'") > 0);
    QVERIFY(count("SELECT count(*) FROM retry_entries WHERE state = 'succeeded'") > 0);
}

void TestImporter::successesReadAgainChangeNothing()
{
    // Successful deliveries are not bounce events, so nothing marks them as read: a log read again (or an older
    // log imported late) brings them again, and the retry queue and the contact list must not act on them twice.
    const QByteArray log = deliveryLine("2026-11-27T10:00:00Z", 1, "a@x.example", 1) // opens a's entry
        + deliveryLine("2026-11-27T10:00:01Z", 2, "b@x.example", 3) // lists b (hard bounce)
        + deliveryLine("2026-11-27T10:05:00Z", 3, "c@x.example", 0) // never failed: nothing to do
        + deliveryLine("2026-11-27T10:10:00Z", 4, "a@x.example", 0) // closes a's entry, ends a's run
        + deliveryLine("2026-11-27T10:20:00Z", 5, "a@x.example", 1) // opens a second entry for a
        + deliveryLine("2026-11-27T10:30:00Z", 6, "b@x.example", 0); // ends b's run
    write(path(u"again/mail.log"_s), log);
    const auto import = [&](bool incremental, const QString &file = u"again/mail.log"_s, bool batched = true) {
        ImportSummary summary;
        withPipeline(*m_db, QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC), batched, 0,
            [&](Importer &importer, Importer::Options options) {
                options.incremental = incremental;
                summary = importer.import({ path(file) }, options);
            });
        return summary;
    };
    const QStringList views { u"SELECT * FROM retry_entries ORDER BY id"_s,
        u"SELECT * FROM retry_attempts ORDER BY id"_s, u"SELECT * FROM recipient_streaks ORDER BY address"_s,
        u"SELECT * FROM contacts ORDER BY address"_s, u"SELECT * FROM contact_notes ORDER BY id"_s };
    const auto snapshot = [&] {
        QStringList all;
        for (const QString &sql : views)
            all << sql << rows(*m_db, sql);
        return all;
    };

    ImportSummary s = import(true);
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.records, 3);
    QCOMPARE(s.deliveries, 3);
    QCOMPARE(stored(u"x.example"_s), 3);
    QCOMPARE(rows(*m_db, u"SELECT state FROM retry_entries WHERE target = 'a@x.example' ORDER BY id"_s),
        (QStringList { u"succeeded"_s, u"pending"_s }));
    QCOMPARE(rows(*m_db, u"SELECT failures, last_success_at FROM recipient_streaks WHERE address = 'b@x.example'"_s),
        QStringList { u"0|2026-11-27T10:30:00.000Z"_s });
    QCOMPARE(
        rows(*m_db, u"SELECT rule FROM contacts WHERE address = 'b@x.example'"_s), QStringList { u"hard-bounce"_s });
    const QStringList before = snapshot();

    // The whole log again (not where the last import stopped): the failures are duplicates, the successes come
    // again and change nothing; a's second entry stays open although a success of a's follows its first failure.
    s = import(false);
    QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
    QCOMPARE(s.records, 0);
    QCOMPARE(s.duplicates, 3);
    QCOMPARE(s.deliveries, 3);
    QCOMPARE(snapshot(), before);
    // The same one outcome at a time (the sinks' paths outside a batch).
    s = import(false, u"again/mail.log"_s, false);
    QCOMPARE(s.duplicates, 3);
    QCOMPARE(s.deliveries, 3);
    QCOMPARE(snapshot(), before);

    // Only the success, in a copy of the log imported late: still nothing.
    write(path(u"again/old.log"_s), deliveryLine("2026-11-27T10:10:00Z", 4, "a@x.example", 0));
    s = import(true, u"again/old.log"_s);
    QCOMPARE(s.deliveries, 1);
    QCOMPARE(snapshot(), before);

    // A later success does close a's open entry.
    write(path(u"again/mail.log"_s), deliveryLine("2026-11-27T10:40:00Z", 7, "a@x.example", 0), true);
    s = import(true);
    QCOMPARE(s.deliveries, 1);
    QCOMPARE(rows(*m_db, u"SELECT state FROM retry_entries WHERE target = 'a@x.example' ORDER BY id"_s),
        (QStringList { u"succeeded"_s, u"succeeded"_s }));
}

void TestImporter::storeImportedBeforeKeyMigration()
{
    // A v4 store (fingerprints as text, the default probe config written into every imported retry entry), migrated
    // to v5 (16-byte keys): importing the same log again adds nothing, and what was stored reads as before.
    QByteArray log;
    for (int i = 0; i < 300; ++i) {
        const auto two = [](int n) { return QByteArray::number(n).rightJustified(2, '0'); };
        log += deliveryLine("2026-11-27T10:" + two(i / 60) + ':' + two(i % 60) + "Z", i,
            "u" + QByteArray::number(i % 40) + "@d" + QByteArray::number(i % 7) + ".example", i % 5);
    }
    write(path(u"old/mail.log"_s), log);
    const QString store = path(u"old.sqlite"_s);
    const QString dsnFingerprint = u"dsn:2fd4e1c67a2d28fced849ee1bb76e7391b93eb12:x@dsn.example:0"_s;
    Test::FakeClock clock(QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    Importer::Options options;
    options.logTimeZone = QTimeZone::utc();
    const auto importWithPipeline = [&](Store::Database &db) {
        Tracking::TrackingPipeline pipeline(db, clock);
        Importer importer(db);
        for (Tracking::OutcomeSink *sink : pipeline.sinks())
            importer.addSink(sink);
        return importer.import({ path(u"old/mail.log"_s) }, options);
    };

    qint64 records = 0;
    QStringList before;
    const QStringList views { u"SELECT id, source, occurred_at, recipient, domain, status, class, reason FROM bounces"
                              " ORDER BY id"_s,
        u"SELECT * FROM retry_entries ORDER BY id"_s, u"SELECT * FROM contacts ORDER BY address"_s };
    {
        // The log imported by today's code, its rows then copied into a v4 store: today's code writes columns v4
        // did not have.
        {
            Store::Database today;
            QString error;
            QVERIFY2(today.open(path(u"today.sqlite"_s), &error), qPrintable(error));
            const ImportSummary s = importWithPipeline(today);
            QVERIFY2(s.skipped.isEmpty(), qPrintable(problems(s)));
            records = s.records;
            QCOMPARE(records, 240); // the 60 status=sent lines are deliveries, not bounce events
            QCOMPARE(s.deliveries, 60);
        }
        Store::Database db;
        QString error;
        QVERIFY2(db.open(store, Store::schemaMigrations().mid(0, 4), &error), qPrintable(error));
        QCOMPARE(db.schemaVersion(), 4);
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(u"ATTACH DATABASE '%1' AS today"_s.arg(path(u"today.sqlite"_s))));
        const QString bounceColumns = u"id, fingerprint, source, probe_id, occurred_at, recipient, domain, status,"
                                      " class, reason, action, reply_code, remote_mta, diagnostic, source_ref"_s;
        QVERIFY(q.exec(u"INSERT INTO bounces (%1) SELECT %1 FROM today.bounces"_s.arg(bounceColumns)));
        for (const char *table : { "import_files", "retry_entries", "retry_attempts", "domain_settings",
                 "recipient_streaks", "contacts", "contact_notes" })
            QVERIFY2(q.exec(u"INSERT INTO %1 SELECT * FROM today.%1"_s.arg(QLatin1StringView(table))),
                qPrintable(q.lastError().text()));
        QVERIFY(q.exec(u"DETACH DATABASE today"_s));
        // What the v4 code wrote: the text fingerprints (a log line's key is its text's hex digits), the whole
        // default config, and a bounce mail's event.
        QVERIFY(q.exec(u"UPDATE bounces SET fingerprint = 'log:' || lower(hex(fingerprint))"_s));
        QVERIFY(q.prepare(u"UPDATE retry_entries SET config_json = ?"_s));
        q.addBindValue(QString::fromUtf8(
            QJsonDocument(Queue::probeConfigToJson(Smtp::ProbeConfig())).toJson(QJsonDocument::Compact)));
        QVERIFY(q.exec());
        QVERIFY(q.prepare(u"INSERT INTO bounces (fingerprint, source, recipient, domain, status, class)"
                          " VALUES (?, 'dsn', 'x@dsn.example', 'dsn.example', '5.1.1', 'hard')"_s));
        q.addBindValue(dsnFingerprint);
        QVERIFY(q.exec());
        QCOMPARE(rows(db, u"SELECT count(*) FROM bounces WHERE typeof(fingerprint) = 'text'"_s).value(0), u"241"_s);
        for (const QString &sql : views)
            before << rows(db, sql);
    }

    Store::Database db;
    QString error;
    QVERIFY2(db.open(store, &error), qPrintable(error));
    QCOMPARE(db.schemaVersion(), Store::Database::latestSchemaVersion());
    QCOMPARE(rows(db, u"SELECT count(*) FROM bounces WHERE typeof(fingerprint) = 'blob'"_s).value(0), u"241"_s);
    // v6 keyed the old rows by domain with the SQL twin of LookupKey::of(): the queries find them (v8 dropped the
    // recipient's key).
    QCOMPARE(rows(db, u"SELECT count(*) FROM bounces WHERE domain_key IS NOT NULL"_s).value(0), u"241"_s);
    // v9 copied the table with its probe key checked at commit.
    QVERIFY(rows(db, u"SELECT sql FROM sqlite_master WHERE name = 'bounces'"_s)
                .value(0)
                .contains(u"ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED"_s));
    {
        Store::BounceRepository repo(db);
        QCOMPARE(repo.forRecipient(u"x@dsn.example"_s).size(), 1);
        QCOMPARE(repo.count(u"dsn.example"_s), 1);
        QCOMPARE(repo.count(u"d3.example"_s),
            rows(db, u"SELECT count(*) FROM bounces WHERE domain = 'd3.example'"_s).value(0).toInt());
        QVERIFY(repo.count(u"d3.example"_s) > 0);
    }
    QStringList after;
    for (const QString &sql : views)
        after << rows(db, sql);
    QCOMPARE(after, before);

    // The same log again, from its start: every line is a duplicate of a converted row.
    options.incremental = false;
    const ImportSummary again = importWithPipeline(db);
    QVERIFY2(again.skipped.isEmpty(), qPrintable(problems(again)));
    QCOMPARE(again.records, 0);
    QCOMPARE(again.duplicates, records);
    QCOMPARE(again.deliveries, 60);
    // The successes, read again, change nothing: not the retry entries they closed, nor the contacts.
    QStringList afterAgain;
    for (const QString &sql : views)
        afterAgain << rows(db, sql);
    QCOMPARE(afterAgain, before);
    Store::BounceRepository repo(db);
    QCOMPARE(repo.count(), records + 1);
    QVERIFY(repo.contains(dsnFingerprint));
    BounceEvent dsn;
    dsn.fingerprint = dsnFingerprint;
    dsn.recipient = u"x@dsn.example"_s;
    dsn.classification.cls = DeliveryClass::Hard;
    QCOMPARE(repo.insert(dsn), Store::BounceRepository::InsertResult::Duplicate);
    QCOMPARE(repo.recent(0).size(), records + 1);
    QCOMPARE(repo.forRecipient(u"u1@d1.example"_s).size(), 2); // lines 1 and 281
    QCOMPARE(repo.recent(0, u"d3.example"_s).size(), repo.count(u"d3.example"_s));
    for (const BounceEvent &e : repo.recent(5))
        QVERIFY2(repo.contains(e.fingerprint), qPrintable(e.fingerprint));

    // The retry entries read as before: the stored default config and the new "{}" both mean the defaults.
    Queue::RetryQueue queue(db, &clock);
    const QList<Queue::RetryEntry> entries = queue.entries();
    QVERIFY(!entries.isEmpty());
    const QJsonObject defaults = Queue::probeConfigToJson(Smtp::ProbeConfig());
    for (const Queue::RetryEntry &e : entries)
        QCOMPARE(Queue::probeConfigToJson(e.baseConfig), defaults);

    // A new line is a new event, and its entry stores "{}".
    write(path(u"old/mail.log"_s), deliveryLine("2026-11-27T11:00:00Z", 1000, "new@d9.example", 1), true);
    options.incremental = true;
    const ImportSummary fresh = importWithPipeline(db);
    QCOMPARE(fresh.records, 1);
    QCOMPARE(
        rows(db, u"SELECT config_json FROM retry_entries WHERE target = 'new@d9.example'"_s), QStringList { u"{}"_s });
    const std::optional<Queue::RetryEntry> entry = queue.openEntry(u"new@d9.example"_s);
    QVERIFY(entry);
    QCOMPARE(Queue::probeConfigToJson(entry->baseConfig), defaults);
}

void TestImporter::cli()
{
    write(path(u"cli/good/mail.log"_s),
        postfixLine(1, "a@cli.example") + postfixLine(2, "b@cli.example") + postfixLine(3, "c@cli.example", "sent"));
    write(path(u"cli/bad/mail.log"_s), "garbage\n");
    const QString db = path(u"cli.sqlite"_s);
    const auto cli = [&](const QStringList &args, QByteArray *out = nullptr) {
        QProcess p;
        p.start(Test::cliPath(), args);
        if (!p.waitForFinished(30000)) {
            p.kill();
            return -1;
        }
        if (out)
            *out = p.readAllStandardOutput();
        return p.exitCode();
    };
    QByteArray out;
    QCOMPARE(cli({ u"--db"_s, db, u"--json"_s, u"import"_s, path(u"cli/good"_s) }, &out), 0);
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, out.constData());
    QCOMPARE(o.value(u"files"_s).toInt(), 1);
    QCOMPARE(o.value(u"records"_s).toInt(), 2);
    QCOMPARE(o.value(u"duplicates"_s).toInt(), 0);
    QCOMPARE(o.value(u"deliveries"_s).toInt(), 1);
    QVERIFY(o.value(u"messages"_s).isDouble());
    QVERIFY(o.value(u"skipped"_s).isArray());
    QCOMPARE(o.value(u"skipped"_s).toArray().size(), 0);

    QCOMPARE(cli({ u"--db"_s, db, u"import"_s, path(u"cli/good"_s), path(u"cli/bad"_s) }, &out), 65);
    QVERIFY2(out.contains("bounce events: 0 new") && out.contains("deliveries: 0") && out.contains("cli/bad/mail.log"),
        out.constData());
    QCOMPARE(cli({ u"--db"_s, db, u"--json"_s, u"import"_s, path(u"cli/none"_s) }, &out), 66);
    QCOMPARE(QJsonDocument::fromJson(out).object().value(u"skipped"_s).toArray().size(), 1);
    QCOMPARE(cli({ u"import"_s, u"--help"_s }, &out), 0);
    QVERIFY(out.contains("--format"));
    QCOMPARE(cli({ u"--db"_s, db, u"import"_s, u"--format"_s, u"xml"_s, path(u"cli/good"_s) }), 64);
    QCOMPARE(cli({ u"--db"_s, db, u"import"_s }), 64);
    QCOMPARE(cli({ u"--db"_s, db, u"import"_s, u"--format"_s, u"postfix"_s, path(u"cli/good/mail.log"_s) }), 0);
}

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
