// The import view driven offscreen: a small generated Postfix log is imported in the worker thread, the summary
// appears, and what was imported reached the store, the retry queue and the contact list; missing paths are shown.
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLocale>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "common/clock.h"
#include "contacts/contactlist.h"
#include "queue/retryqueue.h"
#include "store/database.h"
#include "views/importview.h"

using namespace Mailpulse;

namespace
{
// Syslog stamps carry no year: write them for the last hour so that the importer's year inference (from the file's
// modification time) lands on today.
QByteArray stamp(int secondsAgo)
{
    const QDateTime t = QDateTime::currentDateTime().addSecs(-secondsAgo);
    return QLocale::c().toString(t, QStringLiteral("MMM")).toLatin1() + ' '
        + QByteArray::number(t.date().day()).rightJustified(2, ' ') + ' '
        + t.time().toString(QStringLiteral("HH:mm:ss")).toLatin1();
}

QByteArray postfixLog()
{
    QByteArray log;
    log += stamp(3000)
        + " mx postfix/smtp[11]: A1B2C3: to=<dave@slow.test>, relay=none, delay=30, "
          "delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.slow.test[192.0.2.7]:25: "
          "Connection timed out)\n";
    log += stamp(2000)
        + " mx postfix/smtp[12]: D4E5F6: to=<erin@gone.test>, relay=mx.gone.test[192.0.2.8]:25, "
          "delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.gone.test[192.0.2.8] said: "
          "550 5.1.1 User unknown (in reply to RCPT TO command))\n";
    log += stamp(1000) + " mx postfix/qmgr[2]: ABC: from=<me@ours.test>, size=100, nrcpt=1 (queue active)\n";
    log += stamp(500)
        + " mx postfix/smtp[13]: G7H8I9: to=<frank@fine.test>, relay=mx.fine.test[192.0.2.9]:25, "
          "delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n";
    return log;
}
} // namespace

class TestImportView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SystemClock m_clock;
    Store::Database m_db;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("import.sqlite")), &error), qPrintable(error));
    }

    void postfixLogThroughTheView()
    {
        const QString path = m_dir.filePath(QStringLiteral("maillog"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(postfixLog());
        file.close();

        Ui::ImportView view(&m_db, &m_clock);
        view.show();
        QSignalSpy finished(&view, &Ui::ImportView::importFinished);
        QVERIFY(view.startImport({ path }));
        QVERIFY(view.isRunning());
        QVERIFY(!view.startImport({ path })); // one import at a time
        QVERIFY(finished.wait(20000));
        QVERIFY(!view.isRunning());
        const auto report = finished.first().at(0).value<Ui::ImportReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.summary.files, 1);
        QCOMPARE(report.summary.records, qint64(2));
        QCOMPARE(report.summary.deliveries, qint64(1)); // frank@fine.test: sent
        QVERIFY2(report.summary.skipped.isEmpty(), qPrintable(view.summaryText()));
        QVERIFY2(view.summaryText().startsWith(
                     QStringLiteral("New bounce events: 2, already known: 0, successful deliveries: 1; from 1 files")),
            qPrintable(view.summaryText()));

        // The worker's own connection committed; the UI thread's connection sees it.
        const QList<Queue::RetryEntry> queued = Queue::RetryQueue(m_db, &m_clock).entries();
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.first().target, QStringLiteral("dave@slow.test"));
        QString error;
        QVERIFY(Contacts::ContactList(m_db, m_clock).find(QStringLiteral("erin@gone.test"), &error));

        // Missing input is reported, not fatal.
        finished.clear();
        QVERIFY(view.startImport({ m_dir.filePath(QStringLiteral("no-such-file")) }));
        QVERIFY(finished.wait(20000));
        QVERIFY2(view.summaryText().contains(QStringLiteral("Not found:")), qPrintable(view.summaryText()));
    }

    void dropStartsImport()
    {
        const QString path = m_dir.filePath(QStringLiteral("dropped.log"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(stamp(100)
            + " mx postfix/smtp[21]: J1K2L3: to=<gina@drop.test>, relay=none, delay=30, "
              "delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.drop.test[192.0.2.10]:25: "
              "Connection refused)\n");
        file.close();

        Ui::ImportView view(&m_db, &m_clock);
        view.show();
        QSignalSpy finished(&view, &Ui::ImportView::importFinished);
        QMimeData mime;
        mime.setUrls({ QUrl::fromLocalFile(path) });
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &drop);
        QVERIFY(view.isRunning());
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().at(0).value<Ui::ImportReport>().summary.records, qint64(1));
        QVERIFY(Queue::RetryQueue(m_db, &m_clock).openEntry(QStringLiteral("gina@drop.test")));
    }

    void destroyedIdleAndBusy()
    {
        // A view that never imported has no thread to stop.
        {
            Ui::ImportView idle(&m_db, &m_clock);
        }
        const QString path = m_dir.filePath(QStringLiteral("maillog"));
        {
            // Closing the window mid-import waits for the worker instead of pulling its connection away.
            Ui::ImportView busy(&m_db, &m_clock);
            QVERIFY(busy.startImport({ path }));
        }
        QVERIFY(QFile::exists(path));
    }
};

QTEST_MAIN(TestImportView)
#include "tst_importview.moc"
