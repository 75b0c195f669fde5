// Statistics on a store built from crafted probe results: every figure checked against numbers worked out by hand.
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "smtp/proberesultjson.h"
#include "stats/statsengine.h"
#include "stats/statsjson.h"
#include "stats/timewindow.h"
#include "store/database.h"
#include "store/proberepository.h"
#include "testsupport.h"

using namespace Mailpulse;
using namespace Mailpulse::Stats;

namespace
{

QDateTime at(const char *iso) { return Smtp::fromIsoUtc(QString::fromLatin1(iso)); }

struct Spec {
    const char *domain;
    const char *host; // "" = no host reached
    const char *startedAt;
    const char *status;
    Bounce::DeliveryClass cls;
    Smtp::Phase phase;
    qint64 connect = -1;
    qint64 greeting = -1;
    qint64 tls = -1;
};

Smtp::ProbeResult probe(const Spec &s)
{
    Smtp::ProbeResult r;
    r.domain = QString::fromLatin1(s.domain);
    r.target = QStringLiteral("user@") + r.domain;
    r.host = QString::fromLatin1(s.host);
    r.classification.status = QString::fromLatin1(s.status);
    r.classification.cls = s.cls;
    r.classification.reason
        = s.cls == Bounce::DeliveryClass::Success ? QStringLiteral("accepted") : QStringLiteral("networkerror");
    r.phase = s.phase;
    r.timings.connect = s.connect;
    r.timings.greeting = s.greeting;
    r.timings.tls = s.tls;
    r.startedAt = at(s.startedAt);
    return r;
}

using DC = Bounce::DeliveryClass;
using P = Smtp::Phase;

// a.test: 4 successes and 2 failures, with hand-checked percentiles.
// b.test: 10 probes, 3 failures (30% > 20%): flagged, dominant 5.7.1.
// c.test: 10 probes, 2 failures (exactly 20%, not above): not flagged.
// d.test: DNS failure only, no host.
const QList<Spec> kSpecs = {
    { "a.test", "mx.a.test", "2026-01-01T10:05:00.000Z", "2.1.5", DC::Success, P::Done, 10, 100, 5 },
    { "a.test", "mx.a.test", "2026-01-01T10:30:00.000Z", "2.1.5", DC::Success, P::Done, 20, 200, 6 },
    { "a.test", "mx.a.test", "2026-01-01T11:10:00.000Z", "2.1.5", DC::Success, P::Done, 30, 300, 7 },
    { "a.test", "mx.a.test", "2026-01-01T13:00:00.000Z", "2.1.5", DC::Success, P::Done, 40, 400, 8 },
    { "a.test", "mx.a.test", "2026-01-02T09:00:00.000Z", "4.4.1", DC::Soft, P::Connect },
    { "a.test", "mx.a.test", "2026-01-02T09:30:00.000Z", "4.4.2", DC::Soft, P::Greeting, 50 },
};

} // namespace

