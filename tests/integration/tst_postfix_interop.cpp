// Whole probes through Mailpulse::Smtp::ProbeEngine against the real Postfix, dnsmasq and smtp-sink instances of
// tests/integration/services/start.sh: TLS, recipient verdicts, MX fallback, DNS outcomes and broken servers,
// each checked against the classification table of DESIGN.md.

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include "common/clock.h"
#include "services.h"
#include "smtp/probeengine.h"

using namespace Mailpulse;
using Bounce::DeliveryClass;
using Smtp::ProbeConfig;
using Smtp::ProbeEngine;
using Smtp::ProbeResult;
using Smtp::ProbeTarget;
using Smtp::TlsMode;
namespace Services = Mailpulse::Test::Services;

Q_DECLARE_METATYPE(Smtp::TlsMode)
Q_DECLARE_METATYPE(Bounce::DeliveryClass)

namespace
{

/// A few seconds per step: every server is on loopback, so only the deliberately slow ones come close.
ProbeConfig baseConfig()
{
    ProbeConfig config;
    config.nameserver = Services::nameserverText();
    config.heloName = QStringLiteral("probe.mailpulse.test");
    config.mailFrom = QStringLiteral("monitor@mailpulse.test");
    config.caFile = Services::caFile();
    config.timeouts.connectMs = 2000;
    config.timeouts.greetingMs = 3000;
    config.timeouts.commandMs = 3000;
    config.timeouts.tlsMs = 3000;
    config.timeouts.dnsMs = 2000;
    config.timeouts.totalMs = 12000;
    return config;
}

QString className(DeliveryClass cls) { return Bounce::deliveryClassName(cls); }

/// The transcript, for failure messages: what the probe saw is the fastest way to the cause.
QString transcriptOf(const ProbeResult &result)
{
    QStringList lines;
    for (const Smtp::TranscriptEntry &entry : result.transcript)
        lines << QStringLiteral("  %1 %2 %3").arg(entry.tMs, 5).arg(QLatin1Char(entry.dir)).arg(entry.line);
    return QStringLiteral("%1 %2 %3 phase=%4 detail=%5\n%6")
        .arg(result.target, result.classification.status, result.classification.reason, Smtp::phaseName(result.phase),
            result.detail, lines.join(u'\n'));
}

} // namespace

class TestPostfixInterop final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void probe_data();
    void probe();

    void starttlsVerified();
    void implicitTls();
    void knownUserAccepted();
    void mxFallbackSkipsRefusedHost();
    void untrustedCertificateFailsWhenRequired();

private:
    /// Runs one probe to its end; nullopt (and a test failure) if it never finishes.
    std::optional<ProbeResult> run(const QString &input, const ProbeConfig &config);

    SystemClock m_clock;
};

void TestPostfixInterop::initTestCase()
{
    QVERIFY2(Services::running(),
        qPrintable(QStringLiteral("the test services are not running in %1; run this test through ctest (fixture "
                                  "mailpulse_services) inside `unshare --net`, see scripts/test.sh")
                       .arg(Services::stateDir())));
}

std::optional<ProbeResult> TestPostfixInterop::run(const QString &input, const ProbeConfig &config)
{
    QString error;
    const std::optional<ProbeTarget> target = ProbeTarget::parse(input, &error);
    if (!target) {
        qWarning().noquote() << "unparsable target" << input << error;
        return std::nullopt;
    }
    ProbeEngine engine(&m_clock);
    QSignalSpy spy(&engine, &ProbeEngine::probeFinished);
    engine.enqueue(*target, config);
    if (!spy.wait(config.timeouts.totalMs + 3000) || spy.count() != 1)
        return std::nullopt;
    return spy.at(0).at(1).value<ProbeResult>();
}

