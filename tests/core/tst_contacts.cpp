// The contact list: entry rules (consecutive failures, reset on success, hard bounce, reopen), the workflow, contact
// details from CSV (all or nothing), and the message template with its mailto: URL.
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include "contacts/addressorder.h"
#include "contacts/contactjson.h"
#include "contacts/contactlist.h"
#include "contacts/contactmessage.h"
#include "contacts/contacttracker.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Contacts;

namespace
{

// One outcome per character: s = success, f = soft failure, h = hard failure; an hour apart.
QList<Bounce::BounceEvent> events(const QString &address, const QString &pattern, const QDateTime &start)
{
    QList<Bounce::BounceEvent> list;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        Bounce::BounceEvent e;
        e.recipient = address;
        e.domain = address.section(u'@', -1);
        e.source = Bounce::BounceSource::Dsn;
        e.occurredAt = start.addSecs(3600 * i);
        switch (pattern.at(i).unicode()) {
        case u's':
            e.classification = { QStringLiteral("2.0.0"), Bounce::DeliveryClass::Success, QStringLiteral("accepted") };
            break;
        case u'h':
            e.classification = { QStringLiteral("5.1.1"), Bounce::DeliveryClass::Hard, QStringLiteral("userunknown") };
            break;
        default:
            e.classification = { QStringLiteral("4.4.2"), Bounce::DeliveryClass::Soft, QStringLiteral("networkerror") };
            break;
        }
        e.fingerprint = QStringLiteral("%1-%2").arg(address).arg(i);
        list << e;
    }
    return list;
}

const QDateTime kStart = Smtp::fromIsoUtc(u"2026-01-01T00:00:00Z");

} // namespace

class TestContacts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Store::Database> m_db;
    Test::FakeClock m_clock { Smtp::fromIsoUtc(u"2026-02-01T12:00:00Z") };

    // Feeds outcomes through the recorder, as probes and imports do.
    void feed(const QList<Bounce::BounceEvent> &list, ContactRules rules = {})
    {
        ContactTracker tracker(*m_db, m_clock, rules);
        Tracking::OutcomeRecorder recorder(*m_db);
        recorder.addSink(&tracker);
        QString error;
        QVERIFY2(recorder.recordEvents(list, nullptr, &error), qPrintable(error));
    }

    std::optional<ContactEntry> entry(const QString &address)
    {
        QString error;
        auto e = ContactList(*m_db, m_clock).find(address, &error);
        if (!error.isEmpty())
            qWarning() << error;
        return e;
    }

