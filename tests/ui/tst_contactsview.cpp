// The contacts view driven offscreen: a failing recipient is listed, its status change persists across a reopened
// store, details are saved and imported from CSV, and compose opens the expected mailto: URL in both languages.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "contacts/contactlist.h"
#include "contacts/contactmessage.h"
#include "models/contactsmodel.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/trackingpipeline.h"
#include "views/contactsview.h"

using namespace Mailpulse;
using Bounce::Classification;
using Bounce::DeliveryClass;
using Contacts::ContactMessage;
using Contacts::ContactStatus;

namespace
{
const Classification kUnknown { QStringLiteral("5.1.1"), DeliveryClass::Hard, QStringLiteral("userunknown") };
const QString kAddress = QStringLiteral("carol@failing.test");
} // namespace

class TestContactsView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    QString m_path;
    Test::FakeClock m_clock;
    std::unique_ptr<Store::Database> m_db;
    QList<QUrl> m_opened;

    void hardBounce(const QString &target)
    {
        Tracking::TrackingPipeline pipeline(*m_db, m_clock);
        Smtp::ProbeResult r;
        r.target = target;
        r.domain = target.section(u'@', -1);
        r.classification = kUnknown;
        r.startedAt = m_clock.now();
        r.phase = Smtp::Phase::Rcpt;
        r.recipients.append({ target, kUnknown, std::nullopt });
        QString error;
        QVERIFY2(pipeline.recorder().recordProbe(r, {}, nullptr, &error), qPrintable(error));
    }

    std::unique_ptr<Ui::ContactsView> makeView()
    {
        auto view = std::make_unique<Ui::ContactsView>(m_db.get(), &m_clock);
        view->setUrlOpener([this](const QUrl &url) {
            m_opened.append(url);
            return true;
        });
        QSignalSpy loaded(view.get(), &Ui::ContactsView::refreshed); // the list is read on a worker thread
        if (!loaded.wait(10000))
            qWarning("the contact list did not load");
        return view;
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<Store::Database>();
        m_path = m_dir.filePath(QStringLiteral("c%1.sqlite").arg(++m_count));
        QString error;
        QVERIFY2(m_db->open(m_path, &error), qPrintable(error));
        m_opened.clear();
        hardBounce(kAddress);
    }

    void cleanup() { m_db.reset(); }

    void statusChangePersists()
    {
        auto view = makeView();
        view->show();
        QAbstractItemModelTester modelTester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(view->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(view->model()->rowCount(), 1);
        const auto cell = [&](int column) { return view->model()->index(0, column).data().toString(); };
        QCOMPARE(cell(Ui::ContactsModel::Address), kAddress);
        QCOMPARE(cell(Ui::ContactsModel::Status), QStringLiteral("new"));
        QCOMPARE(cell(Ui::ContactsModel::Rule), QStringLiteral("hard bounce"));
        QCOMPARE(cell(Ui::ContactsModel::LastStatus), QStringLiteral("5.1.1"));
        QCOMPARE(cell(Ui::ContactsModel::Reason), QStringLiteral("userunknown"));

        QVERIFY(!view->changeStatus(ContactStatus::Contacted, {})); // nothing selected
        QVERIFY(view->select(kAddress));
        QVERIFY(view->changeStatus(ContactStatus::Contacted, QStringLiteral("called their postmaster")));
        QCOMPARE(cell(Ui::ContactsModel::Status), QStringLiteral("contacted"));
        QCOMPARE(view->selectedAddress(), kAddress);
        view.reset();

        // Reopen the store, as the next start of the app would.
        m_db = std::make_unique<Store::Database>();
        QString error;
        QVERIFY2(m_db->open(m_path, &error), qPrintable(error));
        const auto entry = Contacts::ContactList(*m_db, m_clock).find(kAddress, &error);
        QVERIFY2(entry, qPrintable(error));
        QCOMPARE(entry->status, ContactStatus::Contacted);
        QVERIFY(!entry->notes.isEmpty());
        QCOMPARE(entry->notes.last().text, QStringLiteral("called their postmaster"));
        QCOMPARE(entry->notes.last().author, QStringLiteral("user"));

        auto reopened = makeView();
        QVERIFY(reopened->select(kAddress));
        QVERIFY(reopened->changeStatus(ContactStatus::Resolved, {}));
        QCOMPARE(Contacts::ContactList(*m_db, m_clock).find(kAddress, &error)->status, ContactStatus::Resolved);
    }

    void newContactIsMergedWithoutReset()
    {
        auto view = makeView();
        view->show();
        QVERIFY(view->select(kAddress));
        QSignalSpy resets(view->model(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(view->model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy refreshed(view.get(), &Ui::ContactsView::refreshed);
        hardBounce(QStringLiteral("dave@failing.test"));
        view->refreshLater(); // what the main window does on ProbeView::probeRecorded
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(view->model()->rowCount(), 2);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(view->selectedAddress(), kAddress);
    }

    void composeBuildsMailto()
    {
        auto view = makeView();
        QVERIFY(view->select(kAddress));
        // Without an alternate address there is nowhere to write to: nothing opens.
        QVERIFY(view->compose(ContactMessage::Language::English).isEmpty());
        QVERIFY(m_opened.isEmpty());

        QVERIFY(view->saveDetails(
            QStringLiteral("Carol"), QStringLiteral("+49 30 1234"), QStringLiteral("carol@backup.test")));
        QCOMPARE(view->model()->index(0, Ui::ContactsModel::AltEmail).data().toString(),
            QStringLiteral("carol@backup.test"));
        QString error;
        const auto entry = Contacts::ContactList(*m_db, m_clock).find(kAddress, &error);
        QVERIFY(entry);
        QCOMPARE(entry->details.name, QStringLiteral("Carol"));

        for (const auto language : { ContactMessage::Language::English, ContactMessage::Language::German }) {
            const QString expected = ContactMessage::compose(*entry, language).mailtoUrl();
            QVERIFY(expected.startsWith(QStringLiteral("mailto:carol@backup.test?")));
            QCOMPARE(view->compose(language), expected);
            QCOMPARE(m_opened.last().scheme(), QStringLiteral("mailto"));
            QCOMPARE(m_opened.last().path(), QStringLiteral("carol@backup.test"));
            QCOMPARE(m_opened.last().toString(QUrl::FullyEncoded),
                QUrl(expected, QUrl::StrictMode).toString(QUrl::FullyEncoded));
        }
        QCOMPARE(m_opened.size(), 2);
        QVERIFY(m_opened.at(0) != m_opened.at(1)); // English and German differ
    }

    void importContactsCsv()
    {
        auto view = makeView();
        const QString csv = m_dir.filePath(QStringLiteral("contacts%1.csv").arg(m_count));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("address;name;phone;alt_email\r\ncarol@failing.test;Carol C.;+1 555;carol@other.test\r\n");
        file.close();
        view->setFileChooser([] { return QString(); });
        QVERIFY(!view->importContacts()); // cancelled
        view->setFileChooser([csv] { return csv; });
        QVERIFY2(view->importContacts(), qPrintable(view->statusText()));
        QTRY_COMPARE(view->model()->index(0, Ui::ContactsModel::Name).data().toString(), QStringLiteral("Carol C."));
        QCOMPARE(
            view->model()->index(0, Ui::ContactsModel::AltEmail).data().toString(), QStringLiteral("carol@other.test"));

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("name\nnobody\n"); // no address column: nothing imported, the reason shown
        file.close();
        QVERIFY(!view->importContacts());
        QVERIFY(!view->statusText().isEmpty());
        QCOMPARE(view->model()->index(0, Ui::ContactsModel::Name).data().toString(), QStringLiteral("Carol C."));
    }
};

QTEST_MAIN(TestContactsView)
#include "tst_contactsview.moc"
