// MxResolver against dnsmasq (tests/integration/services/start.sh): every resolution outcome, timeouts, abort,
// and that the resolver never blocks the event loop.

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include "dns/mxresolver.h"
#include "services.h"

using Mailpulse::Dns::MxHost;
using Mailpulse::Dns::MxResolution;
using Mailpulse::Dns::MxResolver;
namespace Services = Mailpulse::Test::Services;

using Status = MxResolution::Status;
Q_DECLARE_METATYPE(MxResolution::Status)

namespace
{

// Every answer comes from loopback within milliseconds; the bound only catches a resolver that never answers.
constexpr int kWaitMs = 8000;

/// "name:pref=addr,addr; ..." with a '*' after the preference of an implicit MX: one string, readable diffs.
QString describe(const QList<MxHost> &hosts)
{
    QStringList parts;
    for (const MxHost &host : hosts) {
        QStringList addresses;
        for (const QHostAddress &a : host.addresses)
            addresses << a.toString();
        parts << QStringLiteral("%1:%2%3=%4")
                     .arg(host.name)
                     .arg(host.preference)
                     .arg(host.implicitMx ? QStringLiteral("*") : QString())
                     .arg(addresses.join(u','));
    }
    return parts.join(QLatin1String("; "));
}

QString statusName(Status status)
{
    switch (status) {
    case Status::Ok:
        return QStringLiteral("Ok");
    case Status::NxDomain:
        return QStringLiteral("NxDomain");
    case Status::NoHosts:
        return QStringLiteral("NoHosts");
    case Status::NullMx:
        return QStringLiteral("NullMx");
    case Status::TempFail:
        return QStringLiteral("TempFail");
    }
    return QStringLiteral("?");
}

MxResolution resolutionAt(const QSignalSpy &spy, qsizetype index = 0)
{
    return spy.at(index).at(0).value<MxResolution>();
}

} // namespace

class TestMxResolver final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void resolveDomain_data();
    void resolveDomain();
    void equalPreferencesAreShuffled();
    void maxHostsLimitsTheList();
    void ipv6NameserverWarns();
    void servfailIsTempFail();
    void ownTimerGivesTempFail();
    void resolverTimeoutGivesTempFail();
    void deadNameserverIsNotHostUnknown();
    void slowEmptyAnswerIsRetried();

    void resolveHost_data();
    void resolveHost();
    void literalNeedsNoDns();

    void abortSuppressesFinished();
    void newResolutionReplacesRunningOne();
    void deletingWhileRunningIsSafe();
    void eventLoopKeepsRunning();
};

void TestMxResolver::initTestCase()
{
    QVERIFY2(Services::running(),
        qPrintable(QStringLiteral("the test services are not running in %1; run this test through ctest (fixture "
                                  "mailpulse_services) inside `unshare --net`, see scripts/test.sh")
                       .arg(Services::stateDir())));
}

void TestMxResolver::resolveDomain_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("hosts");

    QTest::newRow("one MX") << QStringLiteral("ok.test") << Status::Ok << QStringLiteral("mx.ok.test:10=127.0.0.1");
    QTest::newRow("two MX, the first one dead") << QStringLiteral(
        "fallback.test") << Status::Ok << QStringLiteral("dead.fallback.test:10=127.0.0.2; mx.ok.test:20=127.0.0.1");
    QTest::newRow("preferences sorted, IPv4 before IPv6")
        << QStringLiteral("prefs.test") << Status::Ok
        << QStringLiteral(
               "mx1.prefs.test:10=127.0.0.21; mx2.prefs.test:20=127.0.0.22,::1; mx3.prefs.test:30=127.0.0.23");
    QTest::newRow("MX host without address dropped")
        << QStringLiteral("partial.test") << Status::Ok << QStringLiteral("mx.ok.test:20=127.0.0.1");
    QTest::newRow("implicit MX (A)") << QStringLiteral("nomx.test") << Status::Ok
                                     << QStringLiteral("nomx.test:0*=127.0.0.1");
    QTest::newRow("implicit MX (A and AAAA)")
        << QStringLiteral("nomx6.test") << Status::Ok << QStringLiteral("nomx6.test:0*=127.0.0.1,::1");
    QTest::newRow("MX to an IPv6-only host")
        << QStringLiteral("v6.test") << Status::Ok << QStringLiteral("mx.v6.test:10=::1");
    QTest::newRow("null MX") << QStringLiteral("nullmx.test") << Status::NullMx << QString();
    QTest::newRow("null MX next to a real MX")
        << QStringLiteral("mixednull.test") << Status::Ok << QStringLiteral("mx.ok.test:10=127.0.0.1");
    QTest::newRow("no MX host has an address") << QStringLiteral("noaddr.test") << Status::NoHosts << QString();
    QTest::newRow("exists, no MX, no address") << QStringLiteral("empty.test") << Status::NoHosts << QString();
    QTest::newRow("NXDOMAIN") << QStringLiteral("doesnotexist.test") << Status::NxDomain << QString();
    QTest::newRow("NXDOMAIN below NXDOMAIN")
        << QStringLiteral("a.b.doesnotexist.test") << Status::NxDomain << QString();
    QTest::newRow("case and trailing dot")
        << QStringLiteral("OK.Test.") << Status::Ok << QStringLiteral("mx.ok.test:10=127.0.0.1");
    QTest::newRow("IDNA") << QStringLiteral("bücher.test") << Status::Ok << QStringLiteral("mx.ok.test:10=127.0.0.1");
    QTest::newRow("invalid name") << QStringLiteral("a..test") << Status::NxDomain << QString();
    QTest::newRow("address literal") << QStringLiteral("[127.0.0.1]") << Status::Ok
                                     << QStringLiteral("127.0.0.1:0=127.0.0.1");
    QTest::newRow("smtp-sink domain") << QStringLiteral("greet421.test") << Status::Ok
                                      << QStringLiteral("mx.greet421.test:10=127.0.0.10");
}

