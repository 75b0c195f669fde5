// mailpulse-cli import end to end: the log time zone (--log-timezone) decides the UTC time of syslog lines that
// carry no offset, and only of those.
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "clirunner.h"

using namespace Mailpulse;
using namespace Qt::StringLiterals;

class TestCliImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_run = 0;

    // A Postfix log with one bounce of `rcpt` at "Nov 27 10:00:01" local time (or `stamp`), last written on
    // 2026-11-28 (so that "Nov" is 2026).
    QString log(const QByteArray &rcpt, const QByteArray &stamp = "Nov 27 10:00:01")
    {
        const QString file = m_dir.filePath(u"logs/%1/mail.log"_s.arg(++m_run));
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(stamp + " mx postfix/smtp[1]: Q1: to=<" + rcpt
            + ">, relay=mx.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host "
              "mx.example[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n");
        f.setFileTime(QDateTime(QDate(2026, 11, 28), QTime(0, 0), Qt::UTC), QFileDevice::FileModificationTime);
        return file;
    }

    Test::CliRun cli(const QStringList &args, const QByteArray &tz = "UTC")
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"TZ"_s, QString::fromLatin1(tz));
        env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config"_s));
        return Test::runCli(QStringList { u"--db"_s, m_dir.filePath(u"store.sqlite"_s) } + args, env);
    }

    // The stored occurred_at of `rcpt`'s bounce, from `report bounces`.
    QString storedTime(const QByteArray &rcpt)
    {
        const Test::CliRun report = cli({ u"report"_s, u"bounces"_s });
        for (const QByteArray &line : report.out.split('\n')) {
            const QList<QByteArray> fields = line.split(',');
            if (fields.size() > 2 && fields.at(2) == rcpt)
                return QString::fromLatin1(fields.at(1));
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void logTimeZone_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QByteArray>("systemZone"); // TZ of the CLI process
        QTest::addColumn<QByteArray>("stamp");
        QTest::addColumn<QString>("stored");
        QTest::newRow("offset") << QStringList { u"--log-timezone"_s, u"+02:00"_s } << QByteArray("UTC")
                                << QByteArray("Nov 27 10:00:01") << u"2026-11-27T08:00:01.000Z"_s;
        QTest::newRow("negative offset") << QStringList { u"--log-timezone=-0530"_s } << QByteArray("UTC")
                                         << QByteArray("Nov 27 10:00:01") << u"2026-11-27T15:30:01.000Z"_s;
        QTest::newRow("utc over the system zone")
            << QStringList { u"--log-timezone"_s, u"UTC"_s } << QByteArray("Asia/Tokyo")
            << QByteArray("Nov 27 10:00:01") << u"2026-11-27T10:00:01.000Z"_s;
        QTest::newRow("iana name") << QStringList { u"--log-timezone"_s, u"Europe/Berlin"_s } << QByteArray("UTC")
                                   << QByteArray("Nov 27 10:00:01") << u"2026-11-27T09:00:01.000Z"_s;
        QTest::newRow("iana name, summer")
            << QStringList { u"--log-timezone"_s, u"Europe/Berlin"_s } << QByteArray("UTC")
            << QByteArray("Jul 14 10:00:01") << u"2026-07-14T08:00:01.000Z"_s;
        QTest::newRow("default: the system zone") << QStringList() << QByteArray("Asia/Tokyo")
                                                  << QByteArray("Nov 27 10:00:01") << u"2026-11-27T01:00:01.000Z"_s;
        QTest::newRow("local") << QStringList { u"--log-timezone"_s, u"local"_s } << QByteArray("Asia/Tokyo")
                               << QByteArray("Nov 27 10:00:01") << u"2026-11-27T01:00:01.000Z"_s;
        QTest::newRow("a line's own offset wins")
            << QStringList { u"--log-timezone"_s, u"+02:00"_s } << QByteArray("UTC")
            << QByteArray("2026-11-27T10:00:01+01:00") << u"2026-11-27T09:00:01.000Z"_s;
    }

    void logTimeZone()
    {
        QFETCH(QStringList, options);
        QFETCH(QByteArray, systemZone);
        QFETCH(QByteArray, stamp);
        QFETCH(QString, stored);
        if (!QTimeZone(systemZone).isValid() || !QTimeZone("Europe/Berlin").isValid())
            QSKIP("no time zone database");
        const QByteArray rcpt = "r" + QByteArray::number(m_run) + "@tz.example";
        const Test::CliRun run
            = cli(QStringList { u"import"_s } + options + QStringList { log(rcpt, stamp) }, systemZone);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(storedTime(rcpt), stored);
    }

    void badZone_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::newRow("unknown name") << u"Mars/Olympus_Mons"_s;
        QTest::newRow("offset out of range") << u"+15:00"_s;
        QTest::newRow("empty") << QString();
    }

    void badZone()
    {
        QFETCH(QString, zone);
        const Test::CliRun run = cli({ u"import"_s, u"--log-timezone"_s, zone, log("bad@tz.example") });
        QCOMPARE(run.exitCode, 64);
        QVERIFY2(run.err.contains("--log-timezone"), run.err.constData());
        QVERIFY(storedTime("bad@tz.example").isEmpty());
    }

    void help()
    {
        const Test::CliRun run = cli({ u"import"_s, u"--help"_s });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("--log-timezone <ZONE>"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "tst_cli_import.moc"
