// The retry queue as an OutcomeSink and repository: entries from soft failures, resolution, the ladder's
// bookkeeping, leases, spreading, manual actions and the statistics, with a fake clock and no jitter.
#include <QCoreApplication>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "queue/retryladder.h"
#include "queue/retryqueue.h"
#include "queue/retrystats.h"
#include "store/database.h"
#include "store/transaction.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Queue;
using Bounce::Classification;
using Bounce::DeliveryClass;

namespace
{

const Classification kDrop { QStringLiteral("4.4.2"), DeliveryClass::Soft, QStringLiteral("networkerror") };
const Classification kRefused { QStringLiteral("4.4.1"), DeliveryClass::Soft, QStringLiteral("networkerror") };
const Classification kGrey { QStringLiteral("4.7.1"), DeliveryClass::Soft, QStringLiteral("greylisted") };
const Classification kFull { QStringLiteral("4.2.2"), DeliveryClass::Soft, QStringLiteral("mailboxfull") };
const Classification kOk { QStringLiteral("2.1.5"), DeliveryClass::Success, QStringLiteral("accepted") };
const Classification kUnknown { QStringLiteral("5.1.1"), DeliveryClass::Hard, QStringLiteral("userunknown") };

RetryPolicy fixedPolicy()
{
    RetryPolicy policy;
    policy.setRandomSource([] { return 0.5; }); // no jitter: times are exact
    return policy;
}

} // namespace

class TestRetryQueue : public QObject
{
    Q_OBJECT

private:
    Smtp::ProbeResult result(const QString &target, const Classification &c, const Smtp::ProbeConfig &config) const
    {
        Smtp::ProbeResult r;
        r.target = target;
        r.domain = target.section(u'@', -1);
        r.classification = c;
        r.startedAt = m_clock.now();
        r.host = QStringLiteral("mx.") + r.domain;
        r.address = QStringLiteral("192.0.2.1");
        r.port = config.port;
        // What the engine writes when it skips MX hosts for the ladder.
        for (int i = 0; i < config.mxSkip; ++i)
            r.transcript.append({ 0, 'I', QStringLiteral("Skipping MX mx%1 (retry with the next MX host)").arg(i) });
        r.phase = c.cls == DeliveryClass::Success ? Smtp::Phase::Done : Smtp::Phase::Connect;
        if (target.contains(u'@'))
            r.recipients.append({ target, c, std::nullopt });
        return r;
    }

    void probe(const QString &target, const Classification &c, const Smtp::ProbeConfig &config = {})
    {
        QString error;
        const Smtp::ProbeResult r = result(target, c, config);
        QVERIFY2(m_recorder->recordProbe(r, config, nullptr, &error), qPrintable(error));
    }

