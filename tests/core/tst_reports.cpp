// CSV reports from a built store, read back through the strict RFC 4180 parser: the header contract, values, filters,
// hostile server text neutralized, and the spreadsheet format.
#include <QBuffer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "contacts/contactlist.h"
#include "contacts/contacttracker.h"
#include "report/csvparser.h"
#include "report/reportexporter.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "testsupport.h"
#include "tracking/outcomerecorder.h"

using namespace Mailpulse;
using namespace Mailpulse::Report;

namespace
{

Smtp::ProbeResult probe(
    const QString &target, const QString &host, const char *startedAt, bool ok, const QString &replyText = {})
{
    Smtp::ProbeResult r;
    r.target = target;
    r.domain = target.section(u'@', -1);
    r.host = host;
    r.address = QStringLiteral("192.0.2.7");
    r.port = 25;
    r.classification = ok
        ? Bounce::Classification { QStringLiteral("2.1.5"), Bounce::DeliveryClass::Success, QStringLiteral("accepted") }
        : Bounce::Classification { QStringLiteral("5.7.1"), Bounce::DeliveryClass::Hard, QStringLiteral("blocked") };
    r.phase = ok ? Smtp::Phase::Done : Smtp::Phase::Rcpt;
    r.timings.connect = 12;
    r.timings.greeting = 34;
    r.timings.total = 100;
    Smtp::SmtpReply reply;
    reply.code = ok ? 250 : 550;
    reply.enhanced = r.classification.status;
    reply.lines = QStringList { replyText.isEmpty() ? QStringLiteral("Ok") : replyText };
    r.reply = reply;
    if (ok) {
        Smtp::TlsInfo tls;
        tls.protocol = QStringLiteral("TLSv1.3");
        tls.verified = true;
        r.tls = tls;
    }
    r.startedAt = Smtp::fromIsoUtc(QString::fromLatin1(startedAt));
    return r;
}

} // namespace

