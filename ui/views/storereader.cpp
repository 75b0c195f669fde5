#include "storereader.h"

#include <QThread>
#include <QTimer>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "store/database.h"

namespace Mailpulse::Ui
{

/// Lives on the reader's thread and owns the connection used there, opened on first use.
class StoreReaderWorker final : public QObject
{
public:
    explicit StoreReaderWorker(QString path)
        : m_path(std::move(path))
    {
    }

    Store::Database *database(QString *error)
    {
        if (!m_database) {
            auto database = std::make_unique<Store::Database>();
            if (!database->open(m_path, error))
                return nullptr;
            m_database = std::move(database);
        }
        return m_database.get();
    }

private:
    QString m_path;
    std::unique_ptr<Store::Database> m_database;
};

namespace
{

// QThread::LowPriority changes nothing under Linux's default scheduler (its static priority range is 0..0); a
// thread's nice value does, and the threads it starts (the stats engine's workers) inherit it. At nice 10 a reader
// gets about a tenth of a core that the UI thread also wants, and all of an idle one.
void lowerThisThreadsPriority()
{
#if defined(Q_OS_LINUX)
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
}

} // namespace

StoreReader::StoreReader(const QString &databasePath, const QString &name, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new StoreReaderWorker(databasePath))
{
    m_thread->setObjectName(name);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Low priority: on a busy machine the probes and the UI thread go first.
    connect(m_thread, &QThread::started, m_worker, &lowerThisThreadsPriority, Qt::DirectConnection);
    m_thread->start(QThread::LowPriority);
}

StoreReader::~StoreReader()
{
    m_thread->quit();
    m_thread->wait();
}

void StoreReader::post(std::function<void(Store::Database &)> job)
{
    QMetaObject::invokeMethod(m_worker, [this, worker = m_worker, job = std::move(job)] {
        QString error;
        Store::Database *database = worker->database(&error);
        if (!database) {
            // `this` outlives the worker's thread (its destructor waits), so the queued emit is safe.
            QMetaObject::invokeMethod(this, [this, error] { Q_EMIT failed(error); });
            return;
        }
        job(*database);
    });
}

RefreshGate::RefreshGate(int minIntervalMs, std::function<void()> start, QObject *parent)
    : QObject(parent)
    , m_minIntervalMs(minIntervalMs)
    , m_start(std::move(start))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &RefreshGate::start);
}

void RefreshGate::requestNow()
{
    if (m_inFlight) {
        m_pending = true;
        m_pendingNow = true;
        return;
    }
    start();
}

void RefreshGate::request()
{
    if (m_inFlight) {
        m_pending = true;
        return;
    }
    if (m_timer->isActive())
        return;
    const qint64 since = m_sinceStart.isValid() ? m_sinceStart.elapsed() : m_minIntervalMs;
    if (since >= m_minIntervalMs)
        start();
    else
        m_timer->start(int(m_minIntervalMs - since));
}

void RefreshGate::finished()
{
    m_inFlight = false;
    if (!m_pending)
        return;
    m_pending = false;
    if (std::exchange(m_pendingNow, false))
        start();
    else
        request();
}

bool RefreshGate::isBusy() const { return m_inFlight || m_pending || m_timer->isActive(); }

void RefreshGate::start()
{
    m_timer->stop();
    m_inFlight = true;
    m_sinceStart.start();
    m_start();
}

} // namespace Mailpulse::Ui
