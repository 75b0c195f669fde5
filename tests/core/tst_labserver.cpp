#include <memory>

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "lab/labcertificates.h"
#include "lab/labscenario.h"
#include "lab/labserver.h"
#include "lab/smtplab.h"

using namespace Mailpulse::Lab;

namespace
{

constexpr int kWaitMs = 5'000;

// The servers run in the test's own thread, so every wait must spin the event loop (QTest::qWaitFor);
// a blocking waitFor*() would starve the server it waits for.
/// True once the socket connected, even if the server already closed it again (drop scenarios do at once).
bool waitConnected(QAbstractSocket &socket, int timeoutMs = kWaitMs)
{
    bool connected = socket.state() == QAbstractSocket::ConnectedState;
    const QMetaObject::Connection connection
        = QObject::connect(&socket, &QAbstractSocket::connected, &socket, [&connected] { connected = true; });
    static_cast<void>(QTest::qWaitFor(
        [&socket, &connected] { return connected || socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs));
    QObject::disconnect(connection);
    return connected;
}

/// True once bytes are available; false on timeout or when the peer closed with nothing left to read.
bool waitReadable(QAbstractSocket &socket, int timeoutMs = kWaitMs)
{
    static_cast<void>(QTest::qWaitFor(
        [&socket] { return socket.bytesAvailable() > 0 || socket.state() == QAbstractSocket::UnconnectedState; },
        timeoutMs));
    return socket.bytesAvailable() > 0;
}

bool waitEncrypted(QSslSocket &socket, int timeoutMs = kWaitMs)
{
    static_cast<void>(QTest::qWaitFor(
        [&socket] { return socket.isEncrypted() || socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs));
    return socket.isEncrypted();
}

/// A synchronous-looking SMTP client for tests: each call spins the event loop until its answer arrives.
class Client
{
public:
    Client() { m_socket.setReadBufferSize(0); }

    QSslSocket &socket() { return m_socket; }

    bool connectTo(quint16 port, const QHostAddress &host = QHostAddress(QHostAddress::LocalHost))
    {
        m_socket.connectToHost(host, port);
        return waitConnected(m_socket);
    }

    /// One complete reply (all lines, CRLFs kept); empty if the server closed or went quiet first.
    QByteArray readReply(int timeoutMs = kWaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        QByteArray reply;
        for (;;) {
            const qsizetype end = m_pending.indexOf("\r\n");
            if (end >= 0) {
                const QByteArray line = m_pending.left(end + 2);
                m_pending.remove(0, end + 2);
                reply += line;
                if (line.size() < 4 || line.at(3) != '-')
                    return reply;
                continue;
            }
            const qint64 left = timeoutMs - timer.elapsed();
            if (m_socket.bytesAvailable() == 0 && (left <= 0 || !waitReadable(m_socket, int(left))))
                return {};
            m_pending += m_socket.readAll();
        }
    }

    QByteArray command(const QByteArray &line)
    {
        m_socket.write(line + "\r\n");
        return readReply();
    }

    /// Waits for the server to close; true if it did within `timeoutMs`. Collects what arrived meanwhile.
    bool waitClosed(int timeoutMs = kWaitMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < timeoutMs) {
            waitReadable(m_socket, int(qMax<qint64>(1, timeoutMs - timer.elapsed())));
            m_pending += m_socket.readAll();
        }
        m_pending += m_socket.readAll();
        return m_socket.state() == QAbstractSocket::UnconnectedState;
    }

    QByteArray takePending() { return std::exchange(m_pending, {}); }

    /// STARTTLS upgrade trusting `ca` (or ignoring every error with an empty `ca`). True once encrypted.
    bool upgrade(const QList<QSslCertificate> &ca)
    {
        m_pending.clear();
        QSslConfiguration config = m_socket.sslConfiguration();
        config.setCaCertificates(ca);
        m_socket.setSslConfiguration(config);
        m_socket.setPeerVerifyName(QStringLiteral("localhost"));
        m_socket.startClientEncryption();
        return waitEncrypted(m_socket);
    }

private:
    QSslSocket m_socket;
    QByteArray m_pending;
};

} // namespace

class TestLabServer final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void scenarioTable();
    void healthyConversation();
    void sequenceAndSyntaxErrors();
    void pipelinedCommandsAnswerInOrder();
    void rcptReplies_data();
    void rcptReplies();
    void startTls_data();
    void startTls();
    void selfSignedFailsVerification();
    void starttlsInjectionArrivesInOneWrite();
    void implicitTls();
    void dropAfterConnect();
    void dropAfterGreeting();
    void dropAfterEhlo();
    void dropDuringTlsSendsNoAlert();
    void dropDuringTlsFailsHandshake();
    void shutdown421();
    void greeting5xxWaitsForQuit();
    void heloOnly();
    void silentNeverSpeaks();
    void refusedPortRefuses();
    void dripSendsByteByByte();
    void oversizedLineHasNoLineEnd();
    void flakyDropsFirstConnections();
    void idleClientGetsA421();
    void overlongLineDropsTheClient();
    void garbageIsNotFatal();
    void unreadRepliesAreBackPressured();
    void randomBytesToEveryScenario();
    void manySimultaneousClients();
    void destroyingTheServerClosesClients();
    void listensOnLoopbackOnly();
    void tlsScenarioNeedsCredentials();
    void ipv6Loopback();
    void smtpLabStartsEverything();
    void smtpLabPortBase();
    void smtpLabErrors();

private:
    std::unique_ptr<LabServer> startServer(Scenario scenario, LabOptions options = {});

