// The probe state machine against scripted server dialogues: one row per conversation shape, including the hostile
// and odd ones a real MTA cannot be made to produce. Also checks what the client sent, line by line.
#include <QSignalSpy>
#include <QTest>

#include "scriptedsmtpserver.h"
#include "smtp/probeengine.h"
#include "testsupport.h"

using namespace Mailpulse;
using namespace Mailpulse::Smtp;
using Test::ScriptedSmtpServer;

class TestSmtpProbe : public QObject
{
    Q_OBJECT

private:
    Test::FakeClock m_clock;

private Q_SLOTS:
    void dialogue_data()
    {
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("tls");
        QTest::addColumn<QString>("expected"); // "status class reason phase"
        QTest::addColumn<QString>("finding"); // a finding code that must be present, or empty

        const QString user = QStringLiteral("u@example.test");
        const QString domain = QStringLiteral("example.test");
        const QStringList hello = { QStringLiteral("S: 220 mx ESMTP"), QStringLiteral("C: EHLO probe.test"),
            QStringLiteral("S: 250-mx"), QStringLiteral("S: 250 PIPELINING") };
        const QStringList toRcpt = hello
            + QStringList { QStringLiteral("C: MAIL FROM:<m@probe.test>"), QStringLiteral("S: 250 2.1.0 ok"),
                  QStringLiteral("C: RCPT TO:<u@example.test>") };
        const auto S = [](const char *s) { return QString::fromLatin1(s); };

        QTest::newRow("accepted") << toRcpt + QStringList { S("S: 250 2.1.5 ok"), S("C: QUIT"), S("S: 221 bye") }
                                  << user << S("none") << S("2.1.5 success accepted done") << QString();
        QTest::newRow("251 forward") << toRcpt + QStringList { S("S: 251 2.1.5 will forward"), S("C: QUIT"), S("X") }
                                     << user << S("none") << S("2.1.5 success accepted done") << QString();
        QTest::newRow("multi-line greeting") << QStringList { S("S: 220-mx welcome"), S("S: 220-second line"),
            S("S: 220 ready"), S("C: EHLO"), S("S: 250 mx"), S("C: QUIT"), S("S: 221 bye") }
                                             << domain << S("none") << S("2.0.0 success accepted done") << QString();
        QTest::newRow("no close after QUIT is fine") << hello + QStringList { S("C: QUIT") } << domain << S("none")
                                                     << S("2.0.0 success accepted done") << QString();
        QTest::newRow("EHLO 502 then HELO") << QStringList { S("S: 220 mx"), S("C: EHLO"), S("S: 502 5.5.1 no EHLO"),
            S("C: HELO probe.test"), S("S: 250 mx"), S("C: MAIL FROM"), S("S: 250 ok"), S("C: RCPT TO"), S("S: 250 ok"),
            S("C: QUIT"), S("S: 221 bye") } << user
                                            << S("starttls") << S("2.0.0 success accepted done") << S("no-starttls");
        QTest::newRow("HELO refused too") << QStringList { S("S: 220 mx"), S("C: EHLO"), S("S: 500 what"), S("C: HELO"),
            S("S: 501 5.5.2 bad name"), S("C: QUIT"), S("X") }
                                          << domain << S("none") << S("5.5.2 hard syntaxerror ehlo") << QString();
        QTest::newRow("sender rejected") << hello
                + QStringList { S("C: MAIL FROM"), S("S: 553 5.7.1 sender address rejected: not owned by user"),
                      S("C: QUIT"), S("X") }
                                         << user << S("none") << S("5.7.1 hard rejected mail") << QString();
        QTest::newRow("421 at MAIL") << hello
                + QStringList { S("C: MAIL FROM"), S("S: 421 4.7.0 too many connections"), S("X") }
                                     << user << S("none") << S("4.7.0 soft toomanyconn mail") << QString();
        QTest::newRow("no enhanced code, refined from text")
            << toRcpt + QStringList { S("S: 550 No such user here"), S("C: QUIT"), S("X") } << user << S("none")
            << S("5.1.1 hard userunknown rcpt") << QString();
        QTest::newRow("STARTTLS refused, opportunistic")
            << QStringList { S("S: 220 mx"), S("C: EHLO"), S("S: 250-mx"), S("S: 250 STARTTLS"), S("C: STARTTLS"),
                   S("S: 454 4.7.0 TLS not available"), S("C: QUIT"), S("S: 221 bye") }
            << domain << S("starttls") << S("2.0.0 success accepted done") << S("starttls-refused");
        QTest::newRow("STARTTLS refused, required") << QStringList { S("S: 220 mx"), S("C: EHLO"), S("S: 250-mx"),
            S("S: 250 STARTTLS"), S("C: STARTTLS"), S("S: 454 4.7.0 TLS not available"), S("C: QUIT"), S("X") }
                                                    << domain << S("starttls-required") << S("4.7.0 soft") << QString();
        QTest::newRow("unsolicited second greeting")
            << QStringList { S("R: 220 mx\\r\\n220 again\\r\\n"), S("C: EHLO"), S("X") } << domain << S("none")
            << S("4.5.0 soft systemerror ehlo") << QString();
        QTest::newRow("reply cut off, then close")
            << QStringList { S("R: 220 mx\\r\\n"), S("C: EHLO"), S("R: 250-mx\\r\\n250-PIPE"), S("X") } << domain
            << S("none") << S("4.4.2 soft networkerror ehlo") << QString();
        QTest::newRow("not a reply") << QStringList { S("S: HELLO THERE"), S("X") } << domain << S("none")
                                     << S("4.5.0 soft systemerror greeting") << QString();
        QTest::newRow("bare LF replies") << QStringList { S("R: 220 mx\\n"), S("C: EHLO"), S("R: 250 mx\\n"),
            S("C: QUIT"), S("R: 221 bye\\n") }
                                         << domain << S("none") << S("2.0.0 success accepted done") << QString();
        QTest::newRow("554 greeting") << QStringList { S("S: 554 5.7.1 no service for you"), S("C: QUIT"),
            S("S: 221 bye") } << domain
                                      << S("none") << S("5.7.1 hard") << QString();
        QTest::newRow("mixed recipients: the hard one wins")
            << hello
                + QStringList { S("C: MAIL FROM"), S("S: 250 ok"), S("C: RCPT TO:<a@example.test>"), S("S: 250 ok"),
                      S("C: RCPT TO:<b@example.test>"), S("S: 452 4.2.2 full"), S("C: RCPT TO:<c@example.test>"),
                      S("S: 550 5.1.1 unknown"), S("C: QUIT"), S("X") }
            << QStringLiteral("a@example.test,b@example.test,c@example.test") << S("none")
            << S("5.1.1 hard userunknown rcpt") << QString();
        QStringList tooMany = { S("S: 220 mx"), S("C: EHLO") };
        for (int i = 0; i < 150; ++i)
            tooMany << S("S: 250-line");
        tooMany << S("S: 250 end") << S("X");
        QTest::newRow("reply with too many lines")
            << tooMany << domain << S("none") << S("4.5.0 soft systemerror ehlo") << QString();
    }

