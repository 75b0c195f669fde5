#include "mainwindow.h"

#include <QCloseEvent>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QPixmap>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>

#include "dialogs/settingsdialog.h"
#include "store/database.h"
#include "views/contactsview.h"
#include "views/dashboardview.h"
#include "views/exportdialog.h"
#include "views/historyview.h"
#include "views/importview.h"
#include "views/labview.h"
#include "views/probeview.h"
#include "views/queueview.h"
#include "views/storereader.h"

namespace Mailpulse::Ui
{

namespace
{
const QString kGeometry = QStringLiteral("mainWindow/geometry");
const QString kState = QStringLiteral("mainWindow/state");
const QString kTab = QStringLiteral("mainWindow/currentTab");
} // namespace

MainWindow::MainWindow(
    Store::Database *database, Tracking::OutcomeRecorder *recorder, const Clock *clock, QWidget *parent)
    : QMainWindow(parent)
    , m_tabs(new QTabWidget(this))
    , m_dashboard(new DashboardView(database, clock, m_tabs))
    , m_probe(new ProbeView(recorder, clock, m_tabs))
    , m_history(new HistoryView(database, m_tabs))
    , m_lab(new LabView(m_tabs))
{
    setWindowTitle(tr("Mailpulse"));
    m_tabs->addTab(m_dashboard, tr("Dashboard"));
    m_tabs->addTab(m_probe, tr("Probe"));
    m_tabs->addTab(m_history, tr("History"));
    m_queue = new QueueView(database, clock, m_tabs);
    m_contacts = new ContactsView(database, clock, m_tabs);
    m_import = new ImportView(database, clock, m_tabs);
    m_import->setRules(retryPolicy(QSettings()), contactRules(QSettings()));
    applyProbeDefaults();
    m_tabs->addTab(m_queue, tr("Retry queue"));
    m_tabs->addTab(m_contacts, tr("Contacts"));
    m_tabs->addTab(m_import, tr("Import"));
    m_tabs->addTab(m_lab, tr("Lab"));
    setCentralWidget(m_tabs);
    resize(1100, 720);
    moveCheckpointsOffTheUiThread(database);

    connect(m_probe, &ProbeView::probeRecorded, m_history, &HistoryView::add);
    // A batch records many probes a second: these views re-read at a bounded rate, and only while shown.
    connect(m_probe, &ProbeView::probeRecorded, m_queue, &QueueView::refreshLater);
    connect(m_probe, &ProbeView::probeRecorded, m_contacts, &ContactsView::refreshLater);
    connect(m_probe, &ProbeView::probeRecorded, m_dashboard, &DashboardView::refreshLater);
    connect(m_import, &ImportView::importFinished, m_history, &HistoryView::refresh);
    connect(m_import, &ImportView::importFinished, m_queue, &QueueView::refresh);
    connect(m_import, &ImportView::importFinished, m_contacts, &ContactsView::refresh);
    connect(m_import, &ImportView::importFinished, m_dashboard, &DashboardView::refreshLater);
    // Through the history's filter box, so the user sees the filter and can clear it.
    connect(m_dashboard, &DashboardView::domainSelected, m_history, &HistoryView::setFilterText);
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *exportAction = file->addAction(tr("&Export…"), this, [this, database, clock] {
        auto *dialog = new ExportDialog(database, clock, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    exportAction->setShortcut(tr("Ctrl+E"));
    connect(m_lab, &LabView::probeRequested, this, [this](const QString &target, const QString &mx, const QString &ca) {
        m_probe->prepare(target, mx, ca);
        m_tabs->setCurrentWidget(m_probe);
        m_probe->run();
    });
    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    QAction *settingsAction = settingsMenu->addAction(tr("&Configure Mailpulse…"), this, [this] {
        // The dialog owns its QSettings so that it outlives this lambda; open(), not exec(): no nested loop.
        auto *settings = new QSettings;
        auto *dialog = new SettingsDialog(settings, this);
        settings->setParent(dialog);
        connect(dialog, &QDialog::accepted, this, &MainWindow::applyProbeDefaults);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    settingsAction->setShortcut(QKeySequence::Preferences);
}

void MainWindow::restoreLayout()
{
    const QSettings settings;
    // restoreGeometry() keeps the window on a screen that still exists; a missing or stale value keeps the default.
    restoreGeometry(settings.value(kGeometry).toByteArray());
    restoreState(settings.value(kState).toByteArray());
    bool ok = false;
    const int tab = settings.value(kTab).toInt(&ok);
    if (ok && tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
}

void MainWindow::moveCheckpointsOffTheUiThread(Store::Database *database)
{
    // SQLite copies the write-ahead log back into the store (a checkpoint, with an fsync) from whichever connection
    // commits when the log has grown past 1,000 pages: during a batch that is the UI thread, which then waits for
    // the disk for tens of milliseconds, more on a busy one. Here the UI thread's connection never checkpoints; a
    // reader thread does, passively (it never blocks a writer), once a second.
    if (!database || !database->isOpen() || !database->exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0")))
        return;
    auto *checkpointer = new StoreReader(database->path(), QStringLiteral("mailpulse-checkpoint"), this);
    auto *timer = new QTimer(this);
    timer->setInterval(1000);
    connect(timer, &QTimer::timeout, checkpointer, [checkpointer] {
        checkpointer->read<bool>(
            [](Store::Database &db) { return db.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")); }, [](bool) {});
    });
    timer->start();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(kGeometry, saveGeometry());
    settings.setValue(kState, saveState());
    settings.setValue(kTab, m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

void MainWindow::applyProbeDefaults()
{
    const QSettings settings;
    const ConcurrencyLimits limits = concurrencyLimits(settings);
    m_probe->setDefaults(defaultProbeConfig(settings), limits.maxConcurrent, limits.maxPerDomain);
}

} // namespace Mailpulse::Ui

namespace Mailpulse::Ui
{

bool MainWindow::saveScreenshots(const QString &directory, QString *error)
{
    if (!QDir().mkpath(directory)) {
        *error = tr("cannot create %1").arg(directory);
        return false;
    }
    // These views normally fill in from background threads; a screenshot is taken before that could land.
    m_dashboard->refreshNow();
    m_history->refreshNow();
    m_queue->refreshNow();
    m_contacts->refreshNow();
    static const char *const names[] = { "dashboard", "probe", "history", "queue", "contacts", "import", "lab" };
    for (int i = 0; i < m_tabs->count() && i < int(std::size(names)); ++i) {
        m_tabs->setCurrentIndex(i);
        const QString path = QDir(directory).filePath(QString::fromLatin1(names[i]) + QStringLiteral(".png"));
        if (!grab().save(path)) {
            *error = tr("cannot write %1").arg(path);
            return false;
        }
    }
    return true;
}

} // namespace Mailpulse::Ui