void TestMxResolver::resolveDomain()
{
    QFETCH(QString, domain);
    QFETCH(Status, status);
    QFETCH(QString, hosts);

    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(3000);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    QElapsedTimer wall;
    wall.start();
    resolver.resolveDomain(domain);
    QVERIFY(resolver.isRunning());
    QVERIFY(spy.wait(kWaitMs));
    QCOMPARE(spy.count(), 1);
    QVERIFY(!resolver.isRunning());

    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), statusName(status));
    QCOMPARE(describe(r.hosts), hosts);
    QCOMPARE(r.error.isEmpty(), status == Status::Ok);
    QVERIFY(r.elapsedMs >= 0);
    QVERIFY(r.elapsedMs <= wall.elapsed());
}

void TestMxResolver::equalPreferencesAreShuffled()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    QSignalSpy spy(&resolver, &MxResolver::finished);
    QSet<QString> firsts;
    // Two hosts in random order: 24 runs show both first unless the shuffle is broken (or 2^-23 bad luck).
    for (int i = 0; i < 24 && firsts.size() < 2; ++i) {
        resolver.resolveDomain(QStringLiteral("ties.test"));
        QVERIFY(spy.wait(kWaitMs));
        const MxResolution r = resolutionAt(spy, spy.count() - 1);
        QCOMPARE(statusName(r.status), QStringLiteral("Ok"));
        QCOMPARE(r.hosts.size(), 2);
        QCOMPARE(r.hosts.at(0).preference, 10);
        QCOMPARE(r.hosts.at(1).preference, 10);
        const QString expected = r.hosts.at(0).name == QLatin1String("mxa.ties.test")
            ? QStringLiteral("mxa.ties.test:10=127.0.0.31; mxb.ties.test:10=127.0.0.32")
            : QStringLiteral("mxb.ties.test:10=127.0.0.32; mxa.ties.test:10=127.0.0.31");
        QCOMPARE(describe(r.hosts), expected);
        firsts.insert(r.hosts.at(0).name);
    }
    QCOMPARE(firsts.size(), 2);
}

void TestMxResolver::maxHostsLimitsTheList()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setMaxHosts(2);
    QCOMPARE(resolver.maxHosts(), 2);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(QStringLiteral("prefs.test"));
    QVERIFY(spy.wait(kWaitMs));
    // The most preferred ones are kept: the limit applies after sorting.
    QCOMPARE(describe(resolutionAt(spy).hosts),
        QStringLiteral("mx1.prefs.test:10=127.0.0.21; mx2.prefs.test:20=127.0.0.22,::1"));
}

void TestMxResolver::ipv6NameserverWarns()
{
    // Only the setter is exercised: a query would go to the system resolver, which is not loopback-only.
    MxResolver resolver;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignores IPv6 nameservers")));
    resolver.setNameserver(QHostAddress(QStringLiteral("::1")));
    QCOMPARE(resolver.nameserver(), QHostAddress(QStringLiteral("::1")));
}

void TestMxResolver::servfailIsTempFail()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(QStringLiteral("servfail.test"));
    QVERIFY(spy.wait(kWaitMs));
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), QStringLiteral("TempFail"));
    QVERIFY2(r.error.contains(QLatin1String("failure"), Qt::CaseInsensitive), qPrintable(r.error));
    QVERIFY(r.hosts.isEmpty());
}

