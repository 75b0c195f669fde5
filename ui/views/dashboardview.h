#pragma once

#include <memory>

#include <QHash>
#include <QList>
#include <QStringList>
#include <QWidget>

#include "stats/groupstats.h"

class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QHorizontalStackedBarSeries;
class QLabel;
class QModelIndex;
class QPieSeries;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QThread;

namespace Mailpulse
{
class Clock;
namespace Store
{
class Database;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

class DomainStatsModel;
class DashboardWorker;

/// What one dashboard refresh reads from the store.
struct DashboardData {
    QList<Stats::GroupStats> domains;
    QList<Stats::GroupStats> providers;
    QList<Stats::TrendPoint> trend; // every domain
    QHash<QString, QList<Stats::TrendPoint>> domainTrends; // the domains selected in the table
    qint64 elapsedMs = 0; // time the worker took
    QString error;
};

/// The overview: per-domain success bars (worst first), success rate over time, failures by status, the flagged
/// domains and providers, and how often retries recover.
///
/// Stats are computed on a worker thread with its own store connection: StatsEngine takes ~300 ms on a million
/// probes, too long for the UI thread, and refresh() is called after every recorded probe. Refreshes requested while
/// one runs collapse into one follow-up, so a batch of probes costs at most one query in flight and one queued.
class DashboardView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)

public:
    enum class Window { Day, Week, Month }; // 24 h, 7 d, 30 d back from now
    enum class BarOrder { WorstFirst, MostProbes, Name };

    DashboardView(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    ~DashboardView() override;

    /// Re-reads the store in the background; refreshed() follows.
    void refresh();
    bool isRefreshing() const { return m_inFlight; }
    /// Reads the store on the calling (UI) thread and updates at once: for `--screenshot`, which renders and exits.
    void refreshNow();

    void setWindow(Window window);
    Window window() const;
    void setGranularity(Stats::Granularity granularity);
    void setBarOrder(BarOrder order);
    void setTopDomains(int count);
    /// Selects `domain` in the domain table (adding its line to the trend chart) and emits domainSelected().
    void selectDomain(const QString &domain);

    const DashboardData &data() const { return m_data; }
    DomainStatsModel *domainModel() const { return m_domainModel; }
    DomainStatsModel *providerModel() const { return m_providerModel; }
    DomainStatsModel *flaggedModel() const { return m_flaggedModel; }
    QHorizontalStackedBarSeries *barSeries() const { return m_barSeries; }
    /// The domains of the bar chart as the user reads them, top to bottom.
    QStringList barDomains() const { return m_barDomains; }
    QPieSeries *statusSeries() const { return m_statusSeries; }
    QChart *trendChart() const { return m_trendChart; }
    QTableView *domainTable() const { return m_domainTable; }
    QString recoveryText() const;
    /// UI-thread time the last refresh took to rebuild charts and tables (the worker's time is in data()).
    qint64 lastApplyMs() const { return m_applyMs; }

    /// What one refresh asks the worker for (public for the worker; not an API).
    struct Request;

Q_SIGNALS:
    void domainSelected(const QString &domain);
    void refreshed();
    void refreshFailed(const QString &error);

private:
    void request();
    Request currentRequest() const;
    void apply(DashboardData data);
    void rebuildBars();
    void rebuildTrend();
    void rebuildStatus();
    void rebuildTables();
    QStringList selectedDomains() const;
    void onBarClicked(int index);
    void onBarHovered(bool state, int index);
    void onCurrentDomainChanged(const QModelIndex &current);

    Store::Database *m_database;
    const Clock *m_clock;
    QThread *m_thread;
    DashboardWorker *m_worker;
    bool m_inFlight = false;
    bool m_pending = false;
    DashboardData m_data;
    qint64 m_applyMs = 0;

    QComboBox *m_window;
    QComboBox *m_granularity;
    QComboBox *m_order;
    QSpinBox *m_top;
    QLabel *m_status;
    QLabel *m_recovery;

    QChart *m_barChart;
    QHorizontalStackedBarSeries *m_barSeries = nullptr;
    QBarSet *m_barSet = nullptr;
    QStringList m_barDomains;
    QChart *m_trendChart;
    QChart *m_statusChart;
    QPieSeries *m_statusSeries;

    DomainStatsModel *m_domainModel;
    DomainStatsModel *m_providerModel;
    DomainStatsModel *m_flaggedModel;
    QSortFilterProxyModel *m_domainProxy;
    QTableView *m_domainTable;
};

} // namespace Mailpulse::Ui