    void dialogue()
    {
        QFETCH(QStringList, script);
        QFETCH(QString, target);
        QFETCH(QString, tls);
        QFETCH(QString, expected);
        QFETCH(QString, finding);

        ScriptedSmtpServer server(ScriptedSmtpServer::parse(script));
        ProbeConfig config;
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(server.port());
        config.tlsMode = *tlsModeFromName(tls);
        config.heloName = QStringLiteral("probe.test");
        config.mailFrom = QStringLiteral("m@probe.test");
        config.timeouts.greetingMs = 2000;
        config.timeouts.commandMs = 2000;
        config.timeouts.totalMs = 10000;
        ProbeEngine engine(&m_clock);
        QSignalSpy finished(&engine, &ProbeEngine::probeFinished);
        engine.enqueue(*ProbeTarget::parse(target), config);
        QVERIFY(finished.wait(15000));
        const auto r = finished.first().at(1).value<ProbeResult>();

        const QStringList want = expected.split(u' ');
        const QString got = QStringLiteral("%1 %2 %3 %4 (%5)")
                                .arg(r.classification.status, Bounce::deliveryClassName(r.classification.cls),
                                    r.classification.reason, phaseName(r.phase), r.detail);
        QVERIFY2(r.classification.status == want.value(0), qPrintable(got));
        QVERIFY2(Bounce::deliveryClassName(r.classification.cls) == want.value(1), qPrintable(got));
        if (want.size() > 2)
            QVERIFY2(r.classification.reason == want.value(2), qPrintable(got));
        if (want.size() > 3)
            QVERIFY2(phaseName(r.phase) == want.value(3), qPrintable(got));
        if (!finding.isEmpty()) {
            QVERIFY2(std::any_of(
                         r.findings.cbegin(), r.findings.cend(), [&](const Finding &f) { return f.code == finding; }),
                qPrintable(got));
        }
        QVERIFY2(server.errors().isEmpty(), qPrintable(server.errors().join(u'\n')));
        for (const QByteArray &line : server.received())
            QVERIFY2(!line.startsWith("DATA"), "a probe never sends DATA");
    }
};

QTEST_GUILESS_MAIN(TestSmtpProbe)
#include "tst_smtpprobe.moc"
