// The desktop views driven offscreen: a probe against the lab streams its transcript, is stored, and shows up in
// the history; the lab view starts the lab and feeds the probe view; the history model passes Qt's model checks.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "common/clock.h"
#include "lab/smtplab.h"
#include "models/contactsmodel.h"
#include "models/proberesultmodel.h"
#include "models/retryqueuemodel.h"
#include "store/database.h"
#include "tracking/outcomerecorder.h"
#include "tracking/trackingpipeline.h"
#include "views/contactsview.h"
#include "views/historyview.h"
#include "views/labview.h"
#include "views/mainwindow.h"
#include "views/probeview.h"
#include "views/queueview.h"
#include "viewsupport.h"

using namespace Mailpulse;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Store::Database m_db;
    SystemClock m_clock;
    std::unique_ptr<Tracking::OutcomeRecorder> m_recorder;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("ui.sqlite")), &error), qPrintable(error));
        m_recorder = std::make_unique<Tracking::OutcomeRecorder>(m_db);
    }

    void invalidFormIsRefused()
    {
        Ui::ProbeView view(m_recorder.get(), &m_clock);
        view.prepare(QString(), QString(), QString());
        QVERIFY(!view.run());
        QVERIFY(view.resultText().contains(QStringLiteral("target")));
        view.prepare(QStringLiteral("not a target!"), QString(), QString());
        QVERIFY(!view.run());
        view.prepare(QStringLiteral("a@example.test"), QStringLiteral("host:99999"), QString());
        QVERIFY(!view.run());
        QVERIFY(!view.isRunning());
    }

    void labProbeShowsTranscriptAndHistory()
    {
        Ui::MainWindow window(&m_db, m_recorder.get(), &m_clock);
        window.show();
        QAbstractItemModelTester tester(
            window.historyView()->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(Test::reloaded(*window.historyView())); // the history reads its rows on a worker thread
        const int before = window.historyView()->model()->rowCount();

        QVERIFY(window.labView()->startLab());
        QVERIFY(window.labView()->isRunning());
        QSignalSpy finished(window.probeView(), &Ui::ProbeView::batchFinished);
        // As a user double-clicking a scenario: the lab view asks the probe view to probe it.
        Q_EMIT window.labView()->probeRequested(QStringLiteral("carol@example.test"),
            QStringLiteral("127.0.0.1:%1").arg(window.labView()->lab()->port(QStringLiteral("user-unknown"))),
            window.labView()->lab()->caCertificatePath());
        QCOMPARE(window.tabs()->currentWidget(), window.probeView());
        QVERIFY(finished.wait(20000));

        const QString transcript = window.probeView()->transcriptText();
        QVERIFY2(transcript.contains(QStringLiteral("C RCPT TO:<carol@example.test>")), qPrintable(transcript));
        QVERIFY(transcript.contains(QStringLiteral("S 550 5.1.1")));
        QVERIFY(transcript.contains(QStringLiteral(" C EHLO ")));
        QVERIFY(window.probeView()->resultText().contains(QStringLiteral("5.1.1")));

        Ui::ProbeResultModel *model = window.historyView()->model();
        QCOMPARE(model->rowCount(), before + 1);
        QCOMPARE(model->index(0, Ui::ProbeResultModel::Status).data().toString(), QStringLiteral("5.1.1"));
        QCOMPARE(model->index(0, Ui::ProbeResultModel::Reason).data().toString(), QStringLiteral("userunknown"));

        // The history filter narrows rows through the proxy.
        QSortFilterProxyModel *proxy = window.historyView()->proxy();
        proxy->setFilterFixedString(QStringLiteral("userunknown"));
        QVERIFY(proxy->rowCount() >= 1);
        proxy->setFilterFixedString(QStringLiteral("no-such-thing"));
        QCOMPARE(proxy->rowCount(), 0);
    }

    void historyModelKeepsNewestRows()
    {
        Ui::ProbeResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 5; ++i) {
            Smtp::ProbeResult r;
            r.target = QStringLiteral("t%1@x.test").arg(i);
            model.prepend(r, 3);
        }
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, Ui::ProbeResultModel::Target).data().toString(), QStringLiteral("t4@x.test"));
        QCOMPARE(model.index(2, Ui::ProbeResultModel::Target).data().toString(), QStringLiteral("t2@x.test"));
    }

    void historyKeepsProbesShownWhileItReads()
    {
        Ui::HistoryView view(&m_db);
        QVERIFY(Test::reloaded(view));
        const int before = view.model()->rowCount();
        QSignalSpy refreshed(&view, &Ui::HistoryView::refreshed);
        view.refresh(); // a read in flight on the worker thread...
        Smtp::ProbeResult late;
        late.target = QStringLiteral("late@x.test");
        late.startedAt = QDateTime::currentDateTimeUtc();
        view.add(late); // ...while a just-recorded probe is shown: the read's rows must not drop it
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(view.model()->rowCount(), before + 1);
        QCOMPARE(view.model()->result(0).target, QStringLiteral("late@x.test"));
    }

    void columnsAreAtLeastAsWideAsTheirTitles()
    {
        // Longer translations must not be clipped: every table starts with columns as wide as their titles.
        Ui::MainWindow window(&m_db, m_recorder.get(), &m_clock);
        const QList<QTableView *> tables = window.findChildren<QTableView *>();
        QVERIFY(!tables.isEmpty());
        int checked = 0;
        for (QTableView *table : tables) {
            if (!table->model())
                continue;
            QHeaderView *header = table->horizontalHeader();
            for (int c = 0; c + 1 < table->model()->columnCount(); ++c) { // the last one stretches
                QVERIFY2(header->sectionSize(c) >= header->sectionSizeHint(c),
                    qPrintable(table->model()->headerData(c, Qt::Horizontal).toString()));
                ++checked;
            }
        }
        QVERIFY(checked > 10);
    }

    void settingsDefaultsReachTheProbe()
    {
        // The settings' HELO name and TLS mode are what a probe from the form uses.
        Lab::SmtpLab lab;
        QVERIFY(lab.start({ QStringLiteral("implicit-tls") }));
        Ui::ProbeView view(m_recorder.get(), &m_clock);
        Smtp::ProbeConfig defaults;
        defaults.tlsMode = Smtp::TlsMode::Implicit;
        defaults.heloName = QStringLiteral("settings.mailpulse.test");
        view.setDefaults(defaults, 4, 1);
        view.prepare(QStringLiteral("d@e.test"),
            QStringLiteral("127.0.0.1:%1").arg(lab.port(QStringLiteral("implicit-tls"))), lab.caCertificatePath());
        QSignalSpy recorded(&view, &Ui::ProbeView::probeRecorded);
        QVERIFY(view.run());
        QVERIFY(recorded.wait(20000));
        const auto result = recorded.first().first().value<Smtp::ProbeResult>();
        QVERIFY2(result.succeeded(), qPrintable(result.detail));
        QCOMPARE(result.tlsMode, Smtp::TlsMode::Implicit);
        QVERIFY(view.transcriptText().contains(QStringLiteral("C EHLO settings.mailpulse.test")));
    }

    void softFailureReachesTheShownQueueWithoutReload()
    {
        // The path a user sees: a probe of the lab's greylisting server is stored with its retry entry, and the
        // retry queue tab, while shown, merges the new entry into its table: no reset, the selected row stays.
        Store::Database db;
        QString error;
        QVERIFY2(db.open(m_dir.filePath(QStringLiteral("queue.sqlite")), &error), qPrintable(error));
        Tracking::TrackingPipeline pipeline(db, m_clock);
        Ui::MainWindow window(&db, &pipeline.recorder(), &m_clock);
        window.show();
        window.tabs()->setCurrentWidget(window.queueView());
        QVERIFY(window.labView()->startLab());
        const QString mx
            = QStringLiteral("127.0.0.1:%1").arg(window.labView()->lab()->port(QStringLiteral("greylist")));
        QSignalSpy finished(window.probeView(), &Ui::ProbeView::batchFinished);
        Ui::RetryQueueModel *model = window.queueView()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        window.probeView()->prepare(QStringLiteral("first@grey.test"), mx, QString());
        QVERIFY(window.probeView()->run());
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE(model->rowCount(), 1);
        QCOMPARE(model->entry(0).classification.status, QStringLiteral("4.7.1"));
        const qint64 first = model->entry(0).id;
        QVERIFY(window.queueView()->select(first));

        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        window.probeView()->prepare(QStringLiteral("second@grey.test"), mx, QString());
        QVERIFY(window.probeView()->run());
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE(model->rowCount(), 2);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(window.queueView()->selectedId(), first);
        QCOMPARE(model->entry(1).target, QStringLiteral("second@grey.test"));
    }

    void screenshotsOfEveryView()
    {
        // A store with a soft and a hard failure, so the retry queue and the contact list have rows to show.
        Test::SeededStore store(m_dir.filePath(QStringLiteral("shots.sqlite")), m_clock);
        QVERIFY2(store.ok, qPrintable(store.error));
        QString error;
        Ui::MainWindow window(&store.database, &store.pipeline->recorder(), &m_clock);
        QTemporaryDir dir;
        QVERIFY2(window.saveScreenshots(dir.path(), &error), qPrintable(error));
        // Taken at once, without waiting for the views' background reads: they filled synchronously first.
        QCOMPARE(window.queueView()->model()->rowCount(), 1);
        QCOMPARE(window.contactsView()->model()->rowCount(), 1);
        const QStringList views = { QStringLiteral("dashboard"), QStringLiteral("probe"), QStringLiteral("history"),
            QStringLiteral("queue"), QStringLiteral("contacts"), QStringLiteral("import"), QStringLiteral("lab") };
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), views.size());
        for (const QString &view : views) {
            const QImage image(dir.filePath(view + QStringLiteral(".png")));
            QVERIFY2(!image.isNull(), qPrintable(view));
            QCOMPARE(image.size(), window.size());
            // Not blank: a rendered view has text, frames and widgets, so many distinct colours.
            QSet<QRgb> colours;
            for (int y = 0; y < image.height(); y += 7) {
                for (int x = 0; x < image.width(); x += 7)
                    colours.insert(image.pixel(x, y));
            }
            QVERIFY2(colours.size() > 8, qPrintable(QStringLiteral("%1: %2 colours").arg(view).arg(colours.size())));
        }
    }

    // The UI thread's commits never copy the write-ahead log back (a checkpoint waits for the disk); a reader thread
    // of the window does. Without it the store file would not change until the last connection closes.
    void checkpointsHappenOffTheUiThread()
    {
        QTemporaryDir dir;
        Store::Database db;
        QString error;
        const QString path = dir.filePath(QStringLiteral("checkpoint.sqlite"));
        QVERIFY2(db.open(path, &error), qPrintable(error));
        Tracking::TrackingPipeline pipeline(db, m_clock);
        Ui::MainWindow window(&db, &pipeline.recorder(), &m_clock);
        QSqlQuery query(db.connection());
        QVERIFY(query.exec(QStringLiteral("PRAGMA wal_autocheckpoint")) && query.next());
        QCOMPARE(query.value(0).toInt(), 0);

        const qint64 before = QFileInfo(path).size();
        // About 5 MB of log: far past SQLite's 1,000-page automatic checkpoint, were it on.
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE scratch(x BLOB)")));
        QVERIFY(db.exec(QStringLiteral("BEGIN")));
        QVERIFY(query.prepare(QStringLiteral("INSERT INTO scratch(x) VALUES (randomblob(1000))")));
        for (int i = 0; i < 5000; ++i)
            QVERIFY(query.exec());
        QVERIFY(db.exec(QStringLiteral("COMMIT")));
        QCOMPARE(QFileInfo(path).size(), before); // all of it is still in the log
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path).size() > before + 4'000'000, 10000);
    }

    void batchWithProgress()
    {
        Lab::SmtpLab lab;
        QVERIFY(lab.start({ QStringLiteral("healthy-plain") }));
        Ui::ProbeView view(m_recorder.get(), &m_clock);
        view.prepare(QStringLiteral("a@b.test\nb@b.test\nc@c.test"),
            QStringLiteral("127.0.0.1:%1").arg(lab.port(QStringLiteral("healthy-plain"))), QString());
        QSignalSpy recorded(&view, &Ui::ProbeView::probeRecorded);
        QSignalSpy finished(&view, &Ui::ProbeView::batchFinished);
        QVERIFY(view.run());
        QVERIFY(view.isRunning());
        QVERIFY(finished.wait(20000));
        QCOMPARE(recorded.size(), 3);
        QVERIFY(view.transcriptText().contains(QStringLiteral("#3 ")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