    std::optional<LabCertificates> m_certs;
};

void TestLabServer::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QString error;
    m_certs = LabCertificates::generate(&error);
    QVERIFY2(m_certs, qPrintable(error));
}

std::unique_ptr<LabServer> TestLabServer::startServer(Scenario scenario, LabOptions options)
{
    auto server = std::make_unique<LabServer>(scenario, options);
    server->setTlsConfiguration(m_certs->serverConfiguration(scenarioUsesSelfSignedCertificate(scenario)));
    if (!server->listen())
        qWarning() << "listen failed:" << server->errorString();
    return server;
}

void TestLabServer::scenarioTable()
{
    const QStringList names = scenarioNames();
    QCOMPARE(names.size(), allScenarios().size());
    QCOMPARE(QSet<QString>(names.cbegin(), names.cend()).size(), names.size());
    for (const QString &name :
        { QStringLiteral("healthy"), QStringLiteral("healthy-plain"), QStringLiteral("starttls-selfsigned"),
            QStringLiteral("starttls-ca"), QStringLiteral("implicit-tls"), QStringLiteral("drop-after-connect"),
            QStringLiteral("drop-after-greeting"), QStringLiteral("drop-after-ehlo"), QStringLiteral("drop-during-tls"),
            QStringLiteral("silent"), QStringLiteral("refused"), QStringLiteral("drip"), QStringLiteral("greylist"),
            QStringLiteral("user-unknown"), QStringLiteral("mailbox-full"), QStringLiteral("shutdown-421"),
            QStringLiteral("starttls-injection"), QStringLiteral("oversized-line"), QStringLiteral("flaky"),
            QStringLiteral("greeting-5xx"), QStringLiteral("helo-only") })
        QVERIFY2(names.contains(name), qPrintable(name));
    for (const Scenario scenario : allScenarios()) {
        QCOMPARE(scenarioByName(scenarioName(scenario)), scenario);
        QVERIFY(!scenarioDescription(scenario).isEmpty());
        QVERIFY(!scenarioExpectation(scenario).isEmpty());
    }
    QCOMPARE(scenarioByName(u"no-starttls"), Scenario::HealthyPlain);
    QCOMPARE(scenarioByName(u"Drop-After-Greeting"), Scenario::DropAfterGreeting);
    QVERIFY(!scenarioByName(u"nope"));
    QVERIFY(!scenarioNames().contains(QStringLiteral("no-starttls")));
    QCOMPARE(scenarioTls(Scenario::ImplicitTls), LabTls::Implicit);
    QCOMPARE(labTlsName(scenarioTls(Scenario::HealthyPlain)), QStringLiteral("none"));
    QCOMPARE(LabOptions().dripIntervalMs, 2'000);
    QCOMPARE(LabOptions().flakyDrops, 2);
}

void TestLabServer::healthyConversation()
{
    auto server = startServer(Scenario::HealthyPlain);
    QVERIFY(server->isListening());
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("220 localhost ESMTP"));

    const QByteArray ehlo = client.command("EHLO probe.example");
    QVERIFY2(ehlo.startsWith("250-localhost"), ehlo.constData());
    for (const char *cap : { "PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES" })
        QVERIFY2(ehlo.contains(cap), cap);
    QVERIFY(!ehlo.contains("STARTTLS"));
    QVERIFY(ehlo.endsWith("\r\n"));
    QCOMPARE(ehlo.count("250 "), 1); // exactly one last line

    QCOMPARE(client.command("MAIL FROM:<probe@example.org>"), QByteArray("250 2.1.0 Ok\r\n"));
    QCOMPARE(client.command("RCPT TO:<user@example.test>"), QByteArray("250 2.1.5 Ok\r\n"));
    QCOMPARE(client.command("DATA"), QByteArray("554 5.5.1 Error: lab does not accept DATA\r\n"));
    QVERIFY(client.command("RSET").startsWith("250 2.0.0"));
    QVERIFY(client.command("NOOP").startsWith("250 2.0.0"));
    QVERIFY(client.command("VRFY root").startsWith("500 5.5.2"));
    QVERIFY(client.command("HELO probe.example").startsWith("250 localhost"));
    QVERIFY(client.command("mail from:<> SIZE=100").startsWith("250 2.1.0"));
    QVERIFY(client.command("QUIT").startsWith("221 2.0.0"));
    QVERIFY(client.waitClosed());
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 0, kWaitMs);
    QCOMPARE(server->connectionsAccepted(), 1);
}

