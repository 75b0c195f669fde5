// The alternate-settings ladder against real DNS (dnsmasq) and Postfix in the test namespace: a domain whose first
// MX refuses recovers on its second MX; a port-25-only failure recovers on 587 unless the port was pinned.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "lab/labserver.h"
#include "queue/retryqueue.h"
#include "queue/retryscheduler.h"
#include "services.h"
#include "smtp/probeengine.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Queue;
using namespace Mailpulse::Test;

namespace
{

// Nothing listens on port 25 here; a lab server takes 587 (the namespace gives us all of 127/8 and root).
const QString kPortsAddress = QStringLiteral("127.0.0.77");

} // namespace

class TestRetryDns : public QObject
{
    Q_OBJECT

private:
    Smtp::ProbeConfig baseConfig() const
    {
        Smtp::ProbeConfig config;
        config.nameserver = Services::nameserverText();
        config.caFile = Services::caFile();
        config.heloName = QStringLiteral("retry.mailpulse.test");
        config.mailFrom = QStringLiteral("monitor@mailpulse.test");
        config.timeouts.connectMs = 2000;
        config.timeouts.greetingMs = 5000;
        config.timeouts.commandMs = 5000;
        config.timeouts.tlsMs = 5000;
        config.timeouts.dnsMs = 3000;
        config.timeouts.totalMs = 15000;
        return config;
    }

    Smtp::ProbeResult probe(const QString &target, const Smtp::ProbeConfig &config)
    {
        const Smtp::ProbeResult result = Test::runProbe(&m_clock, target, config, 30000);
        QString error;
        if (!m_recorder->recordProbe(result, config, nullptr, &error))
            qFatal("record failed: %s", qPrintable(error));
        return result;
    }

    RetryAttemptReport retry(qint64 id)
    {
        QSignalSpy finished(m_scheduler.get(), &RetryScheduler::attemptFinished);
        if (m_scheduler->runEntries({ id }) != 1)
            qFatal("entry %lld not queued", id);
        if (!finished.wait(30000) && finished.isEmpty())
            qFatal("attempt did not finish");
        return finished.first().at(0).value<RetryAttemptReport>();
    }

