// The dashboard and the CSV export on a store of crafted probes: the charts show the expected domains, order and
// values, 4.4.1 and 4.4.2 stay apart, flagged groups are listed, selecting a domain is announced, and the export
// writes the report the CLI would.
#include <QAbstractItemModelTester>
#include <QAction>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QElapsedTimer>
#include <QFile>
#include <QHorizontalStackedBarSeries>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPieSeries>
#include <QPieSlice>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlError>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "models/domainstatsmodel.h"
#include "report/reportexporter.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "store/proberepository.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"
#include "views/dashboardview.h"
#include "views/exportdialog.h"
#include "views/historyview.h"
#include "views/mainwindow.h"

using namespace Mailpulse;

namespace
{

// Now, for the dashboard: every crafted probe lies within the last 24 hours.
const QDateTime kNow(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);

Smtp::ProbeResult probe(const QString &domain, int hoursAgo, const QString &status)
{
    Smtp::ProbeResult r;
    r.domain = domain;
    r.target = QStringLiteral("user@") + domain;
    r.host = QStringLiteral("mx.") + domain;
    r.classification.status = status;
    const bool ok = status.startsWith(u'2');
    r.classification.cls = ok ? Bounce::DeliveryClass::Success
                              : (status.startsWith(u'4') ? Bounce::DeliveryClass::Soft : Bounce::DeliveryClass::Hard);
    r.classification.reason = ok ? QStringLiteral("accepted") : QStringLiteral("networkerror");
    r.phase = ok ? Smtp::Phase::Done : Smtp::Phase::Connect;
    r.timings.connect = ok ? 20 : -1;
    r.startedAt = kNow.addSecs(-3600 * hoursAgo);
    return r;
}

void add(QList<Smtp::ProbeResult> &results, const QString &domain, const QString &status, int count)
{
    for (int i = 0; i < count; ++i)
        results << probe(domain, 1 + (i % 10), status);
}

QString compact(const QByteArray &csv)
{
    return QString::fromUtf8(csv).replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Store::Database m_db;
    Test::FakeClock m_clock { kNow };

    bool refreshed(Ui::DashboardView &view)
    {
        QSignalSpy spy(&view, &Ui::DashboardView::refreshed);
        return spy.wait(10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QLocale::setDefault(QLocale::c()); // the figures below are compared as text
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("dash.sqlite")), &error), qPrintable(error));
        QList<Smtp::ProbeResult> results;
        // bad.test: 20% (flagged, mostly 4.4.1); mid.test: 70% (flagged, 4.4.2); good.test: 100%;
        // few.test: 0% but too few probes to count as a consistent problem.
        add(results, QStringLiteral("bad.test"), QStringLiteral("2.1.5"), 2);
        add(results, QStringLiteral("bad.test"), QStringLiteral("4.4.1"), 5);
        add(results, QStringLiteral("bad.test"), QStringLiteral("4.4.2"), 3);
        add(results, QStringLiteral("mid.test"), QStringLiteral("2.1.5"), 7);
        add(results, QStringLiteral("mid.test"), QStringLiteral("4.4.2"), 3);
        add(results, QStringLiteral("good.test"), QStringLiteral("2.1.5"), 10);
        add(results, QStringLiteral("few.test"), QStringLiteral("5.1.1"), 2);
        // Outside the 24 h window: counts in the 7-day view only.
        results << probe(QStringLiteral("old.test"), 72, QStringLiteral("4.4.1"));
        QVERIFY2(Store::ProbeRepository(m_db).insertAll(results, &error), qPrintable(error));

        // The retry queue's record of bad.test: four entries retried, three recovered. Written as the queue would.
        QSqlQuery q(m_db.connection());
        for (int id = 1; id <= 4; ++id) {
            q.prepare(QStringLiteral(
                "INSERT INTO retry_entries (id, target, recipient, domain, state, status, class, source, attempts,"
                " first_failed_at, expires_at, config_json, settings_json, recovered, resolved_at)"
                " VALUES (:id, 'user@bad.test', 'user@bad.test', 'bad.test', :state, '4.4.1', 'soft', 'probe', 2,"
                " '2026-01-01T08:00:00.000Z', '2026-01-06T08:00:00.000Z', '{}', '{}', :recovered,"
                " '2026-01-01T09:00:00.000Z')"));
            q.bindValue(QStringLiteral(":id"), id);
            q.bindValue(QStringLiteral(":state"), id <= 3 ? QStringLiteral("succeeded") : QStringLiteral("expired"));
            q.bindValue(QStringLiteral(":recovered"), id <= 3 ? 1 : 0);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            q.prepare(QStringLiteral("INSERT INTO retry_attempts (entry_id, at, kind, source, class)"
                                     " VALUES (:id, '2026-01-01T09:00:00.000Z', 'retry', 'queue', 'soft')"));
            q.bindValue(QStringLiteral(":id"), id);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
    }

