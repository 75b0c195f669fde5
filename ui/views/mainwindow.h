#pragma once

#include <QMainWindow>

class QTabWidget;

namespace Mailpulse
{
class Clock;
namespace Store
{
class Database;
}
namespace Tracking
{
class OutcomeRecorder;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

class DashboardView;
class ContactsView;
class HistoryView;
class ImportView;
class LabView;
class ProbeView;
class QueueView;

/// The main window: one tab per view. Dashboard, retry queue and contacts views arrive with the desktop-app issue.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(
        Store::Database *database, Tracking::OutcomeRecorder *recorder, const Clock *clock, QWidget *parent = nullptr);

    DashboardView *dashboardView() const { return m_dashboard; }
    ProbeView *probeView() const { return m_probe; }
    HistoryView *historyView() const { return m_history; }
    LabView *labView() const { return m_lab; }
    QueueView *queueView() const { return m_queue; }
    ContactsView *contactsView() const { return m_contacts; }
    ImportView *importView() const { return m_import; }
    QTabWidget *tabs() const { return m_tabs; }

    /// Renders every tab to DIR/<view>.png (lower-case tab names). For the README's pictures and for checks.
    bool saveScreenshots(const QString &directory, QString *error);
    /// Puts back the geometry, window state and current tab saved when the window last closed (QSettings). main.cpp
    /// calls it for an interactive start only, so screenshots and tests get the default layout.
    void restoreLayout();

protected:
    /// Remembers geometry, window state and the current tab for the next start.
    void closeEvent(QCloseEvent *event) override;

private:
    void applyProbeDefaults();
    void moveCheckpointsOffTheUiThread(Store::Database *database);
    QTabWidget *m_tabs;
    DashboardView *m_dashboard;
    ProbeView *m_probe;
    HistoryView *m_history;
    LabView *m_lab;
    QueueView *m_queue = nullptr;
    ContactsView *m_contacts = nullptr;
    ImportView *m_import = nullptr;
};

} // namespace Mailpulse::Ui
