// Crash safety of the retry queue: SIGKILL `mailpulse-cli queue run --all` at random points while it works through
// 500 entries, 20 times in a row. After every kill no entry is lost or duplicated, every attempt is recorded whole
// (probe row, attempt row and entry update together or not at all), and the only entries in `running` are the
// killed process's own, which the next start takes back. The lab runs in this process.
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "lab/smtplab.h"
#include "queue/retryqueue.h"
#include "store/database.h"
#include "store/transaction.h"
#include "testsupport.h"

using namespace Mailpulse;
using namespace Mailpulse::Queue;

namespace
{

constexpr int kEntries = 500;
constexpr int kKills = 20;
// 100 targets are refused (4.4.1) and 300 greylisted (4.7.1 at RCPT): they stay pending and are retried by every
// run, so that each of the 20 runs has hundreds of attempts to be killed in. The other 100 succeed.
constexpr int kRefused = 100;
constexpr int kHealthy = 100;

} // namespace

class TestRetryCrash : public QObject
{
    Q_OBJECT

private:
    qint64 scalar(const QString &sql)
    {
        QSqlQuery q(m_db.connection());
        if (!q.exec(sql) || !q.next())
            qFatal("query failed: %s", qPrintable(sql));
        return q.value(0).toLongLong();
    }

    QStringList cliArgs() const
    {
        return { QStringLiteral("--db"), m_path, QStringLiteral("queue"), QStringLiteral("run"),
            QStringLiteral("--all"), QStringLiteral("--concurrency"), QStringLiteral("64"),
            QStringLiteral("--per-domain"), QStringLiteral("16") };
    }