class TestStats : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Store::Database m_db;

    void insert(const QList<Spec> &specs)
    {
        QList<Smtp::ProbeResult> results;
        for (const Spec &s : specs)
            results << probe(s);
        QString error;
        QVERIFY2(Store::ProbeRepository(m_db).insertAll(results, &error), qPrintable(error));
    }

    static const GroupStats *find(const QList<GroupStats> &groups, const QString &key)
    {
        for (const GroupStats &g : groups) {
            if (g.key == key)
                return &g;
        }
        return nullptr;
    }

    QList<GroupStats> domains(const TimeWindow &window = {})
    {
        QList<GroupStats> groups;
        QString error;
        const StatsEngine engine(m_db);
        if (!engine.domainStats(window, &groups, &error))
            qWarning() << error;
        return groups;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("stats.sqlite")), &error), qPrintable(error));
        insert(kSpecs);
        QList<Spec> b;
        for (int i = 0; i < 10; ++i) {
            const bool fail = i < 3;
            b.append({ "b.test", "mx1.b.test", "2026-01-01T12:00:00.000Z",
                fail ? (i == 2 ? "4.7.5" : "5.7.1") : "2.1.5", fail ? (i == 2 ? DC::Soft : DC::Hard) : DC::Success,
                fail ? (i == 2 ? P::Tls : P::Rcpt) : P::Done, 100 + i, 200, i == 2 ? -1 : 30 });
        }
        insert(b);
        QList<Spec> c;
        for (int i = 0; i < 10; ++i) {
            c.append({ "c.test", "mx.c.test", "2026-01-01T12:00:00.000Z", i < 2 ? "4.2.1" : "2.1.5",
                i < 2 ? DC::Soft : DC::Success, i < 2 ? P::Rcpt : P::Done, 1, 2, 3 });
        }
        insert(c);
        insert({ { "d.test", "", "2026-01-01T12:00:00.000Z", "5.1.2", DC::Hard, P::Dns } });
    }

    void percentileFunction_data()
    {
        QTest::addColumn<QList<qint64>>("values");
        QTest::addColumn<int>("percent");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("one value p50") << QList<qint64> { 7 } << 50 << qint64(7);
        QTest::newRow("one value p95") << QList<qint64> { 7 } << 95 << qint64(7);
        QTest::newRow("two values p50 is the lower") << QList<qint64> { 20, 10 } << 50 << qint64(10);
        QTest::newRow("two values p95") << QList<qint64> { 20, 10 } << 95 << qint64(20);
        QTest::newRow("five p50") << QList<qint64> { 50, 10, 40, 20, 30 } << 50 << qint64(30);
        QTest::newRow("five p95") << QList<qint64> { 50, 10, 40, 20, 30 } << 95 << qint64(50);
        QList<qint64> hundred;
        for (qint64 i = 100; i >= 1; --i)
            hundred << i;
        QTest::newRow("1..100 p50") << hundred << 50 << qint64(50);
        QTest::newRow("1..100 p95") << hundred << 95 << qint64(95);
        QList<qint64> twenty;
        for (qint64 i = 1; i <= 20; ++i)
            twenty << i * 10;
        QTest::newRow("20 values p95 is the 19th") << twenty << 95 << qint64(190);
        QTest::newRow("duplicates") << QList<qint64> { 5, 5, 5, 9 } << 50 << qint64(5);
    }

    void percentileFunction()
    {
        QFETCH(QList<qint64>, values);
        QFETCH(int, percent);
        QFETCH(qint64, expected);
        QCOMPARE(StatsEngine::percentile(values, percent), std::optional<qint64>(expected));
    }

    void percentileOfNothing()
    {
        QList<qint64> none;
        QVERIFY(!StatsEngine::percentile(none, 50));
    }

    void domainFigures_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<qint64>("probes");
        QTest::addColumn<qint64>("successes");
        QTest::addColumn<QString>("byStatus");
        QTest::addColumn<QString>("byPhase");
        QTest::addColumn<QString>("connect");
        QTest::addColumn<QString>("greeting");
        QTest::addColumn<QString>("tls");
        QTest::addColumn<bool>("flagged");
        QTest::addColumn<QString>("dominant");
        QTest::addColumn<QString>("successRate");

        QTest::newRow("a.test") << QStringLiteral("a.test") << qint64(6) << qint64(4)
                                << QStringLiteral("4.4.1=1 4.4.2=1") << QStringLiteral("connect=1 greeting=1")
                                << QStringLiteral("30/50") << QStringLiteral("200/400") << QStringLiteral("6/8")
                                << false << QStringLiteral("4.4.1") << QStringLiteral("0.6667");
        QTest::newRow("b.test flagged") << QStringLiteral("b.test") << qint64(10) << qint64(7)
                                        << QStringLiteral("4.7.5=1 5.7.1=2") << QStringLiteral("rcpt=2 tls=1")
                                        << QStringLiteral("104/109") << QStringLiteral("200/200")
                                        << QStringLiteral("30/30") << true << QStringLiteral("5.7.1")
                                        << QStringLiteral("0.7");
        QTest::newRow("c.test at the threshold")
            << QStringLiteral("c.test") << qint64(10) << qint64(8) << QStringLiteral("4.2.1=2")
            << QStringLiteral("rcpt=2") << QStringLiteral("1/1") << QStringLiteral("2/2") << QStringLiteral("3/3")
            << false << QStringLiteral("4.2.1") << QStringLiteral("0.8");
        QTest::newRow("d.test no timings")
            << QStringLiteral("d.test") << qint64(1) << qint64(0) << QStringLiteral("5.1.2=1")
            << QStringLiteral("dns=1") << QStringLiteral("-/-") << QStringLiteral("-/-") << QStringLiteral("-/-")
            << false << QStringLiteral("5.1.2") << QStringLiteral("0");
    }

    void domainFigures()
    {
        QFETCH(QString, domain);
        QFETCH(qint64, probes);
        QFETCH(qint64, successes);
        QFETCH(QString, byStatus);
        QFETCH(QString, byPhase);
        QFETCH(QString, connect);
        QFETCH(QString, greeting);
        QFETCH(QString, tls);
        QFETCH(bool, flagged);
        QFETCH(QString, dominant);
        QFETCH(QString, successRate);

        const QList<GroupStats> all = domains();
        const GroupStats *g = find(all, domain);
        QVERIFY(g);
        QCOMPARE(g->probes, probes);
        QCOMPARE(g->successes, successes);
        const auto counts = [](const QMap<QString, qint64> &m) {
            QStringList parts;
            for (auto it = m.cbegin(); it != m.cend(); ++it)
                parts << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
            return parts.join(u' ');
        };
        const auto ms = [](const Percentiles &p) -> QString {
            const auto one
                = [](std::optional<qint64> v) -> QString { return v ? QString::number(*v) : QStringLiteral("-"); };
            return one(p.p50) + u'/' + one(p.p95);
        };
        QCOMPARE(counts(g->failuresByStatus), byStatus);
        QCOMPARE(counts(g->failuresByPhase), byPhase);
        QCOMPARE(ms(g->connectMs), connect);
        QCOMPARE(ms(g->greetingMs), greeting);
        QCOMPARE(ms(g->tlsMs), tls);
        QCOMPARE(g->flagged, flagged);
        QCOMPARE(g->dominantStatus, dominant);
        const QJsonObject json = toJson(*g, GroupKind::Domain);
        QCOMPARE(QString::number(json.value(QStringLiteral("success_rate")).toDouble()), successRate);
        // Every DESIGN.md field is present, absent values as null.
        for (const char *key :
            { "domain", "probes", "successes", "success_rate", "failures_by_status", "failures_by_phase", "connect_ms",
                "greeting_ms", "tls_ms", "retries", "recovered", "recovery_rate", "flagged", "dominant_status" })
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QVERIFY(json.value(QStringLiteral("recovery_rate")).isNull());
    }

    void sortedAndComplete()
    {
        const QList<GroupStats> all = domains();
        QStringList keys;
        for (const GroupStats &g : all)
            keys << g.key;
        QCOMPARE(keys,
            (QStringList { QStringLiteral("a.test"), QStringLiteral("b.test"), QStringLiteral("c.test"),
                QStringLiteral("d.test") }));
    }

    void window_data()
    {
        QTest::addColumn<QString>("since");
        QTest::addColumn<QString>("until");
        QTest::addColumn<qint64>("aProbes");
        QTest::addColumn<qint64>("aSuccesses");
        QTest::addColumn<int>("domains");
        QTest::newRow("all") << QString() << QString() << qint64(6) << qint64(4) << 4;
        QTest::newRow("first day") << QStringLiteral("2026-01-01") << QStringLiteral("2026-01-02") << qint64(4)
                                   << qint64(4) << 4;
        QTest::newRow("second day") << QStringLiteral("2026-01-02") << QString() << qint64(2) << qint64(0) << 1;
        QTest::newRow("since is inclusive")
            << QStringLiteral("2026-01-01T13:00:00Z") << QString() << qint64(3) << qint64(1) << 1;
        QTest::newRow("until is exclusive")
            << QString() << QStringLiteral("2026-01-01T10:30:00Z") << qint64(1) << qint64(1) << 1;
        QTest::newRow("relative 23h from 2026-01-02T12:00")
            << QStringLiteral("23h") << QString() << qint64(3) << qint64(1) << 1;
        QTest::newRow("offset") << QStringLiteral("2026-01-01T12:00:00+01:00") << QStringLiteral("2026-01-01T12:00:00Z")
                                << qint64(1) << qint64(1) << 1;
    }

    void window()
    {
        QFETCH(QString, since);
        QFETCH(QString, until);
        QFETCH(qint64, aProbes);
        QFETCH(qint64, aSuccesses);
        QFETCH(int, domains);
        const Test::FakeClock clock(at("2026-01-02T12:00:00.000Z"));
        TimeWindow w;
        QString error;
        QVERIFY2(TimeWindow::parse(since, until, clock, &w, &error), qPrintable(error));
        const QList<GroupStats> all = this->domains(w);
        QCOMPARE(all.size(), domains);
        const GroupStats *a = find(all, QStringLiteral("a.test"));
        QVERIFY(a);
        QCOMPARE(a->probes, aProbes);
        QCOMPARE(a->successes, aSuccesses);
    }

    void windowParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty: an error
        QTest::newRow("iso z") << QStringLiteral("2026-03-04T05:06:07Z") << QStringLiteral("2026-03-04T05:06:07.000Z");
        QTest::newRow("iso ms") << QStringLiteral("2026-03-04T05:06:07.250Z")
                                << QStringLiteral("2026-03-04T05:06:07.250Z");
        QTest::newRow("offset") << QStringLiteral("2026-03-04T05:06:07+02:00")
                                << QStringLiteral("2026-03-04T03:06:07.000Z");
        QTest::newRow("date") << QStringLiteral("2026-03-04") << QStringLiteral("2026-03-04T00:00:00.000Z");
        QTest::newRow("now") << QStringLiteral("now") << QStringLiteral("2026-01-02T12:00:00.000Z");
        QTest::newRow("90m") << QStringLiteral("90m") << QStringLiteral("2026-01-02T10:30:00.000Z");
        QTest::newRow("24h") << QStringLiteral("24h") << QStringLiteral("2026-01-01T12:00:00.000Z");
        QTest::newRow("7d") << QStringLiteral("7d") << QStringLiteral("2025-12-26T12:00:00.000Z");
        QTest::newRow("2w") << QStringLiteral("2w") << QStringLiteral("2025-12-19T12:00:00.000Z");
        QTest::newRow("30s") << QStringLiteral("30s") << QStringLiteral("2026-01-02T11:59:30.000Z");
        QTest::newRow("local time refused") << QStringLiteral("2026-03-04T05:06:07") << QString();
        QTest::newRow("unit") << QStringLiteral("7y") << QString();
        QTest::newRow("negative") << QStringLiteral("-7d") << QString();
        QTest::newRow("garbage") << QStringLiteral("yesterday") << QString();
    }

    void windowParsing()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Test::FakeClock clock(at("2026-01-02T12:00:00.000Z"));
        QString error;
        const QDateTime t = TimeWindow::parseBound(text, clock, &error);
        QCOMPARE(Smtp::toIsoUtc(t), expected);
        QCOMPARE(error.isEmpty(), !expected.isEmpty());
    }

    void sinceAfterUntilRefused()
    {
        const Test::FakeClock clock;
        TimeWindow w;
        QString error;
        QVERIFY(!TimeWindow::parse(QStringLiteral("2026-01-02"), QStringLiteral("2026-01-01"), clock, &w, &error));
        QVERIFY(!error.isEmpty());
    }

    void singleDomain()
    {
        QList<GroupStats> groups;
        QString error;
        const StatsEngine engine(m_db);
        QVERIFY(engine.domainStats({}, &groups, &error, QStringLiteral("B.TEST")));
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups.first().key, QStringLiteral("b.test"));
        QCOMPARE(groups.first().probes, qint64(10));
    }

    void flagOptions()
    {
        // A stricter threshold flags c.test; a higher minimum unflags b.test.
        StatsOptions options;
        options.flagFailureRate = 0.1;
        options.flagMinProbes = 10;
        QList<GroupStats> groups;
        QString error;
        QVERIFY(StatsEngine(m_db, ProviderRules::defaultRules(), options).domainStats({}, &groups, &error));
        QVERIFY(find(groups, QStringLiteral("c.test"))->flagged);
        QVERIFY(!find(groups, QStringLiteral("a.test"))->flagged); // 6 probes: too few
        options.flagMinProbes = 11;
        QVERIFY(StatsEngine(m_db, ProviderRules::defaultRules(), options).domainStats({}, &groups, &error));
        QVERIFY(!find(groups, QStringLiteral("b.test"))->flagged);
    }

    void parallelScanGivesTheSameFigures()
    {
        // More probes, in an order unrelated to the domains, so that every range gets some.
        QList<Spec> more;
        static const char *const domains[] = { "e.test", "f.test", "g.test", "h.test", "i.test", "j.test" };
        for (int i = 0; i < 600; ++i) {
            const char *domain = domains[(i * 7) % 6];
            const bool fail = i % 5 == 0;
            more.append({ domain, i % 2 ? "mx1.hoster.example" : "aspmx.l.google.com", "2026-01-03T00:00:00.000Z",
                fail ? "4.4.2" : "2.1.5", fail ? DC::Soft : DC::Success, fail ? P::Greeting : P::Done, (i * 37) % 101,
                (i * 53) % 211, fail ? -1 : (i * 11) % 97 });
        }
        insert(more);
        QList<GroupStats> single;
        QList<GroupStats> parallel;
        QString error;
        StatsOptions one;
        one.threads = 1;
        StatsOptions three;
        three.threads = 3;
        three.parallelFromRows = 0;
        QVERIFY(StatsEngine(m_db, ProviderRules::defaultRules(), one).domainStats({}, &single, &error));
        QVERIFY2(StatsEngine(m_db, ProviderRules::defaultRules(), three).domainStats({}, &parallel, &error),
            qPrintable(error));
        QCOMPARE(parallel.size(), 10);
        QVERIFY(parallel == single);
        QVERIFY(StatsEngine(m_db, ProviderRules::defaultRules(), one).providerStats({}, &single, &error));
        QVERIFY(StatsEngine(m_db, ProviderRules::defaultRules(), three).providerStats({}, &parallel, &error));
        QVERIFY(parallel == single);
        QSqlQuery q(m_db.connection());
        QVERIFY(q.exec(QStringLiteral("DELETE FROM probes WHERE started_at >= '2026-01-03'")));
    }

    void trend_data()
    {
        QTest::addColumn<int>("granularity");
        QTest::addColumn<QString>("since");
        QTest::addColumn<QString>("until");
        QTest::addColumn<QString>("expected"); // start=probes/failures …
        QTest::newRow("hourly with gaps")
            << int(Granularity::Hour) << QStringLiteral("2026-01-01T10:00:00Z")
            << QStringLiteral("2026-01-01T14:00:00Z") << QStringLiteral("10=2/0 11=1/0 12=0/0 13=1/0");
        QTest::newRow("hourly window mid-hour")
            << int(Granularity::Hour) << QStringLiteral("2026-01-01T10:10:00Z")
            << QStringLiteral("2026-01-01T11:00:00.001Z") << QStringLiteral("10=1/0 11=0/0");
        QTest::newRow("daily open window")
            << int(Granularity::Day) << QString() << QString() << QStringLiteral("01=4/0 02=2/2");
        QTest::newRow("daily padded") << int(Granularity::Day) << QStringLiteral("2025-12-31")
                                      << QStringLiteral("2026-01-04") << QStringLiteral("31=0/0 01=4/0 02=2/2 03=0/0");
    }

    void trend()
    {
        QFETCH(int, granularity);
        QFETCH(QString, since);
        QFETCH(QString, until);
        QFETCH(QString, expected);
        const Test::FakeClock clock;
        TimeWindow w;
        QString error;
        QVERIFY(TimeWindow::parse(since, until, clock, &w, &error));
        QList<TrendPoint> points;
        QVERIFY2(StatsEngine(m_db).trend(w, Granularity(granularity), &points, &error, QStringLiteral("a.test")),
            qPrintable(error));
        QStringList got;
        for (const TrendPoint &p : points) {
            const QString label = Granularity(granularity) == Granularity::Hour
                ? p.start.toString(QStringLiteral("HH"))
                : p.start.toString(QStringLiteral("dd"));
            got << QStringLiteral("%1=%2/%3").arg(label).arg(p.probes).arg(p.failures());
        }
        QCOMPARE(got.join(u' '), expected);
    }

    void trendOfAllAndOfProvider()
    {
        QList<TrendPoint> points;
        QString error;
        const StatsEngine engine(m_db);
        QVERIFY(engine.trend({}, Granularity::Day, &points, &error));
        QCOMPARE(points.size(), 2);
        QCOMPARE(points.at(0).probes, qint64(4 + 10 + 10 + 1));
        QCOMPARE(points.at(1).probes, qint64(2));
        // Unknown hosts group by registered domain: mx1.b.test → b.test.
        QVERIFY(engine.trend({}, Granularity::Day, &points, &error, {}, QStringLiteral("b.test")));
        QCOMPARE(points.size(), 1);
        QCOMPARE(points.at(0).probes, qint64(10));
        QCOMPARE(points.at(0).successes, qint64(7));
        QVERIFY(engine.trend({}, Granularity::Day, &points, &error, {}, QStringLiteral("nobody")));
        QVERIFY(points.isEmpty());
    }

    void retryColumnsComeFromTheQueue()
    {
        // Two a.test entries retried, one recovered by a retry; one entry never retried. Written as the queue would.
        QSqlQuery q(m_db.connection());
        const auto entry = [&q](int id, const char *first, bool recovered) {
            q.prepare(QStringLiteral(
                "INSERT INTO retry_entries (id, target, recipient, domain, state, status, class, source, attempts,"
                " first_failed_at, expires_at, config_json, settings_json, recovered, resolved_at)"
                " VALUES (:id, 'user@a.test', 'user@a.test', 'a.test', :state, '4.4.1', 'soft', 'probe', 2, :first,"
                " '2026-01-09T00:00:00.000Z', '{}', '{}', :recovered, :resolved)"));
            q.bindValue(QStringLiteral(":id"), id);
            q.bindValue(QStringLiteral(":state"), recovered ? QStringLiteral("succeeded") : QStringLiteral("expired"));
            q.bindValue(QStringLiteral(":first"), QString::fromLatin1(first));
            q.bindValue(QStringLiteral(":recovered"), recovered ? 1 : 0);
            q.bindValue(QStringLiteral(":resolved"), QStringLiteral("2026-01-02T10:00:00.000Z"));
            return q.exec();
        };
        const auto attempt = [&q](int entryId) {
            q.prepare(QStringLiteral("INSERT INTO retry_attempts (entry_id, at, kind, source, class)"
                                     " VALUES (:id, '2026-01-02T10:00:00.000Z', 'retry', 'queue', 'soft')"));
            q.bindValue(QStringLiteral(":id"), entryId);
            return q.exec();
        };
        QVERIFY2(entry(1, "2026-01-02T09:00:00.000Z", true) && attempt(1), qPrintable(q.lastError().text()));
        QVERIFY(entry(2, "2026-01-02T09:30:00.000Z", false) && attempt(2));
        QVERIFY(entry(3, "2026-01-02T09:40:00.000Z", false));

        const GroupStats *a = nullptr;
        const QList<GroupStats> all = domains();
        a = find(all, QStringLiteral("a.test"));
        QVERIFY(a);
        QCOMPARE(a->retries, qint64(2));
        QCOMPARE(a->recovered, qint64(1));
        QCOMPARE(toJson(*a, GroupKind::Domain).value(QStringLiteral("recovery_rate")).toDouble(), 0.5);
        QCOMPARE(find(all, QStringLiteral("b.test"))->retries, qint64(0));

        // The retry window bounds the first failure like the probes' window bounds started_at.
        const Test::FakeClock clock;
        TimeWindow firstDay;
        QString error;
        QVERIFY(
            TimeWindow::parse(QStringLiteral("2026-01-01"), QStringLiteral("2026-01-02"), clock, &firstDay, &error));
        QCOMPARE(find(domains(firstDay), QStringLiteral("a.test"))->retries, qint64(0));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM retry_attempts"))
            && q.exec(QStringLiteral("DELETE FROM retry_entries")));
    }
};

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
