// The retry schedule to the second (fake clock, scripted jitter) and the alternate-settings ladder.
#include <QTest>

#include "queue/retryladder.h"
#include "queue/retrypolicy.h"
#include "queue/retrysettings.h"
#include "testsupport.h"

using namespace Mailpulse;
using namespace Mailpulse::Queue;
using Smtp::IpFamily;
using Smtp::ProbeConfig;
using Smtp::TlsMode;
using namespace Qt::StringLiterals;

namespace
{

Bounce::Classification soft(const char *status, const char *reason)
{
    return { QString::fromLatin1(status), Bounce::DeliveryClass::Soft, QString::fromLatin1(reason) };
}

const Bounce::Classification kDrop = soft("4.4.2", "networkerror");
const Bounce::Classification kGreylist = soft("4.7.1", "greylisted");

RetryPolicy policyWith(double unit)
{
    RetryPolicy policy;
    policy.setRandomSource([unit] { return unit; });
    return policy;
}

QString settingsText(const RetrySettings &s)
{
    return QStringLiteral("skip%1 %2 %3 %4")
        .arg(s.mxSkip)
        .arg(s.port)
        .arg(Smtp::tlsModeName(s.tlsMode), Smtp::ipFamilyName(s.ipFamily));
}

QStringList texts(const QList<RetrySettings> &list)
{
    QStringList out;
    for (const RetrySettings &s : list)
        out << settingsText(s);
    return out;
}

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRetryWithinJitter_data()
    {
        QTest::addColumn<double>("unit");
        QTest::addColumn<qint64>("secs");
        QTest::newRow("lowest draw") << 0.0 << qint64(27 * 60);
        QTest::newRow("middle") << 0.5 << qint64(30 * 60);
        QTest::newRow("highest draw") << 1.0 << qint64(33 * 60);
        QTest::newRow("quarter") << 0.25 << qint64(1710); // 1800 × (1 + 0.1 × (2 × 0.25 - 1))
    }

    void firstRetryWithinJitter()
    {
        QFETCH(double, unit);
        QFETCH(qint64, secs);
        Test::FakeClock clock;
        const RetryPolicy policy = policyWith(unit);
        const QDateTime failedAt = clock.now();
        const QDateTime next = policy.nextAttempt(kDrop, 1, failedAt, policy.expiresAt(failedAt));
        QCOMPARE(failedAt.secsTo(next), secs);
        QVERIFY(failedAt.secsTo(next) >= 27 * 60 && failedAt.secsTo(next) <= 33 * 60);
    }

    void backoffUpToTheCap()
    {
        const RetryPolicy policy = policyWith(0.5);
        QList<qint64> minutes;
        for (int failures = 1; failures <= 6; ++failures)
            minutes << policy.delaySecs(kDrop, failures) / 60;
        QCOMPARE(minutes, (QList<qint64> { 30, 60, 120, 120, 120, 120 }));
        // The cap with jitter lies in [108, 132] minutes, to the second.
        QCOMPARE(policyWith(0.0).delaySecs(kDrop, 3), qint64(108 * 60));
        QCOMPARE(policyWith(1.0).delaySecs(kDrop, 3), qint64(132 * 60));
        QCOMPARE(policyWith(1.0).delaySecs(kDrop, 50), qint64(132 * 60)); // no overflow far out
        QCOMPARE(policyWith(0.0).delaySecs(kDrop, 1000), qint64(108 * 60));
    }

    void jitterBounds()
    {
        RetryPolicy policy; // the real random source
        bool below = false;
        bool above = false;
        for (int i = 0; i < 20000; ++i) {
            const qint64 first = policy.delaySecs(kDrop, 1);
            QVERIFY2(first >= 27 * 60 && first <= 33 * 60, qPrintable(QString::number(first)));
            const qint64 cap = policy.delaySecs(kDrop, 4);
            QVERIFY2(cap >= 108 * 60 && cap <= 132 * 60, qPrintable(QString::number(cap)));
            below = below || first < 29 * 60;
            above = above || first > 31 * 60;
        }
        QVERIFY(below && above); // the jitter is actually spread, not constant
        policy.setJitter(0.0);
        QCOMPARE(policy.delaySecs(kDrop, 1), qint64(1800));
    }

    void greylisting()
    {
        const RetryPolicy policy = policyWith(0.5);
        QCOMPARE(policy.delaySecs(kGreylist, 1), qint64(10 * 60));
        QCOMPARE(policyWith(0.0).delaySecs(kGreylist, 1), qint64(9 * 60));
        QCOMPARE(policyWith(1.0).delaySecs(kGreylist, 1), qint64(11 * 60));
        QCOMPARE(policy.delaySecs(kGreylist, 2), qint64(20 * 60));
        QCOMPARE(policy.delaySecs(kGreylist, 10), qint64(120 * 60));
        // 4.7.1 without greylisting wording is a policy block: the normal schedule.
        QCOMPARE(policy.delaySecs(soft("4.7.1", "blocked"), 1), qint64(30 * 60));
    }

