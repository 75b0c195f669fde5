#pragma once

#include <memory>

#include <QHash>
#include <QList>
#include <QMap>
#include <QStringList>
#include <QWidget>

#include "stats/groupstats.h"
#include "stats/providerrules.h"

class QBarCategoryAxis;
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
class QTimer;
class QTableView;

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
class RefreshGate;
class StoreReader;

/// What one dashboard refresh reads from the store.
struct DashboardData {
    QList<Stats::GroupStats> domains;
    QList<Stats::GroupStats> providers;
    QList<Stats::TrendPoint> trend; // every domain
    QHash<QString, QList<Stats::TrendPoint>> domainTrends; // the domains selected in the table
    QMap<QString, qint64> failuresByStatus; // over every domain
    qint64 elapsedMs = 0; // time the worker took
    QString error;
};

/// The overview: per-domain success bars (worst first), success rate over time, failures by status, the flagged
/// domains and providers, and how often retries recover.
///
/// Stats are computed on a worker thread with its own store connection: StatsEngine takes ~300 ms on a million
/// probes, too long for the UI thread. Refreshes requested while one runs collapse into one follow-up; those caused
/// by recorded probes (refreshLater()) also wait for the dashboard to be shown and come at most every two seconds, so
/// a batch of probes costs a bounded share of the UI thread and of the machine.
class DashboardView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)

public:
    enum class Window { Day, Week, Month }; // 24 h, 7 d, 30 d back from now
    enum class BarOrder { WorstFirst, MostProbes, Name };

    DashboardView(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    ~DashboardView() override;

    /// Re-reads the store in the background (at once, or after the read in flight); refreshed() follows.
    void refresh();
    /// The store changed (a probe was recorded): re-reads when shown, at most every two seconds.
    void refreshLater();
    bool isRefreshing() const;
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
    /// Brings the domain table up to date first (it follows the store only while shown, see rebuildTables()).
    DomainStatsModel *domainModel();
    DomainStatsModel *providerModel() const { return m_providerModel; }
    DomainStatsModel *flaggedModel() const { return m_flaggedModel; }
    QHorizontalStackedBarSeries *barSeries() const { return m_barSeries; }
    /// The domains of the bar chart as the user reads them, top to bottom.
    QStringList barDomains() const { return m_barDomains; }
    QPieSeries *statusSeries() const { return m_statusSeries; }
    QChart *trendChart() const { return m_trendChart; }
    QTableView *domainTable() const { return m_domainTable; }
    QString recoveryText() const;
    /// UI-thread time of the last refresh: the whole rebuild when synchronous, its longest step when it came from the
    /// worker (steps run in separate turns of the event loop). The worker's time is in data().
    qint64 lastApplyMs() const { return m_applyMs; }

    /// What one refresh asks the worker for (public for the worker; not an API).
    struct Request;

Q_SIGNALS:
    void domainSelected(const QString &domain);
    void refreshed();
    void refreshFailed(const QString &error);

protected:
    /// Catches up with what was recorded while hidden.
    void showEvent(QShowEvent *event) override;

private:
    void request();
    Request currentRequest() const;
    /// A background read landed.
    void apply(DashboardData data);
    void present(DashboardData data);
    void presentStep();
    void rebuildBars();
    void rebuildTrend();
    void rebuildStatus();
    void rebuildTables();
    void syncDomainTable();
    QStringList selectedDomains() const;
    void onBarClicked(int index);
    void onBarHovered(bool state, int index);
    void onCurrentDomainChanged(const QModelIndex &current);

    Store::Database *m_database;
    const Clock *m_clock;
    StoreReader *m_reader;
    RefreshGate *m_gate;
    Stats::ProviderRules m_rules;
    bool m_domainTableStale = false; // m_data has domains the hidden domain table does not show yet
    bool m_stale = false; // the store changed while the dashboard was hidden
    DashboardData m_data;
    qint64 m_applyMs = 0; // the longest step of the last refresh on the UI thread
    QTimer *m_stepTimer = nullptr; // zero-interval, single-shot: the next step of presenting a worker's result
    int m_nextStep = 0;

    QComboBox *m_window;
    QComboBox *m_granularity;
    QComboBox *m_order;
    QSpinBox *m_top;
    QLabel *m_status;
    QLabel *m_recovery;

    QChart *m_barChart;
    QHorizontalStackedBarSeries *m_barSeries = nullptr;
    QBarSet *m_barSet = nullptr;
    QBarSet *m_failedSet = nullptr;
    QBarCategoryAxis *m_barAxis = nullptr;
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
