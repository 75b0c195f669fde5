#include "queue/retryscheduler.h"

#include <algorithm>

#include "queue/queuelogging.h"
#include "queue/retryladder.h"
#include "queue/retryqueue.h"
#include "smtp/probeengine.h"
#include "tracking/outcomerecorder.h"

namespace Mailpulse::Queue
{

RetryScheduler::RetryScheduler(RetryQueue &queue, Tracking::OutcomeRecorder &recorder, Smtp::ProbeEngine &engine,
    const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_queue(queue)
    , m_recorder(recorder)
    , m_engine(engine)
    , m_clock(clock)
{
    qRegisterMetaType<Mailpulse::Queue::RetryAttemptReport>();
    qRegisterMetaType<Mailpulse::Queue::RetrySettings>();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RetryScheduler::checkDue);
    connect(&m_engine, &Smtp::ProbeEngine::probeFinished, this, &RetryScheduler::onProbeFinished);
}

RetryScheduler::~RetryScheduler() = default;

bool RetryScheduler::recover(QString *error)
{
    return m_queue.reclaimStale(error) >= 0 && m_queue.expireOverdue(error) >= 0;
}

bool RetryScheduler::start(QString *error)
{
    if (!recover(error))
        return false;
    if (m_queue.spreadOverdue(m_options.startBatch, m_options.startSpacingSecs, error) < 0)
        return false;
    m_active = true;
    checkDue();
    return true;
}

void RetryScheduler::stop()
{
    m_active = false;
    m_timer.stop();
}

int RetryScheduler::runEntries(const QList<qint64> &ids)
{
    int queued = 0;
    for (const qint64 id : ids) {
        if (m_waiting.contains(id))
            continue;
        bool running = false;
        for (const Running &r : std::as_const(m_running))
            running = running || r.entryId == id;
        if (running)
            continue;
        m_waiting.append(id);
        ++queued;
    }
    feed();
    if (!isBusy())
        Q_EMIT drained();
    return queued;
}

int RetryScheduler::runAll()
{
    QString error;
    return runEntries(m_queue.pendingIds(&error));
}

int RetryScheduler::runDue()
{
    QString error;
    return runEntries(m_queue.dueIds(m_clock->now(), &error));
}

void RetryScheduler::checkDue()
{
    if (m_queue.expireOverdue() < 0)
        qCWarning(lcQueue) << "could not expire overdue entries";
    runDue();
    arm();
}

void RetryScheduler::arm()
{
    if (!m_active)
        return;
    QString error;
    const QDateTime next = m_queue.nextDueAt(&error);
    qint64 ms = m_options.maxTimerMs;
    if (next.isValid())
        ms = std::clamp<qint64>(m_clock->now().msecsTo(next), 0, m_options.maxTimerMs);
    // While attempts run, their completion re-arms; a zero timer would only spin on entries already taken.
    if (ms == 0 && isBusy())
        return;
    m_timer.start(int(ms));
}

void RetryScheduler::feed()
{
    const int limit = std::max(1, m_engine.limits().maxConcurrent);
    while (!m_waiting.isEmpty() && m_running.size() < limit) {
        const qint64 id = m_waiting.takeFirst();
        QString error;
        const std::optional<RetryEntry> entry = m_queue.entry(id, false, &error);
        if (!entry || entry->state != EntryState::Pending)
            continue;
        const auto target = Smtp::ProbeTarget::parse(entry->target, &error);
        if (!target) {
            qCWarning(lcQueue).noquote() << "entry" << id << "has an unusable target" << entry->target << error;
            continue;
        }
        Running running;
        running.entryId = id;
        running.settings = entry->settings;
        running.alternate = RetryLadder::isAlternate(entry->baseConfig, entry->settings);
        running.config = entry->settings.applyTo(entry->baseConfig);
        if (!m_queue.claim(id, qint64(running.config.timeouts.totalMs) + m_options.leaseMarginMs, &error)) {
            if (!error.isEmpty())
                qCWarning(lcQueue).noquote() << "entry" << id << "could not be claimed:" << error;
            continue;
        }
        const quint64 probeId = m_engine.enqueue(*target, running.config);
        m_running.insert(probeId, running);
        Q_EMIT attemptStarted(id, entry->target, running.settings);
    }
}

void RetryScheduler::onProbeFinished(quint64 probeId, const Smtp::ProbeResult &result)
{
    const auto it = m_running.constFind(probeId);
    if (it == m_running.cend())
        return; // someone else's probe on a shared engine
    const Running running = it.value();
    m_running.erase(it);

    RetryAttemptReport report;
    report.entryId = running.entryId;
    report.target = result.target;
    report.settings = running.settings;
    report.alternate = running.alternate;
    report.result = result;
    m_queue.beginAttempt({ running.entryId, running.settings, running.alternate });
    report.stored = m_recorder.recordProbe(result, running.config, nullptr, &report.error);
    m_queue.endAttempt();
    if (!report.stored) {
        qCWarning(lcQueue).noquote() << "could not record the attempt for entry" << running.entryId << report.error;
        QString error;
        m_queue.release(running.entryId, &error);
    }
    QString error;
    report.entry = m_queue.entry(running.entryId, true, &error);
    Q_EMIT attemptFinished(report);

    feed();
    if (!isBusy()) {
        arm();
        Q_EMIT drained();
    }
}

} // namespace Mailpulse::Queue
