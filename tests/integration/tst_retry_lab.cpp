// The retry queue end to end against the lab: the scheduler's timer from a fake clock, real probes through the
// ProbeEngine, outcomes through the OutcomeRecorder, and the CLI's queue commands.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "clirunner.h"
#include "lab/labserver.h"
#include "lab/smtplab.h"
#include "queue/retryqueue.h"
#include "queue/retryscheduler.h"
#include "queue/retrystats.h"
#include "smtp/probeengine.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Queue;

namespace
{

} // namespace

class TestRetryLab : public QObject
{
    Q_OBJECT

private:
    Smtp::ProbeConfig labConfig(const QString &scenario) const
    {
        Smtp::ProbeConfig config;
        // As the CLI sets it for --mx HOST:PORT: the port is pinned.
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(m_lab.port(scenario));
        config.port = m_lab.port(scenario);
        config.portPinned = true;
        config.heloName = QStringLiteral("retry.mailpulse.test");
        config.mailFrom = QStringLiteral("monitor@mailpulse.test");
        config.caFile = m_lab.caCertificatePath();
        config.timeouts.connectMs = 2000;
        config.timeouts.greetingMs = 2000;
        config.timeouts.commandMs = 2000;
        config.timeouts.tlsMs = 2000;
        config.timeouts.totalMs = 8000;
        return config;
    }

    // The original probe, recorded as the CLI's probe command records it.
    Smtp::ProbeResult probe(const QString &target, const Smtp::ProbeConfig &config)
    {
        const Smtp::ProbeResult result = Test::runProbe(&m_clock, target, config, 20000);
        QString error;
        if (!m_recorder->recordProbe(result, config, nullptr, &error))
            qFatal("record failed: %s", qPrintable(error));
        return result;
    }

    // Lets the scheduler's attempts run to their end; returns their reports.
    QList<RetryAttemptReport> settle(RetryScheduler &scheduler, int expected)
    {
        QList<RetryAttemptReport> reports;
        auto connection = connect(&scheduler, &RetryScheduler::attemptFinished, this,
            [&reports](const RetryAttemptReport &r) { reports << r; });
        QElapsedTimer timer;
        timer.start();
        while (reports.size() < expected && timer.elapsed() < 30000)
            QTest::qWait(10);
        disconnect(connection);
        return reports;
    }

    Test::CliRun cli(const QStringList &args)
    {
        return Test::runCli(
            QStringList { QStringLiteral("--db"), m_dbPath } + args, QProcessEnvironment::systemEnvironment(), 30000);
    }

