#include "dashboardview.h"

#include <algorithm>
#include <iterator>

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalStackedBarSeries>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPieSeries>
#include <QPieSlice>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include "common/clock.h"
#include "models/domainstatsmodel.h"
#include "models/domainstatsproxy.h"
#include "stats/statsengine.h"
#include "stats/timewindow.h"
#include "store/database.h"
#include "views/storereader.h"
#include "widgets/tableheaders.h"

namespace Mailpulse::Ui
{

namespace
{

// More lines than this make the trend chart unreadable; the "all domains" line is always drawn.
constexpr int kMaxTrendDomains = 5;

// Between two refreshes caused by recorded probes: each costs the worker ~300 ms of CPU on a million probes.
constexpr int kRefreshIntervalMs = 2000;

// Colors for the statuses people act on. 4.4.1 (no connection) and 4.4.2 (connection dropped) point at different
// problems (firewall or dead host vs. overloaded or filtering server), so they must never look alike.
QColor statusColor(const QString &status, int fallbackIndex)
{
    static const QHash<QString, QColor> fixed = {
        { QStringLiteral("4.4.1"), QColor(0xd9, 0x48, 0x0f) },
        { QStringLiteral("4.4.2"), QColor(0x70, 0x48, 0xe8) },
        { QStringLiteral("4.4.3"), QColor(0xf5, 0x9f, 0x00) },
        { QStringLiteral("4.7.5"), QColor(0x0c, 0x85, 0x99) },
        { QStringLiteral("5.1.1"), QColor(0xc9, 0x2a, 0x2a) },
        { QStringLiteral("5.1.2"), QColor(0x86, 0x2e, 0x9c) },
    };
    static const QColor cycle[] = { QColor(0x19, 0x71, 0xc2), QColor(0x2f, 0x9e, 0x44), QColor(0x86, 0x8e, 0x96),
        QColor(0xe6, 0x49, 0x80), QColor(0x5c, 0x94, 0x0d), QColor(0x36, 0x4f, 0xc7), QColor(0xa6, 0x1e, 0x4d) };
    return fixed.value(status, cycle[fallbackIndex % int(std::size(cycle))]);
}

double percent(qint64 part, qint64 whole) { return whole > 0 ? 100.0 * double(part) / double(whole) : 0.0; }

Stats::ProviderRules loadRules()
{
    Stats::ProviderRules rules = Stats::ProviderRules::defaultRules();
    const QString userRules = Stats::ProviderRules::defaultUserFilePath();
    QString ignored;
    // A broken user file is reported by the CLI's `stats rules`; the dashboard falls back to the shipped rules.
    if (QFile::exists(userRules))
        rules.loadUserFile(userRules, &ignored);
    return rules;
}

} // namespace

struct DashboardView::Request {
    Stats::TimeWindow window;
    Stats::Granularity granularity = Stats::Granularity::Hour;
    QStringList trendDomains;
};

namespace
{

DashboardData compute(
    Store::Database &database, const Stats::ProviderRules &rules, const DashboardView::Request &request)
{
    DashboardData data;
    QElapsedTimer timer;
    timer.start();
    const Stats::StatsEngine engine(database, rules);
    if (!engine.domainStats(request.window, &data.domains, &data.error)
        || !engine.providerStats(request.window, &data.providers, &data.error)
        || !engine.trend(request.window, request.granularity, &data.trend, &data.error))
        return data;
    for (const QString &domain : request.trendDomains) {
        QList<Stats::TrendPoint> points;
        if (!engine.trend(request.window, request.granularity, &points, &data.error, domain))
            return data;
        data.domainTrends.insert(domain, points);
    }
    for (const Stats::GroupStats &g : std::as_const(data.domains)) {
        for (auto it = g.failuresByStatus.cbegin(); it != g.failuresByStatus.cend(); ++it)
            data.failuresByStatus[it.key()] += it.value();
    }
    data.elapsedMs = timer.elapsed();
    return data;
}

} // namespace

DashboardView::DashboardView(Store::Database *database, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_database(database)
    , m_clock(clock)
    , m_reader(new StoreReader(database->path(), QStringLiteral("dashboard"), this))
    , m_gate(new RefreshGate(
          kRefreshIntervalMs, [this] { request(); }, this))
    , m_rules(loadRules())
    , m_window(new QComboBox(this))
    , m_granularity(new QComboBox(this))
    , m_order(new QComboBox(this))
    , m_top(new QSpinBox(this))
    , m_status(new QLabel(this))
    , m_recovery(new QLabel(this))
    , m_barChart(new QChart)
    , m_trendChart(new QChart)
    , m_statusChart(new QChart)
    , m_statusSeries(new QPieSeries) // owned by its chart: Qt Charts aborts on a series deleted while attached
    , m_domainModel(new DomainStatsModel(this))
    , m_providerModel(new DomainStatsModel(this))
    , m_flaggedModel(new DomainStatsModel(this))
    , m_domainProxy(new DomainStatsProxy(this))
    , m_domainTable(new QTableView(this))
{
    m_stepTimer = new QTimer(this);
    m_stepTimer->setSingleShot(true);
    m_stepTimer->setInterval(0);
    connect(m_stepTimer, &QTimer::timeout, this, &DashboardView::presentStep);
    connect(m_reader, &StoreReader::failed, this, [this](const QString &error) {
        DashboardData failed;
        failed.error = error;
        apply(std::move(failed));
    });

    m_window->addItem(tr("Last 24 hours"), int(Window::Day));
    m_window->addItem(tr("Last 7 days"), int(Window::Week));
    m_window->addItem(tr("Last 30 days"), int(Window::Month));
    m_granularity->addItem(tr("Per hour"), int(Stats::Granularity::Hour));
    m_granularity->addItem(tr("Per day"), int(Stats::Granularity::Day));
    m_order->addItem(tr("Worst first"), int(BarOrder::WorstFirst));
    m_order->addItem(tr("Most probes"), int(BarOrder::MostProbes));
    m_order->addItem(tr("By name"), int(BarOrder::Name));
    m_top->setRange(1, 100);
    m_top->setValue(10);
    m_top->setToolTip(tr("How many domains the bar chart shows"));
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setToolTip(tr("Re-read the store (F5)"));
    auto *shortcut = new QShortcut(QKeySequence::Refresh, this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Window:"), this));
    controls->addWidget(m_window);
    controls->addWidget(m_granularity);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Domains:"), this));
    controls->addWidget(m_order);
    controls->addWidget(new QLabel(tr("Top"), this));
    controls->addWidget(m_top);
    controls->addWidget(refreshButton);
    controls->addWidget(m_status, 1);

    m_barChart->setTitle(tr("Success rate by domain"));
    m_barChart->legend()->setAlignment(Qt::AlignBottom);
    m_trendChart->setTitle(tr("Success rate over time"));
    m_trendChart->legend()->setAlignment(Qt::AlignBottom);
    m_statusChart->setTitle(tr("Failures by status"));
    m_statusChart->legend()->setAlignment(Qt::AlignRight);
    m_statusSeries->setHoleSize(0.4);
    m_statusChart->addSeries(m_statusSeries);
    const auto makeView = [this](QChart *chart) {
        auto *view = new QChartView(chart, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(200);
        return view;
    };

    auto *flaggedTable = new QTableView(this);
    auto *providerTable = new QTableView(this);
    auto *flaggedProxy = new DomainStatsProxy(this);
    auto *providerProxy = new DomainStatsProxy(this);
    flaggedProxy->setSourceModel(m_flaggedModel);
    providerProxy->setSourceModel(m_providerModel);
    m_domainProxy->setSourceModel(m_domainModel);
    const std::pair<QTableView *, QSortFilterProxyModel *> tables[]
        = { { flaggedTable, flaggedProxy }, { m_domainTable, m_domainProxy }, { providerTable, providerProxy } };
    for (const auto &[table, proxy] : tables) {
        proxy->setSortRole(DomainStatsModel::SortRole);
        table->setModel(proxy);
        table->setSortingEnabled(true);
        table->sortByColumn(DomainStatsModel::SuccessRate, Qt::AscendingOrder);
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
        fitColumnsToHeaders(table);
    }
    flaggedTable->setSelectionMode(QAbstractItemView::SingleSelection);
    providerTable->setSelectionMode(QAbstractItemView::SingleSelection);
    // Several selected domains each get a line in the trend chart.
    m_domainTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_domainTable->hideColumn(DomainStatsModel::Kind);
    providerTable->hideColumn(DomainStatsModel::Kind);

    auto *tabs = new QTabWidget(this);
    connect(tabs, &QTabWidget::currentChanged, this, &DashboardView::syncDomainTable);
    tabs->addTab(flaggedTable, tr("Consistent problems"));
    tabs->addTab(m_domainTable, tr("Domains"));
    tabs->addTab(providerTable, tr("Providers"));
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_recovery);
    bottomLayout->addWidget(tabs, 1);

    auto *top = new QSplitter(Qt::Horizontal, this);
    QChartView *barView = makeView(m_barChart);
    barView->setMinimumHeight(300); // ten domain labels, legible
    top->addWidget(barView);
    top->addWidget(makeView(m_statusChart));
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto *main = new QSplitter(Qt::Vertical, this);
    main->addWidget(top);
    main->addWidget(makeView(m_trendChart));
    main->addWidget(bottom);
    // The bars need height for their domain labels; the trend reads well when flat.
    main->setStretchFactor(0, 4);
    main->setStretchFactor(1, 2);
    main->setStretchFactor(2, 3);
    main->setSizes({ 400, 200, 300 });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(main, 1);

    connect(refreshButton, &QPushButton::clicked, this, &DashboardView::refresh);
    connect(shortcut, &QShortcut::activated, this, &DashboardView::refresh);
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] {
        // A day of hourly points or a month of daily ones: what fits the window; the user can still switch.
        m_granularity->setCurrentIndex(window() == Window::Day ? 0 : 1);
        refresh();
    });
    connect(m_granularity, &QComboBox::currentIndexChanged, this, &DashboardView::refresh);
    connect(m_order, &QComboBox::currentIndexChanged, this, &DashboardView::rebuildBars);
    connect(m_top, &QSpinBox::valueChanged, this, &DashboardView::rebuildBars);
    connect(m_domainTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &DashboardView::onCurrentDomainChanged);
    // Trend lines for the newly selected domains.
    connect(m_domainTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DashboardView::refresh);
    connect(flaggedTable, &QTableView::activated, this, [this, flaggedProxy](const QModelIndex &index) {
        const DomainStatsModel::Row &row = m_flaggedModel->row(flaggedProxy->mapToSource(index).row());
        if (row.kind == Stats::GroupKind::Domain)
            selectDomain(row.stats.key);
    });
    refresh();
}

DashboardView::~DashboardView() = default;

DashboardView::Window DashboardView::window() const { return Window(m_window->currentData().toInt()); }

void DashboardView::setWindow(Window window) { m_window->setCurrentIndex(m_window->findData(int(window))); }

void DashboardView::setGranularity(Stats::Granularity granularity)
{
    m_granularity->setCurrentIndex(m_granularity->findData(int(granularity)));
}

void DashboardView::setBarOrder(BarOrder order) { m_order->setCurrentIndex(m_order->findData(int(order))); }

void DashboardView::setTopDomains(int count) { m_top->setValue(count); }

void DashboardView::refresh()
{
    m_stale = false;
    m_gate->requestNow();
}

void DashboardView::refreshLater()
{
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    m_gate->request();
}

bool DashboardView::isRefreshing() const { return m_gate->isBusy(); }

void DashboardView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void DashboardView::request()
{
    m_status->setText(tr("Updating…"));
    m_reader->read<DashboardData>(
        [rules = m_rules, r = currentRequest()](Store::Database &database) { return Ui::compute(database, rules, r); },
        [this](DashboardData data) { apply(std::move(data)); });
}

DashboardView::Request DashboardView::currentRequest() const
{
    Request r;
    const QDateTime now = m_clock->now();
    const int days = window() == Window::Day ? 1 : window() == Window::Week ? 7 : 30;
    r.window.since = now.addDays(-days);
    r.window.until = now.addSecs(1); // the probe recorded this second counts
    r.granularity = Stats::Granularity(m_granularity->currentData().toInt());
    r.trendDomains = selectedDomains();
    return r;
}

void DashboardView::refreshNow()
{
    m_status->setText(tr("Updating…"));
    // Not through apply(): this one is not the gate's.
    present(Ui::compute(*m_database, m_rules, currentRequest()));
}

void DashboardView::apply(DashboardData data)
{
    m_gate->finished();
    if (!data.error.isEmpty()) {
        present(std::move(data));
        return;
    }
    // From the worker, during a batch perhaps: the four rebuilds together take the UI thread tens of milliseconds
    // with 10,000 domains. Each gets its own turn of the event loop (the step timer), so that paints and input go
    // between them. A refresh whose steps are still pending is superseded: its refreshed() comes now.
    if (m_stepTimer->isActive())
        Q_EMIT refreshed();
    m_reader->dispose(std::exchange(m_data, std::move(data)));
    m_status->setText(tr("%n domain(s), updated in %1 ms", nullptr, int(m_data.domains.size())).arg(m_data.elapsedMs));
    m_applyMs = 0;
    m_nextStep = 0;
    presentStep();
}

void DashboardView::presentStep()
{
    static constexpr void (DashboardView::*Steps[])() = { &DashboardView::rebuildTables, &DashboardView::rebuildBars,
        &DashboardView::rebuildStatus, &DashboardView::rebuildTrend };
    QElapsedTimer timer;
    timer.start();
    (this->*Steps[m_nextStep++])();
    m_applyMs = qMax(m_applyMs, timer.elapsed());
    if (m_nextStep < int(std::size(Steps))) {
        m_stepTimer->start();
        return;
    }
    Q_EMIT refreshed();
}

void DashboardView::present(DashboardData data)
{
    if (m_stepTimer->isActive()) {
        m_stepTimer->stop(); // an earlier result's remaining steps: this one replaces it
        Q_EMIT refreshed();
    }
    if (!data.error.isEmpty()) {
        m_status->setText(tr("Cannot read the statistics: %1").arg(data.error));
        Q_EMIT refreshFailed(data.error);
    } else {
        QElapsedTimer timer;
        timer.start();
        m_reader->dispose(std::exchange(m_data, std::move(data)));
        m_status->setText(
            tr("%n domain(s), updated in %1 ms", nullptr, int(m_data.domains.size())).arg(m_data.elapsedMs));
        rebuildTables();
        rebuildBars();
        rebuildStatus();
        rebuildTrend();
        m_applyMs = timer.elapsed();
        Q_EMIT refreshed();
    }
}

QString DashboardView::recoveryText() const { return m_recovery->text(); }

void DashboardView::rebuildTables()
{
    // 10,000 domains take the UI thread tens of milliseconds to merge: the domain table (on a tab behind the flagged
    // one) follows while shown, and catches up when it is.
    m_domainTableStale = true;
    if (m_domainTable->isVisible())
        syncDomainTable();
    m_providerModel->setGroups(m_data.providers, Stats::GroupKind::Provider);
    QList<DomainStatsModel::Row> flagged;
    qint64 retries = 0;
    qint64 recovered = 0;
    for (const Stats::GroupStats &g : m_data.domains) {
        retries += g.retries;
        recovered += g.recovered;
        if (g.flagged)
            flagged.append({ Stats::GroupKind::Domain, g });
    }
    for (const Stats::GroupStats &g : m_data.providers) {
        if (g.flagged)
            flagged.append({ Stats::GroupKind::Provider, g });
    }
    m_flaggedModel->setRows(flagged);
    m_recovery->setText(retries > 0 ? tr("Retry recovery: %1% (%2 of %3 retried entries recovered)")
                                          .arg(QLocale().toString(percent(recovered, retries), 'f', 1))
                                          .arg(recovered)
                                          .arg(retries)
                                    : tr("Retry recovery: no retries in this window"));
}

void DashboardView::syncDomainTable()
{
    if (!std::exchange(m_domainTableStale, false))
        return;
    // A merge, not a reset: the selected domains (and their trend lines) stay selected.
    m_domainModel->setGroups(m_data.domains, Stats::GroupKind::Domain);
}

DomainStatsModel *DashboardView::domainModel()
{
    syncDomainTable();
    return m_domainModel;
}

void DashboardView::rebuildBars()
{
    QList<const Stats::GroupStats *> groups;
    for (const Stats::GroupStats &g : m_data.domains)
        groups.append(&g);
    const auto order = BarOrder(m_order->currentData().toInt());
    std::stable_sort(groups.begin(), groups.end(), [order](const Stats::GroupStats *a, const Stats::GroupStats *b) {
        switch (order) {
        case BarOrder::WorstFirst: {
            const double ra = a->successRate().value_or(1.0);
            const double rb = b->successRate().value_or(1.0);
            if (ra != rb)
                return ra < rb;
            return a->failures() > b->failures();
        }
        case BarOrder::MostProbes:
            return a->probes > b->probes;
        case BarOrder::Name:
            break;
        }
        return a->key < b->key;
    });
    groups.resize(std::min<qsizetype>(groups.size(), m_top->value()));

    // Success and failure stacked to 100%: a domain at 0% shows as a full red bar, not as nothing.
    QList<qreal> successes;
    QList<qreal> failures;
    QStringList categories;
    // A horizontal bar chart draws its first category at the bottom; insert in reverse so the first is on top.
    for (auto it = groups.crbegin(); it != groups.crend(); ++it) {
        const double rate = (*it)->successRate().value_or(0.0) * 100.0;
        successes << rate;
        failures << 100.0 - rate;
        categories << (*it)->key;
    }
    m_barDomains.clear();
    for (const Stats::GroupStats *g : std::as_const(groups))
        m_barDomains << g->key;
    if (!m_barSeries) {
        // Built once and then refilled: new series, sets and axes at every refresh cost the UI thread a relayout of
        // the whole chart and its legend.
        m_barSeries = new QHorizontalStackedBarSeries;
        m_barSet = new QBarSet(tr("Successful (%)"));
        m_barSet->setColor(QColor(0x2f, 0x9e, 0x44));
        m_failedSet = new QBarSet(tr("Failed (%)"));
        m_failedSet->setColor(QColor(0xe0, 0x31, 0x31));
        m_barSeries->append({ m_barSet, m_failedSet });
        m_barChart->addSeries(m_barSeries);
        m_barAxis = new QBarCategoryAxis;
        m_barAxis->setTruncateLabels(false); // a domain cut to "…" tells nothing; the plot gives way instead
        auto *values = new QValueAxis;
        values->setRange(0, 100);
        values->setLabelFormat(QStringLiteral("%d%%"));
        m_barChart->addAxis(m_barAxis, Qt::AlignLeft);
        m_barChart->addAxis(values, Qt::AlignBottom);
        m_barSeries->attachAxis(m_barAxis);
        m_barSeries->attachAxis(values);
        for (QBarSet *set : { m_barSet, m_failedSet }) {
            connect(set, &QBarSet::clicked, this, &DashboardView::onBarClicked);
            connect(set, &QBarSet::hovered, this, &DashboardView::onBarHovered);
        }
    }
    m_barSet->remove(0, m_barSet->count());
    m_barSet->append(successes);
    m_failedSet->remove(0, m_failedSet->count());
    m_failedSet->append(failures);
    m_barAxis->setCategories(categories);
}

void DashboardView::onBarClicked(int index)
{
    // Bar indexes count from the bottom (see rebuildBars).
    const qsizetype domain = m_barDomains.size() - 1 - index;
    if (domain >= 0 && domain < m_barDomains.size())
        selectDomain(m_barDomains.at(domain));
}

void DashboardView::onBarHovered(bool state, int index)
{
    const qsizetype i = m_barDomains.size() - 1 - index;
    if (!state || i < 0 || i >= m_barDomains.size()) {
        QToolTip::hideText();
        return;
    }
    for (const Stats::GroupStats &g : std::as_const(m_data.domains)) {
        if (g.key != m_barDomains.at(i))
            continue;
        QString text = tr("%1: %2% of %3 probes succeeded")
                           .arg(g.key, QLocale().toString(percent(g.successes, g.probes), 'f', 1))
                           .arg(g.probes);
        if (!g.dominantStatus.isEmpty())
            text += u'\n' + tr("Most failures: %1").arg(g.dominantStatus);
        QToolTip::showText(QCursor::pos(), text);
        return;
    }
}

void DashboardView::rebuildStatus()
{
    QList<std::pair<QString, qint64>> slices;
    for (auto it = m_data.failuresByStatus.cbegin(); it != m_data.failuresByStatus.cend(); ++it)
        slices.append({ it.key(), it.value() });
    std::stable_sort(slices.begin(), slices.end(), [](const auto &a, const auto &b) { return a.second > b.second; });

    // A donut with dozens of thin slices says nothing: the largest few, the connection failures the dashboard is
    // about, and the rest as "other".
    constexpr int kMaxSlices = 8;
    QList<std::pair<QString, qint64>> shown; // status ("" for the rest) and count
    qint64 other = 0;
    for (const auto &entry : std::as_const(slices)) {
        if (shown.size() >= kMaxSlices && entry.first != u"4.4.1" && entry.first != u"4.4.2")
            other += entry.second;
        else
            shown.append(entry);
    }
    if (other > 0)
        shown.append({ QString(), other });
    // The same statuses in the same order (the usual case while probes come in): new values for the slices, no new
    // slices and legend markers, which cost the UI thread tens of milliseconds.
    const QList<QPieSlice *> existing = m_statusSeries->slices();
    bool same = existing.size() == shown.size();
    for (qsizetype i = 0; same && i < shown.size(); ++i)
        same = existing.at(i)->property("status").toString() == shown.at(i).first;
    const auto label = [](const QString &status, qint64 count) {
        return status.isEmpty() ? tr("other (%1)").arg(count) : QStringLiteral("%1 (%2)").arg(status).arg(count);
    };
    if (same) {
        for (qsizetype i = 0; i < shown.size(); ++i) {
            existing.at(i)->setValue(double(shown.at(i).second));
            existing.at(i)->setLabel(label(shown.at(i).first, shown.at(i).second));
        }
    } else {
        QList<QPieSlice *> pieSlices;
        int fallback = 0;
        for (const auto &[status, count] : std::as_const(shown)) {
            auto *slice = new QPieSlice(label(status, count), double(count));
            slice->setColor(status.isEmpty() ? QColor(0xad, 0xb5, 0xbd) : statusColor(status, fallback++));
            slice->setProperty("status", status);
            connect(slice, &QPieSlice::hovered, this, [slice](bool state) {
                slice->setExploded(state);
                if (state)
                    QToolTip::showText(QCursor::pos(),
                        tr("%1 failed probes, %2%")
                            .arg(slice->label(), QLocale().toString(slice->percentage() * 100.0, 'f', 1)));
                else
                    QToolTip::hideText();
            });
            pieSlices.append(slice);
        }
        // One append of all slices: the chart lays out once instead of once per slice.
        m_statusSeries->clear();
        m_statusSeries->append(pieSlices);
    }
    m_statusChart->setTitle(slices.isEmpty() ? tr("Failures by status: none") : tr("Failures by status"));
}

void DashboardView::rebuildTrend()
{
    m_trendChart->removeAllSeries();
    const QList<QAbstractAxis *> axes = m_trendChart->axes();
    for (QAbstractAxis *axis : axes) {
        m_trendChart->removeAxis(axis);
        delete axis;
    }
    auto *time = new QDateTimeAxis;
    const bool hourly = Stats::Granularity(m_granularity->currentData().toInt()) == Stats::Granularity::Hour;
    time->setFormat(hourly ? QStringLiteral("dd.MM. HH:mm") : QStringLiteral("yyyy-MM-dd"));
    auto *values = new QValueAxis;
    values->setRange(0, 100);
    values->setLabelFormat(QStringLiteral("%d%%"));
    m_trendChart->addAxis(time, Qt::AlignBottom);
    m_trendChart->addAxis(values, Qt::AlignLeft);

    QDateTime first;
    QDateTime last;
    const auto addLine = [&](const QString &name, const QList<Stats::TrendPoint> &points) {
        auto *line = new QLineSeries;
        line->setName(name);
        line->setPointsVisible(true);
        // Buckets without probes have no rate; they are left out rather than drawn as 0%.
        for (const Stats::TrendPoint &p : points) {
            if (p.probes > 0)
                line->append(double(p.start.toMSecsSinceEpoch()), percent(p.successes, p.probes));
            if (!first.isValid() || p.start < first)
                first = p.start;
            if (!last.isValid() || p.start > last)
                last = p.start;
        }
        m_trendChart->addSeries(line);
        line->attachAxis(time);
        line->attachAxis(values);
        connect(line, &QLineSeries::hovered, this, [name, hourly](const QPointF &point, bool state) {
            if (!state) {
                QToolTip::hideText();
                return;
            }
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(qint64(point.x()), Qt::UTC);
            QToolTip::showText(QCursor::pos(),
                tr("%1, %2: %3% successful")
                    .arg(name,
                        hourly ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat)
                               : QLocale().toString(t.date(), QLocale::ShortFormat),
                        QLocale().toString(point.y(), 'f', 1)));
        });
    };
    addLine(tr("All domains"), m_data.trend);
    for (auto it = m_data.domainTrends.cbegin(); it != m_data.domainTrends.cend(); ++it)
        addLine(it.key(), it.value());
    if (first.isValid())
        time->setRange(first, last > first ? last : first.addSecs(hourly ? 3600 : 86400));
}

QStringList DashboardView::selectedDomains() const
{
    QStringList domains;
    const QModelIndexList rows = m_domainTable->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows) {
        if (domains.size() >= kMaxTrendDomains)
            break;
        domains << m_domainModel->row(m_domainProxy->mapToSource(index).row()).stats.key;
    }
    return domains;
}

void DashboardView::onCurrentDomainChanged(const QModelIndex &current)
{
    if (current.isValid())
        Q_EMIT domainSelected(m_domainModel->row(m_domainProxy->mapToSource(current).row()).stats.key);
}

void DashboardView::selectDomain(const QString &domain)
{
    syncDomainTable();
    for (int row = 0; row < m_domainModel->rowCount(); ++row) {
        if (m_domainModel->row(row).stats.key != domain)
            continue;
        const QModelIndex index = m_domainProxy->mapFromSource(m_domainModel->index(row, 0));
        {
            const QSignalBlocker blocker(m_domainTable->selectionModel());
            m_domainTable->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        }
        m_domainTable->scrollTo(index);
        break;
    }
    Q_EMIT domainSelected(domain);
    refresh();
}

} // namespace Mailpulse::Ui
