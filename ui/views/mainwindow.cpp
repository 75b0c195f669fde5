#include "mainwindow.h"

#include <QDir>
#include <QPixmap>
#include <QTabWidget>

#include "views/historyview.h"
#include "views/labview.h"
#include "views/probeview.h"

namespace Mailpulse::Ui
{

MainWindow::MainWindow(
    Store::Database *database, Tracking::OutcomeRecorder *recorder, const Clock *clock, QWidget *parent)
    : QMainWindow(parent)
    , m_tabs(new QTabWidget(this))
    , m_probe(new ProbeView(recorder, clock, m_tabs))
    , m_history(new HistoryView(database, m_tabs))
    , m_lab(new LabView(m_tabs))
{
    setWindowTitle(tr("Mailpulse"));
    m_tabs->addTab(m_probe, tr("Probe"));
    m_tabs->addTab(m_history, tr("History"));
    m_tabs->addTab(m_lab, tr("Lab"));
    setCentralWidget(m_tabs);
    resize(1100, 720);

    connect(m_probe, &ProbeView::probeRecorded, m_history, &HistoryView::refresh);
    connect(m_lab, &LabView::probeRequested, this, [this](const QString &target, const QString &mx, const QString &ca) {
        m_probe->prepare(target, mx, ca);
        m_tabs->setCurrentWidget(m_probe);
        m_probe->run();
    });
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
    static const char *const names[] = { "probe", "history", "lab" };
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