    void chartsAndTables()
    {
        Ui::DashboardView view(&m_db, &m_clock);
        QAbstractItemModelTester domainTester(
            view.domainModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester flaggedTester(
            view.flaggedModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester providerTester(
            view.providerModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(1000, 800);
        view.show();
        QVERIFY(refreshed(view));

        // Bars: worst first, success rate in percent.
        const QStringList expected = { QStringLiteral("few.test"), QStringLiteral("bad.test"),
            QStringLiteral("mid.test"), QStringLiteral("good.test") };
        QCOMPARE(view.barDomains(), expected);
        QHorizontalStackedBarSeries *bars = view.barSeries();
        QVERIFY(bars);
        QCOMPARE(bars->count(), 2); // successful and failed, stacked
        QBarSet *set = bars->barSets().first();
        // The chart lists categories bottom-up: the worst domain is the last category, drawn on top.
        auto *axis = qobject_cast<QBarCategoryAxis *>(bars->attachedAxes().value(0));
        if (!axis)
            axis = qobject_cast<QBarCategoryAxis *>(bars->attachedAxes().value(1));
        QVERIFY(axis);
        QStringList topDown = axis->categories();
        std::reverse(topDown.begin(), topDown.end());
        QCOMPARE(topDown, expected);
        const QList<double> rates = { 0.0, 20.0, 70.0, 100.0 };
        for (int i = 0; i < rates.size(); ++i) {
            QCOMPARE(set->at(int(rates.size()) - 1 - i), rates.at(i));
            QCOMPARE(bars->barSets().at(1)->at(int(rates.size()) - 1 - i), 100.0 - rates.at(i));
        }

        view.setTopDomains(2);
        QCOMPARE(view.barDomains(), expected.mid(0, 2));
        view.setBarOrder(Ui::DashboardView::BarOrder::Name);
        QCOMPARE(view.barDomains(), (QStringList { QStringLiteral("bad.test"), QStringLiteral("few.test") }));
        view.setTopDomains(15);

        // Failures by status: 4.4.1 and 4.4.2 are separate slices in different colors.
        QPieSeries *pie = view.statusSeries();
        QHash<QString, QPieSlice *> slices;
        for (QPieSlice *slice : pie->slices())
            slices.insert(slice->property("status").toString(), slice);
        QCOMPARE(slices.size(), 3);
        QVERIFY(slices.contains(QStringLiteral("4.4.1")) && slices.contains(QStringLiteral("4.4.2")));
        QCOMPARE(slices.value(QStringLiteral("4.4.1"))->value(), 5.0);
        QCOMPARE(slices.value(QStringLiteral("4.4.2"))->value(), 6.0);
        QCOMPARE(slices.value(QStringLiteral("5.1.1"))->value(), 2.0);
        QVERIFY(slices.value(QStringLiteral("4.4.1"))->color() != slices.value(QStringLiteral("4.4.2"))->color());

        // Consistent problems: bad.test and mid.test, as domains and as the providers that run them.
        Ui::DomainStatsModel *flagged = view.flaggedModel();
        QCOMPARE(flagged->rowCount(), 4);
        QStringList rows;
        for (int row = 0; row < flagged->rowCount(); ++row)
            rows << flagged->index(row, Ui::DomainStatsModel::Kind).data().toString() + u' '
                    + flagged->index(row, Ui::DomainStatsModel::Key).data().toString() + u' '
                    + flagged->index(row, Ui::DomainStatsModel::DominantStatus).data().toString();
        QCOMPARE(rows,
            (QStringList { QStringLiteral("domain bad.test 4.4.1"), QStringLiteral("domain mid.test 4.4.2"),
                QStringLiteral("provider bad.test 4.4.1"), QStringLiteral("provider mid.test 4.4.2") }));
        QCOMPARE(view.domainModel()->rowCount(), 4);
        QCOMPARE(view.providerModel()->rowCount(), 4);
        QVERIFY2(view.recoveryText().contains(QStringLiteral("75.0% (3 of 4")), qPrintable(view.recoveryText()));
        for (int row = 0; row < view.domainModel()->rowCount(); ++row) {
            const auto cell = [&](int column) { return view.domainModel()->index(row, column).data(); };
            const bool bad = cell(Ui::DomainStatsModel::Key).toString() == u"bad.test";
            QCOMPARE(cell(Ui::DomainStatsModel::Retries).toLongLong(), bad ? 4 : 0);
            QCOMPARE(cell(Ui::DomainStatsModel::Recovered).toLongLong(), bad ? 3 : 0);
            QCOMPARE(cell(Ui::DomainStatsModel::RecoveryRate).toString(), bad ? QStringLiteral("75.0%") : QString());
        }

        // The trend has the "all domains" line.
        QCOMPARE(view.trendChart()->series().size(), 1);
        auto *all = qobject_cast<QLineSeries *>(view.trendChart()->series().first());
        QVERIFY(all && all->count() > 0);

        // The 7-day window takes in old.test.
        view.setWindow(Ui::DashboardView::Window::Week);
        QVERIFY(refreshed(view));
        QCOMPARE(view.domainModel()->rowCount(), 5);
    }

    void selectingADomain()
    {
        Ui::DashboardView view(&m_db, &m_clock);
        QVERIFY(refreshed(view));
        QSignalSpy selected(&view, &Ui::DashboardView::domainSelected);

        // A click on the top bar (the worst domain; bar indexes count from the bottom).
        Q_EMIT view.barSeries()->barSets().first()->clicked(int(view.barDomains().size()) - 1);
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.takeFirst().at(0).toString(), QStringLiteral("few.test"));
        // The selection adds that domain's line to the trend.
        QVERIFY(refreshed(view));
        QCOMPARE(view.data().domainTrends.keys(), QStringList { QStringLiteral("few.test") });
        QCOMPARE(view.trendChart()->series().size(), 2);

        // Selecting a row in the domain table.
        QTableView *table = view.domainTable();
        const QModelIndex row = table->model()->index(2, 0);
        table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.takeFirst().at(0).toString(), row.data().toString());
        QVERIFY(refreshed(view));
    }

    void mainWindowWiring()
    {
        Tracking::OutcomeRecorder recorder(m_db);
        Ui::MainWindow window(&m_db, &recorder, &m_clock);
        QCOMPARE(window.tabs()->widget(0), window.dashboardView());
        // A domain picked on the dashboard filters the history, visibly in its filter box.
        Q_EMIT window.dashboardView()->domainSelected(QStringLiteral("bad.test"));
        QCOMPARE(window.historyView()->findChild<QLineEdit *>()->text(), QStringLiteral("bad.test"));
        QTRY_COMPARE(window.historyView()->proxy()->rowCount(), 10); // once its rows are read
        // Export… is on Ctrl+E.
        const QList<QAction *> actions = window.findChildren<QAction *>();
        QVERIFY(std::any_of(actions.cbegin(), actions.cend(),
            [](const QAction *a) { return a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E); }));
    }