class TestReports : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Store::Database m_db;
    Test::FakeClock m_clock { Smtp::fromIsoUtc(u"2026-01-05T00:00:00Z") };

    QList<QStringList> report(ReportKind kind, ReportExporter::Options options = {}, qint64 *rowsOut = nullptr)
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        qint64 rows = -1;
        QString error;
        if (!ReportExporter(m_db).write(kind, options, &buffer, &rows, &error)) {
            qWarning() << error;
            return {};
        }
        CsvParser::Error parseError;
        CsvParser::Options parseOptions;
        parseOptions.separator = options.format.separator;
        const auto records = CsvParser::parse(buffer.data(), parseOptions, &parseError);
        if (!records) {
            qWarning() << parseError.toString() << buffer.data();
            return {};
        }
        if (records->value(0) != ReportExporter::columns(kind))
            qWarning() << "header" << records->value(0);
        if (rowsOut)
            *rowsOut = rows;
        return *records;
    }

    static QMap<QString, QString> row(const QList<QStringList> &records, qsizetype index)
    {
        QMap<QString, QString> map;
        for (qsizetype i = 0; i < records.first().size(); ++i)
            map.insert(records.first().at(i), records.at(index).value(i));
        return map;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("r.sqlite")), &error), qPrintable(error));
        Contacts::ContactTracker tracker(m_db, m_clock);
        Tracking::OutcomeRecorder recorder(m_db);
        recorder.addSink(&tracker);
        const Smtp::ProbeConfig config;
        const QList<Smtp::ProbeResult> results {
            probe(QStringLiteral("a@one.test"), QStringLiteral("mx.one.test"), "2026-01-01T10:00:00Z", true),
            probe(QStringLiteral("b@one.test"), QStringLiteral("mx.one.test"), "2026-01-02T10:00:00Z", false,
                QStringLiteral("=HYPERLINK(\"http://evil.example/?x\",\"Click, \"\"here\"\"\")")),
            probe(QStringLiteral("c@two.test"), QStringLiteral("aspmx.l.google.com"), "2026-01-03T10:00:00Z", true),
        };
        for (const Smtp::ProbeResult &r : results)
            QVERIFY2(recorder.recordProbe(r, config, nullptr, &error), qPrintable(error));
    }

    void probes()
    {
        qint64 rows = 0;
        const QList<QStringList> records = report(ReportKind::Probes, {}, &rows);
        QCOMPARE(records.size(), 4);
        QCOMPARE(rows, qint64(3));
        const auto first = row(records, 1);
        QCOMPARE(first.value(QStringLiteral("started_at")), QStringLiteral("2026-01-01T10:00:00.000Z"));
        QCOMPARE(first.value(QStringLiteral("target")), QStringLiteral("a@one.test"));
        QCOMPARE(first.value(QStringLiteral("port")), QStringLiteral("25"));
        QCOMPARE(first.value(QStringLiteral("class")), QStringLiteral("success"));
        QCOMPARE(first.value(QStringLiteral("connect_ms")), QStringLiteral("12"));
        QCOMPARE(first.value(QStringLiteral("dns_ms")), QString()); // null
        QCOMPARE(first.value(QStringLiteral("tls_verified")), QStringLiteral("true"));
        const auto hostile = row(records, 2);
        // The attacker-controlled reply comes back intact, but as text a spreadsheet will not evaluate.
        QCOMPARE(hostile.value(QStringLiteral("reply_text")),
            QStringLiteral("'=HYPERLINK(\"http://evil.example/?x\",\"Click, \"\"here\"\"\")"));
        QCOMPARE(hostile.value(QStringLiteral("tls_verified")), QString());
        QCOMPARE(hostile.value(QStringLiteral("status")), QStringLiteral("5.7.1"));
    }

    void probesFiltered_data()
    {
        QTest::addColumn<QString>("since");
        QTest::addColumn<QString>("until");
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QStringList>("targets");
        QTest::newRow("domain") << QString() << QString() << QStringLiteral("ONE.test")
                                << QStringList { QStringLiteral("a@one.test"), QStringLiteral("b@one.test") };
        QTest::newRow("since") << QStringLiteral("2026-01-02") << QString() << QString()
                               << QStringList { QStringLiteral("b@one.test"), QStringLiteral("c@two.test") };
        QTest::newRow("until") << QString() << QStringLiteral("2026-01-02T10:00:00Z") << QString()
                               << QStringList { QStringLiteral("a@one.test") };
        QTest::newRow("window and domain") << QStringLiteral("2026-01-02") << QString() << QStringLiteral("two.test")
                                           << QStringList { QStringLiteral("c@two.test") };
        QTest::newRow("nothing") << QStringLiteral("2027-01-01") << QString() << QString() << QStringList {};
    }

    void probesFiltered()
    {
        QFETCH(QString, since);
        QFETCH(QString, until);
        QFETCH(QString, domain);
        QFETCH(QStringList, targets);
        ReportExporter::Options options;
        QString error;
        QVERIFY(Stats::TimeWindow::parse(since, until, m_clock, &options.window, &error));
        options.domain = domain;
        const QList<QStringList> records = report(ReportKind::Probes, options);
        QVERIFY(!records.isEmpty()); // the header is always there
        QStringList got;
        for (qsizetype i = 1; i < records.size(); ++i)
            got << row(records, i).value(QStringLiteral("target"));
        QCOMPARE(got, targets);
    }

    void domainsAndProviders()
    {
        const QList<QStringList> domains = report(ReportKind::Domains);
        QCOMPARE(domains.size(), 3);
        const auto one = row(domains, 1);
        QCOMPARE(one.value(QStringLiteral("domain")), QStringLiteral("one.test"));
        QCOMPARE(one.value(QStringLiteral("probes")), QStringLiteral("2"));
        QCOMPARE(one.value(QStringLiteral("success_rate")), QStringLiteral("0.5"));
        QCOMPARE(one.value(QStringLiteral("connect_ms_p50")), QStringLiteral("12"));
        QCOMPARE(one.value(QStringLiteral("tls_ms_p50")), QString());
        QCOMPARE(one.value(QStringLiteral("flagged")), QStringLiteral("false"));
        QCOMPARE(one.value(QStringLiteral("dominant_status")), QStringLiteral("5.7.1"));
        QCOMPARE(one.value(QStringLiteral("failures_by_status")), QStringLiteral("5.7.1=1"));
        QCOMPARE(one.value(QStringLiteral("failures_by_phase")), QStringLiteral("rcpt=1"));
        QCOMPARE(one.value(QStringLiteral("recovery_rate")), QString());

        const QList<QStringList> providers = report(ReportKind::Providers);
        QCOMPARE(providers.size(), 3);
        QCOMPARE(row(providers, 1).value(QStringLiteral("provider")), QStringLiteral("Google"));
        QCOMPARE(row(providers, 1).value(QStringLiteral("domains")), QStringLiteral("two.test"));
        QCOMPARE(row(providers, 2).value(QStringLiteral("provider")), QStringLiteral("one.test"));

        ReportExporter::Options options;
        options.domain = QStringLiteral("two.test");
        QCOMPARE(report(ReportKind::Domains, options).size(), 2);
        QCOMPARE(report(ReportKind::Providers, options).size(), 2);
    }

    void contacts()
    {
        // b@one.test had a hard failure: listed at once.
        Contacts::ContactList list(m_db, m_clock);
        QString error;
        QCOMPARE(list.setStatus(QStringLiteral("b@one.test"), Contacts::ContactStatus::Contacted,
                     QStringLiteral("=called, left a message"), &error),
            Contacts::ContactList::Change::Done);
        Contacts::ContactDetails details;
        details.address = QStringLiteral("b@one.test");
        details.name = QStringLiteral("Bea");
        details.phone = QStringLiteral("+1 555 0100");
        QVERIFY(list.setDetails(details, &error));

        const QList<QStringList> records = report(ReportKind::Contacts);
        QCOMPARE(records.size(), 2);
        const auto b = row(records, 1);
        QCOMPARE(b.value(QStringLiteral("address")), QStringLiteral("b@one.test"));
        QCOMPARE(b.value(QStringLiteral("status")), QStringLiteral("contacted"));
        QCOMPARE(b.value(QStringLiteral("rule")), QStringLiteral("hard-bounce"));
        QCOMPARE(b.value(QStringLiteral("failures")), QStringLiteral("1"));
        QCOMPARE(b.value(QStringLiteral("last_failed_at")), QStringLiteral("2026-01-02T10:00:00.000Z"));
        QCOMPARE(b.value(QStringLiteral("phone")), QStringLiteral("'+1 555 0100"));
        QCOMPARE(b.value(QStringLiteral("name")), QStringLiteral("Bea"));
        const QStringList notes = b.value(QStringLiteral("notes")).split(u'\n');
        QCOMPARE(notes.size(), 2);
        QVERIFY(notes.at(0).contains(QLatin1String("[new] mailpulse: Listed: hard failure 5.7.1 (blocked)")));
        QVERIFY(notes.at(1).endsWith(QLatin1String("[contacted] user: =called, left a message")));

        ReportExporter::Options options;
        options.domain = QStringLiteral("two.test");
        QCOMPARE(report(ReportKind::Contacts, options).size(), 1);
    }

    void bouncesAndRetries()
    {
        QCOMPARE(report(ReportKind::Bounces).value(0), ReportExporter::columns(ReportKind::Bounces));
        QSqlQuery q(m_db.connection());
        QVERIFY2(q.exec(QStringLiteral(
                     "INSERT INTO bounces (fingerprint, source, occurred_at, recipient, domain, status, class, reason,"
                     " action, reply_code, remote_mta, diagnostic, source_ref) VALUES ('f1', 'dsn',"
                     " '2026-01-02T08:00:00.000Z', 'x@one.test', 'one.test', '5.1.1', 'hard', 'userunknown', 'failed',"
                     " 550, 'mx.one.test', '@evil multi\nline, diagnostic', 'bounce.eml')")),
            qPrintable(q.lastError().text()));
        QList<QStringList> bounces = report(ReportKind::Bounces);
        QCOMPARE(bounces.size(), 2);
        QCOMPARE(row(bounces, 1).value(QStringLiteral("diagnostic")), QStringLiteral("'@evil multi\nline, diagnostic"));
        QCOMPARE(row(bounces, 1).value(QStringLiteral("reply_code")), QStringLiteral("550"));
        ReportExporter::Options options;
        options.domain = QStringLiteral("two.test");
        QCOMPARE(report(ReportKind::Bounces, options).size(), 1);

        QVERIFY2(q.exec(QStringLiteral(
                     "INSERT INTO retry_entries (target, recipient, domain, state, status, class, source, attempts,"
                     " first_failed_at, expires_at, config_json, settings_json, recovered)"
                     " VALUES ('y@one.test', 'y@one.test', 'one.test', 'succeeded', '4.4.1', 'soft', 'probe', 3,"
                     " '2026-01-02T09:00:00.000Z', '2026-01-07T09:00:00.000Z', '{}', '{}', 1)")),
            qPrintable(q.lastError().text()));
        const QList<QStringList> retries = report(ReportKind::Retries);
        QCOMPARE(retries.size(), 2);
        const auto r = row(retries, 1);
        QCOMPARE(r.value(QStringLiteral("state")), QStringLiteral("succeeded"));
        QCOMPARE(r.value(QStringLiteral("attempts")), QStringLiteral("3"));
        QCOMPARE(r.value(QStringLiteral("recovered")), QStringLiteral("true"));
        QCOMPARE(r.value(QStringLiteral("first_failed_at")), QStringLiteral("2026-01-02T09:00:00.000Z"));
    }

    void spreadsheetFormat()
    {
        ReportExporter::Options options;
        options.format = CsvFormat::excel(QLocale(QLocale::German, QLocale::Germany));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QString error;
        QVERIFY(ReportExporter(m_db).write(ReportKind::Domains, options, &buffer, nullptr, &error));
        QVERIFY(buffer.data().startsWith("\xEF\xBB\xBF"
                                         "domain;probes;successes;failures;success_rate;"));
        QVERIFY(buffer.data().contains("one.test;2;1;1;0,5;"));
        QCOMPARE(report(ReportKind::Domains, options).size(), 3);
    }

    void kinds()
    {
        for (const QString &name : reportKindNames())
            QCOMPARE(reportKindName(*reportKindFromName(name)), name);
        QVERIFY(!reportKindFromName(u"everything"));
    }
};

QTEST_GUILESS_MAIN(TestReports)
#include "tst_reports.moc"