void TestMxResolver::ownTimerGivesTempFail()
{
    // slow.test is forwarded to a blackhole: only the resolver's own timer ends this.
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(300);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(QStringLiteral("slow.test"));
    QVERIFY(spy.wait(kWaitMs));
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), QStringLiteral("TempFail"));
    QVERIFY2(r.error.contains(QLatin1String("timed out")), qPrintable(r.error));
    // "timed out" is the resolver's own message (glibc's timeout reads "Invalid reply received"); the upper bound
    // only leaves room for a loaded machine.
    QVERIFY2(r.elapsedMs >= 250 && r.elapsedMs < 2000, qPrintable(QString::number(r.elapsedMs)));
    // The abandoned query still ends in Qt's thread pool (RES_OPTIONS: after 1 s); its result must go nowhere.
    QTest::qWait(1000);
    QCOMPARE(spy.count(), 1);
}

void TestMxResolver::resolverTimeoutGivesTempFail()
{
    // The resolver's timer is longer than glibc's (RES_OPTIONS=timeout:1 attempts:1 from CMake, else 2 x 5 s):
    // glibc gives up first and Qt reports "invalid reply", which must not pass for an empty answer.
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(6000);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(QStringLiteral("slow.test"));
    QVERIFY(spy.wait(kWaitMs));
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), QStringLiteral("TempFail"));
    QVERIFY(r.elapsedMs >= 900);
}

void TestMxResolver::deadNameserverIsNotHostUnknown()
{
    // Nothing listens on 127.0.0.99:53: glibc gets ICMP "port unreachable" at once, and Qt reports the same
    // "invalid reply" it reports for an empty (NODATA) answer. A dead server must be a TempFail, never NoHosts.
    MxResolver resolver;
    resolver.setNameserver(QHostAddress(QStringLiteral("127.0.0.99")));
    resolver.setTimeout(3000);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    for (const QString &domain : { QStringLiteral("ok.test"), QStringLiteral("empty.test") }) {
        resolver.resolveDomain(domain);
        QVERIFY(spy.wait(kWaitMs));
        const MxResolution r = resolutionAt(spy, spy.count() - 1);
        QCOMPARE(statusName(r.status), QStringLiteral("TempFail"));
    }
    resolver.resolveHost(QStringLiteral("mx.ok.test"));
    QVERIFY(spy.wait(kWaitMs));
    QCOMPARE(statusName(resolutionAt(spy, spy.count() - 1).status), QStringLiteral("TempFail"));
}

void TestMxResolver::slowEmptyAnswerIsRetried()
{
    // The server behind slowmx.test sends its first (empty) MX answer for a name 1.2 s late: glibc gives up after
    // 1 s with the same "invalid reply" as an empty answer, the retry gets the late NODATA and finds the implicit MX.
    const QString domain = QStringLiteral("r%1.slowmx.test").arg(QRandomGenerator::global()->generate());
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(4000);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(domain);
    QVERIFY(spy.wait(kWaitMs));
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), QStringLiteral("Ok"));
    QCOMPARE(describe(r.hosts), domain + QStringLiteral(":0*=127.0.0.1"));
    QVERIFY(r.elapsedMs >= 900);
}

void TestMxResolver::resolveHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("hosts");

    QTest::newRow("name, A") << QStringLiteral("mx.ok.test") << Status::Ok << QStringLiteral("mx.ok.test:0=127.0.0.1");
    QTest::newRow("name, A and AAAA") << QStringLiteral("mx2.prefs.test") << Status::Ok
                                      << QStringLiteral("mx2.prefs.test:0=127.0.0.22,::1");
    QTest::newRow("name, AAAA") << QStringLiteral("mx.v6.test") << Status::Ok << QStringLiteral("mx.v6.test:0=::1");
    QTest::newRow("no such name") << QStringLiteral("ghost.noaddr.test") << Status::NxDomain << QString();
    QTest::newRow("name without address") << QStringLiteral("txtonly.noaddr.test") << Status::NoHosts << QString();
    QTest::newRow("IPv4 literal") << QStringLiteral("127.0.0.1") << Status::Ok
                                  << QStringLiteral("127.0.0.1:0=127.0.0.1");
    QTest::newRow("IPv6 literal") << QStringLiteral("::1") << Status::Ok << QStringLiteral("::1:0=::1");
    QTest::newRow("bracketed IPv6 literal") << QStringLiteral("[::1]") << Status::Ok << QStringLiteral("::1:0=::1");
}