    void perStatusRules()
    {
        RetryPolicy policy = policyWith(0.5);
        policy.setStatusRule(QStringLiteral("4.4"), { 5 * 60, 40 * 60, 3.0 });
        policy.setStatusRule(QStringLiteral("4.4.1"), { 60, 60, 1.0 });
        QCOMPARE(policy.delaySecs(kDrop, 1), qint64(5 * 60));
        QCOMPARE(policy.delaySecs(kDrop, 2), qint64(15 * 60));
        QCOMPARE(policy.delaySecs(kDrop, 3), qint64(40 * 60));
        QCOMPARE(policy.delaySecs(soft("4.4.1", "networkerror"), 7), qint64(60)); // the longest key wins
        QCOMPARE(policy.delaySecs(soft("4.41.0", "networkerror"), 1), qint64(30 * 60)); // "4.4" ≠ "4.41"
        QCOMPARE(policy.delaySecs(soft("4.2.2", "mailboxfull"), 1), qint64(30 * 60));
        policy.setDefaultRule({ 100, 200, 2.0 });
        QCOMPARE(policy.delaySecs(soft("4.2.2", "mailboxfull"), 3), qint64(200));
    }

    void expiry()
    {
        Test::FakeClock clock;
        const RetryPolicy policy = policyWith(0.5);
        const QDateTime first = clock.now();
        const QDateTime expires = policy.expiresAt(first);
        QCOMPARE(first.secsTo(expires), qint64(5 * 24 * 3600)); // RFC 5321 §4.5.4.1: 4-5 days
        // Two hours before the end the next 2 h retry would fall behind it: the last attempt is at the end.
        const QDateTime late = expires.addSecs(-3600);
        QCOMPARE(policy.nextAttempt(kDrop, 10, late, expires), expires);
        // A failure at (or after) the end: no next attempt, the entry expires.
        QVERIFY(!policy.nextAttempt(kDrop, 11, expires, expires).isValid());
        QVERIFY(!policy.nextAttempt(kDrop, 11, expires.addSecs(1), expires).isValid());
        // A walk through a whole lifetime of failures: 30, 60, then every 120 min until the end.
        QDateTime at = first;
        int attempts = 0;
        for (int failures = 1;; ++failures) {
            const QDateTime next = policy.nextAttempt(kDrop, failures, at, expires);
            if (!next.isValid())
                break;
            QVERIFY(next > at);
            at = next;
            ++attempts;
        }
        QCOMPARE(at, expires);
        QCOMPARE(attempts, 1 + 1 + (5 * 24 * 60 - 90) / 120 + 1); // 30, 60, 59 × 120 and the clamp to the end
        RetryPolicy shortLived = policyWith(0.5);
        shortLived.setLifetimeSecs(3600);
        QCOMPARE(first.secsTo(shortLived.nextAttempt(kDrop, 2, first.addSecs(1800), shortLived.expiresAt(first))),
            qint64(3600));
    }

    void connectionClass()
    {
        QVERIFY(RetryLadder::isConnectionClass(kDrop));
        QVERIFY(RetryLadder::isConnectionClass(soft("4.4.1", "networkerror")));
        QVERIFY(RetryLadder::isConnectionClass(soft("4.4.3", "networkerror")));
        QVERIFY(RetryLadder::isConnectionClass(soft("4.7.4", "securityerror")));
        QVERIFY(RetryLadder::isConnectionClass(soft("4.7.5", "securityerror")));
        QVERIFY(!RetryLadder::isConnectionClass(kGreylist));
        QVERIFY(!RetryLadder::isConnectionClass(soft("4.2.2", "mailboxfull")));
        QVERIFY(!RetryLadder::isConnectionClass({ QStringLiteral("5.4.4"), Bounce::DeliveryClass::Hard, {} }));
    }

    void ladderUnpinned()
    {
        ProbeConfig base; // port 25, opportunistic STARTTLS, any family, DNS
        QCOMPARE(texts(RetryLadder::alternates(base)),
            (QStringList { u"skip1 25 starttls any"_s, u"skip0 587 starttls any"_s, u"skip0 465 implicit any"_s,
                u"skip0 25 none any"_s, u"skip0 25 starttls ipv4"_s, u"skip0 25 starttls ipv6"_s }));
        // The cycle ends with the base settings and starts over.
        QCOMPARE(RetryLadder::cycle(base).size(), 7);
        QCOMPARE(settingsText(RetryLadder::settingsForStep(base, 6)), QStringLiteral("skip0 25 starttls any"));
        QCOMPARE(settingsText(RetryLadder::settingsForStep(base, 7)), QStringLiteral("skip1 25 starttls any"));
        QVERIFY(RetryLadder::isAlternate(base, RetryLadder::settingsForStep(base, 1)));
        QVERIFY(!RetryLadder::isAlternate(base, RetryLadder::settingsForStep(base, 6)));
    }