private Q_SLOTS:
    void init()
    {
        // A fresh store per test function keeps the rules' rows independent.
        m_db = std::make_unique<Store::Database>();
        QString error;
        QVERIFY2(m_db->open(m_dir.filePath(QStringLiteral("c%1.sqlite").arg(++m_count)), &error), qPrintable(error));
    }

    void cleanup() { m_db.reset(); }

    void sortByTextKeepsQStringOrder()
    {
        // The order the batch writes its runs and contacts in (it decides the notes' ids): QString's, whatever the
        // texts share at their start, however long, whatever units they hold (NUL, surrogates, units above them).
        const char16_t units[] = { u'a', u'b', u'@', u'.', 0, 0x7f, 0xe9, 0xd800, 0xdc00, 0xe000, 0xffff };
        QRandomGenerator rng(20261203);
        QStringList texts;
        QSet<QString> seen;
        while (texts.size() < 4000) {
            QString text = texts.isEmpty() || rng.bounded(3) == 0 ? QString() : texts[rng.bounded(texts.size())];
            text.truncate(rng.bounded(12)); // often a prefix of another text
            const int more = rng.bounded(6);
            for (int i = 0; i < more; ++i)
                text.append(QChar(units[rng.bounded(int(std::size(units)))]));
            if (!seen.contains(text)) {
                seen.insert(text);
                texts.append(text);
            }
        }
        QList<const QString *> sorted;
        for (const QString &text : std::as_const(texts))
            sorted.append(&text);
        QList<const QString *> expected = sorted;
        std::sort(expected.begin(), expected.end(), [](const QString *a, const QString *b) { return *a < *b; });
        Contacts::sortByText(sorted, [](const QString *text) { return QStringView(*text); });
        QCOMPARE(sorted, expected);
    }

    void entryRules_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("listed");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<qint64>("failures");
        QTest::addColumn<int>("firstHour"); // hour of first_failed_at; -1 if not listed
        QTest::newRow("two failures") << QStringLiteral("ff") << false << QString() << qint64(0) << -1;
        QTest::newRow("three failures") << QStringLiteral("fff") << true << QStringLiteral("consecutive-failures")
                                        << qint64(3) << 0;
        QTest::newRow("success resets") << QStringLiteral("ffsff") << false << QString() << qint64(0) << -1;
        QTest::newRow("run after a success")
            << QStringLiteral("ffsfff") << true << QStringLiteral("consecutive-failures") << qint64(3) << 3;
        QTest::newRow("keeps counting once listed")
            << QStringLiteral("fffff") << true << QStringLiteral("consecutive-failures") << qint64(5) << 0;
        QTest::newRow("hard bounce at once")
            << QStringLiteral("sh") << true << QStringLiteral("hard-bounce") << qint64(1) << 1;
        QTest::newRow("hard after soft") << QStringLiteral("fh") << true << QStringLiteral("hard-bounce") << qint64(2)
                                         << 0;
        QTest::newRow("listed stays listed after success")
            << QStringLiteral("fffs") << true << QStringLiteral("consecutive-failures") << qint64(3) << 0;
        QTest::newRow("only successes") << QStringLiteral("sss") << false << QString() << qint64(0) << -1;
    }

    void entryRules()
    {
        QFETCH(QString, pattern);
        QFETCH(bool, listed);
        QFETCH(QString, rule);
        QFETCH(qint64, failures);
        QFETCH(int, firstHour);
        const QString address = QStringLiteral("alice@Example.TEST");
        feed(events(address, pattern, kStart));
        const auto e = entry(QStringLiteral("alice@example.test"));
        QCOMPARE(e.has_value(), listed);
        if (!listed)
            return;
        QCOMPARE(e->address, QStringLiteral("alice@example.test"));
        QCOMPARE(e->domain, QStringLiteral("example.test"));
        QCOMPARE(e->status, ContactStatus::New);
        QCOMPARE(e->rule, rule);
        QCOMPARE(e->failures, failures);
        QCOMPARE(e->firstFailedAt, kStart.addSecs(3600 * firstHour));
        const qsizetype lastFailure = std::max(pattern.lastIndexOf(u'f'), pattern.lastIndexOf(u'h'));
        QCOMPARE(e->lastFailedAt, kStart.addSecs(3600 * lastFailure));
        // A success is remembered once the recipient has failed (before that nothing is tracked).
        qsizetype firstFailure = 0;
        while (pattern.at(firstFailure) == u's')
            ++firstFailure;
        QCOMPARE(e->lastSuccessAt.isValid(), pattern.lastIndexOf(u's') > firstFailure);
        QCOMPARE(e->openedAt, m_clock.now());
        QCOMPARE(e->notes.size(), 1);
        QCOMPARE(e->notes.first().author, QStringLiteral("mailpulse"));
        QVERIFY(e->notes.first().text.startsWith(QLatin1String("Listed: ")));
    }

    void eachOutcomeCounts()
    {
        // One at a time (one transaction each, as separate probes arrive) gives the same result as a batch.
        const QList<Bounce::BounceEvent> list
            = events(QStringLiteral("bob@example.test"), QStringLiteral("fff"), kStart);
        for (const Bounce::BounceEvent &e : list) {
            QVERIFY(!entry(QStringLiteral("bob@example.test")));
            feed({ e });
        }
        QCOMPARE(entry(QStringLiteral("bob@example.test"))->failures, qint64(3));
    }

    void configurableThresholds()
    {
        ContactRules rules;
        rules.consecutiveFailures = 5;
        rules.hardBounce = false;
        feed(events(QStringLiteral("a@x.test"), QStringLiteral("ffff"), kStart), rules);
        feed(events(QStringLiteral("b@x.test"), QStringLiteral("h"), kStart), rules);
        QVERIFY(!entry(QStringLiteral("a@x.test")));
        QVERIFY(!entry(QStringLiteral("b@x.test")));
        feed(events(QStringLiteral("a@x.test"), QStringLiteral("f"), kStart.addDays(1)), rules);
        QCOMPARE(entry(QStringLiteral("a@x.test"))->rule, QStringLiteral("consecutive-failures"));
        rules.consecutiveFailures = 0; // off: only hard bounces list
        rules.hardBounce = true;
        feed(events(QStringLiteral("c@x.test"), QStringLiteral("ffffff"), kStart), rules);
        QVERIFY(!entry(QStringLiteral("c@x.test")));
    }

    void lateOutcomesKeepTheOrder()
    {
        // f f s (then an old failure from before the success is imported): still no run of 3.
        feed(events(QStringLiteral("d@x.test"), QStringLiteral("ffs"), kStart));
        feed(events(QStringLiteral("d@x.test"), QStringLiteral("f"), kStart.addSecs(-3600)));
        QVERIFY(!entry(QStringLiteral("d@x.test")));
        // f f f listed; an old success imported later does not clear the run.
        feed(events(QStringLiteral("e@x.test"), QStringLiteral("ff"), kStart));
        feed(events(QStringLiteral("e@x.test"), QStringLiteral("s"), kStart.addSecs(-7200)));
        feed(events(QStringLiteral("e@x.test"), QStringLiteral("f"), kStart.addSecs(3 * 3600)));
        QCOMPARE(entry(QStringLiteral("e@x.test"))->failures, qint64(3));
    }

    void domainOnlyOutcomesAreNotRecipients()
    {
        QList<Bounce::BounceEvent> list = events(QStringLiteral("x@y.test"), QStringLiteral("hhh"), kStart);
        for (Bounce::BounceEvent &e : list)
            e.recipient.clear();
        feed(list);
        QList<ContactEntry> all;
        QString error;
        QVERIFY(ContactList(*m_db, m_clock).list({}, &all, &error));
        QVERIFY(all.isEmpty());
    }

    void workflowAndReopen()
    {
        const QString address = QStringLiteral("carol@example.test");
        feed(events(address, QStringLiteral("fff"), kStart));
        ContactList list(*m_db, m_clock);
        QString error;
        m_clock.advanceSecs(60);
        QCOMPARE(list.setStatus(address, ContactStatus::Contacted, QStringLiteral("mailed postmaster"), &error),
            ContactList::Change::Done);
        m_clock.advanceSecs(60);
        QCOMPARE(list.addNote(address, QStringLiteral("they are looking into it"), &error), ContactList::Change::Done);
        // A failure while contacted: the facts follow, the status stays.
        feed(events(address, QStringLiteral("f"), kStart.addDays(1)));
        QCOMPARE(entry(address)->status, ContactStatus::Contacted);
        QCOMPARE(entry(address)->failures, qint64(4));
        m_clock.advanceSecs(60);
        QCOMPARE(list.setStatus(address, ContactStatus::Resolved, {}, &error), ContactList::Change::Done);
        QCOMPARE(entry(address)->statusChangedAt, m_clock.now());

        // Success, then a new failure: a resolved entry reopens at once (one failure is enough).
        feed(events(address, QStringLiteral("s"), kStart.addDays(2)));
        QCOMPARE(entry(address)->status, ContactStatus::Resolved);
        m_clock.advanceSecs(60);
        feed(events(address, QStringLiteral("h"), kStart.addDays(3)));
        const ContactEntry e = *entry(address);
        QCOMPARE(e.status, ContactStatus::New);
        QCOMPARE(e.failures, qint64(1));
        QCOMPARE(e.rule, QStringLiteral("hard-bounce"));
        QCOMPARE(e.lastStatus, QStringLiteral("5.1.1"));
        QCOMPARE(e.reason, QStringLiteral("userunknown"));
        QCOMPARE(e.firstFailedAt, kStart.addDays(3));
        QCOMPARE(e.openedAt, m_clock.now());
        QStringList history;
        for (const ContactNote &n : e.notes)
            history << QStringLiteral("%1 %2 %3").arg(n.status, n.author, n.text);
        QCOMPARE(history,
            (QStringList {
                QStringLiteral("new mailpulse Listed: 3 consecutive failures, the last 4.4.2 (networkerror)"),
                QStringLiteral("contacted user mailed postmaster"),
                QStringLiteral("contacted user they are looking into it"), QStringLiteral("resolved user "),
                QStringLiteral("new mailpulse Reopened: failed again with 5.1.1 (userunknown)") }));

        // Ignored stays ignored.
        QCOMPARE(list.setStatus(address, ContactStatus::Ignored, {}, &error), ContactList::Change::Done);
        feed(events(address, QStringLiteral("f"), kStart.addDays(4)));
        QCOMPARE(entry(address)->status, ContactStatus::Ignored);

        QCOMPARE(list.setStatus(QStringLiteral("nobody@example.test"), ContactStatus::Resolved, {}, &error),
            ContactList::Change::NotListed);
        QCOMPARE(list.addNote(QStringLiteral("nobody@example.test"), QStringLiteral("x"), &error),
            ContactList::Change::NotListed);
    }

    void listFilterAndJson()
    {
        feed(events(QStringLiteral("a@one.test"), QStringLiteral("h"), kStart));
        feed(events(QStringLiteral("b@two.test"), QStringLiteral("fff"), kStart.addDays(1)));
        ContactList list(*m_db, m_clock);
        QString error;
        QCOMPARE(list.setStatus(QStringLiteral("a@one.test"), ContactStatus::Contacted, {}, &error),
            ContactList::Change::Done);
        QList<ContactEntry> all;
        QVERIFY(list.list({}, &all, &error));
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().address, QStringLiteral("b@two.test")); // most recent failure first
        ContactList::Filter filter;
        filter.status = ContactStatus::Contacted;
        QVERIFY(list.list(filter, &all, &error));
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().address, QStringLiteral("a@one.test"));
        filter = {};
        filter.domain = QStringLiteral("TWO.test");
        QVERIFY(list.list(filter, &all, &error));
        QCOMPARE(all.size(), 1);
        ContactList::Filter both = filter;
        both.status = ContactStatus::Contacted; // none of two.test is contacted
        QList<ContactEntry> some;
        QVERIFY(list.list(both, &some, &error));
        QCOMPARE(some.size(), 0);
        both.domain = QStringLiteral("one.test");
        QVERIFY(list.list(both, &some, &error));
        QCOMPARE(some.size(), 1);
        QCOMPARE(some.first().notes.size(), 2); // listed, then contacted

        // A filter's query finds its rows through an index (status, domain, address), not a scan of the table; one
        // contact's notes likewise.
        const auto plan = [this](const QString &sql) {
            QSqlQuery q(m_db->connection());
            QStringList steps;
            // Planned with placeholders, as list() runs it (a value in the text could be planned around).
            q.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
            for (const char *name : { ":status", ":domain", ":address" }) {
                if (sql.contains(QLatin1String(name)))
                    q.bindValue(QLatin1String(name), QStringLiteral("x"));
            }
            if (q.exec()) {
                while (q.next())
                    steps << q.value(3).toString();
            } else {
                steps << q.lastError().text();
            }
            return steps.join(QStringLiteral("; "));
        };
        ContactList::Filter byStatus;
        byStatus.status = ContactStatus::New;
        ContactList::Filter byDomain;
        byDomain.domain = QStringLiteral("one.test");
        ContactList::Filter byAddress;
        byAddress.address = QStringLiteral("a@one.test");
        for (const QString &sql : { ContactList::listQuery(byStatus), ContactList::listQuery(byDomain),
                 ContactList::listQuery(byAddress), ContactList::notesQuery(byAddress) }) {
            const QString steps = plan(sql);
            QVERIFY2(steps.contains(QStringLiteral("USING INDEX")) && !steps.contains(QStringLiteral("SCAN c")),
                qPrintable(sql + QStringLiteral(": ") + steps));
        }

        const QJsonObject json = toJson(all.first());
        for (const char *key : { "address", "domain", "status", "rule", "failures", "last_status", "reason",
                 "first_failed_at", "last_failed_at", "name", "phone", "alt_email", "notes" })
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("new"));
        QCOMPARE(json.value(QStringLiteral("failures")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("first_failed_at")).toString(), QStringLiteral("2026-01-02T00:00:00.000Z"));
        QVERIFY(json.value(QStringLiteral("name")).isNull());
    }

    void importDetails()
    {
        feed(events(QStringLiteral("dave@example.test"), QStringLiteral("h"), kStart));
        ContactList list(*m_db, m_clock);
        QString error;
        int imported = 0;
        const QByteArray csv = "\xEF\xBB\xBF"
                               "Address,Name,Phone,Alternate Email\r\n"
                               "dave@EXAMPLE.test,\"Dave, the admin\",+49 30 1234,dave@other.test\r\n"
                               "erin@example.test,Erin Ärger,,\r\n";
        QVERIFY2(list.importDetails(csv, &imported, &error), qPrintable(error));
        QCOMPARE(imported, 2);
        const ContactEntry e = *entry(QStringLiteral("dave@example.test"));
        QCOMPARE(e.details.name, QStringLiteral("Dave, the admin"));
        QCOMPARE(e.details.phone, QStringLiteral("+49 30 1234"));
        QCOMPARE(e.details.altEmail, QStringLiteral("dave@other.test"));
        // Details wait for an address that is not listed yet.
        feed(events(QStringLiteral("erin@example.test"), QStringLiteral("h"), kStart));
        QCOMPARE(entry(QStringLiteral("erin@example.test"))->details.name, QStringLiteral("Erin Ärger"));

        // Semicolons and LF line ends (a German spreadsheet saved on Linux).
        QVERIFY2(
            list.importDetails("address;name\nerin@example.test;Erin Ä.\n\n", &imported, &error), qPrintable(error));
        QCOMPARE(entry(QStringLiteral("erin@example.test"))->details.name, QStringLiteral("Erin Ä."));

        ContactDetails d;
        d.address = QStringLiteral("dave@example.test");
        d.altEmail = QStringLiteral("not an address");
        QVERIFY(!list.setDetails(d, &error));
        d.altEmail = QStringLiteral("ops@example.net");
        QVERIFY(list.setDetails(d, &error));
        QCOMPARE(entry(QStringLiteral("dave@example.test"))->details.altEmail, QStringLiteral("ops@example.net"));
        QCOMPARE(entry(QStringLiteral("dave@example.test"))->details.name, QString());
        // Details read back directly, whatever the case of the domain.
        const auto erin = list.details(QStringLiteral("erin@EXAMPLE.test"), &error);
        QVERIFY(erin);
        QCOMPARE(erin->name, QStringLiteral("Erin Ä."));
        QVERIFY(!list.details(QStringLiteral("nobody@example.test"), &error));
        QVERIFY(error.isEmpty());
    }

    void brokenImportsChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("error");
        QTest::newRow("unclosed quote") << QByteArray("address,name\r\na@x.test,ok\r\nb@x.test,\"broken\r\n")
                                        << QStringLiteral("line 3: quoted field is not closed");
        QTest::newRow("quote in field") << QByteArray("address,name\r\na@x.test,ok\r\nb@x.test,bro\"ken\r\n")
                                        << QStringLiteral("line 3: quote inside an unquoted field");
        QTest::newRow("short row") << QByteArray("address,name\r\na@x.test,ok\r\nb@x.test\r\n")
                                   << QStringLiteral("line 3: 1 fields where the first record has 2");
        QTest::newRow("bad address") << QByteArray("address,name\r\na@x.test,ok\r\nnobody,x\r\n")
                                     << QStringLiteral("line 3: 'nobody' is not an e-mail address");
        QTest::newRow("bad alt") << QByteArray("address,alt_email\r\na@x.test,x@y\r\nb@x.test,not mail\r\n")
                                 << QStringLiteral("line 3: alternate e-mail 'not mail'");
        QTest::newRow("duplicate") << QByteArray("address\na@x.test\nb@x.test\nA@X.TEST\n")
                                   << QStringLiteral("line 4: A@x.test appears more than once");
        QTest::newRow("unknown column") << QByteArray("address,fax\r\na@x.test,1\r\n")
                                        << QStringLiteral("line 1: unknown column 'fax'");
        QTest::newRow("no address column")
            << QByteArray("name,phone\r\nA,1\r\n") << QStringLiteral("line 1: no 'address' column");
        QTest::newRow("invalid utf-8") << QByteArray("address,name\r\na@x.test,ok\r\nb@x.test,\xff\xfe\r\n")
                                       << QStringLiteral("line 3: invalid UTF-8");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("line 1: empty file");
        QTest::newRow("multi-line field counts lines")
            << QByteArray("address,name\r\na@x.test,\"two\r\nlines\"\r\nbad,x\r\n") << QStringLiteral("line 4: 'bad'");
    }

    void brokenImportsChangeNothing()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, error);
        ContactList list(*m_db, m_clock);
        QString message;
        int imported = -1;
        QVERIFY(!list.importDetails(csv, &imported, &message));
        QVERIFY2(message.startsWith(error), qPrintable(message));
        QCOMPARE(imported, -1);
        // The good first row was not stored either.
        feed(events(QStringLiteral("a@x.test"), QStringLiteral("h"), kStart));
        QCOMPARE(entry(QStringLiteral("a@x.test"))->details.name, QString());
    }

    void message_data()
    {
        QTest::addColumn<int>("language");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QStringList>("bodyParts");
        QTest::newRow("english") << int(ContactMessage::Language::English)
                                 << QStringLiteral(
                                        "Delivery problem: your mail server for example.test is refusing our "
                                        "connections")
                                 << QStringList { QStringLiteral("Hello Frank,"),
                                        QStringLiteral("your mail server is refusing or dropping our connections"),
                                        QStringLiteral("frank@example.test"), QStringLiteral("Domain: example.test"),
                                        QStringLiteral("Failed attempts: 3"),
                                        QStringLiteral("First failure: 2026-01-01 00:00 UTC"),
                                        QStringLiteral("Last failure: 2026-01-01 02:00 UTC"),
                                        QStringLiteral("Status codes: 4.4.2 (networkerror), 4.7.5"),
                                        QStringLiteral("Ops Team\n") };
        QTest::newRow("german") << int(ContactMessage::Language::German)
                                << QStringLiteral("Zustellprobleme: Ihr Mailserver für example.test lehnt unsere "
                                                  "Verbindungen ab")
                                << QStringList { QStringLiteral("Guten Tag Frank,"),
                                       QStringLiteral("Ihr Mailserver lehnt unsere Verbindungen ab oder bricht sie ab"),
                                       QStringLiteral("Domain: example.test"),
                                       QStringLiteral("Fehlgeschlagene Versuche: 3"),
                                       QStringLiteral("Erster Fehler: 2026-01-01 00:00 UTC"),
                                       QStringLiteral("Statuscodes: 4.4.2 (networkerror), 4.7.5"),
                                       QStringLiteral("freundliche Grüße\nOps Team\n") };
    }

    void message()
    {
        QFETCH(int, language);
        QFETCH(QString, subject);
        QFETCH(QStringList, bodyParts);
        feed(events(QStringLiteral("frank@example.test"), QStringLiteral("fff"), kStart));
        ContactList list(*m_db, m_clock);
        QString error;
        ContactDetails d;
        d.address = QStringLiteral("frank@example.test");
        d.name = QStringLiteral("Frank");
        d.altEmail = QStringLiteral("frank+ops@other.test");
        QVERIFY(list.setDetails(d, &error));
        const ContactMessage m = ContactMessage::compose(*entry(d.address), ContactMessage::Language(language),
            QStringLiteral("Ops Team"), { QStringLiteral("4.4.2"), QStringLiteral("4.7.5") });
        QCOMPARE(m.to, QStringLiteral("frank+ops@other.test"));
        QCOMPARE(m.subject, subject);
        for (const QString &part : bodyParts)
            QVERIFY2(m.body.contains(part), qPrintable(part));

        // mailto: decodes back to the same subject and body, with CRLF line ends (RFC 6068).
        const QString url = m.mailtoUrl();
        QVERIFY(url.startsWith(QLatin1String("mailto:frank%2Bops@other.test?subject=")));
        QVERIFY(!url.contains(u' ') && !url.contains(u'\n'));
        const QUrl parsed(url);
        QCOMPARE(parsed.scheme(), QStringLiteral("mailto"));
        const QUrlQuery query(parsed);
        QCOMPARE(query.queryItemValue(QStringLiteral("subject"), QUrl::FullyDecoded), subject);
        QString crlf = m.body;
        crlf.replace(u'\n', QStringLiteral("\r\n"));
        QCOMPARE(query.queryItemValue(QStringLiteral("body"), QUrl::FullyDecoded), crlf);
    }

    void messageWithoutDetails()
    {
        ContactEntry e;
        e.address = QStringLiteral("x@y.test");
        e.domain = QStringLiteral("y.test");
        const ContactMessage m = ContactMessage::compose(e, ContactMessage::Language::English);
        QVERIFY(m.body.startsWith(QLatin1String("Hello,\n")));
        QVERIFY(m.body.contains(QLatin1String("Status codes: -")));
        QVERIFY(m.mailtoUrl().isEmpty());
        QCOMPARE(ContactMessage::languageFromName(QStringLiteral("de_DE")), ContactMessage::Language::German);
        QCOMPARE(ContactMessage::languageFromName(QStringLiteral("EN")), ContactMessage::Language::English);
        QVERIFY(!ContactMessage::languageFromName(QStringLiteral("fr")));
    }

    void statusNames()
    {
        for (ContactStatus s :
            { ContactStatus::New, ContactStatus::Contacted, ContactStatus::Resolved, ContactStatus::Ignored })
            QCOMPARE(contactStatusFromName(contactStatusName(s)), s);
        QVERIFY(!contactStatusFromName(u"closed"));
        QCOMPARE(normalizedAddress(QStringLiteral(" Bob@Example.COM ")), QStringLiteral("Bob@example.com"));
    }
};

QTEST_GUILESS_MAIN(TestContacts)
#include "tst_contacts.moc"
