// The desktop window's responsiveness while a 1,000-target batch runs: the real MainWindow on a store with a large
// history, the built-in lab started from the Lab view, the batch pasted into the Probe view and run there. A 16 ms
// heartbeat on the UI thread measures how late it gets to run (a gap over 50 ms is a frame the user sees stutter),
// and every event the UI thread handles is timed, so the slowest ones can be named.
//
//   QT_QPA_PLATFORM=offscreen bench_gui_batch [--db STORE] [--rows N] [--domains N] [--targets N]
//       [--scenario NAME] [--tab dashboard|probe|history|queue|contacts] [--window day|week|month]
//
// STORE (default /tmp/mailpulse-bench-gui.sqlite) is built when missing: N probe rows (default 1,000,000) over the
// last 30 days, plus open retry entries and listed contacts. Each run works on a copy, so runs compare.
#include <algorithm>
#include <ctime>
#include <functional>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMetaEnum>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QWindow>

#include "common/clock.h"
#include "common/resourceusage.h"
#include "lab/smtplab.h"
#include "probestore.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"
#include "views/dashboardview.h"
#include "views/labview.h"
#include "views/mainwindow.h"
#include "views/probeview.h"

using namespace Mailpulse;

namespace
{

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

qint64 threadCpuUs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

qint64 processCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

/// Times every event the UI thread delivers (outermost deliveries only: nested ones are inside their parent's time),
/// keeping the slowest per event type and receiver class, and the paints of the main window.
class TimingApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        // Other threads (probe engine, store readers) deliver their events through here too: not the UI's time.
        if (!m_recording || m_depth > 0 || QThread::currentThread() != thread()) {
            if (QThread::currentThread() != thread())
                return QApplication::notify(receiver, event);
            ++m_depth;
            const bool result = QApplication::notify(receiver, event);
            --m_depth;
            return result;
        }
        const QEvent::Type type = event->type();
        const QMetaObject *meta = receiver->metaObject();
        const bool paint = type == QEvent::UpdateRequest && receiver == m_window;
        QElapsedTimer timer;
        timer.start();
        ++m_depth;
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        const qint64 us = timer.nsecsElapsed() / 1000;
        if (paint)
            m_paintUs.append(us);
        Slow &slow = m_events[{ int(type), meta }];
        ++slow.count;
        slow.maxUs = std::max(slow.maxUs, us);
        slow.totalUs += us;
        return result;
    }

    void record(QObject *window)
    {
        m_window = window;
        m_recording = true;
    }
    void stop() { m_recording = false; }

    struct Slow {
        int count = 0;
        qint64 maxUs = 0;
        qint64 totalUs = 0;
    };
    QHash<std::pair<int, const QMetaObject *>, Slow> m_events; // by event type and receiver class
    QList<qint64> m_paintUs;

private:
    QObject *m_window = nullptr;
    bool m_recording = false;
    int m_depth = 0;
};

qint64 percentile(QList<qint64> sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    std::sort(sorted.begin(), sorted.end());
    return sorted.at(std::min<qsizetype>(sorted.size() - 1, qsizetype(p * double(sorted.size()))));
}