    void refreshNowForScreenshots()
    {
        Ui::DashboardView view(&m_db, &m_clock);
        view.refreshNow();
        QCOMPARE(view.barDomains().size(), 4);
        QCOMPARE(view.barDomains().first(), QStringLiteral("few.test"));
        // The constructor's background refresh still lands, harmlessly.
        QVERIFY(refreshed(view));
        QCOMPARE(view.barDomains().size(), 4);
    }

    void refreshesCollapse()
    {
        Ui::DashboardView view(&m_db, &m_clock);
        QSignalSpy spy(&view, &Ui::DashboardView::refreshed);
        // One in flight from the constructor; these three become one follow-up.
        view.refresh();
        view.refresh();
        view.refresh();
        QVERIFY(spy.wait(10000));
        QVERIFY(spy.size() >= 2 || spy.wait(10000));
        QTest::qWait(200);
        QCOMPARE(spy.size(), 2);
        QVERIFY(!view.isRefreshing());
    }

    // A benchmark on a large store (bench_stats --db PATH builds 1,000,000 probes over 30 days up to 2026-11-27):
    // the UI thread must stay responsive while the worker computes, and rebuilding the charts must be quick.
    void largeStore()
    {
        const QString path = qEnvironmentVariable("MAILPULSE_DASHBOARD_DB");
        if (path.isEmpty())
            QSKIP("set MAILPULSE_DASHBOARD_DB to a store built by bench_stats --db");
        Store::Database db;
        QString error;
        QVERIFY2(db.open(path, &error), qPrintable(error));
        Test::FakeClock clock(QDateTime(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC));
        QElapsedTimer total;
        total.start();
        Ui::DashboardView view(&db, &clock);
        view.setWindow(Ui::DashboardView::Window::Month);
        view.resize(1200, 900);
        view.show();
        // The longest gap between ticks of a 5 ms timer while the refreshes run: the UI thread's worst stall.
        QElapsedTimer tick;
        tick.start();
        qint64 worstGap = 0;
        QTimer timer;
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, this, [&] { worstGap = std::max(worstGap, tick.restart()); });
        timer.start();
        QSignalSpy spy(&view, &Ui::DashboardView::refreshed);
        while (view.isRefreshing() && spy.wait(30000)) { }
        QVERIFY(!spy.isEmpty());
        qInfo("%lld domains; last refresh: worker %lld ms, UI-thread rebuild %lld ms; wall %lld ms for %lld refreshes;"
              " worst UI-thread stall %lld ms",
            qint64(view.data().domains.size()), view.data().elapsedMs, view.lastApplyMs(), total.elapsed(),
            qint64(spy.size()), worstGap);
    }

    void exportCsv()
    {
        Ui::ExportDialog dialog(&m_db, &m_clock);
        dialog.setKind(Report::ReportKind::Probes);
        dialog.setDomain(QStringLiteral("good.test"));
        dialog.setSince(QStringLiteral("24h"));
        const QString path = m_dir.filePath(QStringLiteral("probes.csv"));
        qint64 rows = 0;
        QString error;
        QVERIFY2(dialog.exportTo(path, &rows, &error), qPrintable(error));
        QCOMPARE(rows, 10);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = compact(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 11);
        QCOMPARE(lines.first(), Report::ReportExporter::columns(Report::ReportKind::Probes).join(u','));
        for (const QString &line : lines.mid(1))
            QVERIFY2(line.contains(QStringLiteral(",user@good.test,good.test,mx.good.test,")), qPrintable(line));

        // Domains, for a German spreadsheet: BOM, ';' and ',' as decimal point.
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        dialog.setKind(Report::ReportKind::Domains);
        dialog.setDomain(QString());
        dialog.setExcel(true);
        const QString domains = m_dir.filePath(QStringLiteral("domains.csv"));
        QVERIFY2(dialog.exportTo(domains, &rows, &error), qPrintable(error));
        QLocale::setDefault(QLocale::c());
        QCOMPARE(rows, 4);
        QFile domainFile(domains);
        QVERIFY(domainFile.open(QIODevice::ReadOnly));
        const QByteArray data = domainFile.readAll();
        QVERIFY(data.startsWith("\xEF\xBB\xBF"));
        const QStringList domainLines = compact(data.mid(3)).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(domainLines.size(), 5);
        QVERIFY2(domainLines.first().startsWith(QStringLiteral("domain;probes;successes;failures;success_rate")),
            qPrintable(domainLines.first()));
        QVERIFY2(data.contains("\r\nbad.test;10;2;8;0,2;"), data.constData());

        // What the dialog does with the file the user picked: the same, on a background thread.
        dialog.setExcel(false);
        dialog.setKind(Report::ReportKind::Probes);
        dialog.setDomain(QStringLiteral("mid.test"));
        QSignalSpy exported(&dialog, &Ui::ExportDialog::exported);
        const QString background = m_dir.filePath(QStringLiteral("background.csv"));
        QVERIFY(dialog.startExport(background));
        QVERIFY(dialog.isExporting());
        QVERIFY(exported.wait(10000));
        QCOMPARE(exported.first().at(0).toString(), background);
        QCOMPARE(exported.first().at(1).toLongLong(), 10);
        QVERIFY(!dialog.isExporting());
        QFile backgroundFile(background);
        QVERIFY(backgroundFile.open(QIODevice::ReadOnly));
        QCOMPARE(compact(backgroundFile.readAll()).count(u'\n'), 11);

        // A bad window is refused before any file is written.
        dialog.setSince(QStringLiteral("yesterday-ish"));
        const QString none = m_dir.filePath(QStringLiteral("none.csv"));
        QVERIFY(!dialog.exportTo(none, &rows, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFile::exists(none));
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