    // The invariants that must hold whenever no process runs. `deadPid`: the process just killed (0: none).
    void verifyInvariants(qint64 deadPid, const QString &when)
    {
        const QByteArray context = when.toUtf8();
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_entries")) == kEntries, context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(DISTINCT target) FROM retry_entries")) == kEntries, context);
        QSet<QString> targets;
        {
            QSqlQuery q(m_db.connection());
            QVERIFY(q.exec(QStringLiteral("SELECT target FROM retry_entries")));
            while (q.next())
                targets.insert(q.value(0).toString());
        }
        QVERIFY2(targets == m_targets, context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_entries"
                                       " WHERE state NOT IN ('pending', 'running', 'succeeded')"))
                == 0,
            context);
        // Nothing is stuck: every running entry belongs to a killed process, which the next start takes back
        // (leases of dead processes are reclaimed at once). A process that claimed anything did so after its
        // reclaim, so if the one just killed holds leases, no earlier process may hold any.
        QSqlQuery q(m_db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT DISTINCT lease_pid FROM retry_entries WHERE state = 'running'")));
        QSet<qint64> holders;
        while (q.next())
            holders.insert(q.value(0).toLongLong());
        for (const qint64 pid : std::as_const(holders))
            QVERIFY2(m_killed.contains(pid), context);
        if (holders.contains(deadPid))
            QVERIFY2(holders.size() == 1, context);
        // Every attempt whole: the entry's counter, its attempt rows and the probe rows agree.
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_entries e WHERE e.attempts !="
                                       " (SELECT count(*) FROM retry_attempts a WHERE a.entry_id = e.id)"))
                == 0,
            context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM probes"))
                == scalar(QStringLiteral("SELECT count(*) FROM retry_attempts WHERE kind = 'retry'")),
            context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_attempts WHERE kind = 'retry' AND (probe_id IS NULL"
                                       " OR probe_id NOT IN (SELECT id FROM probes))"))
                == 0,
            context);
        // A succeeded entry was retried until its one success and never after.
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_entries e WHERE state = 'succeeded' AND"
                                       " (SELECT count(*) FROM retry_attempts a WHERE a.entry_id = e.id AND"
                                       " a.class = 'success') != 1"))
                == 0,
            context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_attempts a JOIN retry_entries e ON e.id ="
                                       " a.entry_id WHERE e.state = 'succeeded' AND a.at > e.resolved_at"))
                == 0,
            context);
        QVERIFY2(scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'succeeded' AND target"
                                       " NOT LIKE 'user%'"))
                == 0,
            context);
    }

    SystemClock m_clock;
    Lab::SmtpLab m_lab;
    QTemporaryDir m_dir;
    QString m_path;
    Store::Database m_db;
    QSet<QString> m_targets;
    QSet<qint64> m_killed;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_lab.start({ QStringLiteral("healthy-plain"), QStringLiteral("refused"), QStringLiteral("greylist") },
                     0, &error),
            qPrintable(error));
        m_path = m_dir.filePath(QStringLiteral("crash.sqlite"));
        QVERIFY2(m_db.open(m_path, &error), qPrintable(error));

        // 500 soft failures, as probes would have queued them, in one transaction.
        const auto config = [this](const QString &scenario) {
            Smtp::ProbeConfig c;
            c.mxOverride = QStringLiteral("127.0.0.1:%1").arg(m_lab.port(scenario));
            c.port = m_lab.port(scenario);
            c.portPinned = true;
            c.tlsMode = Smtp::TlsMode::None;
            c.tlsPinned = true;
            c.heloName = QStringLiteral("crash.mailpulse.test");
            c.mailFrom = QStringLiteral("monitor@mailpulse.test");
            c.timeouts.connectMs = 1000;
            c.timeouts.greetingMs = 2000;
            c.timeouts.commandMs = 2000;
            c.timeouts.totalMs = 5000;
            return c;
        };
        const Smtp::ProbeConfig healthy = config(QStringLiteral("healthy-plain"));
        const Smtp::ProbeConfig refused = config(QStringLiteral("refused"));
        const Smtp::ProbeConfig greylist = config(QStringLiteral("greylist"));
        RetryQueue queue(m_db, &m_clock);
        Store::Transaction transaction(m_db);
        QVERIFY(transaction.begin(&error));
        for (int i = 0; i < kEntries; ++i) {
            const bool down = i < kRefused;
            const bool healthyTarget = i >= kEntries - kHealthy;
            Tracking::Outcome o;
            o.recipient = QStringLiteral("%1%2@d%3.test")
                              .arg(down               ? u"down"
                                      : healthyTarget ? u"user"
                                                      : u"grey")
                              .arg(i)
                              .arg(i % 25);
            o.target = o.recipient;
            o.domain = o.recipient.section(u'@', 1);
            o.classification = { QStringLiteral("4.4.2"), Bounce::DeliveryClass::Soft, QStringLiteral("networkerror") };
            o.at = m_clock.now();
            o.config = down ? &refused : healthyTarget ? &healthy : &greylist;
            QCOMPARE(queue.record(o, &error), Tracking::OutcomeSink::Result::Recorded);
            m_targets.insert(o.target);
        }
        QVERIFY2(transaction.commit(&error), qPrintable(error));
        verifyInvariants(0, QStringLiteral("seeded"));
    }

    void killAndRestart()
    {
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        QElapsedTimer total;
        total.start();
        int killedWhileRunning = 0;
        int killedWithLeases = 0;
        for (int cycle = 0; cycle < kKills; ++cycle) {
            QProcess process;
            process.setProgram(Test::cliPath());
            process.setArguments(cliArgs());
            QSignalSpy finished(&process, &QProcess::finished);
            process.start();
            QVERIFY(process.waitForStarted(5000)); // the test, not core: a bounded wait is fine here
            const qint64 pid = process.processId();
            m_killed.insert(pid);
            // Anywhere from start-up (store open, reclaim) to well into the run.
            const int delayMs = random.bounded(10, 500);
            QTest::qWait(delayMs); // the lab in this process keeps answering meanwhile
            const bool wasRunning = process.state() == QProcess::Running;
            process.kill(); // SIGKILL
            if (finished.isEmpty())
                QVERIFY(finished.wait(10000));
            killedWhileRunning += wasRunning ? 1 : 0;
            const qint64 running = scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'running'"));
            killedWithLeases += running > 0 ? 1 : 0;
            qInfo("cycle %d: killed after %d ms%s; running %lld, succeeded %lld, attempts %lld", cycle + 1, delayMs,
                wasRunning ? "" : " (had finished)", running,
                scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'succeeded'")),
                scalar(QStringLiteral("SELECT count(*) FROM retry_attempts WHERE kind = 'retry'")));
            verifyInvariants(pid, QStringLiteral("after kill %1 (pid %2, %3 ms)").arg(cycle + 1).arg(pid).arg(delayMs));
            if (QTest::currentTestFailed())
                return;
        }
        qInfo("%d of %d kills hit a running process, %d left entries running", killedWhileRunning, kKills,
            killedWithLeases);
        QVERIFY(killedWhileRunning >= kKills / 2);
        QVERIFY(killedWithLeases >= 1);

        // A last run to the end: every healthy entry succeeds, every refused one waits, nothing is running.
        QProcess process;
        process.setProgram(Test::cliPath());
        process.setArguments(cliArgs());
        QSignalSpy finished(&process, &QProcess::finished);
        process.start();
        QVERIFY(finished.wait(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 75); // the refused and greylisted ones failed softly again
        verifyInvariants(0, QStringLiteral("final run"));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'running'")), 0);
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'succeeded'")), qint64(kHealthy));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE state = 'pending'")),
            qint64(kEntries - kHealthy));
        // Every run --all reached every pending entry at least once by the end.
        QVERIFY(scalar(QStringLiteral("SELECT min(attempts) FROM retry_entries WHERE state = 'pending'")) >= 2);
        qInfo("total %lld ms; %lld retry attempts recorded", total.elapsed(),
            scalar(QStringLiteral("SELECT count(*) FROM retry_attempts WHERE kind = 'retry'")));
    }
};

QTEST_GUILESS_MAIN(TestRetryCrash)
#include "tst_retry_crash.moc"
