// Cold start of the desktop window: from main() to an exposed, painted main window on a given store.
// Build a large store first (e.g. `bench_stats --db /tmp/big.sqlite` makes 1,000,000 probes over 10,000 domains),
// then: QT_QPA_PLATFORM=offscreen bench_gui_startup /tmp/big.sqlite
#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QWindow>

#include "common/clock.h"
#include "store/database.h"
#include "store/proberepository.h"
#include "tracking/trackingpipeline.h"
#include "views/mainwindow.h"

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    Mailpulse::Store::Database::prepareProcess(); // as the app does
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const QString path = QApplication::arguments().value(1);
    if (path.isEmpty()) {
        out << "bench_gui_startup: skipped; usage: bench_gui_startup STORE.sqlite (build one with bench_stats --db "
               "PATH)\n";
        return 0;
    }
    Mailpulse::Store::Database database;
    QString error;
    if (!database.open(path, &error)) {
        out << "cannot open " << path << ": " << error << '\n';
        return 66;
    }
    const qint64 opened = sinceStart.elapsed();
    Mailpulse::SystemClock clock;
    Mailpulse::Tracking::TrackingPipeline pipeline(database, clock);
    Mailpulse::Ui::MainWindow window(&database, &pipeline.recorder(), &clock);
    const qint64 constructed = sinceStart.elapsed();
    window.show();
    while (!window.windowHandle() || !window.windowHandle()->isExposed())
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    window.repaint(); // the first frame, synchronously
    const qint64 interactive = sinceStart.elapsed();
    out << "store " << path << " with " << Mailpulse::Store::ProbeRepository(database).count() << " probes: opened "
        << opened << " ms, window built " << constructed << " ms, first frame " << interactive << " ms\n";
    return 0;
}
