// End to end: probes against the in-process lab through mailpulse-cli, then the statistics, the contact list and the
// CSV reports the CLI prints for them.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "clirunner.h"
#include "lab/smtplab.h"
#include "report/csvparser.h"
#include "testsupport.h"

using namespace Mailpulse;

namespace
{

QJsonObject byKey(const QList<QJsonObject> &objects, const char *key, const QString &value)
{
    for (const QJsonObject &o : objects) {
        if (o.value(QLatin1String(key)).toString() == value)
            return o;
    }
    return {};
}

QList<QStringList> csv(const QByteArray &data, QChar separator = u',')
{
    Report::CsvParser::Error error;
    Report::CsvParser::Options options;
    options.separator = separator;
    const auto records = Report::CsvParser::parse(data, options, &error);
    if (!records)
        qWarning() << "not RFC 4180:" << error.toString();
    return records.value_or(QList<QStringList> {});
}

} // namespace

class TestCliStats : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    Lab::SmtpLab m_lab;

    Test::CliRun cli(const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config"))); // no user rules
        return Test::runCli(QStringList { QStringLiteral("--db"), m_db } + args, env);
    }

    Test::CliRun probe(const QString &target, const QString &scenario)
    {
        return cli({ QStringLiteral("probe"), target, QStringLiteral("--mx"),
            QStringLiteral("127.0.0.1:%1").arg(m_lab.port(scenario)), QStringLiteral("--ca-file"),
            m_lab.caCertificatePath(), QStringLiteral("--greeting-timeout"), QStringLiteral("2"),
            QStringLiteral("--helo"), QStringLiteral("cli.mailpulse.test") });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("store/mailpulse.sqlite"));
        QString error;
        QVERIFY2(m_lab.start({ QStringLiteral("healthy"), QStringLiteral("drop-after-connect"),
                                 QStringLiteral("user-unknown") },
                     0, &error),
            qPrintable(error));
        // ok.test: 2 successes. drop.test: 3 connection drops in a row. hard.test: one 5.1.1.
        QCOMPARE(probe(QStringLiteral("a@ok.test"), QStringLiteral("healthy")).exitCode, 0);
        QCOMPARE(probe(QStringLiteral("b@ok.test"), QStringLiteral("healthy")).exitCode, 0);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(probe(QStringLiteral("u1@drop.test"), QStringLiteral("drop-after-connect")).exitCode, 75);
        QCOMPARE(probe(QStringLiteral("u2@hard.test"), QStringLiteral("user-unknown")).exitCode, 69);
    }

    void statsDomains()
    {
        const Test::CliRun run = cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("domains") });
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = Test::jsonLines(run.out);
        QCOMPARE(lines.size(), 3);
        for (const QJsonObject &o : lines) {
            for (const char *key : { "domain", "probes", "successes", "success_rate", "failures_by_status",
                     "failures_by_phase", "connect_ms", "greeting_ms", "tls_ms", "retries", "recovered",
                     "recovery_rate", "flagged", "dominant_status" })
                QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        const QJsonObject ok = byKey(lines, "domain", QStringLiteral("ok.test"));
        QCOMPARE(ok.value(QStringLiteral("probes")).toInt(), 2);
        QCOMPARE(ok.value(QStringLiteral("successes")).toInt(), 2);
        QCOMPARE(ok.value(QStringLiteral("success_rate")).toDouble(), 1.0);
        QVERIFY(ok.value(QStringLiteral("dominant_status")).isNull());
        QVERIFY(ok.value(QStringLiteral("failures_by_status")).toObject().isEmpty());
        const QJsonObject connect = ok.value(QStringLiteral("connect_ms")).toObject();
        QVERIFY(connect.value(QStringLiteral("p50")).isDouble());
        QVERIFY(connect.value(QStringLiteral("p95")).toDouble() >= connect.value(QStringLiteral("p50")).toDouble());
        QVERIFY(ok.value(QStringLiteral("tls_ms")).toObject().value(QStringLiteral("p50")).isDouble());

        const QJsonObject drop = byKey(lines, "domain", QStringLiteral("drop.test"));
        QCOMPARE(drop.value(QStringLiteral("probes")).toInt(), 3);
        QCOMPARE(drop.value(QStringLiteral("success_rate")).toDouble(), 0.0);
        QCOMPARE(drop.value(QStringLiteral("failures_by_status")).toObject(),
            (QJsonObject { { QStringLiteral("4.4.2"), 3 } }));
        QCOMPARE(drop.value(QStringLiteral("dominant_status")).toString(), QStringLiteral("4.4.2"));
        QCOMPARE(drop.value(QStringLiteral("flagged")).toBool(), false); // 3 probes: below the 10-probe minimum
        QVERIFY(drop.value(QStringLiteral("tls_ms")).toObject().value(QStringLiteral("p50")).isNull());

        // A lower minimum flags it; --flagged keeps only flagged domains.
        const Test::CliRun flagged = cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("domains"),
            QStringLiteral("--flag-min"), QStringLiteral("3"), QStringLiteral("--flagged") });
        QCOMPARE(flagged.exitCode, 0);
        const QList<QJsonObject> f = Test::jsonLines(flagged.out);
        QCOMPARE(f.size(), 1);
        QCOMPARE(f.first().value(QStringLiteral("domain")).toString(), QStringLiteral("drop.test"));

        const QJsonObject hard = byKey(lines, "domain", QStringLiteral("hard.test"));
        QCOMPARE(hard.value(QStringLiteral("failures_by_phase")).toObject(),
            (QJsonObject { { QStringLiteral("rcpt"), 1 } }));

        // The window: nothing in the future, everything in the last day.
        QCOMPARE(Test::jsonLines(cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("domains"),
                                         QStringLiteral("--since"), QStringLiteral("now") })
                                     .out)
                     .size(),
            0);
        QCOMPARE(Test::jsonLines(cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("domains"),
                                         QStringLiteral("--since"), QStringLiteral("24h") })
                                     .out)
                     .size(),
            3);

        const Test::CliRun human = cli({ QStringLiteral("stats"), QStringLiteral("domains") });
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("DOMAIN"));
        QVERIFY(human.out.contains("drop.test"));
        QVERIFY(human.out.contains("4.4.2×3"));
    }

    void statsProvidersAndTrend()
    {
        const Test::CliRun run
            = cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("providers") });
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = Test::jsonLines(run.out);
        // Every lab probe went to 127.0.0.1: one provider, named after the address, with all three domains.
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.first().value(QStringLiteral("provider")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(lines.first().value(QStringLiteral("domains")).toArray().size(), 3);
        QCOMPARE(lines.first().value(QStringLiteral("probes")).toInt(), 6);

        const Test::CliRun trend = cli({ QStringLiteral("--json"), QStringLiteral("stats"), QStringLiteral("trend"),
            QStringLiteral("--by"), QStringLiteral("hour"), QStringLiteral("--domain"), QStringLiteral("drop.test") });
        QCOMPARE(trend.exitCode, 0);
        qint64 probes = 0;
        for (const QJsonObject &p : Test::jsonLines(trend.out)) {
            probes += p.value(QStringLiteral("probes")).toInteger();
            QVERIFY(p.value(QStringLiteral("start")).toString().endsWith(QLatin1String(":00:00.000Z")));
        }
        QCOMPARE(probes, qint64(3));

        const Test::CliRun rules = cli({ QStringLiteral("stats"), QStringLiteral("rules") });
        QCOMPARE(rules.exitCode, 0);
        QVERIFY(rules.out.contains("\"Google\""));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("stats nothing") << QStringList { QStringLiteral("stats") } << 64;
        QTest::newRow("stats unknown") << QStringList { QStringLiteral("stats"), QStringLiteral("users") } << 64;
        QTest::newRow("stats bad since") << QStringList { QStringLiteral("stats"), QStringLiteral("domains"),
            QStringLiteral("--since"), QStringLiteral("last tuesday") }
                                         << 64;
        QTest::newRow("stats since after until") << QStringList { QStringLiteral("stats"), QStringLiteral("domains"),
            QStringLiteral("--since"), QStringLiteral("1d"), QStringLiteral("--until"), QStringLiteral("2d") }
                                                 << 64;
        QTest::newRow("stats bad by") << QStringList { QStringLiteral("stats"), QStringLiteral("trend"),
            QStringLiteral("--by"), QStringLiteral("week") }
                                      << 64;
        QTest::newRow("stats missing rules") << QStringList { QStringLiteral("stats"), QStringLiteral("providers"),
            QStringLiteral("--rules"), QStringLiteral("/nonexistent.json") }
                                             << 66;
        QTest::newRow("contacts nothing") << QStringList { QStringLiteral("contacts") } << 64;
        QTest::newRow("contacts bad status") << QStringList { QStringLiteral("contacts"), QStringLiteral("set-status"),
            QStringLiteral("u1@drop.test"), QStringLiteral("closed") }
                                             << 64;
        QTest::newRow("contacts not listed") << QStringList { QStringLiteral("contacts"), QStringLiteral("set-status"),
            QStringLiteral("nobody@drop.test"), QStringLiteral("resolved") }
                                             << 66;
        QTest::newRow("contacts import missing") << QStringList { QStringLiteral("contacts"), QStringLiteral("import"),
            QStringLiteral("/nonexistent.csv") } << 66;
        QTest::newRow("report nothing") << QStringList { QStringLiteral("report") } << 64;
        QTest::newRow("report unknown") << QStringList { QStringLiteral("report"), QStringLiteral("everything") } << 64;
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

    void contacts()
    {
        const Test::CliRun run = cli({ QStringLiteral("--json"), QStringLiteral("contacts"), QStringLiteral("list") });
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = Test::jsonLines(run.out);
        QCOMPARE(lines.size(), 2);
        for (const QJsonObject &o : lines) {
            for (const char *key : { "address", "domain", "status", "rule", "failures", "last_status", "reason",
                     "first_failed_at", "last_failed_at", "name", "phone", "alt_email", "notes" })
                QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        const QJsonObject drop = byKey(lines, "address", QStringLiteral("u1@drop.test"));
        QCOMPARE(drop.value(QStringLiteral("status")).toString(), QStringLiteral("new"));
        QCOMPARE(drop.value(QStringLiteral("rule")).toString(), QStringLiteral("consecutive-failures"));
        QCOMPARE(drop.value(QStringLiteral("failures")).toInt(), 3);
        QCOMPARE(drop.value(QStringLiteral("last_status")).toString(), QStringLiteral("4.4.2"));
        QCOMPARE(drop.value(QStringLiteral("reason")).toString(), QStringLiteral("networkerror"));
        QVERIFY(drop.value(QStringLiteral("first_failed_at")).toString()
            < drop.value(QStringLiteral("last_failed_at")).toString());
        const QJsonObject hard = byKey(lines, "address", QStringLiteral("u2@hard.test"));
        QCOMPARE(hard.value(QStringLiteral("rule")).toString(), QStringLiteral("hard-bounce"));
        QCOMPARE(hard.value(QStringLiteral("last_status")).toString(), QStringLiteral("5.1.1"));

        // Workflow.
        QCOMPARE(cli({ QStringLiteral("contacts"), QStringLiteral("set-status"), QStringLiteral("u1@drop.test"),
                         QStringLiteral("contacted"), QStringLiteral("--note"), QStringLiteral("phoned their admin") })
                     .exitCode,
            0);
        const QList<QJsonObject> contacted
            = Test::jsonLines(cli({ QStringLiteral("--json"), QStringLiteral("contacts"), QStringLiteral("list"),
                                      QStringLiteral("--status"), QStringLiteral("contacted") })
                                  .out);
        QCOMPARE(contacted.size(), 1);
        const QJsonArray notes = contacted.first().value(QStringLiteral("notes")).toArray();
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes.at(1).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("phoned their admin"));

        // Details from CSV, all or nothing.
        const QString good = m_dir.filePath(QStringLiteral("good.csv"));
        QFile goodFile(good);
        QVERIFY(goodFile.open(QIODevice::WriteOnly));
        goodFile.write("address,name,phone,alt_email\r\nu1@drop.test,Uwe,+49 30 555,admin@elsewhere.test\r\n");
        goodFile.close();
        QCOMPARE(cli({ QStringLiteral("contacts"), QStringLiteral("import"), good }).exitCode, 0);
        const QString bad = m_dir.filePath(QStringLiteral("bad.csv"));
        QFile badFile(bad);
        QVERIFY(badFile.open(QIODevice::WriteOnly));
        badFile.write("address,name\r\nu2@hard.test,Hanna\r\nu1@drop.test,\"Uwe\r\n");
        badFile.close();
        const Test::CliRun broken = cli({ QStringLiteral("contacts"), QStringLiteral("import"), bad });
        QCOMPARE(broken.exitCode, 65);
        QVERIFY2(broken.err.contains("line 3"), broken.err.constData());
        QVERIFY(broken.err.contains("nothing imported"));
        const QList<QJsonObject> after = Test::jsonLines(
            cli({ QStringLiteral("--json"), QStringLiteral("contacts"), QStringLiteral("list") }).out);
        QCOMPARE(byKey(after, "address", QStringLiteral("u1@drop.test")).value(QStringLiteral("name")).toString(),
            QStringLiteral("Uwe"));
        QVERIFY(byKey(after, "address", QStringLiteral("u2@hard.test")).value(QStringLiteral("name")).isNull());

        // set-details changes only the details it is given.
        QCOMPARE(cli({ QStringLiteral("contacts"), QStringLiteral("set-details"), QStringLiteral("u2@hard.test"),
                         QStringLiteral("--phone"), QStringLiteral("+1 555 0199") })
                     .exitCode,
            0);
        QCOMPARE(cli({ QStringLiteral("contacts"), QStringLiteral("set-details"), QStringLiteral("u2@hard.test"),
                         QStringLiteral("--name"), QStringLiteral("Hanna") })
                     .exitCode,
            0);
        QCOMPARE(cli({ QStringLiteral("contacts"), QStringLiteral("set-details"), QStringLiteral("u2@hard.test"),
                         QStringLiteral("--alt-email"), QStringLiteral("not mail") })
                     .exitCode,
            65);
        const QJsonObject hanna = byKey(
            Test::jsonLines(cli({ QStringLiteral("--json"), QStringLiteral("contacts"), QStringLiteral("list") }).out),
            "address", QStringLiteral("u2@hard.test"));
        QCOMPARE(hanna.value(QStringLiteral("name")).toString(), QStringLiteral("Hanna"));
        QCOMPARE(hanna.value(QStringLiteral("phone")).toString(), QStringLiteral("+1 555 0199"));

        // The message for the admin, with its mailto: URL.
        const Test::CliRun message
            = cli({ QStringLiteral("--json"), QStringLiteral("contacts"), QStringLiteral("message"),
                QStringLiteral("u1@drop.test"), QStringLiteral("--lang"), QStringLiteral("de") });
        QCOMPARE(message.exitCode, 0);
        const QJsonObject m = Test::jsonLines(message.out).value(0);
        QCOMPARE(m.value(QStringLiteral("to")).toString(), QStringLiteral("admin@elsewhere.test"));
        QVERIFY(m.value(QStringLiteral("body")).toString().contains(QStringLiteral("Guten Tag Uwe")));
        QVERIFY(
            m.value(QStringLiteral("body")).toString().contains(QStringLiteral("Statuscodes: 4.4.2 (networkerror)")));
        QVERIFY(m.value(QStringLiteral("mailto"))
                    .toString()
                    .startsWith(QLatin1String("mailto:admin@elsewhere.test?subject=")));
    }

    void reports()
    {
        const QString file = m_dir.filePath(QStringLiteral("probes.csv"));
        const Test::CliRun run
            = cli({ QStringLiteral("report"), QStringLiteral("probes"), QStringLiteral("-o"), file });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.isEmpty());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QStringList> probes = csv(f.readAll());
        QCOMPARE(probes.size(), 1 + 6);
        QCOMPARE(probes.first().first(), QStringLiteral("id"));
        const qsizetype target = probes.first().indexOf(QStringLiteral("target"));
        const qsizetype status = probes.first().indexOf(QStringLiteral("status"));
        const qsizetype started = probes.first().indexOf(QStringLiteral("started_at"));
        QStringList statuses;
        for (qsizetype i = 1; i < probes.size(); ++i) {
            statuses << probes.at(i).at(target) + u' ' + probes.at(i).at(status);
            QVERIFY(probes.at(i).at(started).endsWith(u'Z'));
        }
        QCOMPARE(statuses,
            (QStringList { QStringLiteral("a@ok.test 2.1.5"), QStringLiteral("b@ok.test 2.1.5"),
                QStringLiteral("u1@drop.test 4.4.2"), QStringLiteral("u1@drop.test 4.4.2"),
                QStringLiteral("u1@drop.test 4.4.2"), QStringLiteral("u2@hard.test 5.1.1") }));

        const Test::CliRun domains = cli({ QStringLiteral("report"), QStringLiteral("domains"),
            QStringLiteral("--domain"), QStringLiteral("drop.test") });
        QCOMPARE(domains.exitCode, 0);
        const QList<QStringList> d = csv(domains.out);
        QCOMPARE(d.size(), 2);
        QCOMPARE(d.at(1).at(0), QStringLiteral("drop.test"));
        QCOMPARE(d.at(1).at(d.first().indexOf(QStringLiteral("failures_by_status"))), QStringLiteral("4.4.2=3"));

        const Test::CliRun contacts = cli({ QStringLiteral("report"), QStringLiteral("contacts"),
            QStringLiteral("--excel"), QStringLiteral("--locale"), QStringLiteral("de_DE") });
        QCOMPARE(contacts.exitCode, 0);
        QVERIFY(contacts.out.startsWith("\xEF\xBB\xBF"
                                        "address;domain;status;"));
        const QList<QStringList> c = csv(contacts.out, u';');
        QCOMPARE(c.size(), 3);
        const qsizetype phone = c.first().indexOf(QStringLiteral("phone"));
        bool found = false;
        for (const QStringList &r : c)
            found = found || r.value(phone) == QStringLiteral("'+49 30 555"); // neutralized for spreadsheets
        QVERIFY(found);

        for (const char *kind : { "bounces", "retries", "providers" }) {
            const Test::CliRun r = cli({ QStringLiteral("report"), QString::fromLatin1(kind) });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY(!csv(r.out).isEmpty());
        }
        const Test::CliRun retries = cli({ QStringLiteral("report"), QStringLiteral("retries"),
            QStringLiteral("--domain"), QStringLiteral("drop.test") });
        const QList<QStringList> rq = csv(retries.out);
        QVERIFY(rq.size() >= 2); // the soft failures wait in the retry queue
        QCOMPARE(rq.at(1).at(rq.first().indexOf(QStringLiteral("domain"))), QStringLiteral("drop.test"));
    }
};

QTEST_GUILESS_MAIN(TestCliStats)
#include "tst_cli_stats.moc"
