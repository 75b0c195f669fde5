#pragma once

#include <QHash>
#include <QObject>
#include <deque>
#include <memory>

#include "common/clock.h"
#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

namespace Mailpulse::Smtp
{

/// Runs many probes concurrently: DNS, then the MX hosts in order (next host on connection-class failures), each
/// conversation an SmtpProbe. A global limit and a per-domain limit keep a monitor from hammering one provider.
class ProbeEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeEngine)

public:
    struct Limits {
        int maxConcurrent = 16;
        int maxPerDomain = 2;
    };

    explicit ProbeEngine(const Clock *clock, QObject *parent = nullptr);
    ~ProbeEngine() override;

    void setLimits(Limits limits);
    Limits limits() const { return m_limits; }

    /// Queues a probe and returns its id (ids start at 1). Starts it when the limits allow.
    quint64 enqueue(const ProbeTarget &target, const ProbeConfig &config);
    /// Cancels queued and running probes; running ones finish at once with their partial result.
    void cancelAll();

    int queuedCount() const;
    int runningCount() const;
    bool isIdle() const { return queuedCount() == 0 && runningCount() == 0; }

Q_SIGNALS:
    void probeStarted(quint64 id, const QString &target);
    /// Each transcript line as it happens (for a live view).
    void transcriptLine(quint64 id, const Mailpulse::Smtp::TranscriptEntry &entry);
    void probeFinished(quint64 id, const Mailpulse::Smtp::ProbeResult &result);
    void progressChanged(int finished, int total);
    /// Emitted when the last queued probe finished.
    void idle();

private:
    class Task;
    void startMore();
    void onTaskFinished(Task *task, const ProbeResult &result);

    const Clock *m_clock;
    Limits m_limits;
    quint64 m_nextId = 1;
    std::deque<Task *> m_queue;
    QList<Task *> m_running;
    QHash<QString, int> m_runningPerDomain;
    int m_finished = 0;
    int m_total = 0;
};

} // namespace Mailpulse::Smtp