void TestLabServer::sequenceAndSyntaxErrors()
{
    auto server = startServer(Scenario::HealthyPlain);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("503 5.5.1"));
    QVERIFY(client.command("EHLO").startsWith("501 5.5.4"));
    client.command("EHLO x");
    QVERIFY(client.command("RCPT TO:<a@b.example>").startsWith("503 5.5.1"));
    QVERIFY(client.command("MAIL FROM:a@b.example").startsWith("501 5.5.4"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("250"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("503 5.5.1"));
    QVERIFY(client.command("RCPT TO:<>").startsWith("501 5.5.4"));
    QVERIFY(client.command("STARTTLS").startsWith("502 5.5.1"));
    QVERIFY(client.command("").startsWith("500 5.5.2"));
}

void TestLabServer::pipelinedCommandsAnswerInOrder()
{
    auto server = startServer(Scenario::Greylist);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    client.socket().write("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nNOOP\r\nQUIT\r\n");
    QVERIFY(client.readReply().startsWith("250-"));
    QVERIFY(client.readReply().startsWith("250 2.1.0"));
    QVERIFY(client.readReply().startsWith("451 4.7.1"));
    QVERIFY(client.readReply().startsWith("250 2.0.0"));
    QVERIFY(client.readReply().startsWith("221"));
    QVERIFY(client.waitClosed());
}

void TestLabServer::rcptReplies_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("greylist")
        << Scenario::Greylist
        << QByteArray("451 4.7.1 <user@example.test>: Recipient address rejected: Greylisted, please try again later");
    QTest::newRow("user-unknown") << Scenario::UserUnknown
                                  << QByteArray("550 5.1.1 <user@example.test>: Recipient address rejected: User "
                                                "unknown in local recipient table");
    QTest::newRow("mailbox-full") << Scenario::MailboxFull
                                  << QByteArray("452 4.2.2 <user@example.test>: Mailbox full, quota exceeded");
    QTest::newRow("healthy") << Scenario::Healthy << QByteArray("250 2.1.5 Ok");
}

void TestLabServer::rcptReplies()
{
    QFETCH(Scenario, scenario);
    QFETCH(QByteArray, expected);
    auto server = startServer(scenario);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("220 "));
    QVERIFY(client.command("EHLO probe.example").startsWith("250"));
    QVERIFY(client.command("MAIL FROM:<probe@example.org>").startsWith("250 2.1.0"));
    QCOMPARE(client.command("RCPT TO:<user@example.test>"), expected + "\r\n");
    QVERIFY(client.command("QUIT").startsWith("221"));
}

void TestLabServer::startTls_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::newRow("healthy") << Scenario::Healthy;
    QTest::newRow("starttls-ca") << Scenario::StartTlsCa;
    QTest::newRow("flaky-after-drops") << Scenario::Flaky;
}