    // One of the queue's own attempts, as the scheduler records it.
    void retry(qint64 id, const Classification &c, bool claim = true)
    {
        const auto e = m_queue->entry(id, false);
        QVERIFY(e);
        if (claim)
            QVERIFY(m_queue->claim(id, 60'000));
        const Smtp::ProbeConfig config = e->settings.applyTo(e->baseConfig);
        m_queue->beginAttempt({ id, e->settings, RetryLadder::isAlternate(e->baseConfig, e->settings) });
        QString error;
        const bool ok = m_recorder->recordProbe(result(e->target, c, config), config, nullptr, &error);
        m_queue->endAttempt();
        QVERIFY2(ok, qPrintable(error));
    }

    // An event read from a log, `secsAgo` before now.
    Bounce::BounceEvent logged(const QString &recipient, const Classification &c, qint64 secsAgo) const
    {
        Bounce::BounceEvent e;
        e.recipient = recipient;
        e.domain = recipient.section(u'@', -1);
        e.classification = c;
        e.source = Bounce::BounceSource::Log;
        e.occurredAt = m_clock.now().addSecs(-secsAgo);
        return e;
    }

    qint64 onlyId()
    {
        const QList<RetryEntry> all = m_queue->entries();
        return all.size() == 1 ? all.first().id : -1;
    }

    qint64 scalar(const QString &sql)
    {
        QSqlQuery q(m_db->connection());
        if (!q.exec(sql) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }

    Test::FakeClock m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_db;
    std::unique_ptr<RetryQueue> m_queue;
    std::unique_ptr<Tracking::OutcomeRecorder> m_recorder;

private Q_SLOTS:
    void init()
    {
        m_clock.set(QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC));
        m_dir = std::make_unique<QTemporaryDir>();
        m_db = std::make_unique<Store::Database>();
        QString error;
        QVERIFY2(m_db->open(m_dir->filePath(QStringLiteral("q.sqlite")), &error), qPrintable(error));
        QVERIFY(m_db->schemaVersion() >= 3);
        m_queue = std::make_unique<RetryQueue>(*m_db, &m_clock, fixedPolicy());
        m_recorder = std::make_unique<Tracking::OutcomeRecorder>(*m_db);
        m_recorder->addSink(m_queue.get());
    }

    void cleanup()
    {
        m_recorder.reset();
        m_queue.reset();
        m_db.reset();
        m_dir.reset();
    }

    void softFailureQueuesOneEntry()
    {
        const QDateTime t0 = m_clock.now();
        probe(QStringLiteral("alice@example.test"), kDrop);
        const QList<RetryEntry> all = m_queue->entries();
        QCOMPARE(all.size(), 1);
        const RetryEntry &e = all.first();
        QCOMPARE(e.target, QStringLiteral("alice@example.test"));
        QCOMPARE(e.recipient, QStringLiteral("alice@example.test"));
        QCOMPARE(e.domain, QStringLiteral("example.test"));
        QCOMPARE(e.state, EntryState::Pending);
        QCOMPARE(e.classification, kDrop);
        QCOMPARE(e.firstStatus, QStringLiteral("4.4.2"));
        QCOMPARE(e.source, QStringLiteral("probe"));
        QCOMPARE(e.attempts, 1);
        QCOMPARE(e.firstFailedAt, t0);
        QCOMPARE(e.lastAttemptAt, t0);
        QCOMPARE(t0.secsTo(e.nextAttemptAt), qint64(30 * 60));
        QCOMPARE(t0.secsTo(e.expiresAt), qint64(5 * 86400));
        QCOMPARE(e.history.size(), 1);
        QCOMPARE(e.history.first().kind, QStringLiteral("initial"));
        QVERIFY(e.history.first().settings);
        QCOMPARE(e.history.first().settings->host, QStringLiteral("mx.example.test"));
        QVERIFY(e.history.first().probeId > 0);
        // A connection failure: the first retry takes the ladder's first rung, the next MX host.
        QCOMPARE(e.settings.mxSkip, 1);

        // The same target failing again (a manual probe) updates the entry instead of adding one.
        m_clock.advanceSecs(600);
        probe(QStringLiteral("alice@example.test"), kDrop);
        QCOMPARE(m_queue->count(), qint64(1));
        const auto again = m_queue->entry(all.first().id);
        QCOMPARE(again->attempts, 2);
        QCOMPARE(again->failures, 2);
        QCOMPARE(again->history.last().kind, QStringLiteral("external"));
        QCOMPARE(m_clock.now().secsTo(again->nextAttemptAt), qint64(60 * 60));
        QCOMPARE(again->ladderStep, 0); // only the queue's own attempts walk the ladder
        QCOMPARE(again->firstFailedAt, t0);

        // JSON per DESIGN.md
        const QJsonObject json = toJson(*again);
        for (const char *field : { "id", "target", "domain", "state", "status", "class", "reason", "attempts",
                 "first_failed_at", "last_attempt_at", "next_attempt_at", "settings", "history" })
            QVERIFY2(json.contains(QLatin1String(field)), field);
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(json.value(QStringLiteral("first_failed_at")).toString(), QStringLiteral("2026-01-01T12:00:00.000Z"));
        const QJsonObject settings = json.value(QStringLiteral("settings")).toObject();
        for (const char *field : { "host", "port", "tls_mode", "ip_family" })
            QVERIFY2(settings.contains(QLatin1String(field)), field);
        QCOMPARE(json.value(QStringLiteral("history")).toArray().size(), 2);
        QVERIFY(json.value(QStringLiteral("history")).toArray().at(0).toObject().contains(QStringLiteral("status")));
    }

    void hardFailureQueuesNothing()
    {
        probe(QStringLiteral("bob@example.test"), kUnknown);
        probe(QStringLiteral("bob@example.test"), kOk);
        QCOMPARE(m_queue->count(), qint64(0));
    }

    void domainOnlyProbe()
    {
        probe(QStringLiteral("example.test"), kRefused);
        const auto e = m_queue->openEntry(QStringLiteral("example.test"));
        QVERIFY(e);
        QVERIFY(e->recipient.isEmpty());
        QCOMPARE(e->domain, QStringLiteral("example.test"));
    }

    void oneEntryPerRecipient()
    {
        // A probe of two recipients that ended before RCPT: both share the failure, one entry each.
        Smtp::ProbeResult r = result(QStringLiteral("a@example.test,b@example.test"), kDrop, {});
        r.domain = QStringLiteral("example.test");
        r.recipients.clear();
        QString error;
        QVERIFY2(m_recorder->recordProbe(r, {}, nullptr, &error), qPrintable(error));
        QCOMPARE(m_queue->count(), qint64(2));
        QVERIFY(m_queue->openEntry(QStringLiteral("a@example.test")));
        QVERIFY(m_queue->openEntry(QStringLiteral("b@example.test")));
    }

    void laterSuccessResolves()
    {
        probe(QStringLiteral("carol@example.test"), kGrey);
        const qint64 id = onlyId();
        QCOMPARE(m_clock.now().secsTo(m_queue->entry(id)->nextAttemptAt), qint64(600)); // greylisting: 10 min
        m_clock.advanceSecs(300);
        probe(QStringLiteral("carol@example.test"), kOk); // the user probed again by hand
        const auto e = m_queue->entry(id);
        QCOMPARE(e->state, EntryState::Succeeded);
        QCOMPARE(e->resolvedBy, QStringLiteral("probe"));
        QVERIFY(!e->recovered); // not the queue's doing
        QVERIFY(!e->nextAttemptAt.isValid());
        QCOMPARE(e->attempts, 2);
        // A later failure opens a new episode; the old one stays as history.
        probe(QStringLiteral("carol@example.test"), kGrey);
        QCOMPARE(m_queue->count(), qint64(2));
        QCOMPARE(m_queue->count(EntryState::Pending), qint64(1));
    }

    void importedOutcomes()
    {
        const Bounce::BounceEvent deferred = logged(QStringLiteral("dave@example.test"), kFull, 3600);
        Bounce::BounceEvent ancient = deferred;
        ancient.recipient = QStringLiteral("erin@example.test");
        ancient.occurredAt = m_clock.now().addDays(-6);
        Bounce::BounceEvent delivered = deferred;
        delivered.recipient = QStringLiteral("frank@example.test");
        delivered.classification = kOk;
        int recorded = 0;
        QString error;
        QVERIFY2(m_recorder->recordEvents({ deferred, ancient, delivered }, &recorded, &error), qPrintable(error));
        QCOMPARE(recorded, 3);
        const auto dave = m_queue->openEntry(QStringLiteral("dave@example.test"));
        QVERIFY(dave);
        QCOMPARE(dave->source, QStringLiteral("log"));
        QCOMPARE(dave->firstFailedAt, deferred.occurredAt);
        QCOMPARE(dave->nextAttemptAt, deferred.occurredAt.addSecs(1800)); // already due
        QVERIFY(!m_queue->entry(dave->id)->history.first().settings); // an import says nothing about settings
        QCOMPARE(dave->settings.port, quint16(25)); // retried with the defaults
        // Older than the lifetime: history, not work.
        QCOMPARE(m_queue->count(EntryState::Expired), qint64(1));
        QCOMPARE(m_queue->count(), qint64(2)); // the success created nothing
        // A DSN saying delivered resolves dave's entry.
        Bounce::BounceEvent dsn = deferred;
        dsn.source = Bounce::BounceSource::Dsn;
        dsn.classification = kOk;
        QVERIFY(m_recorder->recordEvents({ dsn }, &recorded, &error));
        QCOMPARE(m_queue->entry(dave->id)->state, EntryState::Succeeded);
        QCOMPARE(m_queue->entry(dave->id)->resolvedBy, QStringLiteral("dsn"));
    }

    void staleSuccessLeavesEntryOpen()
    {
        // A success from elsewhere that is older than the entry's latest failure does not close it (an older log
        // imported late, or a log read again: successes are not stored, so they come again).
        const Bounce::BounceEvent deferred = logged(QStringLiteral("gail@example.test"), kFull, 3600);
        const Bounce::BounceEvent again = logged(QStringLiteral("gail@example.test"), kFull, 2400);
        int recorded = 0;
        QString error;
        QVERIFY2(m_recorder->recordEvents({ deferred, again }, &recorded, &error), qPrintable(error));
        const qint64 id = onlyId();
        QCOMPARE(m_queue->entry(id)->attempts, 2);

        // After the first failure, before the latest.
        const Bounce::BounceEvent old = logged(QStringLiteral("gail@example.test"), kOk, 3000);
        QVERIFY2(m_recorder->recordEvents({ old }, &recorded, &error), qPrintable(error));
        QCOMPARE(m_queue->entry(id)->state, EntryState::Pending);
        QCOMPARE(m_queue->entry(id)->attempts, 2); // not even an attempt: it changes nothing
        QCOMPARE(m_queue->entry(id, true)->history.size(), 2);

        Bounce::BounceEvent sameSecond = old;
        sameSecond.occurredAt = again.occurredAt; // as late as the latest failure: closes it (as a run's end)
        QVERIFY2(m_recorder->recordEvents({ sameSecond }, &recorded, &error), qPrintable(error));
        QCOMPARE(m_queue->entry(id)->state, EntryState::Succeeded);
        QCOMPARE(m_queue->entry(id)->attempts, 3);
    }

    void importedOutcomesTakeTheirFirstSettings()
    {
        // An import's failures carry no probe config: a connection failure starts at the ladder's first rung, any
        // other failure with the defaults, and a domain with remembered settings from what worked there, however
        // the outcomes before it went.
        const auto import = [this](const QString &recipient, const Classification &c) {
            Bounce::BounceEvent e;
            e.recipient = recipient;
            e.domain = recipient.section(u'@', -1);
            e.classification = c;
            e.source = Bounce::BounceSource::Log;
            e.occurredAt = m_clock.now().addSecs(-60);
            int recorded = 0;
            QString error;
            QVERIFY2(m_recorder->recordEvents({ e }, &recorded, &error), qPrintable(error));
            QCOMPARE(recorded, 1);
        };
        const auto settingsOf = [this](const QString &target) {
            const auto e = m_queue->openEntry(target);
            return e ? e->settings : RetrySettings();
        };
        const RetrySettings rung = RetryLadder::settingsForStep(Smtp::ProbeConfig(), 0, std::nullopt);
        const RetrySettings origin = RetrySettings::of(Smtp::ProbeConfig());
        QCOMPARE(rung.mxSkip, 1);
        QCOMPARE(origin.mxSkip, 0);
        import(QStringLiteral("a@plain.test"), kDrop);
        import(QStringLiteral("b@plain.test"), kFull);
        import(QStringLiteral("c@plain.test"), kRefused);
        import(QStringLiteral("d@plain.test"), kGrey);
        QCOMPARE(settingsOf(QStringLiteral("a@plain.test")), rung);
        QCOMPARE(settingsOf(QStringLiteral("b@plain.test")), origin);
        QCOMPARE(settingsOf(QStringLiteral("c@plain.test")), rung);
        QCOMPARE(settingsOf(QStringLiteral("d@plain.test")), origin);

        // Port 587 worked at ladder.test: remembered, and an imported failure there starts from it.
        probe(QStringLiteral("gina@ladder.test"), kRefused);
        const qint64 id = m_queue->openEntry(QStringLiteral("gina@ladder.test"))->id;
        m_clock.advanceSecs(30 * 60);
        retry(id, kRefused);
        m_clock.advanceSecs(60 * 60);
        retry(id, kOk);
        const auto remembered = m_queue->rememberedSettings(QStringLiteral("ladder.test"));
        QVERIFY(remembered);
        import(QStringLiteral("h@ladder.test"), kDrop);
        const RetrySettings learned = RetryLadder::settingsForStep(Smtp::ProbeConfig(), 0, remembered);
        QVERIFY(learned != rung);
        QCOMPARE(settingsOf(QStringLiteral("h@ladder.test")), learned);
        import(QStringLiteral("i@plain.test"), kDrop);
        QCOMPARE(settingsOf(QStringLiteral("i@plain.test")), rung);
    }

    void retriesWalkTheLadderAndRemember()
    {
        const QDateTime t0 = m_clock.now();
        probe(QStringLiteral("gina@ladder.test"), kRefused);
        const qint64 id = onlyId();
        QCOMPARE(m_queue->entry(id)->settings.mxSkip, 1); // rung 1: next MX
        m_clock.advanceSecs(30 * 60);
        retry(id, kRefused);
        auto e = m_queue->entry(id);
        QCOMPARE(e->state, EntryState::Pending);
        QCOMPARE(e->leasePid, qint64(0));
        QCOMPARE(e->ladderStep, 1);
        QCOMPARE(e->settings.port, quint16(587)); // rung 2: submission port
        QCOMPARE(e->settings.mxSkip, 0);
        QCOMPARE(m_clock.now().secsTo(e->nextAttemptAt), qint64(60 * 60));
        QCOMPARE(e->history.last().kind, QStringLiteral("retry"));
        QVERIFY(e->history.last().alternate);
        m_clock.advanceSecs(60 * 60);
        retry(id, kOk);
        e = m_queue->entry(id);
        QCOMPARE(e->state, EntryState::Succeeded);
        QVERIFY(e->recovered);
        QVERIFY(e->recoveredWithAlternate);
        QCOMPARE(e->resolvedBy, QStringLiteral("retry"));
        QCOMPARE(e->settings.port, quint16(587));
        QCOMPARE(e->attempts, 3);
        QCOMPARE(e->history.last().settings->port, quint16(587));
        const auto remembered = m_queue->rememberedSettings(QStringLiteral("ladder.test"));
        QVERIFY(remembered);
        QCOMPARE(remembered->port, quint16(587));

        // The next failure at that domain starts with what worked.
        probe(QStringLiteral("hank@ladder.test"), kDrop);
        QCOMPARE(m_queue->openEntry(QStringLiteral("hank@ladder.test"))->settings.port, quint16(587));
        // … unless the port is pinned.
        Smtp::ProbeConfig pinned;
        pinned.portPinned = true;
        probe(QStringLiteral("ivy@ladder.test"), kDrop, pinned);
        QCOMPARE(m_queue->openEntry(QStringLiteral("ivy@ladder.test"))->settings.port, quint16(25));

        const RetryStats stats = retryStatsForDomain(*m_db, QStringLiteral("ladder.test"), {}, {});
        QCOMPARE(stats.entries, qint64(3));
        QCOMPARE(stats.attempted, qint64(1));
        QCOMPARE(stats.recovered, qint64(1));
        QCOMPARE(stats.recoveryRate, 1.0);
        QCOMPARE(stats.retryAttempts, qint64(2));
        QCOMPARE(stats.attemptsToRecovery, 3.0);
        QCOMPARE(stats.medianSecondsToRecovery, t0.secsTo(m_clock.now()));
        QCOMPARE(stats.recoveredWithAlternate, qint64(1));
    }

    void serverAnswerKeepsSettings()
    {
        probe(QStringLiteral("jay@keep.test"), kRefused);
        const qint64 id = onlyId();
        retry(id, kGrey); // the next MX answered: greylisted
        const auto e = m_queue->entry(id);
        QCOMPARE(e->settings.mxSkip, 1); // what reached a server is kept
        QCOMPARE(e->ladderStep, 0);
        QCOMPARE(m_clock.now().secsTo(e->nextAttemptAt), qint64(20 * 60)); // greylisting, second failure
    }

    void hardFailureEnds()
    {
        probe(QStringLiteral("kim@hard.test"), kFull);
        const qint64 id = onlyId();
        retry(id, kUnknown); // base settings, 5.1.1: retrying is pointless
        QCOMPARE(m_queue->entry(id)->state, EntryState::Failed);
        QCOMPARE(m_queue->entry(id)->resolvedBy, QStringLiteral("hard"));

        // A hard answer on alternate settings ends only that rung.
        probe(QStringLiteral("lee@hard.test"), kRefused);
        const qint64 second = m_queue->openEntry(QStringLiteral("lee@hard.test"))->id;
        retry(second, { QStringLiteral("5.7.0"), DeliveryClass::Hard, QStringLiteral("securityerror") });
        const auto e = m_queue->entry(second);
        QCOMPARE(e->state, EntryState::Pending);
        QCOMPARE(e->ladderStep, 1);
    }

    void expiresAfterLifetime()
    {
        probe(QStringLiteral("max@slow.test"), kFull);
        const qint64 id = onlyId();
        int attempts = 0;
        while (m_queue->entry(id)->state == EntryState::Pending && attempts < 200) {
            m_clock.set(m_queue->entry(id)->nextAttemptAt);
            retry(id, kFull);
            ++attempts;
        }
        const auto e = m_queue->entry(id);
        QCOMPARE(e->state, EntryState::Expired);
        QCOMPARE(e->resolvedBy, QStringLiteral("lifetime"));
        QCOMPARE(m_clock.now(), e->expiresAt); // the last attempt came exactly at the end of the lifetime
        QCOMPARE(attempts, 62);
        QVERIFY(!e->nextAttemptAt.isValid());

        // Nothing ran for a week: pending entries past their lifetime expire at the next start.
        probe(QStringLiteral("ned@slow.test"), kFull);
        m_clock.advanceSecs(6 * 86400);
        QCOMPARE(m_queue->expireOverdue(), 1);
        QCOMPARE(m_queue->openEntry(QStringLiteral("ned@slow.test")), std::nullopt);
    }

    void leases()
    {
        probe(QStringLiteral("olga@lease.test"), kDrop);
        const qint64 id = onlyId();
        QVERIFY(m_queue->claim(id, 60'000));
        QVERIFY(!m_queue->claim(id, 60'000)); // exactly one claim wins
        QCOMPARE(m_queue->entry(id)->state, EntryState::Running);
        QCOMPARE(m_queue->entry(id)->leasePid, QCoreApplication::applicationPid());
        QCOMPARE(m_queue->reclaimStale(), 0); // our own, live lease
        m_clock.advanceSecs(61);
        QCOMPARE(m_queue->reclaimStale(), 1); // ran out
        QCOMPARE(m_queue->entry(id)->state, EntryState::Pending);

        // A process that died holding a lease: reclaimed at once, however long the lease.
        QVERIFY(m_queue->claim(id, 3'600'000));
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE retry_entries SET lease_pid = 2147483646")));
        QCOMPARE(m_queue->reclaimStale(), 1);
        QCOMPARE(m_queue->count(EntryState::Running), qint64(0));

        QVERIFY(m_queue->claim(id, 60'000));
        QVERIFY(m_queue->release(id));
        QCOMPARE(m_queue->entry(id)->state, EntryState::Pending);
    }

    void spreadAfterDowntime()
    {
        for (int i = 0; i < 10; ++i)
            probe(QStringLiteral("u%1@spread.test").arg(i), kDrop);
        m_clock.advanceSecs(3 * 3600);
        const QDateTime now = m_clock.now();
        QCOMPARE(m_queue->dueIds(now).size(), 10);
        QCOMPARE(m_queue->spreadOverdue(4, 15), 10);
        QList<qint64> offsets;
        for (const RetryEntry &e : m_queue->entries())
            offsets << now.secsTo(e.nextAttemptAt);
        QCOMPARE(offsets, (QList<qint64> { 0, 0, 0, 0, 15, 15, 15, 15, 30, 30 }));
        QCOMPARE(m_queue->dueIds(now).size(), 4);
        QCOMPARE(m_queue->nextDueAt(), now);
    }

    void manualActions()
    {
        probe(QStringLiteral("pat@manual.test"), kDrop);
        const qint64 id = onlyId();
        QString error;
        QCOMPARE(m_queue->resume(id, &error), RetryQueue::ActionResult::NotAllowed);
        QCOMPARE(m_queue->pause(id), RetryQueue::ActionResult::Done);
        QCOMPARE(m_queue->entry(id)->state, EntryState::Paused);
        QVERIFY(m_queue->dueIds(m_clock.now().addDays(1)).isEmpty());
        QVERIFY(!m_queue->claim(id, 1000));
        QCOMPARE(m_queue->retryNow(id), RetryQueue::ActionResult::NotAllowed);
        m_clock.advanceSecs(3600); // its time passed while paused
        QCOMPARE(m_queue->resume(id), RetryQueue::ActionResult::Done);
        QCOMPARE(m_queue->entry(id)->state, EntryState::Pending);
        QCOMPARE(m_queue->entry(id)->nextAttemptAt, m_clock.now());
        m_clock.advanceSecs(-1800);
        QCOMPARE(m_queue->retryNow(id), RetryQueue::ActionResult::Done);
        QCOMPARE(m_queue->entry(id)->nextAttemptAt, m_clock.now());
        QCOMPARE(m_queue->cancel(id), RetryQueue::ActionResult::Done);
        QCOMPARE(m_queue->entry(id)->state, EntryState::Cancelled);
        QCOMPARE(m_queue->entry(id)->resolvedBy, QStringLiteral("user"));
        QCOMPARE(m_queue->cancel(id), RetryQueue::ActionResult::NotAllowed);
        QCOMPARE(m_queue->pause(999), RetryQueue::ActionResult::NotFound);
    }

    void cancelledWhileRunning()
    {
        probe(QStringLiteral("quinn@race.test"), kDrop);
        const qint64 id = onlyId();
        QVERIFY(m_queue->claim(id, 60'000));
        QCOMPARE(m_queue->cancel(id), RetryQueue::ActionResult::Done); // the user, while the attempt runs
        retry(id, kDrop, false);
        const auto e = m_queue->entry(id);
        QCOMPARE(e->state, EntryState::Cancelled); // the user's decision stands
        QCOMPARE(e->attempts, 2); // and the attempt is recorded on it, not on a new entry
        QCOMPARE(m_queue->count(), qint64(1));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM retry_entries WHERE lease_pid IS NOT NULL")), 0);
    }

    void statsByStatusAndWindow()
    {
        // Three episodes: 4.4.2 recovered after 1 retry (30 min), 4.4.2 recovered after 2 (90 min), 4.2.2 not.
        const QDateTime t0 = m_clock.now();
        probe(QStringLiteral("a@s1.test"), kDrop);
        probe(QStringLiteral("b@s2.test"), kDrop);
        probe(QStringLiteral("c@s1.test"), kFull);
        const qint64 a = m_queue->openEntry(QStringLiteral("a@s1.test"))->id;
        const qint64 b = m_queue->openEntry(QStringLiteral("b@s2.test"))->id;
        const qint64 c = m_queue->openEntry(QStringLiteral("c@s1.test"))->id;
        m_clock.advanceSecs(1800);
        retry(a, kOk);
        retry(b, kDrop);
        retry(c, kFull);
        m_clock.advanceSecs(3600);
        retry(b, kOk);

        QString error;
        const QList<RetryStats> byStatus = retryStatsByStatus(*m_db, {}, {}, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(byStatus.size(), 2);
        QCOMPARE(byStatus.at(0).key, QStringLiteral("4.2.2"));
        QCOMPARE(byStatus.at(0).recovered, qint64(0));
        QCOMPARE(byStatus.at(0).recoveryRate, 0.0);
        QCOMPARE(byStatus.at(0).medianSecondsToRecovery, qint64(-1));
        const RetryStats &drop = byStatus.at(1);
        QCOMPARE(drop.key, QStringLiteral("4.4.2"));
        QCOMPARE(drop.attempted, qint64(2));
        QCOMPARE(drop.recovered, qint64(2));
        QCOMPARE(drop.retryAttempts, qint64(3));
        QCOMPARE(drop.attemptsToRecovery, 2.5); // (2 + 3) / 2
        QCOMPARE(drop.medianSecondsToRecovery, qint64(1800)); // of 1800 and 5400: the lower middle

        const QList<RetryStats> byDomain = retryStatsByDomain(*m_db, {}, {});
        QCOMPARE(byDomain.size(), 2);
        QCOMPARE(byDomain.at(0).key, QStringLiteral("s1.test"));
        QCOMPARE(byDomain.at(0).entries, qint64(2));
        QCOMPARE(byDomain.at(0).recoveryRate, 0.5);
        // The window bounds the first failure: [since, until).
        QCOMPARE(retryStatsByDomain(*m_db, t0.addSecs(1), {}).size(), 0);
        QCOMPARE(retryStatsByDomain(*m_db, t0, t0.addSecs(1)).size(), 2);
        QCOMPARE(retryStatsByDomain(*m_db, {}, t0).size(), 0);
        QCOMPARE(retryStatsForDomain(*m_db, QStringLiteral("none.test"), {}, {}).entries, qint64(0));
    }

    void noDuplicateOpenEntries()
    {
        // The partial unique index is the last line of defence against two processes queuing the same target.
        probe(QStringLiteral("r@dup.test"), kDrop);
        QSqlQuery q(m_db->connection());
        QVERIFY(!q.exec(QStringLiteral(
            "INSERT INTO retry_entries (target, domain, state, class, source, first_failed_at, expires_at,"
            " config_json, settings_json) SELECT target, domain, 'paused', class, source, first_failed_at,"
            " expires_at, config_json, settings_json FROM retry_entries")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO retry_entries (target, domain, state, class, source, first_failed_at, expires_at,"
            " config_json, settings_json) SELECT target, domain, 'cancelled', class, source, first_failed_at,"
            " expires_at, config_json, settings_json FROM retry_entries")));
    }

    void openTargetsUseTheIndexCheaply()
    {
        // Open entries are found through the partial index, and keeping it costs SQLite no temporary table per
        // write: an IN list in its condition made SQLite build one for every insert and two for every update.
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'retry_entries_open_target'"))
            && q.next());
        QVERIFY2(!q.value(0).toString().contains(QStringLiteral(" IN ")), qPrintable(q.value(0).toString()));
        const auto opcodes = [&q](const QString &sql) {
            QStringList list;
            if (q.exec(QStringLiteral("EXPLAIN ") + sql)) {
                while (q.next())
                    list << q.value(1).toString();
            }
            return list;
        };
        const QString update = QStringLiteral("UPDATE retry_entries SET state = 'succeeded', next_attempt_at = NULL"
                                              " WHERE id = 1");
        QVERIFY(!opcodes(update).isEmpty());
        QVERIFY2(!opcodes(update).contains(QStringLiteral("OpenEphemeral")), qPrintable(opcodes(update).join(u' ')));
        const QString insert = QStringLiteral(
            "INSERT INTO retry_entries (target, domain, state, class, source, first_failed_at, expires_at,"
            " config_json, settings_json) VALUES ('t', 'd', 'pending', 'soft', 'log', 'x', 'x', '{}', '{}')");
        QVERIFY(!opcodes(insert).contains(QStringLiteral("OpenEphemeral")));
        const QStringList lookups {
            QString(
                QStringLiteral("SELECT id FROM retry_entries WHERE target = 'x' AND ") + RetryQueue::openCondition()),
            QString(QStringLiteral("SELECT target FROM retry_entries INDEXED BY retry_entries_open_target WHERE ")
                + RetryQueue::openCondition()),
        };
        for (const QString &sql : lookups) {
            QVERIFY(q.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql));
            QStringList plan;
            while (q.next())
                plan << q.value(3).toString();
            QVERIFY2(
                plan.join(u' ').contains(QStringLiteral("retry_entries_open_target")), qPrintable(plan.join(u' ')));
        }
        // And it still allows one open entry per target only.
        probe(QStringLiteral("r@once.test"), kDrop);
        QVERIFY(!q.exec(QStringLiteral(
            "INSERT INTO retry_entries (target, domain, state, class, source, first_failed_at, expires_at,"
            " config_json, settings_json) SELECT target, domain, 'running', class, source, first_failed_at,"
            " expires_at, config_json, settings_json FROM retry_entries WHERE target = 'r@once.test'")));
    }
};

QTEST_GUILESS_MAIN(TestRetryQueue)
#include "tst_retryqueue.moc"