    Test::FakeClock m_clock;
    Lab::SmtpLab m_lab;
    QTemporaryDir m_dir;
    QString m_dbPath;
    std::unique_ptr<Store::Database> m_db;
    std::unique_ptr<RetryQueue> m_queue;
    std::unique_ptr<Tracking::OutcomeRecorder> m_recorder;
    std::unique_ptr<Smtp::ProbeEngine> m_engine;
    std::unique_ptr<RetryScheduler> m_scheduler;
    int m_dbCounter = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_lab.start({ QStringLiteral("flaky"), QStringLiteral("starttls-selfsigned"),
                                 QStringLiteral("refused"), QStringLiteral("healthy") },
                     0, &error),
            qPrintable(error));
    }

    void init()
    {
        m_clock.set(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        m_dbPath = m_dir.filePath(QStringLiteral("store%1.sqlite").arg(++m_dbCounter));
        m_db = std::make_unique<Store::Database>();
        QString error;
        QVERIFY2(m_db->open(m_dbPath, &error), qPrintable(error));
        RetryPolicy policy;
        policy.setRandomSource([] { return 0.5; });
        m_queue = std::make_unique<RetryQueue>(*m_db, &m_clock, policy);
        m_recorder = std::make_unique<Tracking::OutcomeRecorder>(*m_db);
        m_recorder->addSink(m_queue.get());
        m_engine = std::make_unique<Smtp::ProbeEngine>(&m_clock);
        m_scheduler = std::make_unique<RetryScheduler>(*m_queue, *m_recorder, *m_engine, &m_clock);
        RetryScheduler::Options options;
        options.maxTimerMs = 24 * 3600 * 1000; // so that the armed interval is the schedule itself
        m_scheduler->setOptions(options);
    }

    void cleanup()
    {
        m_scheduler.reset();
        m_engine.reset();
        m_recorder.reset();
        m_queue.reset();
        m_db.reset();
    }

    // Fail, fail, succeed: the entry ends succeeded after 3 attempts and the stats count one recovery.
    void flakyRecovers()
    {
        const QString target = QStringLiteral("alice@flaky.test");
        Lab::LabServer *flaky = m_lab.server(QStringLiteral("flaky"));
        const int before = flaky->connectionsAccepted();
        QVERIFY2(before == 0, "flaky must be fresh: it counts connections");
        const QDateTime t0 = m_clock.now();
        const Smtp::ProbeResult first = probe(target, labConfig(QStringLiteral("flaky")));
        QCOMPARE(first.classification.status, QStringLiteral("4.4.2"));
        const auto queued = m_queue->openEntry(target);
        QVERIFY(queued);

        QVERIFY(m_scheduler->start());
        QCOMPARE(m_scheduler->inFlight(), 0); // nothing due yet
        QCOMPARE(m_scheduler->timerIntervalMs(), 30 * 60 * 1000); // armed for the first retry, to the millisecond

        m_clock.advanceSecs(30 * 60 - 1);
        m_scheduler->checkDue();
        QCOMPARE(m_scheduler->inFlight(), 0); // one second early: not yet
        QCOMPARE(m_scheduler->timerIntervalMs(), 1000);
        m_clock.advanceSecs(1);
        m_scheduler->checkDue();
        QCOMPARE(m_scheduler->inFlight(), 1);
        QList<RetryAttemptReport> reports = settle(*m_scheduler, 1);
        QCOMPARE(reports.size(), 1);
        QCOMPARE(reports.first().result.classification.status, QStringLiteral("4.4.2")); // the second drop
        QVERIFY(reports.first().alternate); // the ladder's only free rung here: plain SMTP
        QCOMPARE(reports.first().settings.tlsMode, Smtp::TlsMode::None);
        QCOMPARE(reports.first().entry->state, EntryState::Pending);
        QCOMPARE(m_scheduler->timerIntervalMs(), 60 * 60 * 1000); // back-off: 60 min

        m_clock.advanceSecs(60 * 60);
        m_scheduler->checkDue();
        reports = settle(*m_scheduler, 1);
        QCOMPARE(reports.size(), 1);
        const RetryAttemptReport &last = reports.first();
        QVERIFY2(last.result.succeeded(), qPrintable(last.result.detail));
        QVERIFY(!last.alternate); // the base settings again: the failure was transient
        QVERIFY(last.stored);
        const RetryEntry e = *last.entry;
        QCOMPARE(e.state, EntryState::Succeeded);
        QCOMPARE(e.attempts, 3);
        QVERIFY(e.recovered);
        QVERIFY(!e.recoveredWithAlternate);
        QCOMPARE(e.history.size(), 3);
        QCOMPARE(e.history.at(0).kind, QStringLiteral("initial"));
        QCOMPARE(e.history.at(1).settings->tlsMode, Smtp::TlsMode::None);
        QCOMPARE(e.history.at(2).classification.cls, Bounce::DeliveryClass::Success);
        QCOMPARE(flaky->connectionsAccepted() - before, 3);
        QVERIFY(!m_queue->rememberedSettings(QStringLiteral("flaky.test"))); // nothing alternate to remember

        const RetryStats stats = retryStatsForDomain(*m_db, QStringLiteral("flaky.test"), {}, {});
        QCOMPARE(stats.attempted, qint64(1));
        QCOMPARE(stats.recovered, qint64(1));
        QCOMPARE(stats.recoveryRate, 1.0);
        QCOMPARE(stats.attemptsToRecovery, 3.0);
        QCOMPARE(stats.medianSecondsToRecovery, t0.secsTo(m_clock.now()));
        QCOMPARE(stats.medianSecondsToRecovery, qint64(90 * 60));
        QCOMPARE(retryStatsByStatus(*m_db, {}, {}).first().key, QStringLiteral("4.4.2"));
        QCOMPARE(m_scheduler->timerIntervalMs(), 24 * 3600 * 1000); // nothing pending: the idle re-check
    }

    // A TLS failure (4.7.5: certificate not trusted) recovers on plain SMTP; the domain remembers it.
    void tlsLadderRemembers()
    {
        const QString target = QStringLiteral("bob@selfsigned.test");
        Smtp::ProbeConfig config = labConfig(QStringLiteral("starttls-selfsigned"));
        QCOMPARE(probe(target, config).classification.status, QStringLiteral("4.7.5"));
        const qint64 id = m_queue->openEntry(target)->id;
        QCOMPARE(m_scheduler->runEntries({ id }), 1);
        const QList<RetryAttemptReport> reports = settle(*m_scheduler, 1);
        QCOMPARE(reports.size(), 1);
        QVERIFY2(reports.first().result.succeeded(), qPrintable(reports.first().result.detail));
        QVERIFY(reports.first().alternate);
        QVERIFY(reports.first().entry->recoveredWithAlternate);
        QCOMPARE(reports.first().entry->settings.tlsMode, Smtp::TlsMode::None);
        const auto remembered = m_queue->rememberedSettings(QStringLiteral("selfsigned.test"));
        QVERIFY(remembered);
        QCOMPARE(remembered->tlsMode, Smtp::TlsMode::None);

        // With --tls pinned the ladder never leaves the user's TLS mode.
        config.tlsMode = Smtp::TlsMode::StartTls;
        config.tlsPinned = true;
        const QString pinned = QStringLiteral("carol@selfsigned.test");
        probe(pinned, config);
        const qint64 pinnedId = m_queue->openEntry(pinned)->id;
        for (int i = 0; i < 3; ++i) {
            m_scheduler->runEntries({ pinnedId });
            const QList<RetryAttemptReport> r = settle(*m_scheduler, 1);
            QCOMPARE(r.size(), 1);
            QCOMPARE(r.first().settings.tlsMode, Smtp::TlsMode::StartTls);
            QCOMPARE(r.first().result.classification.status, QStringLiteral("4.7.5"));
        }
        QCOMPARE(m_queue->entry(pinnedId)->state, EntryState::Pending);
        QCOMPARE(m_queue->entry(pinnedId)->attempts, 4);
    }

    // Entries that fell due while nothing ran are spread out at the next start; paused and cancelled ones wait.
    void spreadPauseCancel()
    {
        const Smtp::ProbeConfig refused = labConfig(QStringLiteral("refused"));
        for (int i = 0; i < 10; ++i)
            probe(QStringLiteral("u%1@down.test").arg(i), refused);
        QCOMPARE(m_queue->count(EntryState::Pending), qint64(10));
        const QList<RetryEntry> all = m_queue->entries();
        QCOMPARE(m_queue->pause(all.at(8).id), RetryQueue::ActionResult::Done);
        QCOMPARE(m_queue->cancel(all.at(9).id), RetryQueue::ActionResult::Done);

        m_clock.advanceSecs(6 * 3600); // the app was closed for six hours
        RetryScheduler::Options options = m_scheduler->options();
        options.startBatch = 3;
        options.startSpacingSecs = 20;
        m_scheduler->setOptions(options);
        QSignalSpy started(m_scheduler.get(), &RetryScheduler::attemptStarted);
        QVERIFY(m_scheduler->start());
        QCOMPARE(started.size(), 3); // the first batch at once …
        settle(*m_scheduler, 3);
        QCOMPARE(m_scheduler->timerIntervalMs(), 20 * 1000); // … the next 20 s later
        m_clock.advanceSecs(20);
        m_scheduler->checkDue();
        QCOMPARE(started.size(), 6);
        settle(*m_scheduler, 3);
        m_clock.advanceSecs(20);
        m_scheduler->checkDue();
        QCOMPARE(started.size(), 8);
        settle(*m_scheduler, 2);
        QCOMPARE(m_queue->entry(all.at(8).id)->attempts, 1); // paused: untouched
        QCOMPARE(m_queue->entry(all.at(9).id)->attempts, 1); // cancelled: untouched

        // runAll ignores the schedule but not the user's pause.
        QCOMPARE(m_scheduler->runAll(), 8);
        settle(*m_scheduler, 8);
        QCOMPARE(m_queue->entry(all.at(0).id)->attempts, 3);
        QCOMPARE(m_queue->entry(all.at(8).id)->attempts, 1);
        QCOMPARE(m_queue->count(EntryState::Running), qint64(0));
    }

    void cliCommands()
    {
        const QString refused = QStringLiteral("127.0.0.1:%1").arg(m_lab.port(QStringLiteral("refused")));
        const QString healthy = QStringLiteral("127.0.0.1:%1").arg(m_lab.port(QStringLiteral("healthy")));
        const QStringList common = { QStringLiteral("--connect-timeout"), QStringLiteral("2"), QStringLiteral("--helo"),
            QStringLiteral("cli.mailpulse.test"), QStringLiteral("--ca-file"), m_lab.caCertificatePath() };
        // A soft failure from `probe` lands in the queue.
        const Test::CliRun probed = cli(
            QStringList { QStringLiteral("probe"), QStringLiteral("dave@cli.test"), QStringLiteral("--mx"), refused }
            + common);
        QCOMPARE(probed.exitCode, 75);
        const Test::CliRun listed = cli({ QStringLiteral("--json"), QStringLiteral("queue"), QStringLiteral("list") });
        QCOMPARE(listed.exitCode, 0);
        const QList<QJsonObject> entries = Test::jsonLines(listed.out);
        QCOMPARE(entries.size(), 1);
        const QJsonObject entry = entries.first();
        for (const char *field : { "id", "target", "domain", "state", "status", "class", "reason", "attempts",
                 "first_failed_at", "last_attempt_at", "next_attempt_at", "settings", "history" })
            QVERIFY2(entry.contains(QLatin1String(field)), field);
        QCOMPARE(entry.value(QStringLiteral("target")).toString(), QStringLiteral("dave@cli.test"));
        QCOMPARE(entry.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(entry.value(QStringLiteral("status")).toString(), QStringLiteral("4.4.1"));
        const QString id = QString::number(entry.value(QStringLiteral("id")).toInteger());

        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("pause"), id }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("pause"), id }).exitCode, 65);
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("run"), QStringLiteral("--id"), id }).exitCode, 65);
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("resume"), id }).exitCode, 0);
        const Test::CliRun again = cli(
            { QStringLiteral("--json"), QStringLiteral("queue"), QStringLiteral("run"), QStringLiteral("--id"), id });
        QCOMPARE(again.exitCode, 75);
        const QList<QJsonObject> attempts = Test::jsonLines(again.out);
        QCOMPARE(attempts.size(), 1);
        QCOMPARE(attempts.first().value(QStringLiteral("attempts")).toInt(), 2);
        QCOMPARE(attempts.first().value(QStringLiteral("attempt")).toObject().value(QStringLiteral("status")),
            QStringLiteral("4.4.1"));
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("cancel"), id }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("cancel"), QStringLiteral("999") }).exitCode, 66);
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("frobnicate") }).exitCode, 64);
        QCOMPARE(
            cli({ QStringLiteral("queue"), QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("bogus") })
                .exitCode,
            64);
        QCOMPARE(
            cli({ QStringLiteral("queue"), QStringLiteral("run"), QStringLiteral("--all"), QStringLiteral("--due") })
                .exitCode,
            64);
        const Test::CliRun cancelled = cli({ QStringLiteral("--json"), QStringLiteral("queue"), QStringLiteral("list"),
            QStringLiteral("--state"), QStringLiteral("cancelled") });
        QCOMPARE(Test::jsonLines(cancelled.out).size(), 1);

        // `queue run --all` and a success: exit 0, the entry succeeded.
        const Test::CliRun flaky = cli(
            QStringList { QStringLiteral("probe"), QStringLiteral("erin@cli.test"), QStringLiteral("--mx"), refused }
            + common);
        QCOMPARE(flaky.exitCode, 75);
        // The server comes back: the same target now answers on the healthy port (edit the stored base config).
        {
            Store::Database db;
            QVERIFY(db.open(m_dbPath));
            QSqlQuery q(db.connection());
            QVERIFY(q.prepare(QStringLiteral("UPDATE retry_entries SET config_json = replace(config_json, ?, ?),"
                                             " settings_json = replace(settings_json, ?, ?)")));
            for (const QString &v : { refused, healthy, refused, healthy })
                q.addBindValue(v);
            QVERIFY(q.exec());
        }
        const Test::CliRun all = cli({ QStringLiteral("queue"), QStringLiteral("run"), QStringLiteral("--all") });
        QVERIFY2(all.exitCode == 0, all.out.constData());
        QVERIFY(all.out.contains("succeeded"));
        const Test::CliRun done = cli({ QStringLiteral("--json"), QStringLiteral("queue"), QStringLiteral("list"),
            QStringLiteral("--state"), QStringLiteral("succeeded") });
        QCOMPARE(Test::jsonLines(done.out).size(), 1);
        QCOMPARE(Test::jsonLines(done.out).first().value(QStringLiteral("history")).toArray().size(), 2);
        // Nothing pending: `queue run` (the scheduler) has nothing to wait for.
        QCOMPARE(cli({ QStringLiteral("queue"), QStringLiteral("run") }).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestRetryLab)
#include "tst_retry_lab.moc"
