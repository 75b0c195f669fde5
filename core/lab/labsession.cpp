#include "labsession.h"

#include <optional>

#include <QSslSocket>

#include "lab/lablogging.h"

namespace Mailpulse::Lab
{

namespace
{

constexpr qint64 kStreamChunk = 64 * 1024;
constexpr int kMaxRecipients = 100;
constexpr qsizetype kMaxEchoedBytes = 256;

const QByteArray kHostName = QByteArrayLiteral("localhost");

/// Command arguments come from hostile clients: only printable ASCII, bounded, is echoed back in replies.
QByteArray sanitized(const QByteArray &bytes)
{
    QByteArray clean;
    clean.reserve(qMin(bytes.size(), kMaxEchoedBytes));
    for (const char c : bytes) {
        if (clean.size() >= kMaxEchoedBytes)
            break;
        clean.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return clean;
}

/// "FROM:<a@b> SIZE=10" after the verb: returns the path between the brackets (may be empty for "<>"),
/// or nullopt when the prefix or the brackets are missing.
std::optional<QByteArray> parsePath(const QByteArray &argument, const QByteArray &prefix)
{
    if (!argument.startsWith(prefix) && !argument.toUpper().startsWith(prefix))
        return std::nullopt;
    const QByteArray rest = argument.mid(prefix.size()).trimmed();
    if (!rest.startsWith('<'))
        return std::nullopt;
    const qsizetype close = rest.indexOf('>');
    if (close < 0)
        return std::nullopt;
    const QByteArray path = rest.mid(1, close - 1);
    if (path.contains(' ') || path.contains('<'))
        return std::nullopt;
    return path;
}

} // namespace

LabSession::LabSession(
    QSslSocket *socket, Scenario scenario, const LabOptions &options, const QSslConfiguration &tls, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_scenario(scenario)
    , m_options(options)
    , m_tls(tls)
{
    m_socket->setParent(this);
    // Bounds Qt's own buffer too, so a fast client meets TCP back-pressure instead of growing our memory.
    m_socket->setReadBufferSize(m_options.maxLineBytes);

    m_idleTimer.setSingleShot(true);
    m_closeTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &LabSession::onIdleTimeout);
    connect(&m_closeTimer, &QTimer::timeout, this, &LabSession::abort);
    connect(&m_dripTimer, &QTimer::timeout, this, &LabSession::onDripTick);

    connect(m_socket, &QSslSocket::readyRead, this, &LabSession::onReadyRead);
    connect(m_socket, &QSslSocket::bytesWritten, this, &LabSession::onBytesWritten);
    connect(m_socket, &QSslSocket::encryptedBytesWritten, this, &LabSession::onBytesWritten);
    connect(m_socket, &QSslSocket::encrypted, this, &LabSession::onEncrypted);
    connect(m_socket, &QSslSocket::disconnected, this, &LabSession::onDisconnected);
    connect(m_socket, &QSslSocket::errorOccurred, this, &LabSession::onErrorOccurred);
}

LabSession::~LabSession()
{
    // Disconnect first: aborting emits signals that must not reach a half-destroyed session or its server.
    m_socket->disconnect(this);
    m_socket->abort();
}

void LabSession::start()
{
    if (m_state != State::Idle)
        return;
    if (m_scenario != Scenario::Silent)
        restartIdleTimer();

    switch (m_scenario) {
    case Scenario::DropAfterConnect:
        closeGracefully();
        return;
    case Scenario::Silent:
        m_state = State::Silent;
        return;
    case Scenario::DropAfterGreeting:
        sendGreeting();
        closeGracefully();
        return;
    case Scenario::Shutdown421:
        reply("421 4.3.2 Service shutting down, closing transmission channel");
        closeGracefully();
        return;
    case Scenario::Greeting5xx:
        reply("554 5.7.1 " + kHostName + " ESMTP Service unavailable; client host blocked by policy");
        m_state = State::RefusedGreet;
        return;
    case Scenario::OversizedLine:
        m_state = State::Streaming;
        pumpStream();
        return;
    case Scenario::ImplicitTls:
        beginTls();
        return;
    case Scenario::Drip:
        m_state = State::Greeting;
        m_drip = "220 " + kHostName + " ESMTP Mailpulse lab (drip)\r\n";
        m_dripTimer.start(m_options.dripIntervalMs);
        onDripTick(); // the first byte at once: the client sees a connection that is alive but slow
        return;
    default:
        sendGreeting();
        return;
    }
}

void LabSession::abort()
{
    if (m_state == State::Done)
        return;
    m_socket->abort();
    finish();
}

void LabSession::sendGreeting()
{
    m_state = State::Command;
    reply("220 " + kHostName + " ESMTP Mailpulse lab (" + scenarioName(m_scenario).toLatin1() + ')');
}

void LabSession::reply(const QByteArray &line) { m_socket->write(line + "\r\n"); }

void LabSession::restartIdleTimer()
{
    if (m_options.idleTimeoutMs > 0)
        m_idleTimer.start(m_options.idleTimeoutMs);
}

qint64 LabSession::pendingWriteBytes() const
{
    // In TLS mode QSslSocket keeps plaintext and ciphertext in two buffers; both count as memory we hold.
    return m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite();
}

bool LabSession::offersStartTls() const { return scenarioTls(m_scenario) == LabTls::StartTls && !m_tlsActive; }

void LabSession::onDripTick()
{
    if (m_state != State::Greeting) {
        m_dripTimer.stop();
        return;
    }
    m_socket->write(m_drip.left(1));
    m_drip.remove(0, 1);
    if (m_drip.isEmpty()) {
        m_dripTimer.stop();
        m_state = State::Command;
        processLines(); // a client that pipelined too early is served now, in order
    }
}

void LabSession::discardInput()
{
    char sink[4096];
    while (m_socket->bytesAvailable() > 0) {
        if (m_socket->read(sink, sizeof sink) <= 0)
            break;
    }
}

void LabSession::onReadyRead()
{
    switch (m_state) {
    case State::Done:
        return;
    case State::Silent:
    case State::Streaming:
    case State::Closing:
    case State::Idle:
        discardInput();
        return;
    case State::AwaitHello:
        // The ClientHello (or whatever came) is read so the close is a clean FIN, not a reset, and no alert follows.
        discardInput();
        qCDebug(lcLab) << "drop-during-tls: closing on the ClientHello";
        closeGracefully();
        return;
    case State::Handshake:
        return; // QSslSocket consumes the handshake itself
    case State::Greeting:
    case State::Command:
    case State::RefusedGreet:
        break;
    }

    restartIdleTimer();
    while (m_socket->bytesAvailable() > 0 && m_buffer.size() < m_options.maxLineBytes) {
        const QByteArray chunk = m_socket->read(m_options.maxLineBytes - m_buffer.size());
        if (chunk.isEmpty())
            break;
        m_buffer.append(chunk);
        processLines();
        if (m_state != State::Command && m_state != State::RefusedGreet && m_state != State::Greeting)
            return;
        if (pendingWriteBytes() > m_options.maxPendingWriteBytes)
            return; // resumed from onBytesWritten() once the client reads its replies
    }
    if (m_buffer.size() >= m_options.maxLineBytes && !m_buffer.contains('\n')) {
        qCDebug(lcLab) << "dropping a client that sent" << m_buffer.size() << "bytes without a line end";
        m_buffer.clear();
        reply("500 5.5.6 Error: line too long");
        closeGracefully();
    }
}

void LabSession::processLines()
{
    while (m_state == State::Command || m_state == State::RefusedGreet) {
        if (pendingWriteBytes() > m_options.maxPendingWriteBytes)
            return;
        const qsizetype end = m_buffer.indexOf('\n');
        if (end < 0)
            return;
        QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        handleCommand(line);
    }
}

void LabSession::onBytesWritten()
{
    if (m_state == State::Streaming) {
        pumpStream();
        return;
    }
    if ((m_state == State::Command || m_state == State::RefusedGreet)
        && pendingWriteBytes() <= m_options.maxPendingWriteBytes) {
        processLines();
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    }
}

void LabSession::handleCommand(const QByteArray &line)
{
    const qsizetype space = line.indexOf(' ');
    const QByteArray verb = (space < 0 ? line : line.left(space)).toUpper();
    const QByteArray argument = space < 0 ? QByteArray() : line.mid(space + 1).trimmed();

    if (verb == "QUIT") {
        reply("221 2.0.0 Bye");
        closeGracefully();
        return;
    }
    if (m_state == State::RefusedGreet) {
        reply("503 5.5.1 Error: no valid greeting, send QUIT");
        return;
    }
    if (verb == "EHLO" || verb == "HELO") {
        handleEhlo(argument, verb == "EHLO");
    } else if (verb == "MAIL") {
        handleMail(argument);
    } else if (verb == "RCPT") {
        handleRcpt(argument);
    } else if (verb == "RSET") {
        m_inTransaction = false;
        m_recipients = 0;
        reply("250 2.0.0 Ok");
    } else if (verb == "NOOP") {
        reply("250 2.0.0 Ok");
    } else if (verb == "STARTTLS") {
        handleStartTls(argument);
    } else if (verb == "DATA" || verb == "BDAT") {
        reply("554 5.5.1 Error: lab does not accept DATA");
    } else {
        reply("500 5.5.2 Error: command not recognized");
    }
}

void LabSession::handleEhlo(const QByteArray &argument, bool extended)
{
    if (m_scenario == Scenario::DropAfterEhlo) {
        // The point of the scenario: the connection dies with the client waiting for the EHLO reply.
        closeGracefully();
        return;
    }
    if (argument.isEmpty()) {
        reply(extended ? "501 5.5.4 Syntax: EHLO hostname" : "501 5.5.4 Syntax: HELO hostname");
        return;
    }
    if (extended && m_scenario == Scenario::HeloOnly) {
        reply("502 5.5.1 Error: command not implemented");
        return;
    }
    // EHLO/HELO also resets any transaction (RFC 5321 §4.1.4).
    m_greeted = true;
    m_inTransaction = false;
    m_recipients = 0;
    if (!extended) {
        reply("250 " + kHostName);
        return;
    }
    QByteArrayList lines { kHostName + " Hello " + sanitized(argument), "PIPELINING", "SIZE 10240000" };
    if (offersStartTls())
        lines.append("STARTTLS");
    lines.append({ "ENHANCEDSTATUSCODES", "8BITMIME" });
    QByteArray out;
    for (qsizetype i = 0; i < lines.size(); ++i)
        out += (i + 1 < lines.size() ? "250-" : "250 ") + lines.at(i) + "\r\n";
    m_socket->write(out);
}

void LabSession::handleMail(const QByteArray &argument)
{
    if (!m_greeted) {
        reply("503 5.5.1 Error: send HELO/EHLO first");
        return;
    }
    if (m_inTransaction) {
        reply("503 5.5.1 Error: nested MAIL command");
        return;
    }
    const auto path = parsePath(argument, "FROM:");
    if (!path) {
        reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        return;
    }
    m_inTransaction = true;
    m_recipients = 0;
    reply("250 2.1.0 Ok");
}

void LabSession::handleRcpt(const QByteArray &argument)
{
    if (!m_inTransaction) {
        reply("503 5.5.1 Error: need MAIL command");
        return;
    }
    const auto path = parsePath(argument, "TO:");
    if (!path || path->isEmpty()) {
        reply("501 5.5.4 Syntax: RCPT TO:<address>");
        return;
    }
    if (m_recipients >= kMaxRecipients) {
        reply("452 4.5.3 Error: too many recipients");
        return;
    }
    const QByteArray address = '<' + sanitized(*path) + '>';
    switch (m_scenario) {
    case Scenario::Greylist:
        reply("451 4.7.1 " + address + ": Recipient address rejected: Greylisted, please try again later");
        return;
    case Scenario::UserUnknown:
        reply("550 5.1.1 " + address + ": Recipient address rejected: User unknown in local recipient table");
        return;
    case Scenario::MailboxFull:
        reply("452 4.2.2 " + address + ": Mailbox full, quota exceeded");
        return;
    default:
        ++m_recipients;
        reply("250 2.1.5 Ok");
        return;
    }
}

void LabSession::handleStartTls(const QByteArray &argument)
{
    if (!offersStartTls()) {
        reply(m_tlsActive ? "554 5.5.1 Error: TLS already active" : "502 5.5.1 Error: command not implemented");
        return;
    }
    if (!argument.isEmpty()) {
        reply("501 5.5.4 Syntax: STARTTLS");
        return;
    }
    if (!m_buffer.isEmpty()) {
        // Plaintext pipelined after STARTTLS is exactly what an injection attack sends: never interpret it.
        qCDebug(lcLab) << "discarding" << m_buffer.size() << "bytes pipelined after STARTTLS";
        m_buffer.clear();
    }
    switch (m_scenario) {
    case Scenario::DropDuringTls:
        reply("220 2.0.0 Ready to start TLS");
        m_state = State::AwaitHello;
        return;
    case Scenario::StartTlsInjection:
        // One write, so the injected replies reach the client in the same segment as the 220.
        m_socket->write(QByteArrayLiteral("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 injected-too\r\n"));
        beginTls();
        return;
    default:
        reply("220 2.0.0 Ready to start TLS");
        beginTls();
        return;
    }
}

void LabSession::beginTls()
{
    if (m_tls.localCertificate().isNull() || m_tls.privateKey().isNull()) {
        qCWarning(lcLab) << "scenario" << scenarioName(m_scenario) << "needs TLS credentials; closing";
        abort();
        return;
    }
    m_state = State::Handshake;
    m_socket->setSslConfiguration(m_tls);
    m_socket->startServerEncryption();
}

void LabSession::onEncrypted()
{
    if (m_state != State::Handshake)
        return;
    m_tlsActive = true;
    // RFC 3207 §4.2: all knowledge from before TLS is discarded; the client must EHLO again.
    m_greeted = false;
    m_inTransaction = false;
    m_recipients = 0;
    m_buffer.clear();
    restartIdleTimer();
    if (m_scenario == Scenario::ImplicitTls) {
        sendGreeting();
    } else {
        m_state = State::Command;
    }
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void LabSession::pumpStream()
{
    if (m_state != State::Streaming)
        return;
    // Back-pressure: only top up when the previous chunk has (nearly) left, so memory stays at one chunk.
    if (pendingWriteBytes() >= kStreamChunk)
        return;
    if (m_streamed >= m_options.oversizedTotalBytes) {
        closeGracefully();
        return;
    }
    const qint64 size = qMin(kStreamChunk, m_options.oversizedTotalBytes - m_streamed);
    QByteArray chunk(size, 'x');
    if (m_streamed == 0) {
        // Starts like a greeting so the client parses it as one endless reply line.
        const QByteArray head = "220 " + kHostName + ' ';
        chunk.replace(0, qMin(head.size(), chunk.size()), head.left(chunk.size()));
    }
    m_streamed += size;
    m_socket->write(chunk);
}

void LabSession::onIdleTimeout()
{
    if (m_state == State::Command || m_state == State::RefusedGreet) {
        reply("421 4.4.2 " + kHostName + " Error: timeout exceeded");
        closeGracefully();
        return;
    }
    abort();
}

void LabSession::closeGracefully()
{
    if (m_state == State::Closing || m_state == State::Done)
        return;
    m_state = State::Closing;
    m_idleTimer.stop();
    m_dripTimer.stop();
    m_closeTimer.start(m_options.closeLingerMs);
    m_socket->disconnectFromHost(); // flushes pending replies first; may emit disconnected() right here
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        finish();
}

void LabSession::onDisconnected() { finish(); }

void LabSession::onErrorOccurred(QAbstractSocket::SocketError error)
{
    if (m_state == State::Done)
        return;
    if (error != QAbstractSocket::RemoteHostClosedError)
        qCDebug(lcLab) << scenarioName(m_scenario) << "client error:" << m_socket->errorString();
    // A hostile or vanished peer: nothing more can be sent usefully.
    abort();
}

void LabSession::finish()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    m_idleTimer.stop();
    m_dripTimer.stop();
    m_closeTimer.stop();
    m_buffer.clear();
    emit finished();
}

} // namespace Mailpulse::Lab