void TestPostfixInterop::probe_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<TlsMode>("tlsMode");
    QTest::addColumn<int>("greetingMs");
    QTest::addColumn<QString>("status"); // a regular expression for the whole enhanced status code
    QTest::addColumn<DeliveryClass>("cls");
    QTest::addColumn<QString>("reason"); // empty: not checked
    QTest::addColumn<QString>("phase");
    QTest::addColumn<int>("replyCode"); // 0: not checked

    const auto row = [](const char *name, const char *target, TlsMode tls, const char *status, DeliveryClass cls,
                         const char *reason, const char *phase, int replyCode, int greetingMs = 3000) {
        QTest::newRow(name) << QString::fromUtf8(target) << tls << greetingMs << QString::fromUtf8(status) << cls
                            << QString::fromUtf8(reason) << QString::fromUtf8(phase) << replyCode;
    };
    using C = DeliveryClass;
    using T = TlsMode;
    // Postfix
    row("unknown user", "nobody@ok.test", T::StartTls, R"(5\.1\.1)", C::Hard, "userunknown", "rcpt", 550);
    row("implicit MX", "alice@nomx.test", T::StartTlsRequired, R"(2\.\d+\.\d+)", C::Success, "accepted", "done", 0);
    row("domain only", "ok.test", T::StartTlsRequired, R"(2\.\d+\.\d+)", C::Success, "accepted", "done", 0);
    row("postmaster", "postmaster@ok.test", T::None, R"(2\.\d+\.\d+)", C::Success, "accepted", "done", 0);
    // DNS
    row("null MX", "alice@nullmx.test", T::StartTls, R"(5\.1\.10)", C::Hard, "notaccept", "dns", 0);
    row("NXDOMAIN", "alice@doesnotexist.test", T::StartTls, R"(5\.1\.2)", C::Hard, "hostunknown", "dns", 0);
    row("no MX, no address", "alice@empty.test", T::StartTls, R"(5\.1\.2)", C::Hard, "hostunknown", "dns", 0);
    row("SERVFAIL", "alice@servfail.test", T::StartTls, R"(4\.4\.3)", C::Soft, "networkerror", "dns", 0);
    row("only MX refuses", "alice@dead.fallback.test", T::StartTls, R"(4\.4\.1)", C::Soft, "networkerror", "connect",
        0);
    // smtp-sink
    // smtp-sink says "421 4.0.0 Server closing connection": its own code wins over the 421 default of 4.3.2.
    row("421 greeting", "alice@greet421.test", T::StartTls, R"(4\.0\.0)", C::Soft, "undefined", "greeting", 421);
    row("dropped at connect", "alice@dropconnect.test", T::StartTls, R"(4\.4\.2)", C::Soft, "networkerror", "greeting",
        0);
    row("dropped after EHLO", "alice@dropehlo.test", T::StartTls, R"(4\.4\.2)", C::Soft, "networkerror", "ehlo", 0);
    row("slow greeting", "alice@slowgreet.test", T::StartTls, R"(4\.4\.2)", C::Soft, "networkerror", "greeting", 0,
        800);
    // "550 5.7.1 Recipient rejected by policy": a policy's refusal, not an unknown user.
    row("RCPT 550 5.7.1", "alice@rcpthard.test", T::StartTls, R"(5\.7\.1)", C::Hard, "securityerror", "rcpt", 550);
    row("RCPT 450 greylisted", "alice@rcptsoft.test", T::StartTls, R"(4\.2\.0)", C::Soft, "greylisted", "rcpt", 450);
    row("RCPT 421", "alice@rcpt421.test", T::StartTls, R"(4\.0\.0)", C::Soft, "undefined", "rcpt", 421);
}

void TestPostfixInterop::probe()
{
    QFETCH(QString, target);
    QFETCH(TlsMode, tlsMode);
    QFETCH(int, greetingMs);
    QFETCH(QString, status);
    QFETCH(DeliveryClass, cls);
    QFETCH(QString, reason);
    QFETCH(QString, phase);
    QFETCH(int, replyCode);

    ProbeConfig config = baseConfig();
    config.tlsMode = tlsMode;
    config.timeouts.greetingMs = greetingMs;
    const std::optional<ProbeResult> result = run(target, config);
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);

    const QRegularExpression statusPattern(QRegularExpression::anchoredPattern(status));
    QVERIFY2(statusPattern.match(result->classification.status).hasMatch(), qPrintable(why));
    QVERIFY2(result->classification.cls == cls, qPrintable(className(result->classification.cls) + u' ' + why));
    if (!reason.isEmpty())
        QVERIFY2(result->classification.reason == reason, qPrintable(why));
    QVERIFY2(Smtp::phaseName(result->phase) == phase, qPrintable(why));
    if (replyCode != 0) {
        QVERIFY2(result->reply.has_value(), qPrintable(why));
        QCOMPARE(result->reply->code, replyCode);
    }
    if (phase == QLatin1String("dns")) {
        QVERIFY2(result->hostsTried.isEmpty(), qPrintable(why));
        QVERIFY(result->timings.dns >= 0);
    }
    // A 421 ends the whole session (RFC 5321 §3.8); the recipient in flight still records the answer it got.
    if (phase == QLatin1String("rcpt")) {
        QCOMPARE(result->recipients.size(), 1);
        QVERIFY2(statusPattern.match(result->recipients.at(0).classification.status).hasMatch(), qPrintable(why));
    }
}

