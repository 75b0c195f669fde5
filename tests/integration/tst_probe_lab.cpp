// The probe engine against every lab scenario: each row of DESIGN.md's classification table that a lab server
// can produce, end to end over real TCP and TLS on loopback.
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "bounce/statuscode.h"
#include "common/resourceusage.h"
#include "lab/labserver.h"
#include "lab/smtplab.h"
#include "smtp/probeengine.h"
#include "testsupport.h"

using namespace Mailpulse;
using namespace Mailpulse::Smtp;

namespace
{

enum Flag { NoFlags = 0, UseCa = 1, NoVerify = 2, ShortGreeting = 4 };

} // namespace

class TestProbeLab : public QObject
{
    Q_OBJECT

private:
    ProbeConfig configFor(const QString &scenario, int flags = NoFlags) const
    {
        ProbeConfig config;
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(m_lab->port(scenario));
        config.heloName = QStringLiteral("probe.mailpulse.test");
        config.mailFrom = QStringLiteral("monitor@mailpulse.test");
        config.timeouts.connectMs = 3000;
        config.timeouts.greetingMs = (flags & ShortGreeting) ? 1000 : 5000;
        config.timeouts.commandMs = 5000;
        config.timeouts.tlsMs = 5000;
        config.timeouts.totalMs = 30000;
        if (flags & UseCa)
            config.caFile = m_lab->caCertificatePath();
        config.verifyCertificate = !(flags & NoVerify);
        return config;
    }

    ProbeResult probe(const QString &target, const ProbeConfig &config)
    {
        return Test::runProbe(&m_clock, target, config);
    }

    Test::FakeClock m_clock;
    std::unique_ptr<Lab::SmtpLab> m_lab;

private Q_SLOTS:
    void initTestCase()
    {
        m_lab = std::make_unique<Lab::SmtpLab>();
        Lab::LabOptions options;
        options.dripIntervalMs = 200;
        m_lab->setOptions(options);
        QString error;
        QVERIFY2(m_lab->start({}, 0, &error), qPrintable(error));
    }

    void classification_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("tls");
        QTest::addColumn<int>("flags");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("cls");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("phase");

