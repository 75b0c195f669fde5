// The retry queue view driven offscreen: a soft failure recorded through the pipeline appears as a row with its
// countdown; pause, resume and cancel change the entry's state in the store; the model passes Qt's model checks.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "models/retryqueuemodel.h"
#include "queue/retryqueue.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/trackingpipeline.h"
#include "views/queueview.h"
#include "viewsupport.h"

using namespace Mailpulse;
using Bounce::Classification;
using Bounce::DeliveryClass;

namespace
{
const Classification kDrop { QStringLiteral("4.4.2"), DeliveryClass::Soft, QStringLiteral("networkerror") };
const Classification kUnknown { QStringLiteral("5.1.1"), DeliveryClass::Hard, QStringLiteral("userunknown") };
} // namespace

class TestQueueView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    Test::FakeClock m_clock;
    std::unique_ptr<Store::Database> m_db;
    std::unique_ptr<Tracking::TrackingPipeline> m_pipeline;

    void probe(const QString &target, const Classification &c)
    {
        Smtp::ProbeResult r;
        r.target = target;
        r.domain = target.section(u'@', -1);
        r.classification = c;
        r.startedAt = m_clock.now();
        r.host = QStringLiteral("mx.") + r.domain;
        r.port = 25;
        r.phase = Smtp::Phase::Connect;
        r.recipients.append({ target, c, std::nullopt });
        QString error;
        QVERIFY2(m_pipeline->recorder().recordProbe(r, {}, nullptr, &error), qPrintable(error));
    }

    Queue::EntryState storedState(qint64 id)
    {
        // A second queue over the same store: what the CLI or another window would read.
        const auto e = Queue::RetryQueue(*m_db, &m_clock).entry(id, false);
        return e ? e->state : Queue::EntryState::Failed;
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<Store::Database>();
        QString error;
        QVERIFY2(m_db->open(m_dir.filePath(QStringLiteral("q%1.sqlite").arg(++m_count)), &error), qPrintable(error));
        Queue::RetryPolicy policy;
        policy.setRandomSource([] { return 0.5; }); // no jitter: the countdown is exact
        m_pipeline = std::make_unique<Tracking::TrackingPipeline>(*m_db, m_clock, policy);
    }

    void cleanup()
    {
        m_pipeline.reset();
        m_db.reset();
    }

    void softFailureAppearsAndActionsPersist()
    {
        Ui::QueueView view(m_db.get(), &m_clock);
        view.show();
        QAbstractItemModelTester modelTester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(view.model()->rowCount(), 0);

        probe(QStringLiteral("alice@soft.test"), kDrop);
        probe(QStringLiteral("bob@hard.test"), kUnknown); // hard: no retry entry
        QVERIFY(Test::reloaded(view));
        QCOMPARE(view.model()->rowCount(), 1);
        const auto row = [&](int column) { return view.model()->index(0, column).data().toString(); };
        QCOMPARE(row(Ui::RetryQueueModel::Target), QStringLiteral("alice@soft.test"));
        QCOMPARE(row(Ui::RetryQueueModel::State), QStringLiteral("pending"));
        QCOMPARE(row(Ui::RetryQueueModel::Attempts), QStringLiteral("1"));
        QCOMPARE(row(Ui::RetryQueueModel::LastStatus), QStringLiteral("4.4.2"));
        QCOMPARE(row(Ui::RetryQueueModel::NextAttempt), QStringLiteral("in 30:00")); // the first retry
        QVERIFY(!row(Ui::RetryQueueModel::Settings).isEmpty());

        // The countdown follows the clock; a tick repaints only that column.
        QSignalSpy changed(view.model(), &QAbstractItemModel::dataChanged);
        m_clock.advanceSecs(61);
        view.model()->tick();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().column(), int(Ui::RetryQueueModel::NextAttempt));
        QCOMPARE(changed.first().at(1).toModelIndex().column(), int(Ui::RetryQueueModel::NextAttempt));
        QCOMPARE(row(Ui::RetryQueueModel::NextAttempt), QStringLiteral("in 28:59"));

        const qint64 id = view.model()->index(0, 0).data(Ui::RetryQueueModel::IdRole).toLongLong();
        QVERIFY(view.select(id));
        QCOMPARE(view.selectedId(), id);
        QVERIFY(!view.resumeSelected()); // pending: nothing to resume
        QVERIFY(view.pauseSelected());
        QCOMPARE(storedState(id), Queue::EntryState::Paused);
        QCOMPARE(row(Ui::RetryQueueModel::State), QStringLiteral("paused"));
        QCOMPARE(view.selectedId(), id); // the selection survives the refresh
        QVERIFY(view.resumeSelected());
        QCOMPARE(storedState(id), Queue::EntryState::Pending);
        QVERIFY(view.retryNowSelected());
        QCOMPARE(row(Ui::RetryQueueModel::NextAttempt), QStringLiteral("due now"));
        QVERIFY(view.cancelSelected());
        QCOMPARE(storedState(id), Queue::EntryState::Cancelled);
        QCOMPARE(row(Ui::RetryQueueModel::State), QStringLiteral("cancelled")); // at once, before the re-read
        // Closed entries leave the default (open) list but stay under "all".
        QTRY_COMPARE(view.model()->rowCount(), 0);
        QSignalSpy refreshed(&view, &Ui::QueueView::refreshed);
        view.setFilter(Ui::QueueView::Filter::All);
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(view.model()->rowCount(), 1);
        QCOMPARE(row(Ui::RetryQueueModel::State), QStringLiteral("cancelled"));
        QCOMPARE(row(Ui::RetryQueueModel::NextAttempt), QString());
    }

    void filterAndSort()
    {
        Ui::QueueView view(m_db.get(), &m_clock);
        QAbstractItemModelTester proxyTester(view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        probe(QStringLiteral("a@one.test"), kDrop);
        m_clock.advanceSecs(600);
        probe(QStringLiteral("b@two.test"), kDrop);
        QVERIFY(Test::reloaded(view));
        QCOMPARE(view.proxy()->rowCount(), 2);
        // Sorted by next attempt, the earliest first.
        QCOMPARE(view.proxy()->index(0, Ui::RetryQueueModel::Target).data().toString(), QStringLiteral("a@one.test"));
        view.proxy()->setFilterFixedString(QStringLiteral("two.test"));
        QCOMPARE(view.proxy()->rowCount(), 1);
    }

    void shortcutsAct()
    {
        Ui::QueueView view(m_db.get(), &m_clock);
        probe(QStringLiteral("keys@soft.test"), kDrop);
        view.show();
        QApplication::setActiveWindow(&view);
        QVERIFY(QTest::qWaitForWindowActive(&view));
        QVERIFY(Test::reloaded(view));
        const qint64 id = view.model()->index(0, 0).data(Ui::RetryQueueModel::IdRole).toLongLong();
        QVERIFY(view.select(id));
        view.table()->setFocus();
        QTest::keyClick(view.table(), Qt::Key_P, Qt::ControlModifier);
        QCOMPARE(storedState(id), Queue::EntryState::Paused);
        QTest::keyClick(view.table(), Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(storedState(id), Queue::EntryState::Pending);
        QTest::keyClick(view.table(), Qt::Key_Delete);
        QCOMPARE(storedState(id), Queue::EntryState::Cancelled);
    }

    void recordedProbeIsMergedWithoutReset()
    {
        // After each recorded probe the shown view re-reads in the background and merges: the new entry is
        // inserted, the others update in place, the user's selection stays.
        probe(QStringLiteral("one@soft.test"), kDrop);
        Ui::QueueView view(m_db.get(), &m_clock);
        view.show();
        QVERIFY(Test::reloaded(view));
        QCOMPARE(view.model()->rowCount(), 1);
        const qint64 id = view.model()->entry(0).id;
        QVERIFY(view.select(id));
        QSignalSpy resets(view.model(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(view.model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy refreshed(&view, &Ui::QueueView::refreshed);
        probe(QStringLiteral("two@soft.test"), kDrop);
        probe(QStringLiteral("three@soft.test"), kDrop);
        view.refreshLater(); // what the main window does on ProbeView::probeRecorded
        view.refreshLater();
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(view.model()->rowCount(), 3);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(inserted.size(), 1); // both new rows in one insertion
        QCOMPARE(view.selectedId(), id);

        // A hidden view does not read at all; showing it catches up.
        view.hide();
        probe(QStringLiteral("four@soft.test"), kDrop);
        view.refreshLater();
        QVERIFY(!view.isRefreshing());
        view.show();
        QTRY_COMPARE(view.model()->rowCount(), 4);
        QCOMPARE(resets.size(), 0);
    }

    void countdownText_data()
    {
        QTest::addColumn<qint64>("secs");
        QTest::addColumn<QString>("text");
        QTest::newRow("past") << qint64(-5) << QStringLiteral("due now");
        QTest::newRow("seconds") << qint64(9) << QStringLiteral("in 0:09");
        QTest::newRow("minutes") << qint64(1799) << QStringLiteral("in 29:59");
        QTest::newRow("hours") << qint64(3900) << QStringLiteral("in 1 h 05 min");
        QTest::newRow("days") << qint64(2 * 86400 + 7200) << QStringLiteral("in 2 d 2 h");
    }

    void countdownText()
    {
        QFETCH(qint64, secs);
        QFETCH(QString, text);
        QCOMPARE(Ui::RetryQueueModel::countdown(secs), text);
    }
};

QTEST_MAIN(TestQueueView)
#include "tst_queueview.moc"