void TestPostfixInterop::starttlsVerified()
{
    ProbeConfig config = baseConfig();
    config.tlsMode = TlsMode::StartTlsRequired;
    const std::optional<ProbeResult> result = run(QStringLiteral("alice@ok.test"), config);
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);
    QVERIFY2(result->succeeded(), qPrintable(why));
    QVERIFY2(result->classification.status.startsWith(QLatin1String("2.")), qPrintable(why));
    QCOMPARE(result->host, QStringLiteral("mx.ok.test"));
    QCOMPARE(result->address, QStringLiteral("127.0.0.1"));
    QCOMPARE(result->port, quint16(25));
    QVERIFY2(result->tls.has_value(), qPrintable(why));
    QVERIFY2(result->tls->protocol.startsWith(QLatin1String("TLSv1.")), qPrintable(result->tls->protocol));
    QVERIFY(!result->tls->cipher.isEmpty());
    QVERIFY2(result->tls->verified, qPrintable(result->tls->errors.join(u'\n')));
    QVERIFY(result->tls->errors.isEmpty());
    QVERIFY2(result->tls->subject.contains(QLatin1String("mx.ok.test")), qPrintable(result->tls->subject));
    QVERIFY2(result->tls->san.contains(QLatin1String("DNS:mx.ok.test")), qPrintable(result->tls->san.join(u',')));
    QVERIFY(result->tls->notAfter > QDateTime::currentDateTimeUtc());
    QVERIFY(result->timings.tls >= 0);
}

void TestPostfixInterop::implicitTls()
{
    ProbeConfig config = baseConfig();
    config.tlsMode = TlsMode::Implicit;
    config.tlsPinned = true;
    config.port = Services::postfixSmtpsPort;
    config.portPinned = true;
    const std::optional<ProbeResult> result = run(QStringLiteral("bob@ok.test"), config);
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);
    QVERIFY2(result->succeeded(), qPrintable(why));
    QCOMPARE(result->port, Services::postfixSmtpsPort);
    QVERIFY2(result->tls.has_value() && result->tls->verified, qPrintable(why));
    QVERIFY(!result->tls->protocol.isEmpty());
}

void TestPostfixInterop::knownUserAccepted()
{
    const std::optional<ProbeResult> result = run(QStringLiteral("bob@ok.test"), baseConfig());
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);
    QVERIFY2(result->succeeded(), qPrintable(why));
    QCOMPARE(result->recipients.size(), 1);
    QCOMPARE(result->recipients.at(0).address, QStringLiteral("bob@ok.test"));
    QCOMPARE(result->recipients.at(0).classification.cls, DeliveryClass::Success);
    QCOMPARE(result->recipients.at(0).classification.reason, QStringLiteral("accepted"));
    QVERIFY(result->recipients.at(0).reply.has_value());
    QCOMPARE(result->recipients.at(0).reply->code, 250);
    QCOMPARE(Smtp::phaseName(result->phase), QStringLiteral("done"));
}

void TestPostfixInterop::mxFallbackSkipsRefusedHost()
{
    const std::optional<ProbeResult> result = run(QStringLiteral("alice@fallback.test"), baseConfig());
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);
    QVERIFY2(result->succeeded(), qPrintable(why));
    QCOMPARE(result->hostsTried,
        QStringList(
            { QStringLiteral("dead.fallback.test[127.0.0.2]:25"), QStringLiteral("mx.ok.test[127.0.0.1]:25") }));
    QCOMPARE(result->host, QStringLiteral("mx.ok.test"));
}

void TestPostfixInterop::untrustedCertificateFailsWhenRequired()
{
    // Without the test CA, Postfix's self-signed certificate cannot verify: required TLS must fail (4.7.5).
    ProbeConfig config = baseConfig();
    config.caFile.clear();
    config.tlsMode = TlsMode::StartTlsRequired;
    const std::optional<ProbeResult> result = run(QStringLiteral("alice@ok.test"), config);
    QVERIFY2(result, "the probe did not finish");
    const QString why = transcriptOf(*result);
    QVERIFY2(result->classification.status == QLatin1String("4.7.5"), qPrintable(why));
    QCOMPARE(result->classification.cls, DeliveryClass::Soft);
    QCOMPARE(result->classification.reason, QStringLiteral("securityerror"));
}

QTEST_GUILESS_MAIN(TestPostfixInterop)
#include "tst_postfix_interop.moc"
