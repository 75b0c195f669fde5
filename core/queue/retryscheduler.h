#pragma once

#include <optional>

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QTimer>

#include "common/clock.h"
#include "queue/retryentry.h"
#include "queue/retrysettings.h"
#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

namespace Mailpulse::Smtp
{
class ProbeEngine;
}
namespace Mailpulse::Tracking
{
class OutcomeRecorder;
}

namespace Mailpulse::Queue
{

class RetryQueue;

/// What one retry attempt did.
struct RetryAttemptReport {
    qint64 entryId = 0;
    QString target;
    RetrySettings settings; // planned for the attempt
    bool alternate = false; // settings other than the base ones
    Smtp::ProbeResult result;
    bool stored = false; // false: the store refused it (error says why); the entry went back to pending
    QString error;
    std::optional<RetryEntry> entry; // after the attempt (with history)
};

/// Runs queue entries through a ProbeEngine and records every outcome through an OutcomeRecorder (whose sinks
/// include the RetryQueue). One single-shot QTimer is armed for the next due entry from the injected clock.
/// Attempts in flight hold a lease on their entry; only as many are claimed as the engine runs at once, so a crash
/// strands few, and those are reclaimed at the next start.
class RetryScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetryScheduler)

public:
    struct Options {
        int startBatch = 4; // at start, overdue entries are rescheduled `startBatch` at a time …
        int startSpacingSecs = 15; // … this far apart
        int maxTimerMs = 60'000; // re-check at least this often (entries added by another process, clock jumps)
        int leaseMarginMs = 60'000; // a lease lasts the probe's whole-probe timeout plus this
    };

    RetryScheduler(RetryQueue &queue, Tracking::OutcomeRecorder &recorder, Smtp::ProbeEngine &engine,
        const Clock *clock, QObject *parent = nullptr);
    ~RetryScheduler() override;

    void setOptions(const Options &options) { m_options = options; }
    Options options() const { return m_options; }

    /// Housekeeping every run mode needs first: reclaims entries a dead process left running and expires what
    /// outlived its lifetime. False on a store failure.
    bool recover(QString *error = nullptr);
    /// Automatic mode: recover(), spread out what fell due while nothing ran, run what is due, and keep the timer
    /// armed for the next due entry.
    bool start(QString *error = nullptr);
    /// Leaves automatic mode; attempts in flight still finish and are recorded.
    void stop();
    bool isActive() const { return m_active; }

    /// Runs these entries now (manual "retry now", `queue run --id`); non-pending ones are skipped when their turn
    /// comes. Returns how many were queued.
    int runEntries(const QList<qint64> &ids);
    /// Every pending entry now, regardless of schedule (`queue run --all`).
    int runAll();
    /// Every entry due now (`queue run --due`, and the timer).
    int runDue();
    /// The timer's slot, public so that tests drive it after moving a fake clock: runs what is due, re-arms.
    void checkDue();

    int inFlight() const { return int(m_running.size()); }
    int waiting() const { return int(m_waiting.size()); }
    bool isBusy() const { return !m_running.isEmpty() || !m_waiting.isEmpty(); }
    /// The armed timer's interval (ms), -1 when not armed.
    int timerIntervalMs() const { return m_timer.isActive() ? m_timer.interval() : -1; }

Q_SIGNALS:
    void attemptStarted(qint64 entryId, const QString &target, const Mailpulse::Queue::RetrySettings &settings);
    void attemptFinished(const Mailpulse::Queue::RetryAttemptReport &report);
    /// Nothing waiting and nothing in flight.
    void drained();

private:
    struct Running {
        qint64 entryId = 0;
        RetrySettings settings;
        bool alternate = false;
        Smtp::ProbeConfig config;
    };

    void feed();
    void onProbeFinished(quint64 probeId, const Smtp::ProbeResult &result);
    void arm();

    RetryQueue &m_queue;
    Tracking::OutcomeRecorder &m_recorder;
    Smtp::ProbeEngine &m_engine;
    const Clock *m_clock;
    Options m_options;
    QTimer m_timer;
    bool m_active = false;
    QList<qint64> m_waiting;
    QHash<quint64, Running> m_running; // by probe id
};

} // namespace Mailpulse::Queue

Q_DECLARE_METATYPE(Mailpulse::Queue::RetryAttemptReport)
Q_DECLARE_METATYPE(Mailpulse::Queue::RetrySettings)