void TestLabServer::startTls()
{
    QFETCH(Scenario, scenario);
    LabOptions options;
    options.flakyDrops = 0;
    auto server = startServer(scenario, options);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("220 "));
    QVERIFY(client.command("EHLO probe.example").contains("250-STARTTLS\r\n"));
    QCOMPARE(client.command("STARTTLS"), QByteArray("220 2.0.0 Ready to start TLS\r\n"));
    QVERIFY2(client.upgrade({ m_certs->caCertificate() }), qPrintable(client.socket().errorString()));
    QVERIFY(client.socket().sslHandshakeErrors().isEmpty());
    QCOMPARE(client.socket().peerCertificate(), m_certs->serverCertificate());

    // After TLS the client must EHLO again and STARTTLS is no longer offered.
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("503"));
    const QByteArray ehlo = client.command("EHLO probe.example");
    QVERIFY(ehlo.startsWith("250-"));
    QVERIFY(!ehlo.contains("STARTTLS"));
    QVERIFY(client.command("STARTTLS").startsWith("554 5.5.1"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("250 2.1.0"));
    QVERIFY(client.command("RCPT TO:<c@d.example>").startsWith("250 2.1.5"));
    QVERIFY(client.command("QUIT").startsWith("221"));
    QVERIFY(client.waitClosed());
}

void TestLabServer::selfSignedFailsVerification()
{
    auto server = startServer(Scenario::StartTlsSelfSigned);
    {
        Client client;
        QVERIFY(client.connectTo(server->port()));
        client.readReply();
        QVERIFY(client.command("EHLO x").contains("STARTTLS"));
        QVERIFY(client.command("STARTTLS").startsWith("220"));
        QSignalSpy errors(&client.socket(), &QSslSocket::sslErrors);
        QVERIFY(!client.upgrade({ m_certs->caCertificate() }));
        QVERIFY(!errors.isEmpty());
        const auto list = errors.first().first().value<QList<QSslError>>();
        QVERIFY(std::any_of(list.cbegin(), list.cend(),
            [](const QSslError &e) { return e.error() == QSslError::SelfSignedCertificate; }));
    }
    {
        // What --no-verify does: accept whatever the server presents.
        Client client;
        QVERIFY(client.connectTo(server->port()));
        client.readReply();
        client.command("EHLO x");
        QVERIFY(client.command("STARTTLS").startsWith("220"));
        client.socket().setPeerVerifyMode(QSslSocket::VerifyNone);
        QVERIFY(client.upgrade({}));
        QCOMPARE(client.socket().peerCertificate(), m_certs->selfSignedCertificate());
        QVERIFY(client.command("EHLO x").startsWith("250-"));
    }
}