void TestMxResolver::resolveHost()
{
    QFETCH(QString, host);
    QFETCH(Status, status);
    QFETCH(QString, hosts);

    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(3000);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveHost(host);
    QVERIFY(spy.wait(kWaitMs));
    QCOMPARE(spy.count(), 1);
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), statusName(status));
    QCOMPARE(describe(r.hosts), hosts);
}

void TestMxResolver::literalNeedsNoDns()
{
    // With a dead nameserver any query would end in TempFail: Ok proves no DNS was involved.
    MxResolver resolver;
    resolver.setNameserver(QHostAddress(QStringLiteral("127.0.0.99")));
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveHost(QStringLiteral("127.0.0.10"));
    QCOMPARE(spy.count(), 0); // finished() is asynchronous even without a query
    QVERIFY(spy.wait(kWaitMs));
    const MxResolution r = resolutionAt(spy);
    QCOMPARE(statusName(r.status), QStringLiteral("Ok"));
    QCOMPARE(describe(r.hosts), QStringLiteral("127.0.0.10:0=127.0.0.10"));
}

void TestMxResolver::abortSuppressesFinished()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(500);
    QSignalSpy spy(&resolver, &MxResolver::finished);

    // A fast answer already on its way, a query that would time out, and a literal: none may report.
    resolver.resolveDomain(QStringLiteral("ok.test"));
    resolver.abort();
    QVERIFY(!resolver.isRunning());
    resolver.resolveDomain(QStringLiteral("slow.test"));
    resolver.abort();
    resolver.resolveHost(QStringLiteral("127.0.0.1"));
    resolver.abort();
    resolver.abort(); // harmless when idle
    QVERIFY(!spy.wait(1200)); // past the 500 ms timer and glibc's 1 s
    QCOMPARE(spy.count(), 0);

    // The resolver is still usable afterwards.
    resolver.resolveDomain(QStringLiteral("ok.test"));
    QVERIFY(spy.wait(kWaitMs));
    QCOMPARE(statusName(resolutionAt(spy).status), QStringLiteral("Ok"));
}

void TestMxResolver::newResolutionReplacesRunningOne()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(500);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    resolver.resolveDomain(QStringLiteral("slow.test"));
    resolver.resolveDomain(QStringLiteral("ok.test"));
    QVERIFY(spy.wait(kWaitMs));
    QTest::qWait(700); // the abandoned slow.test resolution's timer would have fired by now
    QCOMPARE(spy.count(), 1);
    QCOMPARE(describe(resolutionAt(spy).hosts), QStringLiteral("mx.ok.test:10=127.0.0.1"));
}

void TestMxResolver::deletingWhileRunningIsSafe()
{
    // Qt 6.4 cannot cancel a query: its result arrives after the resolver (and its QDnsLookups) are gone.
    auto *resolver = new MxResolver;
    resolver->setNameserver(Services::nameserver());
    resolver->setTimeout(300);
    int finishedCount = 0;
    connect(resolver, &MxResolver::finished, this, [&finishedCount] { ++finishedCount; });
    resolver->resolveDomain(QStringLiteral("slow.test"));
    delete resolver;
    QTest::qWait(1300); // glibc (RES_OPTIONS timeout:1) hands the late result back meanwhile
    QCOMPARE(finishedCount, 0);

    // Deleting the resolver from its own finished() slot is fine too.
    auto *other = new MxResolver;
    other->setNameserver(Services::nameserver());
    bool done = false;
    connect(other, &MxResolver::finished, this, [&done, other] {
        done = true;
        delete other;
    });
    other->resolveDomain(QStringLiteral("prefs.test"));
    QTRY_VERIFY_WITH_TIMEOUT(done, kWaitMs);
}

void TestMxResolver::eventLoopKeepsRunning()
{
    MxResolver resolver;
    resolver.setNameserver(Services::nameserver());
    resolver.setTimeout(800);
    QSignalSpy spy(&resolver, &MxResolver::finished);
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(20);

    QElapsedTimer call;
    call.start();
    resolver.resolveDomain(QStringLiteral("slow.test"));
    QVERIFY2(call.elapsed() < 100, "resolveDomain() must return at once");
    QVERIFY(spy.wait(kWaitMs));
    // 800 ms of waiting at a 20 ms tick is 40 ticks; a blocked loop would show (almost) none.
    QVERIFY2(ticks >= 15, qPrintable(QString::number(ticks)));
}

QTEST_GUILESS_MAIN(TestMxResolver)
#include "tst_mxresolver.moc"
