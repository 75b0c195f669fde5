// mailpulse-cli probe as a script sees it: JSON Lines with every contract field, sysexits exit codes, usage
// errors, the store written, and the human and verbose outputs. The lab runs in this process.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "clirunner.h"
#include "lab/smtplab.h"
#include "store/database.h"
#include "store/proberepository.h"
#include "testsupport.h"

using namespace Mailpulse;

namespace
{

} // namespace

class TestCliProbe : public QObject
{
    Q_OBJECT

private:
    Test::CliRun cli(const QStringList &args)
    {
        return Test::runCli(QStringList { QStringLiteral("--db"), m_db } + args);
    }

    QStringList labArgs(const QString &scenario) const
    {
        return { QStringLiteral("--mx"), QStringLiteral("127.0.0.1:%1").arg(m_lab.port(scenario)),
            QStringLiteral("--ca-file"), m_lab.caCertificatePath(), QStringLiteral("--greeting-timeout"),
            QStringLiteral("2"), QStringLiteral("--helo"), QStringLiteral("cli.mailpulse.test") };
    }

    QTemporaryDir m_dir;
    QString m_db;
    Lab::SmtpLab m_lab;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("store/mailpulse.sqlite"));
        QString error;
        QVERIFY2(m_lab.start(
                     { QStringLiteral("healthy"), QStringLiteral("healthy-plain"), QStringLiteral("drop-after-connect"),
                         QStringLiteral("user-unknown"), QStringLiteral("starttls-selfsigned") },
                     0, &error),
            qPrintable(error));
    }

    void versionAndHelp()
    {
        const Test::CliRun version = cli({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("mailpulse-cli " MAILPULSE_VERSION));
#if MAILPULSE_PROGRAMS_USE_MIMALLOC
        // The program links mimalloc (cmake/MailpulseOptions.cmake), whose malloc stands in for the C library's:
        // asked to, it reports as the process starts.
        QProcessEnvironment verboseHeap = QProcessEnvironment::systemEnvironment();
        verboseHeap.insert(QStringLiteral("MIMALLOC_VERBOSE"), QStringLiteral("1"));
        const Test::CliRun heap = Test::runCli({ QStringLiteral("--version") }, verboseHeap);
        QCOMPARE(heap.exitCode, 0);
        QVERIFY2(heap.err.contains("mimalloc: process init"), heap.err.left(300).constData());
#endif
        const Test::CliRun help = cli({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("probe TARGET"));
        QVERIFY(help.out.contains("lab"));
        const Test::CliRun probeHelp = cli({ QStringLiteral("probe"), QStringLiteral("--help") });
        QCOMPARE(probeHelp.exitCode, 0);
        for (const char *option : { "--port", "--tls", "--connect-timeout", "--greeting-timeout", "--command-timeout",
                 "--tls-timeout", "--timeout", "--helo", "--from", "--mx", "--nameserver", "--no-verify", "--ca-file" })
            QVERIFY2(probeHelp.out.contains(option), option);
        QCOMPARE(cli({}).exitCode, 64);
        QCOMPARE(cli({ QStringLiteral("frobnicate") }).exitCode, 64);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        const QString p = QStringLiteral("probe");
        const QString t = QStringLiteral("a@example.test");
        QTest::newRow("no target") << QStringList { p } << 64;
        QTest::newRow("bad target") << QStringList { p, QStringLiteral("a@@b") } << 64;
        QTest::newRow("port 0") << QStringList { p, QStringLiteral("--port"), QStringLiteral("0"), t } << 64;
        QTest::newRow("port text") << QStringList { p, QStringLiteral("--port"), QStringLiteral("smtp"), t } << 64;
        QTest::newRow("tls mode") << QStringList { p, QStringLiteral("--tls"), QStringLiteral("ssl"), t } << 64;
        QTest::newRow("timeout") << QStringList { p, QStringLiteral("--timeout"), QStringLiteral("-1"), t } << 64;
        QTest::newRow("nameserver") << QStringList { p, QStringLiteral("--nameserver"), QStringLiteral("dns"), t }
                                    << 64;
        QTest::newRow("mx port") << QStringList { p, QStringLiteral("--mx"), QStringLiteral("h:99999"), t } << 64;
        QTest::newRow("from") << QStringList { p, QStringLiteral("--from"), QStringLiteral("a b@c"), t } << 64;
        QTest::newRow("unknown option") << QStringList { p, QStringLiteral("--bogus"), t } << 64;
        QTest::newRow("ca missing") << QStringList { p, QStringLiteral("--ca-file"), QStringLiteral("/nonexistent.pem"),
            t } << 66;
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        const Test::CliRun run = cli(args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY(run.out.isEmpty());
        QVERIFY(!run.err.isEmpty());
    }

    void jsonContract()
    {
        const Test::CliRun run = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"),
                                         QStringLiteral("alice@example.test"), QStringLiteral("example.test") }
            + labArgs(QStringLiteral("healthy")));
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = Test::jsonLines(run.out);
        QCOMPARE(lines.size(), 2);
        for (const QJsonObject &o : lines) {
            for (const char *key :
                { "target", "domain", "host", "address", "port", "tls_mode", "status", "class", "reason", "phase",
                    "reply", "detail", "timings_ms", "tls", "findings", "recipients", "transcript", "started_at" })
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QCOMPARE(o.value(QStringLiteral("class")).toString(), QStringLiteral("success"));
            QCOMPARE(o.value(QStringLiteral("phase")).toString(), QStringLiteral("done"));
            QCOMPARE(o.value(QStringLiteral("address")).toString(), QStringLiteral("127.0.0.1"));
            QCOMPARE(o.value(QStringLiteral("port")).toInt(), m_lab.port(QStringLiteral("healthy")));
            QCOMPARE(o.value(QStringLiteral("tls_mode")).toString(), QStringLiteral("starttls"));
            const QJsonObject timings = o.value(QStringLiteral("timings_ms")).toObject();
            for (const char *key : { "dns", "connect", "greeting", "ehlo", "tls", "mail", "rcpt", "total" })
                QVERIFY2(timings.contains(QLatin1String(key)), key);
            QVERIFY(timings.value(QStringLiteral("dns")).isNull()); // --mx: no DNS, so null, not omitted
            QVERIFY(timings.value(QStringLiteral("connect")).toDouble() >= 0);
            const QJsonObject tls = o.value(QStringLiteral("tls")).toObject();
            for (const char *key :
                { "protocol", "cipher", "verified", "errors", "subject", "issuer", "san", "not_after" })
                QVERIFY2(tls.contains(QLatin1String(key)), key);
            QCOMPARE(tls.value(QStringLiteral("verified")).toBool(), true);
            const QJsonObject reply = o.value(QStringLiteral("reply")).toObject();
            QCOMPARE(reply.value(QStringLiteral("code")).toInt(), 250);
            const QJsonArray transcript = o.value(QStringLiteral("transcript")).toArray();
            QVERIFY(transcript.size() > 5);
            const QJsonObject first = transcript.first().toObject();
            QVERIFY(first.contains(QStringLiteral("t_ms")) && first.contains(QStringLiteral("dir"))
                && first.contains(QStringLiteral("line")));
            QVERIFY(o.value(QStringLiteral("started_at")).toString().endsWith(u'Z'));
        }
        // Lines come in the order probes finish (streaming), so find each by its target.
        const bool rcptFirst = lines.at(0).value(QStringLiteral("target")) == QStringLiteral("alice@example.test");
        const QJsonObject rcpt = lines.at(rcptFirst ? 0 : 1);
        const QJsonObject domainOnly = lines.at(rcptFirst ? 1 : 0);
        QCOMPARE(domainOnly.value(QStringLiteral("target")).toString(), QStringLiteral("example.test"));
        QCOMPARE(rcpt.value(QStringLiteral("status")).toString(), QStringLiteral("2.1.5"));
        QCOMPARE(rcpt.value(QStringLiteral("recipients")).toArray().size(), 1);
        QCOMPARE(rcpt.value(QStringLiteral("recipients")).toArray().first().toObject().value(QStringLiteral("address")),
            QStringLiteral("alice@example.test"));
        QCOMPARE(domainOnly.value(QStringLiteral("status")).toString(), QStringLiteral("2.0.0"));
        QCOMPARE(domainOnly.value(QStringLiteral("recipients")).toArray().size(), 0);
        QVERIFY(domainOnly.value(QStringLiteral("timings_ms")).toObject().value(QStringLiteral("rcpt")).isNull());

        const Test::CliRun plain
            = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"), QStringLiteral("example.test") }
                + labArgs(QStringLiteral("healthy-plain")));
        QCOMPARE(plain.exitCode, 0);
        const QJsonObject p = Test::jsonLines(plain.out).value(0);
        QVERIFY(p.value(QStringLiteral("tls")).isNull());
        QCOMPARE(p.value(QStringLiteral("findings")).toArray().first().toObject().value(QStringLiteral("code")),
            QStringLiteral("no-starttls"));
    }

    void exitCodes()
    {
        const Test::CliRun soft
            = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"), QStringLiteral("a@x.test") }
                + labArgs(QStringLiteral("drop-after-connect")));
        QCOMPARE(soft.exitCode, 75);
        QCOMPARE(
            Test::jsonLines(soft.out).value(0).value(QStringLiteral("status")).toString(), QStringLiteral("4.4.2"));

        const Test::CliRun hard
            = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"), QStringLiteral("a@x.test") }
                + labArgs(QStringLiteral("user-unknown")));
        QCOMPARE(hard.exitCode, 69);
        const QJsonObject h = Test::jsonLines(hard.out).value(0);
        QCOMPARE(h.value(QStringLiteral("status")).toString(), QStringLiteral("5.1.1"));
        QCOMPARE(h.value(QStringLiteral("class")).toString(), QStringLiteral("hard"));
        QCOMPARE(h.value(QStringLiteral("reason")).toString(), QStringLiteral("userunknown"));
        QCOMPARE(h.value(QStringLiteral("reply")).toObject().value(QStringLiteral("enhanced")).toString(),
            QStringLiteral("5.1.1"));

        // Certificate problems: rejected by default (4.7.5, soft), recorded but accepted with --no-verify.
        const Test::CliRun rejected
            = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"), QStringLiteral("x.test") }
                + labArgs(QStringLiteral("starttls-selfsigned")));
        QCOMPARE(rejected.exitCode, 75);
        QCOMPARE(
            Test::jsonLines(rejected.out).value(0).value(QStringLiteral("status")).toString(), QStringLiteral("4.7.5"));
        const Test::CliRun accepted = cli(QStringList { QStringLiteral("--json"), QStringLiteral("probe"),
                                              QStringLiteral("x.test"), QStringLiteral("--no-verify") }
            + labArgs(QStringLiteral("starttls-selfsigned")));
        QCOMPARE(accepted.exitCode, 0);
        const QJsonObject tls = Test::jsonLines(accepted.out).value(0).value(QStringLiteral("tls")).toObject();
        QCOMPARE(tls.value(QStringLiteral("verified")).toBool(), false);
        QVERIFY(!tls.value(QStringLiteral("errors")).toArray().isEmpty());
    }

    void resultsAreStored()
    {
        Store::Database db;
        QString error;
        QVERIFY2(db.open(m_db, &error), qPrintable(error));
        Store::ProbeRepository repository(db);
        const qint64 before = repository.count();
        QVERIFY(before > 0); // the earlier tests' probes
        const Test::CliRun run
            = cli(QStringList { QStringLiteral("probe"), QStringLiteral("u1@y.test"), QStringLiteral("u2@y.test") }
                + labArgs(QStringLiteral("user-unknown")));
        QCOMPARE(run.exitCode, 69);
        QCOMPARE(repository.count(), before + 2);
        const QList<Smtp::ProbeResult> recent = repository.recent(2, QStringLiteral("y.test"));
        QCOMPARE(recent.size(), 2);
        QCOMPARE(recent.first().classification.status, QStringLiteral("5.1.1"));
        QVERIFY(!recent.first().transcript.isEmpty());
    }

    void humanAndVerboseOutput()
    {
        const Test::CliRun run
            = cli(QStringList { QStringLiteral("--verbose"), QStringLiteral("probe"), QStringLiteral("a@z.test") }
                + labArgs(QStringLiteral("healthy")));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("a@z.test  2.1.5 success accepted  phase=done"));
        QVERIFY(run.out.contains("TLS TLSv1."));
        QVERIFY(run.err.contains(" -> EHLO cli.mailpulse.test"));
        QVERIFY(run.err.contains("<-  220"));
        QVERIFY(run.err.contains("=== TLS established"));
    }
};

QTEST_GUILESS_MAIN(TestCliProbe)
#include "tst_cli_probe.moc"