void TestLabServer::starttlsInjectionArrivesInOneWrite()
{
    auto server = startServer(Scenario::StartTlsInjection);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    QVERIFY(client.command("EHLO x").contains("STARTTLS"));
    client.socket().write("STARTTLS\r\n");
    const QByteArray expected("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 injected-too\r\n");
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    while (received.size() < expected.size() && timer.elapsed() < kWaitMs) {
        if (waitReadable(client.socket(), 200))
            received += client.socket().readAll();
    }
    QCOMPARE(received, expected);

    // The client discards the injected lines; the handshake and the conversation then go on normally.
    QVERIFY2(client.upgrade({ m_certs->caCertificate() }), qPrintable(client.socket().errorString()));
    const QByteArray ehlo = client.command("EHLO x");
    QVERIFY(ehlo.startsWith("250-localhost"));
    QVERIFY(!ehlo.contains("injected"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("250 2.1.0"));
}

void TestLabServer::implicitTls()
{
    auto server = startServer(Scenario::ImplicitTls);
    Client client;
    QSslConfiguration config = client.socket().sslConfiguration();
    config.setCaCertificates({ m_certs->caCertificate() });
    client.socket().setSslConfiguration(config);
    client.socket().connectToHostEncrypted(QStringLiteral("127.0.0.1"), server->port(), QStringLiteral("localhost"));
    QVERIFY2(waitEncrypted(client.socket()), qPrintable(client.socket().errorString()));
    QVERIFY(client.readReply().startsWith("220 localhost ESMTP"));
    const QByteArray ehlo = client.command("EHLO x");
    QVERIFY(ehlo.startsWith("250-"));
    QVERIFY(!ehlo.contains("STARTTLS"));
    QVERIFY(client.command("QUIT").startsWith("221"));

    // A plain client sees no greeting: the server waits for a ClientHello.
    Client plain;
    QVERIFY(plain.connectTo(server->port()));
    QVERIFY(plain.readReply(500).isEmpty());
}

void TestLabServer::dropAfterConnect()
{
    auto server = startServer(Scenario::DropAfterConnect);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.waitClosed(2'000));
    QVERIFY(client.takePending().isEmpty());
}

void TestLabServer::dropAfterGreeting()
{
    auto server = startServer(Scenario::DropAfterGreeting);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.waitClosed(2'000));
    QVERIFY(client.takePending().startsWith("220 localhost ESMTP"));
}

void TestLabServer::dropAfterEhlo()
{
    auto server = startServer(Scenario::DropAfterEhlo);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("220 "));
    client.socket().write("EHLO probe.example\r\n");
    QVERIFY(client.waitClosed(2'000));
    QVERIFY(client.takePending().isEmpty());
}

void TestLabServer::dropDuringTlsSendsNoAlert()
{
    auto server = startServer(Scenario::DropDuringTls);
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(waitConnected(raw));
    QVERIFY(waitReadable(raw));
    raw.readAll();
    raw.write("EHLO x\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(raw.bytesAvailable() > 0 && raw.peek(4096).contains("250 "), kWaitMs);
    QVERIFY(raw.readAll().contains("STARTTLS"));
    raw.write("STARTTLS\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(raw.canReadLine(), kWaitMs);
    QCOMPARE(raw.readLine(), QByteArray("220 2.0.0 Ready to start TLS\r\n"));
    // The start of a TLS record carrying a ClientHello; the server must close without answering it.
    raw.write(QByteArray::fromHex("160301002a010000260303") + QByteArray(32, 'r') + QByteArray::fromHex("0000"));
    QTRY_COMPARE_WITH_TIMEOUT(raw.state(), QAbstractSocket::UnconnectedState, kWaitMs);
    QVERIFY(raw.readAll().isEmpty()); // no alert record, not a byte
}

void TestLabServer::dropDuringTlsFailsHandshake()
{
    auto server = startServer(Scenario::DropDuringTls);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    client.command("EHLO x");
    QVERIFY(client.command("STARTTLS").startsWith("220"));
    QSignalSpy encrypted(&client.socket(), &QSslSocket::encrypted);
    QVERIFY(!client.upgrade({ m_certs->caCertificate() }));
    QVERIFY(client.waitClosed());
    QCOMPARE(encrypted.size(), 0);
}

void TestLabServer::shutdown421()
{
    auto server = startServer(Scenario::Shutdown421);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.waitClosed(2'000));
    QCOMPARE(client.takePending(), QByteArray("421 4.3.2 Service shutting down, closing transmission channel\r\n"));
}

void TestLabServer::greeting5xxWaitsForQuit()
{
    auto server = startServer(Scenario::Greeting5xx);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("554 5.7.1 "));
    QVERIFY(client.command("EHLO x").startsWith("503 5.5.1"));
    QVERIFY(client.command("QUIT").startsWith("221"));
    QVERIFY(client.waitClosed());
}

void TestLabServer::heloOnly()
{
    auto server = startServer(Scenario::HeloOnly);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    QCOMPARE(client.command("EHLO x"), QByteArray("502 5.5.1 Error: command not implemented\r\n"));
    QCOMPARE(client.command("HELO x"), QByteArray("250 localhost\r\n"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("250 2.1.0"));
}

void TestLabServer::silentNeverSpeaks()
{
    auto server = startServer(Scenario::Silent);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.socket().write("EHLO x\r\n");
    QVERIFY(!waitReadable(client.socket(), 1'500));
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 1, kWaitMs);
    client.socket().disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 0, kWaitMs);
}

void TestLabServer::refusedPortRefuses()
{
    auto server = startServer(Scenario::Refused);
    QVERIFY(server->port() != 0);
    QVERIFY(!server->isListening());
    QTcpSocket socket;
    QSignalSpy errors(&socket, &QAbstractSocket::errorOccurred);
    socket.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(!waitConnected(socket));
    QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
}

void TestLabServer::dripSendsByteByByte()
{
    LabOptions options;
    options.dripIntervalMs = 40;
    auto server = startServer(Scenario::Drip, options);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QElapsedTimer timer;
    timer.start();
    QByteArray received;
    int reads = 0;
    while (!received.endsWith("\r\n") && timer.elapsed() < 10'000) {
        if (waitReadable(client.socket(), 1'000)) {
            received += client.socket().readAll();
            ++reads;
        }
    }
    QVERIFY(received.startsWith("220 localhost ESMTP"));
    QVERIFY(received.endsWith("\r\n"));
    // One byte per tick: the whole line takes (length - 1) intervals; allow for a loaded machine coalescing reads.
    QVERIFY2(timer.elapsed() >= (received.size() - 1) * options.dripIntervalMs * 8 / 10,
        qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(reads >= received.size() / 3, qPrintable(QString::number(reads)));
    // Once the greeting is complete the server answers normally.
    QVERIFY(client.command("EHLO x").startsWith("250-"));
}

void TestLabServer::oversizedLineHasNoLineEnd()
{
    LabOptions options;
    options.oversizedTotalBytes = 32 * 1024 * 1024 + 123; // more than loopback's kernel buffers can hold
    auto server = startServer(Scenario::OversizedLine, options);
    Client client;
    // A client that does not read: Qt's buffer is capped, so the kernel buffers fill and the server must wait.
    client.socket().setReadBufferSize(64 * 1024);
    QVERIFY(client.connectTo(server->port()));
    QTest::qWait(500);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    QVERIFY2(server->pendingOutputBytes() <= 2 * 64 * 1024, qPrintable(QString::number(server->pendingOutputBytes())));

    client.socket().setReadBufferSize(0);
    qint64 total = 0;
    bool lineEnd = false;
    QByteArray head;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15'000) {
        const bool readable = waitReadable(client.socket(), 500);
        const QByteArray chunk = client.socket().readAll();
        if (head.isEmpty())
            head = chunk.left(8);
        lineEnd = lineEnd || chunk.contains('\n') || chunk.contains('\r');
        total += chunk.size();
        QVERIFY(server->pendingOutputBytes() <= 2 * 64 * 1024);
        if (!readable && client.socket().state() == QAbstractSocket::UnconnectedState)
            break;
    }
    QVERIFY2(head.startsWith("220 "), head.constData());
    QVERIFY(!lineEnd);
    QCOMPARE(total, options.oversizedTotalBytes);
}

void TestLabServer::flakyDropsFirstConnections()
{
    LabOptions options;
    options.flakyDrops = 2;
    auto server = startServer(Scenario::Flaky, options);
    QSignalSpy accepted(server.get(), &LabServer::connectionAccepted);
    for (int i = 0; i < 2; ++i) {
        Client client;
        QVERIFY(client.connectTo(server->port()));
        QVERIFY(client.waitClosed(2'000));
        QVERIFY(client.takePending().isEmpty());
    }
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QVERIFY(client.readReply().startsWith("220 localhost ESMTP"));
    QVERIFY(client.command("EHLO x").contains("STARTTLS"));
    QCOMPARE(server->connectionsAccepted(), 3);
    QCOMPARE(accepted.size(), 3);
    QCOMPARE(accepted.last().first().toInt(), 3);
}

void TestLabServer::idleClientGetsA421()
{
    LabOptions options;
    options.idleTimeoutMs = 300;
    auto server = startServer(Scenario::HealthyPlain, options);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    QVERIFY(client.readReply(3'000).startsWith("421 4.4.2"));
    QVERIFY(client.waitClosed());
}

void TestLabServer::overlongLineDropsTheClient()
{
    auto server = startServer(Scenario::HealthyPlain);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    client.socket().write(QByteArray(200 * 1024, 'A'));
    QVERIFY(client.waitClosed());
    QVERIFY(client.takePending().startsWith("500 5.5.6"));
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 0, kWaitMs);
}

void TestLabServer::garbageIsNotFatal()
{
    auto server = startServer(Scenario::HealthyPlain);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    QVERIFY(client.command(QByteArray("\x00\xff\x16\x03 \x01\r", 6)).startsWith("500 5.5.2"));
    QVERIFY(client.command("EHLO \x01\x02\xfe").startsWith("250-localhost Hello ???"));
    QVERIFY(client.command("MAIL FROM:<<<<").startsWith("501"));
    QVERIFY(client.command("MAIL FROM:<a@b.example>").startsWith("250"));
    QVERIFY(client.command(QByteArray("RCPT TO:<") + QByteArray(4000, 'x') + ">").startsWith("250 2.1.5"));
    QVERIFY(client.command("NOOP").startsWith("250"));
}

void TestLabServer::unreadRepliesAreBackPressured()
{
    auto server = startServer(Scenario::HealthyPlain);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    client.readReply();
    // Far more pipelined commands than the server will buffer replies for; all must still be answered, in order.
    constexpr int kCommands = 300'000;
    QByteArray burst;
    for (int i = 0; i < kCommands; ++i)
        burst += "NOOP\r\n";
    client.socket().setReadBufferSize(64 * 1024);
    client.socket().write(burst);
    QTest::qWait(300);
    // Replies to unread commands are held back (the server stops reading), not queued without bound.
    QVERIFY2(server->pendingOutputBytes() <= LabOptions().maxPendingWriteBytes + 4096,
        qPrintable(QString::number(server->pendingOutputBytes())));
    client.socket().setReadBufferSize(0);
    const QByteArray reply("250 2.0.0 Ok\r\n");
    qint64 received = 0;
    QElapsedTimer timer;
    timer.start();
    while (received < kCommands * reply.size() && timer.elapsed() < 15'000) {
        if (waitReadable(client.socket(), 500))
            received += client.socket().readAll().size();
    }
    QCOMPARE(received, kCommands * reply.size());
    QVERIFY(client.command("QUIT").startsWith("221"));
}

void TestLabServer::randomBytesToEveryScenario()
{
    // Hostile input to every scenario, in every state it reaches: no crash, no leak of connections, still serving.
    QRandomGenerator random(20261127);
    for (const Scenario scenario : allScenarios()) {
        if (scenario == Scenario::Refused)
            continue;
        LabOptions options;
        options.dripIntervalMs = 5;
        options.oversizedTotalBytes = 256 * 1024;
        auto server = startServer(scenario, options);
        QVERIFY2(server->isListening(), qPrintable(scenarioName(scenario)));
        for (int round = 0; round < 3; ++round) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server->port());
            if (!waitConnected(socket))
                continue; // drop scenarios may close before we notice the connection
            QByteArray garbage(8 * 1024 + random.bounded(64 * 1024), Qt::Uninitialized);
            for (char &c : garbage)
                c = char(random.bounded(256));
            if (round == 1)
                garbage.prepend("EHLO x\r\nSTARTTLS\r\n");
            socket.write(garbage);
            QTest::qWait(50);
            socket.abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 0, kWaitMs);
        QVERIFY(server->isListening());
    }
}

void TestLabServer::manySimultaneousClients()
{
    auto server = startServer(Scenario::UserUnknown);
    constexpr int kClients = 60;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < kClients; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QHostAddress::LocalHost, server->port());
    }
    for (auto &socket : sockets)
        socket->write("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), kClients, kWaitMs);
    for (auto &socket : sockets) {
        QByteArray all;
        QElapsedTimer timer;
        timer.start();
        while (!all.contains("550 5.1.1") && timer.elapsed() < kWaitMs) {
            waitReadable(*socket, 200);
            all += socket->readAll();
        }
        QVERIFY(all.startsWith("220 "));
        QVERIFY(all.contains("550 5.1.1 <c@d.example>"));
    }
    sockets.clear();
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 0, kWaitMs);
    QCOMPARE(server->connectionsAccepted(), kClients);

    // Past the connection limit new clients are closed at once.
    LabOptions limited;
    limited.maxConnections = 1;
    auto small = startServer(Scenario::HealthyPlain, limited);
    Client first;
    QVERIFY(first.connectTo(small->port()));
    QVERIFY(first.readReply().startsWith("220"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("connection limit 1 reached")));
    Client second;
    QVERIFY(second.connectTo(small->port()));
    QVERIFY(second.waitClosed());
    QVERIFY(second.takePending().isEmpty());
}

void TestLabServer::destroyingTheServerClosesClients()
{
    auto server = startServer(Scenario::Silent);
    Client client;
    QVERIFY(client.connectTo(server->port()));
    QTRY_COMPARE_WITH_TIMEOUT(server->activeConnections(), 1, kWaitMs);
    const quint16 port = server->port();
    server.reset();
    QVERIFY(client.waitClosed());
    QTcpSocket again;
    again.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!waitConnected(again, 2'000));
}

void TestLabServer::listensOnLoopbackOnly()
{
    LabServer server(Scenario::HealthyPlain);
    QVERIFY(!server.listen(QHostAddress::Any));
    QVERIFY(server.errorString().contains(QStringLiteral("loopback")));
    QVERIFY(!server.listen(QHostAddress(QStringLiteral("192.0.2.1"))));
    QVERIFY(server.listen(QHostAddress::LocalHost));
}

void TestLabServer::tlsScenarioNeedsCredentials()
{
    LabServer server(Scenario::Healthy);
    QVERIFY(!server.listen());
    QVERIFY(!server.errorString().isEmpty());
    LabServer plain(Scenario::Greylist);
    QVERIFY(plain.listen());
}

void TestLabServer::ipv6Loopback()
{
    auto server = std::make_unique<LabServer>(Scenario::HealthyPlain);
    if (!server->listen(QHostAddress::LocalHostIPv6))
        QSKIP("no IPv6 loopback here");
    Client client;
    QVERIFY(client.connectTo(server->port(), QHostAddress(QHostAddress::LocalHostIPv6)));
    QVERIFY(client.readReply().startsWith("220 "));
}

void TestLabServer::smtpLabStartsEverything()
{
    SmtpLab lab;
    QString error;
    QVERIFY2(lab.start({}, 0, &error), qPrintable(error));
    const auto endpoints = lab.endpoints();
    QCOMPARE(endpoints.size(), allScenarios().size());
    QSet<quint16> ports;
    for (const auto &endpoint : endpoints) {
        QVERIFY(endpoint.server->port() != 0);
        ports.insert(endpoint.server->port());
        QCOMPARE(endpoint.server->isListening(), endpoint.server->scenario() != Scenario::Refused);
    }
    QCOMPARE(ports.size(), endpoints.size());

    const auto ca = QSslCertificate::fromPath(lab.caCertificatePath(), QSsl::Pem);
    QCOMPARE(ca.size(), 1);
    QCOMPARE(ca.first(), lab.certificates()->caCertificate());

    // Self-signed for starttls-selfsigned only; everyone else presents the CA-signed certificate.
    Client client;
    QVERIFY(client.connectTo(lab.port(QStringLiteral("starttls-ca"))));
    client.readReply();
    client.command("EHLO x");
    QVERIFY(client.command("STARTTLS").startsWith("220"));
    QVERIFY(client.upgrade(ca));

    QCOMPARE(lab.server(QStringLiteral("no-starttls")), lab.server(QStringLiteral("healthy-plain")));
    QVERIFY(lab.server(QStringLiteral("healthy-plain")));
    QCOMPARE(lab.port(QStringLiteral("unknown")), quint16(0));

    lab.stop();
    QVERIFY(lab.endpoints().isEmpty());
}

void TestLabServer::smtpLabPortBase()
{
    // A base that was free a moment ago; the ports after it are very likely free too. Other processes share
    // the machine, so a few attempts with fresh bases keep the test from depending on luck.
    SmtpLab lab;
    QString error;
    const QStringList names { QStringLiteral("no-starttls"), QStringLiteral("refused"), QStringLiteral("greylist") };
    quint16 base = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        base = probe.serverPort() > 65000 ? quint16(40000 + attempt * 7) : probe.serverPort();
        probe.close();
        if (lab.start(names, base, &error))
            break;
        base = 0;
    }
    QVERIFY2(base != 0, qPrintable(error));
    const auto endpoints = lab.endpoints();
    QCOMPARE(endpoints.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(endpoints.at(i).name, names.at(i));
        QCOMPARE(endpoints.at(i).server->port(), quint16(base + i));
    }
    QCOMPARE(endpoints.at(0).server->scenario(), Scenario::HealthyPlain);
}

void TestLabServer::smtpLabErrors()
{
    SmtpLab lab;
    QString error;
    QVERIFY(!lab.start({ QStringLiteral("healthy"), QStringLiteral("bogus") }, 0, &error));
    QVERIFY(error.contains(QStringLiteral("bogus")));
    QVERIFY(lab.endpoints().isEmpty());
    QVERIFY(!lab.start({ QStringLiteral("healthy"), QStringLiteral("drip") }, 65535, &error));

    // A taken port fails the whole start, leaving nothing open.
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    QVERIFY(!lab.start({ QStringLiteral("silent") }, taken.serverPort(), &error));
    QVERIFY(error.contains(QStringLiteral("silent")));
    QVERIFY(lab.endpoints().isEmpty());
}

QTEST_GUILESS_MAIN(TestLabServer)
#include "tst_labserver.moc"
