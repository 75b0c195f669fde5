#pragma once

#include <functional>
#include <memory>

#include <QElapsedTimer>
#include <QObject>
#include <QString>

class QThread;
class QTimer;

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Ui
{

class StoreReaderWorker;

/// Reads the store on a worker thread with its own connection (a connection belongs to the thread that opened it),
/// so that the UI thread never waits on SQLite. Reads run one after another, in the order asked.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    /// `name` names the thread (it shows in debuggers and `top -H`).
    StoreReader(const QString &databasePath, const QString &name, QObject *parent = nullptr);
    /// Waits for the read in progress; results not yet delivered are dropped.
    ~StoreReader() override;

    /// Runs `job` on the worker thread; `done` gets its result on this reader's thread (the UI thread), unless the
    /// reader is gone by then: an owner that holds the reader as its child is never called back half-destroyed.
    /// When the store cannot be opened there, `job` does not run and failed() is emitted instead.
    template <typename T> void read(std::function<T(Store::Database &)> job, std::function<void(T)> done)
    {
        post([this, job = std::move(job), done = std::move(done)](Store::Database &database) {
            T result = job(database);
            // Queued to the reader: its destructor waits for this thread, and a deleted object's posted events are
            // dropped, so `done` never runs after the reader (and so its owner) is gone.
            QMetaObject::invokeMethod(this, [done, result = std::move(result)]() mutable { done(std::move(result)); });
        });
    }

    /// Destroys `value` on the worker thread: freeing last refresh's 10,000 rows costs the UI thread milliseconds.
    template <typename T> void dispose(T value)
    {
        auto holder = std::make_shared<T>(std::move(value));
        post([holder = std::move(holder)](Store::Database &) mutable { holder.reset(); });
    }

Q_SIGNALS:
    void failed(const QString &error);

private:
    void post(std::function<void(Store::Database &)> job);

    QThread *m_thread;
    StoreReaderWorker *m_worker;
};

/// Turns a burst of "the store changed" into few refreshes: at most one in flight, requests meanwhile collapse into
/// one follow-up, and throttled requests keep `minIntervalMs` between starts, so a batch that records many probes a
/// second costs the UI thread a bounded share however fast it runs.
class RefreshGate final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RefreshGate)

public:
    RefreshGate(int minIntervalMs, std::function<void()> start, QObject *parent = nullptr);

    /// Starts a refresh now, or once the one in flight has landed (the user asked: no throttling).
    void requestNow();
    /// Starts a refresh when `minIntervalMs` have passed since the last one started (coalescing everything until
    /// then), or once the one in flight has landed.
    void request();
    /// The refresh that was started has landed (or failed).
    void finished();
    /// A refresh is in flight, pending or scheduled.
    bool isBusy() const;

private:
    void start();

    int m_minIntervalMs;
    std::function<void()> m_start;
    QTimer *m_timer;
    QElapsedTimer m_sinceStart;
    bool m_inFlight = false;
    bool m_pending = false;
    bool m_pendingNow = false;
};

} // namespace Mailpulse::Ui