        const QString user = QStringLiteral("alice@example.test");
        const QString domain = QStringLiteral("example.test");
        const auto row = [](const char *name, const char *scenario, const QString &target, const char *tls, int flags,
                             const char *status, const char *cls, const char *reason, const char *phase) {
            QTest::newRow(name) << QString::fromLatin1(scenario) << target << QString::fromLatin1(tls) << flags
                                << QString::fromLatin1(status) << QString::fromLatin1(cls)
                                << QString::fromLatin1(reason) << QString::fromLatin1(phase);
        };
        // clang-format off
        row("healthy rcpt",             "healthy",             user,   "starttls",          UseCa,    "2.1.5", "success", "accepted",      "done");
        row("healthy domain",           "healthy",             domain, "starttls",          UseCa,    "2.0.0", "success", "accepted",      "done");
        row("healthy-plain opportunist","healthy-plain",       user,   "starttls",          NoFlags,  "2.1.5", "success", "accepted",      "done");
        row("plain, tls none",          "healthy-plain",       domain, "none",              NoFlags,  "2.0.0", "success", "accepted",      "done");
        row("no starttls, required",    "no-starttls",         domain, "starttls-required", NoFlags,  "4.7.4", "soft",    "securityerror", "starttls");
        row("self-signed verified",     "starttls-selfsigned", domain, "starttls",          UseCa,    "4.7.5", "soft",    "securityerror", "tls");
        row("self-signed no-verify",    "starttls-selfsigned", user,   "starttls",          NoVerify, "2.1.5", "success", "accepted",      "done");
        row("ca-signed without ca",     "starttls-ca",         domain, "starttls-required", NoFlags,  "4.7.5", "soft",    "securityerror", "tls");
        row("ca-signed with ca",        "starttls-ca",         user,   "starttls-required", UseCa,    "2.1.5", "success", "accepted",      "done");
        row("implicit tls",             "implicit-tls",        user,   "implicit",          UseCa,    "2.1.5", "success", "accepted",      "done");
        row("implicit against plain",   "healthy-plain",       domain, "implicit",          UseCa,    "4.7.5", "soft",    "securityerror", "tls");
        row("drop after connect",       "drop-after-connect",  user,   "starttls",          UseCa,    "4.4.2", "soft",    "networkerror",  "greeting");
        row("drop after greeting",      "drop-after-greeting", user,   "starttls",          UseCa,    "4.4.2", "soft",    "networkerror",  "ehlo");
        row("drop after ehlo",          "drop-after-ehlo",     user,   "starttls",          UseCa,    "4.4.2", "soft",    "networkerror",  "ehlo");
        row("drop during tls",          "drop-during-tls",     user,   "starttls",          UseCa,    "4.4.2", "soft",    "networkerror",  "tls");
        row("silent",                   "silent",              user,   "starttls",          ShortGreeting, "4.4.2", "soft", "networkerror", "greeting");
        row("refused",                  "refused",             user,   "starttls",          UseCa,    "4.4.1", "soft",    "networkerror",  "connect");
        row("drip (deadline per reply)","drip",                user,   "starttls",          ShortGreeting, "4.4.2", "soft", "networkerror", "greeting");
        row("greylisting",              "greylist",            user,   "starttls",          UseCa,    "4.7.1", "soft",    "greylisted",    "rcpt");
        row("user unknown",             "user-unknown",        user,   "starttls",          UseCa,    "5.1.1", "hard",    "userunknown",   "rcpt");
        row("mailbox full",             "mailbox-full",        user,   "starttls",          UseCa,    "4.2.2", "soft",    "mailboxfull",   "rcpt");
        row("421 shutdown",             "shutdown-421",        user,   "starttls",          UseCa,    "4.3.2", "soft",    "systemerror",   "greeting");
        row("oversized line",           "oversized-line",      user,   "starttls",          UseCa,    "4.5.0", "soft",    "systemerror",   "greeting");
        row("greeting 554",             "greeting-5xx",        user,   "starttls",          UseCa,    "5.7.1", "hard",    "blocked",       "greeting");
        row("helo fallback",            "helo-only",           user,   "starttls",          UseCa,    "2.1.5", "success", "accepted",      "done");
        // clang-format on
    }

    void classification()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, target);
        QFETCH(QString, tls);
        QFETCH(int, flags);
        ProbeConfig config = configFor(scenario, flags);
        config.tlsMode = *tlsModeFromName(tls);

        const ProbeResult r = probe(target, config);
        const QString context = QStringLiteral("%1 %2 %3 phase=%4: %5")
                                    .arg(r.classification.status, Bounce::deliveryClassName(r.classification.cls),
                                        r.classification.reason, phaseName(r.phase), r.detail);
        QFETCH(QString, status);
        QFETCH(QString, cls);
        QFETCH(QString, reason);
        QFETCH(QString, phase);
        QVERIFY2(r.classification.status == status, qPrintable(context));
        QVERIFY2(Bounce::deliveryClassName(r.classification.cls) == cls, qPrintable(context));
        QVERIFY2(r.classification.reason == reason, qPrintable(context));
        QVERIFY2(phaseName(r.phase) == phase, qPrintable(context));
        QCOMPARE(r.target, target);
        QCOMPARE(r.address, QStringLiteral("127.0.0.1"));
        QCOMPARE(r.port, m_lab->port(scenario));
        QVERIFY(!r.detail.isEmpty());
        QVERIFY(r.timings.total >= 0);
        QVERIFY(r.startedAt.isValid());
        QVERIFY(!r.transcript.isEmpty());
        if (r.succeeded() && target.contains(u'@')) {
            QCOMPARE(r.recipients.size(), 1);
            QCOMPARE(r.recipients.first().address, target);
            QVERIFY(r.reply.has_value());
            QCOMPARE(r.reply->code, 250);
        }
        if (phase == u"rcpt") {
            QCOMPARE(r.recipients.size(), 1);
            QCOMPARE(r.recipients.first().classification.status, status);
        }
    }

    void tlsDetails()
    {
        ProbeConfig config = configFor(QStringLiteral("starttls-ca"), UseCa);
        config.tlsMode = TlsMode::StartTlsRequired;
        const ProbeResult r = probe(QStringLiteral("bob@example.test"), config);
        QVERIFY2(r.succeeded(), qPrintable(r.detail));
        QVERIFY(r.tls.has_value());
        QVERIFY(r.tls->verified);
        QVERIFY(r.tls->errors.isEmpty());
        QVERIFY(r.tls->protocol.startsWith(QStringLiteral("TLSv1.")));
        QVERIFY(!r.tls->cipher.isEmpty());
        QVERIFY(r.tls->issuer.contains(QStringLiteral("Mailpulse Lab CA")));
        QVERIFY(r.tls->san.contains(QStringLiteral("DNS:localhost")));
        QVERIFY(r.tls->notAfter > QDateTime::currentDateTimeUtc());
        QVERIFY(r.timings.tls >= 0);
        QVERIFY(r.timings.connect >= 0 && r.timings.greeting >= 0 && r.timings.ehlo >= 0);
        QVERIFY(r.timings.mail >= 0 && r.timings.rcpt >= 0);
        // The transcript tells the TLS story in order: STARTTLS, the handshake, EHLO again.
        QStringList lines;
        for (const TranscriptEntry &e : r.transcript)
            lines << QString(QLatin1Char(e.dir)) + u' ' + e.line;
        const qsizetype starttls = lines.indexOf(QStringLiteral("C STARTTLS"));
        QVERIFY(starttls > 0);
        qsizetype established = -1;
        for (qsizetype i = starttls; i < lines.size(); ++i) {
            if (lines.at(i).startsWith(QStringLiteral("I TLS established"))) {
                established = i;
                break;
            }
        }
        QVERIFY(established > starttls);
        QVERIFY(lines.mid(established).join(u'\n').contains(QStringLiteral("C EHLO probe.mailpulse.test")));
        qint64 last = 0;
        for (const TranscriptEntry &e : r.transcript) {
            QVERIFY(e.tMs >= last);
            last = e.tMs;
        }
    }

    void selfSignedNoVerifyRecordsErrors()
    {
        ProbeConfig config = configFor(QStringLiteral("starttls-selfsigned"), NoVerify);
        const ProbeResult r = probe(QStringLiteral("example.test"), config);
        QVERIFY2(r.succeeded(), qPrintable(r.detail));
        QVERIFY(r.tls.has_value());
        QVERIFY(!r.tls->verified);
        QVERIFY(!r.tls->errors.isEmpty());
    }

    void localhostNameVerifies()
    {
        ProbeConfig config = configFor(QStringLiteral("starttls-ca"), UseCa);
        config.mxOverride = QStringLiteral("localhost:%1").arg(m_lab->port(QStringLiteral("starttls-ca")));
        config.tlsMode = TlsMode::StartTlsRequired;
        const ProbeResult r = probe(QStringLiteral("example.test"), config);
        QVERIFY2(r.succeeded(), qPrintable(r.detail));
        QCOMPARE(r.host, QStringLiteral("localhost"));
        QVERIFY(r.tls->verified);
    }

    void noStartTlsOpportunisticIsAFinding()
    {
        const ProbeResult r = probe(QStringLiteral("example.test"), configFor(QStringLiteral("healthy-plain")));
        QVERIFY(r.succeeded());
        QVERIFY(!r.tls.has_value());
        QVERIFY(std::any_of(
            r.findings.cbegin(), r.findings.cend(), [](const Finding &f) { return f.code == u"no-starttls"; }));
    }

    void starttlsInjectionIsDiscarded()
    {
        ProbeConfig config = configFor(QStringLiteral("starttls-injection"), UseCa);
        const ProbeResult r = probe(QStringLiteral("carol@example.test"), config);
        QVERIFY2(r.succeeded(), qPrintable(r.detail));
        QVERIFY(r.tls.has_value() && r.tls->verified);
        const auto finding = std::find_if(r.findings.cbegin(), r.findings.cend(),
            [](const Finding &f) { return f.code.contains(u"starttls-injection"); });
        QVERIFY(finding != r.findings.cend());
        QCOMPARE(finding->severity, QStringLiteral("critical"));
        // The injected lines were never read as replies: no server line carries them, and the conversation after
        // the handshake went on normally (EHLO, MAIL, RCPT accepted).
        for (const TranscriptEntry &e : r.transcript)
            QVERIFY2(!(e.dir == 'S' && e.line.contains(QStringLiteral("injected"))), qPrintable(e.line));
        QCOMPARE(r.recipients.size(), 1);
        QCOMPARE(r.recipients.first().classification.status, QStringLiteral("2.1.5"));
    }

    void dripHitsTheGreetingDeadline()
    {
        // One byte every 200 ms: a deadline re-armed per byte would wait for the whole greeting (~8 s) and
        // succeed; the per-reply deadline of 1 s must end it in the greeting phase.
        ProbeConfig config = configFor(QStringLiteral("drip"), ShortGreeting);
        const ProbeResult r = probe(QStringLiteral("example.test"), config);
        QCOMPARE(r.classification.status, QStringLiteral("4.4.2"));
        QCOMPARE(r.phase, Phase::Greeting);
        QVERIFY(r.detail.contains(QStringLiteral("greeting")));
    }

    void oversizedLineKeepsMemoryBounded()
    {
        const qint64 before = peakResidentKiB();
        const ProbeResult r = probe(QStringLiteral("example.test"), configFor(QStringLiteral("oversized-line")));
        QCOMPARE(r.classification.status, QStringLiteral("4.5.0"));
        const qint64 after = peakResidentKiB();
        // The server offers 64 MiB without a line end; the probe must stop at the line limit, not buffer it.
        QVERIFY2(after - before < 16 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(after - before)));
    }

    void multipleRecipientsInOneConversation()
    {
        const ProbeResult ok
            = probe(QStringLiteral("a@example.test,b@example.test"), configFor(QStringLiteral("healthy"), UseCa));
        QVERIFY(ok.succeeded());
        QCOMPARE(ok.recipients.size(), 2);
        QCOMPARE(ok.recipients.at(1).address, QStringLiteral("b@example.test"));

        const ProbeResult bad
            = probe(QStringLiteral("a@example.test,b@example.test"), configFor(QStringLiteral("user-unknown"), UseCa));
        QCOMPARE(bad.classification.status, QStringLiteral("5.1.1"));
        QCOMPARE(bad.recipients.size(), 2);
        int rcpts = 0;
        for (const TranscriptEntry &e : bad.transcript)
            rcpts += (e.dir == 'C' && e.line.startsWith(QStringLiteral("RCPT TO:"))) ? 1 : 0;
        QCOMPARE(rcpts, 2);
    }

    void neverSendsData()
    {
        const ProbeResult r = probe(QStringLiteral("dave@example.test"), configFor(QStringLiteral("healthy"), UseCa));
        QVERIFY(r.succeeded());
        for (const TranscriptEntry &e : r.transcript)
            QVERIFY(!(e.dir == 'C' && e.line.startsWith(QStringLiteral("DATA"))));
        // The conversation ends politely: the client's last command is QUIT.
        QString lastCommand;
        for (const TranscriptEntry &e : r.transcript) {
            if (e.dir == 'C')
                lastCommand = e.line;
        }
        QCOMPARE(lastCommand, QStringLiteral("QUIT"));
    }

    void flakyFailsThenRecovers()
    {
        Lab::LabServer flaky(Lab::Scenario::Flaky);
        Lab::LabOptions options;
        options.flakyDrops = 2;
        flaky.setOptions(options);
        flaky.setTlsConfiguration(m_lab->certificates()->serverConfiguration());
        QVERIFY(flaky.listen());
        ProbeConfig config = configFor(QStringLiteral("healthy"), UseCa);
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(flaky.port());
        QStringList statuses;
        for (int i = 0; i < 3; ++i)
            statuses << probe(QStringLiteral("erin@example.test"), config).classification.status;
        QCOMPARE(statuses, (QStringList { QStringLiteral("4.4.2"), QStringLiteral("4.4.2"), QStringLiteral("2.1.5") }));
        QCOMPARE(flaky.connectionsAccepted(), 3);
    }

    void concurrencyLimits()
    {
        // 12 probes over two domains against a silent server: at no time more than the global limit, nor more
        // than the per-domain limit for one domain, are running; every probe still runs.
        Lab::LabServer silent(Lab::Scenario::Silent);
        QVERIFY(silent.listen());
        ProbeEngine engine(&m_clock);
        engine.setLimits({ 4, 3 });
        ProbeConfig config = configFor(QStringLiteral("silent"));
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(silent.port());
        config.timeouts.greetingMs = 300;
        QHash<quint64, QString> domainOf;
        QHash<QString, int> running;
        QHash<QString, int> peakPerDomain;
        int runningTotal = 0;
        int peakTotal = 0;
        connect(&engine, &ProbeEngine::probeStarted, this, [&](quint64 id, const QString &) {
            const QString &domain = domainOf[id];
            peakPerDomain[domain] = std::max(peakPerDomain[domain], ++running[domain]);
            peakTotal = std::max(peakTotal, ++runningTotal);
        });
        connect(&engine, &ProbeEngine::probeFinished, this, [&](quint64 id, const ProbeResult &) {
            --running[domainOf[id]];
            --runningTotal;
        });
        QSignalSpy finished(&engine, &ProbeEngine::probeFinished);
        QSignalSpy progress(&engine, &ProbeEngine::progressChanged);
        QSignalSpy idle(&engine, &ProbeEngine::idle);
        for (int i = 0; i < 12; ++i) {
            const QString domain = i < 8 ? QStringLiteral("one.test") : QStringLiteral("two.test");
            const quint64 id = engine.enqueue(*ProbeTarget::parse(QStringLiteral("u%1@%2").arg(i).arg(domain)), config);
            domainOf.insert(id, domain);
        }
        QVERIFY(idle.wait(20000));
        QCOMPARE(finished.size(), 12);
        QCOMPARE(peakTotal, 4);
        QCOMPARE(peakPerDomain.value(QStringLiteral("one.test")), 3);
        QVERIFY(peakPerDomain.value(QStringLiteral("two.test")) <= 3);
        QCOMPARE(progress.last().at(0).toInt(), 12);
        QCOMPARE(progress.last().at(1).toInt(), 12);
        QCOMPARE(silent.connectionsAccepted(), 12);
        QCOMPARE(runningTotal, 0);
    }

    void cancelAllFinishesEveryProbe()
    {
        ProbeEngine engine(&m_clock);
        engine.setLimits({ 2, 2 });
        ProbeConfig config = configFor(QStringLiteral("silent"));
        QSignalSpy finished(&engine, &ProbeEngine::probeFinished);
        QSignalSpy idle(&engine, &ProbeEngine::idle);
        for (int i = 0; i < 5; ++i)
            engine.enqueue(*ProbeTarget::parse(QStringLiteral("x%1@two.test").arg(i)), config);
        QTest::qWait(200);
        QCOMPARE(engine.runningCount(), 2);
        engine.cancelAll();
        QVERIFY(idle.count() == 1 || idle.wait(5000));
        QCOMPARE(finished.size(), 5);
        QVERIFY(engine.isIdle());
    }
};

QTEST_GUILESS_MAIN(TestProbeLab)
#include "tst_probe_lab.moc"