    void ladderKeepsPins()
    {
        ProbeConfig port;
        port.port = 2525;
        port.portPinned = true;
        for (const RetrySettings &s : RetryLadder::cycle(port))
            QCOMPARE(s.port, quint16(2525));

        ProbeConfig tls;
        tls.tlsMode = TlsMode::StartTlsRequired;
        tls.tlsPinned = true;
        QCOMPARE(texts(RetryLadder::alternates(tls)),
            (QStringList { u"skip1 25 starttls-required any"_s, u"skip0 587 starttls-required any"_s,
                u"skip0 25 starttls-required ipv4"_s, u"skip0 25 starttls-required ipv6"_s }));

        // --mx HOST:PORT: no next MX (the host is the user's), the port is pinned, an address fixes the family.
        ProbeConfig mx;
        mx.mxOverride = QStringLiteral("127.0.0.77:25");
        mx.portPinned = true;
        QCOMPARE(texts(RetryLadder::alternates(mx)), (QStringList { u"skip0 25 none any"_s }));
        // --mx HOST (no port): the port may vary; an address override drops the family rungs.
        ProbeConfig mxHost;
        mxHost.mxOverride = QStringLiteral("127.0.0.77");
        QCOMPARE(texts(RetryLadder::alternates(mxHost)),
            (QStringList { u"skip0 587 starttls any"_s, u"skip0 465 implicit any"_s, u"skip0 25 none any"_s }));
        ProbeConfig family;
        family.ipFamily = IpFamily::IPv6;
        for (const RetrySettings &s : RetryLadder::cycle(family))
            QCOMPARE(s.ipFamily, IpFamily::IPv6);

        ProbeConfig implicit;
        implicit.port = 465;
        implicit.tlsMode = TlsMode::Implicit;
        QCOMPARE(texts(RetryLadder::alternates(implicit)).mid(1, 2),
            (QStringList { u"skip0 587 starttls any"_s, u"skip0 25 starttls any"_s }));
    }

    void rememberedFirst()
    {
        ProbeConfig base;
        RetrySettings worked = RetrySettings::of(base);
        worked.port = 587;
        QCOMPARE(settingsText(RetryLadder::settingsForStep(base, 0, worked)), QStringLiteral("skip0 587 starttls any"));
        QCOMPARE(RetryLadder::cycle(base, worked).size(), 7); // not repeated later in the cycle
        // A pinned port wins over what the domain remembers.
        ProbeConfig pinned;
        pinned.portPinned = true;
        QCOMPARE(
            settingsText(RetryLadder::settingsForStep(pinned, 0, worked)), QStringLiteral("skip1 25 starttls any"));
    }

    void settingsApplyAndJson()
    {
        ProbeConfig base;
        base.mxOverride = QStringLiteral("mx.example.test:25");
        base.heloName = QStringLiteral("probe.test");
        RetrySettings s = RetrySettings::of(base);
        s.port = 587;
        const ProbeConfig applied = s.applyTo(base);
        QCOMPARE(applied.port, quint16(587));
        QCOMPARE(applied.mxOverride, QStringLiteral("mx.example.test")); // the override's port would win otherwise
        QCOMPARE(applied.heloName, base.heloName);
        ProbeConfig v6;
        v6.mxOverride = QStringLiteral("[::1]:25");
        QCOMPARE(s.applyTo(v6).mxOverride, QStringLiteral("[::1]"));
        v6.mxOverride = QStringLiteral("::1");
        QCOMPARE(s.applyTo(v6).mxOverride, QStringLiteral("::1"));

        const QJsonObject json = s.toJson();
        QCOMPARE(json.value(QStringLiteral("port")).toInt(), 587);
        QCOMPARE(json.value(QStringLiteral("tls_mode")).toString(), QStringLiteral("starttls"));
        QCOMPARE(json.value(QStringLiteral("ip_family")).toString(), QStringLiteral("any"));
        QVERIFY(json.contains(QStringLiteral("host")));
        const auto back = RetrySettings::fromJson(json);
        QVERIFY(back && back->sameChoice(s));
        QVERIFY(!RetrySettings::fromJson(QJsonObject { { QStringLiteral("port"), 0 } }));

        ProbeConfig full;
        full.port = 2525;
        full.portPinned = true;
        full.tlsMode = TlsMode::Implicit;
        full.tlsPinned = true;
        full.ipFamily = IpFamily::IPv4;
        full.nameserver = QStringLiteral("127.0.0.53");
        full.caFile = QStringLiteral("/tmp/ca.pem");
        full.verifyCertificate = false;
        full.mailFrom = QStringLiteral("<>");
        full.timeouts.totalMs = 1234;
        full.maxMxHosts = 1;
        const ProbeConfig round = probeConfigFromJson(probeConfigToJson(full));
        QCOMPARE(round.port, full.port);
        QCOMPARE(round.portPinned, true);
        QCOMPARE(round.tlsMode, TlsMode::Implicit);
        QCOMPARE(round.tlsPinned, true);
        QCOMPARE(round.ipFamily, IpFamily::IPv4);
        QCOMPARE(round.nameserver, full.nameserver);
        QCOMPARE(round.caFile, full.caFile);
        QCOMPARE(round.verifyCertificate, false);
        QCOMPARE(round.mailFrom, full.mailFrom);
        QCOMPARE(round.timeouts.totalMs, 1234);
        QCOMPARE(round.maxMxHosts, 1);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