/// Seeds the retry queue and the contact list the way probes do: soft failures wait for a retry, hard ones list
/// their recipient.
bool seedTracking(Store::Database &db, int entries, QString *error)
{
    SystemClock clock;
    Tracking::TrackingPipeline pipeline(db, clock);
    const Smtp::ProbeConfig config;
    for (int i = 0; i < entries; ++i) {
        Smtp::ProbeResult r;
        r.domain = QStringLiteral("domain%1.example").arg(i * 7 % 10000);
        r.target = QStringLiteral("queued%1@").arg(i) + r.domain;
        r.startedAt = clock.now().addSecs(-i * 60);
        const bool hard = i % 4 == 0;
        r.phase = hard ? Smtp::Phase::Rcpt : Smtp::Phase::Greeting;
        r.classification = hard ? Bounce::Classification { QStringLiteral("5.1.1"), Bounce::DeliveryClass::Hard,
            QStringLiteral("userunknown") }
                                : Bounce::Classification { QStringLiteral("4.4.2"), Bounce::DeliveryClass::Soft,
                                      QStringLiteral("networkerror") };
        if (!pipeline.recorder().recordProbe(r, config, nullptr, error))
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    Store::Database::prepareProcess(); // as the app does
    TimingApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailpulseBench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui_batch"));
    const QStringList args = QApplication::arguments();
    const auto option = [&args](const QString &name, const QString &fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const QString source = option(QStringLiteral("--db"), QStringLiteral("/tmp/mailpulse-bench-gui.sqlite"));
    const qint64 rows = option(QStringLiteral("--rows"), QStringLiteral("1000000")).toLongLong();
    const int domains = option(QStringLiteral("--domains"), QStringLiteral("10000")).toInt();
    const int targetCount = option(QStringLiteral("--targets"), QStringLiteral("1000")).toInt();
    const QString scenario = option(QStringLiteral("--scenario"), QStringLiteral("greylist"));
    const QString tab = option(QStringLiteral("--tab"), QStringLiteral("probe"));
    const QString windowName = option(QStringLiteral("--window"), QStringLiteral("month"));

    QTemporaryDir dir;
    // The user's settings stay out of it (and this run's stay out of theirs): defaults, in a scratch directory.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    QString error;
    if (!QFileInfo::exists(source)) {
        Store::Database db;
        if (!db.open(source, &error)) {
            out() << "cannot create " << source << ": " << error << '\n';
            return 1;
        }
        out() << "building " << source << ": " << rows << " probes over " << domains << " domains, last 30 days\n";
        out().flush();
        const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-30);
        if (!Bench::buildProbeStore(db, rows, domains, start, out(), &error) || !seedTracking(db, 2000, &error)) {
            out() << "build failed: " << error << '\n';
            return 1;
        }
        db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    const QString path = dir.filePath(QStringLiteral("store.sqlite"));
    if (!QFile::copy(source, path)) {
        out() << "cannot copy " << source << " to " << path << '\n';
        return 1;
    }

    Store::Database database;
    if (!database.open(path, &error)) {
        out() << "cannot open " << path << ": " << error << '\n';
        return 66;
    }
    SystemClock clock;
    Tracking::TrackingPipeline pipeline(database, clock);
    Ui::MainWindow window(&database, &pipeline.recorder(), &clock);
    window.dashboardView()->setWindow(windowName == u"day" ? Ui::DashboardView::Window::Day
            : windowName == u"week"                        ? Ui::DashboardView::Window::Week
                                                           : Ui::DashboardView::Window::Month);
    window.show();
    while (!window.windowHandle() || !window.windowHandle()->isExposed())
        QApplication::processEvents(QEventLoop::AllEvents, 10);

    // What a user does: start the lab in its tab, then paste the targets into the Probe view and press Run.
    if (!window.labView()->startLab()) {
        out() << "the lab did not start\n";
        return 70;
    }
    const quint16 port = window.labView()->lab()->port(scenario);
    if (port == 0) {
        out() << "no lab scenario " << scenario << '\n';
        return 64;
    }
    // 250 recipients at 50 domains, each probed four times: enough repeats for the contact rules (three failures in
    // a row), enough domains for the engine's concurrency.
    QStringList targets;
    for (int i = 0; i < targetCount; ++i) {
        const int k = i % 250;
        targets << QStringLiteral("user%1@d%2.%3.lab.test").arg(k).arg(k % 50).arg(scenario);
    }
    window.probeView()->prepare(
        targets.join(u'\n'), QStringLiteral("127.0.0.1:%1").arg(port), window.labView()->lab()->caCertificatePath());
    static const QStringList tabs = { QStringLiteral("dashboard"), QStringLiteral("probe"), QStringLiteral("history"),
        QStringLiteral("queue"), QStringLiteral("contacts") };
    window.tabs()->setCurrentIndex(std::max<qsizetype>(0, tabs.indexOf(tab)));

    // The app's own event loop runs until `done` says so, checked every 100 ms (a benchmark may nest a loop).
    const auto runUntil = [](const std::function<bool()> &done) {
        QEventLoop loop;
        QTimer check;
        QObject::connect(&check, &QTimer::timeout, &loop, [&] {
            if (done())
                loop.quit();
        });
        check.start(100);
        loop.exec();
    };
    // Let start-up settle (the first dashboard load) so that the batch is measured on its own.
    QElapsedTimer settle;
    settle.start();
    runUntil([&] { return settle.elapsed() > 3000 && !window.dashboardView()->isRefreshing(); });

    QList<qint64> gapsUs;
    QList<qint64> gapCpuUs; // the UI thread's CPU time in each gap: a long gap with little CPU is the machine's load
    qint64 lastCpuUs = 0;
    QElapsedTimer sinceTick;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(16);
    QObject::connect(&heartbeat, &QTimer::timeout, &app, [&] {
        gapsUs.append(sinceTick.nsecsElapsed() / 1000);
        sinceTick.start();
        const qint64 cpuUs = threadCpuUs();
        gapCpuUs.append(cpuUs - lastCpuUs);
        lastCpuUs = cpuUs;
    });
    int recorded = 0;
    QObject::connect(window.probeView(), &Ui::ProbeView::probeRecorded, &app, [&recorded] { ++recorded; });
    bool finished = false;
    QObject::connect(window.probeView(), &Ui::ProbeView::batchFinished, &app, [&finished] { finished = true; });

    const qint64 cpuBefore = processCpuMs();
    const qint64 uiCpuBefore = threadCpuUs();
    QElapsedTimer batch;
    batch.start();
    sinceTick.start();
    lastCpuUs = threadCpuUs();
    heartbeat.start();
    app.record(&window);
    if (!window.probeView()->run()) {
        out() << "the probe view refused the batch: " << window.probeView()->resultText() << '\n';
        return 70;
    }
    QTimer::singleShot(10 * 60 * 1000, &app, [&finished] { finished = true; }); // a bound, never expected
    runUntil([&finished] { return finished; });
    const qint64 batchMs = batch.elapsed();
    // The views catch up after the last probe (a dashboard refresh may be in flight): measured too.
    QElapsedTimer tail;
    tail.start();
    runUntil([&] { return tail.elapsed() > 1500 && !window.dashboardView()->isRefreshing(); });
    app.stop();
    heartbeat.stop();
    const qint64 cpuMs = processCpuMs() - cpuBefore;
    const qint64 uiCpuMs = (threadCpuUs() - uiCpuBefore) / 1000;

    const auto count = [&gapsUs](qint64 overUs) {
        return std::count_if(gapsUs.cbegin(), gapsUs.cend(), [overUs](qint64 us) { return us > overUs; });
    };
    const auto ms = [](qint64 us) { return QString::number(double(us) / 1000.0, 'f', 1); };
    out() << "store " << QFileInfo(source).fileName() << ": " << Store::ProbeRepository(database).count()
          << " probes now; scenario " << scenario << ", tab " << tab << ", dashboard window " << windowName << '\n';
    out() << "batch: " << recorded << " of " << targetCount << " probes recorded in " << batchMs << " ms ("
          << QString::number(1000.0 * recorded / double(std::max<qint64>(1, batchMs)), 'f', 1) << " probes/s)\n";
    out() << "UI heartbeat (16 ms): " << gapsUs.size() << " ticks; gap max " << ms(percentile(gapsUs, 1.0))
          << " ms, p99 " << ms(percentile(gapsUs, 0.99)) << " ms, p95 " << ms(percentile(gapsUs, 0.95))
          << " ms, median " << ms(percentile(gapsUs, 0.5)) << " ms; gaps > 50 ms: " << count(50'000)
          << ", > 100 ms: " << count(100'000) << '\n';
    qsizetype busyGaps = 0;
    qint64 maxBusyUs = 0;
    for (qsizetype i = 0; i < gapsUs.size(); ++i) {
        maxBusyUs = std::max(maxBusyUs, gapCpuUs.at(i));
        busyGaps += gapsUs.at(i) > 50'000 && gapCpuUs.at(i) > 34'000 ? 1 : 0;
    }
    out() << "  of those > 50 ms, the UI thread itself was busy (> 34 ms of CPU) in " << busyGaps
          << "; the most CPU in one gap " << ms(maxBusyUs)
          << " ms (the rest: off the CPU, waiting for a core or the disk)\n";
    out() << "main window paints: " << app.m_paintUs.size() << "; max " << ms(percentile(app.m_paintUs, 1.0))
          << " ms, p99 " << ms(percentile(app.m_paintUs, 0.99)) << " ms, median " << ms(percentile(app.m_paintUs, 0.5))
          << " ms\n";
    out() << "CPU: UI thread " << uiCpuMs << " ms, whole process " << cpuMs << " ms (lab, dashboard worker and UI), "
          << "peak RSS " << peakResidentKiB() / 1024 << " MiB\n";
    out() << "dashboard: last refresh " << window.dashboardView()->data().elapsedMs << " ms on its thread, "
          << window.dashboardView()->lastApplyMs() << " ms on the UI thread\n";
    QList<std::pair<QString, TimingApplication::Slow>> events;
    const QMetaEnum types = QEvent::staticMetaObject.enumerator(QEvent::staticMetaObject.indexOfEnumerator("Type"));
    for (auto it = app.m_events.cbegin(); it != app.m_events.cend(); ++it) {
        const char *type = types.valueToKey(it.key().first);
        events.append({ QStringLiteral("%1 on %2")
                            .arg(type ? QString::fromLatin1(type) : QString::number(it.key().first),
                                QString::fromLatin1(it.key().second->className())),
            it.value() });
    }
    std::sort(
        events.begin(), events.end(), [](const auto &a, const auto &b) { return a.second.totalUs > b.second.totalUs; });
    out() << "UI-thread events by total time (event type on receiver class: count, max, total):\n";
    for (qsizetype i = 0; i < std::min<qsizetype>(events.size(), 12); ++i)
        out() << "  " << events.at(i).first << ": " << events.at(i).second.count << ", max "
              << ms(events.at(i).second.maxUs) << " ms, total " << ms(events.at(i).second.totalUs) << " ms\n";
    return 0;
}