    Test::FakeClock m_clock;
    QTemporaryDir m_dir;
    std::unique_ptr<Store::Database> m_db;
    std::unique_ptr<RetryQueue> m_queue;
    std::unique_ptr<Tracking::OutcomeRecorder> m_recorder;
    std::unique_ptr<Smtp::ProbeEngine> m_engine;
    std::unique_ptr<RetryScheduler> m_scheduler;
    std::unique_ptr<Lab::LabServer> m_submission;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(Services::running(),
            qPrintable(QStringLiteral("the test services are not running in %1; run this test through ctest "
                                      "(fixture mailpulse_services) inside `unshare --net`, see scripts/test.sh")
                           .arg(Services::stateDir())));
        m_submission = std::make_unique<Lab::LabServer>(Lab::Scenario::HealthyPlain);
        QVERIFY2(m_submission->listen(QHostAddress(kPortsAddress), 587), qPrintable(m_submission->errorString()));
        m_db = std::make_unique<Store::Database>();
        QVERIFY(m_db->open(m_dir.filePath(QStringLiteral("dns.sqlite"))));
        m_queue = std::make_unique<RetryQueue>(*m_db, &m_clock);
        m_recorder = std::make_unique<Tracking::OutcomeRecorder>(*m_db);
        m_recorder->addSink(m_queue.get());
        m_engine = std::make_unique<Smtp::ProbeEngine>(&m_clock);
        m_scheduler = std::make_unique<RetryScheduler>(*m_queue, *m_recorder, *m_engine, &m_clock);
    }

    void cleanupTestCase()
    {
        m_scheduler.reset();
        m_engine.reset();
        m_recorder.reset();
        m_queue.reset();
        m_db.reset();
    }

    // fallback.test: MX 10 dead.fallback.test (refused), MX 20 mx.ok.test (Postfix).
    void nextMxRecovers()
    {
        // Within one probe the engine already moves on to the next MX on a connection failure …
        const Smtp::ProbeResult direct = probe(QStringLiteral("bob@fallback.test"), baseConfig());
        QVERIFY2(direct.succeeded(), qPrintable(direct.detail));
        QVERIFY(!m_queue->openEntry(QStringLiteral("bob@fallback.test")));

        // … but not when the probe may try one host only (or the first host ate the whole-probe time): the retry
        // ladder then starts at the next MX host.
        Smtp::ProbeConfig oneHost = baseConfig();
        oneHost.maxMxHosts = 1;
        const Smtp::ProbeResult first = probe(QStringLiteral("alice@fallback.test"), oneHost);
        QCOMPARE(first.classification.status, QStringLiteral("4.4.1"));
        QCOMPARE(first.host, QStringLiteral("dead.fallback.test"));
        const auto entry = m_queue->openEntry(QStringLiteral("alice@fallback.test"));
        QVERIFY(entry);
        QCOMPARE(entry->settings.mxSkip, 1);

        const RetryAttemptReport report = retry(entry->id);
        QVERIFY2(report.result.succeeded(), qPrintable(report.result.detail));
        QCOMPARE(report.result.host, QStringLiteral("mx.ok.test"));
        QVERIFY(report.alternate);
        QCOMPARE(report.entry->state, EntryState::Succeeded);
        QVERIFY(report.entry->recoveredWithAlternate);
        QCOMPARE(report.entry->history.last().settings->host, QStringLiteral("mx.ok.test"));
        QCOMPARE(report.entry->history.last().settings->mxSkip, 1);
        const auto remembered = m_queue->rememberedSettings(QStringLiteral("fallback.test"));
        QVERIFY(remembered);
        QCOMPARE(remembered->mxSkip, 1);
    }

    // A domain with a single MX host: the "next MX" rung falls back to that host rather than to nothing, and the
    // attempt is not counted as an alternate.
    void singleMxIsNotSkipped()
    {
        Smtp::ProbeConfig config = baseConfig();
        config.mxSkip = 1;
        const Smtp::ProbeResult result = probe(QStringLiteral("alice@ok.test"), config);
        QVERIFY2(result.succeeded(), qPrintable(result.detail));
        QCOMPARE(result.host, QStringLiteral("mx.ok.test"));
    }

    void portLadder()
    {
        const int before = m_submission->connectionsAccepted();
        Smtp::ProbeConfig config = baseConfig();
        config.mxOverride = kPortsAddress; // --mx HOST without a port: the port is free to vary
        const Smtp::ProbeResult first = probe(QStringLiteral("bob@ports.test"), config);
        QCOMPARE(first.classification.status, QStringLiteral("4.4.1"));
        QCOMPARE(first.port, quint16(25));
        const qint64 id = m_queue->openEntry(QStringLiteral("bob@ports.test"))->id;
        const RetryAttemptReport report = retry(id);
        QVERIFY2(report.result.succeeded(), qPrintable(report.result.detail));
        QCOMPARE(report.result.port, quint16(587));
        QCOMPARE(report.settings.port, quint16(587));
        QVERIFY(report.alternate);
        QCOMPARE(report.entry->state, EntryState::Succeeded);
        QVERIFY(report.entry->recoveredWithAlternate);
        QCOMPARE(m_queue->rememberedSettings(QStringLiteral("ports.test"))->port, quint16(587));
        QCOMPARE(m_submission->connectionsAccepted() - before, 1);
    }

    void pinnedPortStays()
    {
        const int before = m_submission->connectionsAccepted();
        Smtp::ProbeConfig config = baseConfig();
        config.mxOverride = kPortsAddress + QStringLiteral(":25"); // --mx HOST:PORT pins the port
        config.port = 25;
        config.portPinned = true;
        probe(QStringLiteral("carol@ports.test"), config); // the domain remembers 587 by now: still not taken
        const qint64 id = m_queue->openEntry(QStringLiteral("carol@ports.test"))->id;
        for (int i = 0; i < 4; ++i) {
            const RetryAttemptReport report = retry(id);
            QCOMPARE(report.settings.port, quint16(25));
            QCOMPARE(report.result.port, quint16(25));
            QCOMPARE(report.result.classification.status, QStringLiteral("4.4.1"));
            QCOMPARE(report.entry->state, EntryState::Pending);
        }
        QCOMPARE(m_submission->connectionsAccepted(), before);
        QCOMPARE(m_queue->entry(id)->attempts, 5);
    }
};

QTEST_GUILESS_MAIN(TestRetryDns)
#include "tst_retry_dns.moc"
