#include "smtpprobe.h"

#include <algorithm>

#include <QFile>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QSysInfo>

#include "bounce/classifier.h"

// Debug and info lines are opt-in (QT_LOGGING_RULES="mailpulse.*=true"): a monitor must not spam its own output.
Q_LOGGING_CATEGORY(lcSmtp, "mailpulse.smtp", QtWarningMsg)

namespace Mailpulse::Smtp
{

using Bounce::Classifier;
using Bounce::DeliveryClass;
using Bounce::Failure;

namespace
{

// Qt buffers at most this much unread socket data; with the parser's own limit this bounds a probe's memory no
// matter how fast a hostile server sends.
constexpr qint64 kReadBufferSize = 64 * 1024;
// A transcript line longer than this is cut: the transcript is for people, the parser already saw the bytes.
constexpr qsizetype kTranscriptLineMax = 1000;
// After QUIT the result is decided; waiting long for 221 only delays the report.
constexpr int kQuitTimeoutMs = 3000;

QString printable(QByteArrayView bytes)
{
    QString text = QString::fromUtf8(bytes.first(std::min(bytes.size(), kTranscriptLineMax)));
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control && c != u'\t')
            c = QChar(0xFFFD);
    }
    if (bytes.size() > kTranscriptLineMax)
        text += QStringLiteral("… (%1 bytes)").arg(bytes.size());
    return text;
}

QString protocolName(QSsl::SslProtocol protocol)
{
    // Old protocol versions are deprecated in Qt, but a server that still negotiates them is exactly what a
    // monitor must be able to name.
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    switch (protocol) {
    case QSsl::TlsV1_0:
        return QStringLiteral("TLSv1.0");
    case QSsl::TlsV1_1:
        return QStringLiteral("TLSv1.1");
    case QSsl::TlsV1_2:
        return QStringLiteral("TLSv1.2");
    case QSsl::TlsV1_3:
        return QStringLiteral("TLSv1.3");
    default:
        return QStringLiteral("unknown");
    }
    QT_WARNING_POP
}

QString distinguishedName(const QSslCertificate &cert, bool issuer)
{
    QStringList parts;
    const QList<QByteArray> attributes = issuer ? cert.issuerInfoAttributes() : cert.subjectInfoAttributes();
    for (const QByteArray &attribute : attributes) {
        const QStringList values = issuer ? cert.issuerInfo(attribute) : cert.subjectInfo(attribute);
        for (const QString &value : values)
            parts << QString::fromLatin1(attribute) + u'=' + value;
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

SmtpProbe::SmtpProbe(const ProbeConfig &config, const Endpoint &endpoint, const QStringList &recipients,
    const QElapsedTimer &clock, int deadlineMs, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_endpoint(endpoint)
    , m_recipients(recipients)
    , m_clock(clock)
    , m_deadlineMs(deadlineMs)
    , m_parser(config.replyLimits)
{
    m_phaseTimer.setSingleShot(true);
    m_deadline.setSingleShot(true);
    connect(&m_phaseTimer, &QTimer::timeout, this, &SmtpProbe::onPhaseTimeout);
    connect(&m_deadline, &QTimer::timeout, this, &SmtpProbe::onDeadline);

    m_result.host = endpoint.host;
    m_result.address = endpoint.address.toString();
    m_result.port = endpoint.port;
    m_result.tlsMode = config.tlsMode;
}

SmtpProbe::~SmtpProbe() = default;

void SmtpProbe::start()
{
    Q_ASSERT(m_state == State::Idle);
    m_socket = new QSslSocket(this);
    m_socket->setReadBufferSize(kReadBufferSize);

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!m_config.caFile.isEmpty())
        tls.addCaCertificates(QSslCertificate::fromPath(m_config.caFile, QSsl::Pem));
    // Verify always, so the errors are known; --no-verify ignores exactly the errors reported (onSslErrors).
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket->setSslConfiguration(tls);
    m_socket->setPeerVerifyName(m_endpoint.host);

    connect(m_socket, &QSslSocket::connected, this, &SmtpProbe::onConnected);
    connect(m_socket, &QSslSocket::readyRead, this, &SmtpProbe::onReadyRead);
    connect(m_socket, &QSslSocket::encrypted, this, &SmtpProbe::onEncrypted);
    connect(m_socket, &QSslSocket::errorOccurred, this, &SmtpProbe::onSocketError);
    connect(m_socket, &QSslSocket::disconnected, this, &SmtpProbe::onDisconnected);
    connect(m_socket, &QSslSocket::sslErrors, this, &SmtpProbe::onSslErrors);

    m_deadline.start(std::max(1, m_deadlineMs));
    m_state = State::Connecting;
    m_phaseClock.start();
    m_phaseTimer.start(m_config.timeouts.connectMs);
    info(QStringLiteral("Connecting to %1 [%2]:%3").arg(m_endpoint.host, m_result.address).arg(m_endpoint.port));
    m_socket->connectToHost(m_endpoint.address, m_endpoint.port);
}

void SmtpProbe::abort(const QString &why)
{
    if (m_state == State::Finished)
        return;
    if (m_outcomeFinal) {
        finish();
        return;
    }
    const Phase phase = currentPhase();
    finishWithFailure(phase == Phase::Connect ? Failure::ConnectFailed : Failure::ConnectionLost, phase, why);
}

void SmtpProbe::onConnected()
{
    m_result.timings.connect = sincePhaseStart();
    info(QStringLiteral("Connected from %1:%2").arg(m_socket->localAddress().toString()).arg(m_socket->localPort()));
    if (m_config.tlsMode == TlsMode::Implicit) {
        startTls(State::ImplicitTls);
        return;
    }
    m_state = State::Greeting;
    m_phaseClock.start();
    m_phaseTimer.start(m_config.timeouts.greetingMs);
}

void SmtpProbe::onReadyRead()
{
    while (m_state != State::Finished && m_socket->bytesAvailable() > 0) {
        const QByteArray chunk = m_socket->read(kReadBufferSize);
        if (!m_parser.feed(chunk)) {
            if (m_outcomeFinal) {
                finish(); // garbage after the outcome was decided changes nothing
                return;
            }
            const QByteArray bad = m_parser.offendingLine();
            if (!bad.isEmpty())
                log('S', printable(bad));
            finishWithFailure(Failure::MalformedReply, currentPhase(), m_parser.errorString());
            return;
        }
        while (m_state != State::Finished && m_parser.hasReply()) {
            const SmtpReply reply = m_parser.takeReply();
            for (const QByteArray &line : reply.raw)
                log('S', printable(line));
            if (m_outcomeFinal) {
                // The outcome is decided; the reply to QUIT (or anything else) only ends the conversation.
                if (m_state == State::Quit)
                    finish();
                continue;
            }
            m_result.reply = reply;
            handleReply(reply);
        }
    }
}

void SmtpProbe::handleReply(const SmtpReply &reply)
{
    // 421 may come at any time (RFC 5321 §3.8): the service is closing; its reply is the result.
    if (reply.code == 421 && m_state != State::Quit) {
        if (m_state == State::RcptTo)
            recordRecipient(reply); // the recipient in flight got an answer, even if it is "go away"
        finishWithReply(reply, currentPhase(), false);
        return;
    }
    // A positive reply must be the one the command calls for (RFC 5321 §4.3.2). Anything else means the server
    // and the client disagree on where the conversation is (e.g. an unsolicited second greeting), and reading on
    // would attribute replies to the wrong commands.
    if (reply.isPositive() && m_state != State::Quit && !isExpectedPositive(reply.code)) {
        finishWithFailure(Failure::MalformedReply, currentPhase(),
            QStringLiteral("unexpected reply %1 in phase %2").arg(reply.code).arg(phaseName(currentPhase())));
        return;
    }
    switch (m_state) {
    case State::Greeting:
        handleGreeting(reply);
        break;
    case State::Ehlo:
        handleEhlo(reply, false);
        break;
    case State::EhloAfterTls:
        handleEhlo(reply, true);
        break;
    case State::Helo:
        if (reply.codeClass() != 2) {
            finishWithReply(reply, Phase::Ehlo, true);
            return;
        }
        m_result.timings.ehlo = sincePhaseStart();
        m_capabilities.clear();
        afterHello();
        break;
    case State::StartTls:
        handleStartTls(reply);
        break;
    case State::MailFrom:
        m_result.timings.mail = sincePhaseStart();
        if (reply.codeClass() != 2) {
            finishWithReply(reply, Phase::Mail, true);
            return;
        }
        m_rcptIndex = 0;
        send("RCPT TO:<" + m_recipients.at(0).toUtf8() + '>', State::RcptTo, m_config.timeouts.commandMs);
        break;
    case State::RcptTo:
        handleRcpt(reply);
        break;
    case State::Quit:
        finish();
        break;
    default:
        // A reply nobody asked for (e.g. during a handshake) is a protocol violation.
        finishWithFailure(Failure::MalformedReply, currentPhase(),
            QStringLiteral("unexpected reply %1 from the server").arg(reply.code));
        break;
    }
}

void SmtpProbe::handleGreeting(const SmtpReply &reply)
{
    m_result.timings.greeting = sincePhaseStart();
    if (reply.code != 220) {
        // RFC 5321 §3.1: after a 554 greeting the client should still send QUIT.
        finishWithReply(reply, Phase::Greeting, reply.codeClass() == 5);
        return;
    }
    send("EHLO " + heloName().toUtf8(), State::Ehlo, m_config.timeouts.commandMs);
}

void SmtpProbe::handleEhlo(const SmtpReply &reply, bool afterTls)
{
    if (reply.codeClass() == 5 && !afterTls) {
        info(QStringLiteral("EHLO refused, falling back to HELO"));
        send("HELO " + heloName().toUtf8(), State::Helo, m_config.timeouts.commandMs);
        return;
    }
    if (reply.codeClass() != 2) {
        finishWithReply(reply, Phase::Ehlo, true);
        return;
    }
    if (!afterTls)
        m_result.timings.ehlo = sincePhaseStart();
    m_capabilities.clear();
    for (qsizetype i = 1; i < reply.lines.size(); ++i)
        m_capabilities << reply.lines.at(i).trimmed().toUpper();
    afterHello();
}

void SmtpProbe::afterHello()
{
    const bool wantTls = m_config.tlsMode == TlsMode::StartTls || m_config.tlsMode == TlsMode::StartTlsRequired;
    if (wantTls && !m_tlsActive) {
        const bool offered = std::any_of(m_capabilities.cbegin(), m_capabilities.cend(),
            [](const QString &cap) { return cap == u"STARTTLS" || cap.startsWith(u"STARTTLS "); });
        if (offered) {
            send("STARTTLS", State::StartTls, m_config.timeouts.commandMs);
            return;
        }
        if (m_config.tlsMode == TlsMode::StartTlsRequired) {
            // The server still listens: say goodbye.
            finishWithFailure(Failure::StartTlsNotOffered, Phase::StartTls,
                QStringLiteral("the server does not offer STARTTLS, and TLS is required"), true);
            return;
        }
        m_result.findings.append({ QStringLiteral("warning"), QStringLiteral("no-starttls"),
            QStringLiteral("The server does not offer STARTTLS: mail to it travels unencrypted.") });
    }
    beginTransaction();
}

void SmtpProbe::handleStartTls(const SmtpReply &reply)
{
    if (reply.code != 220) {
        if (m_config.tlsMode == TlsMode::StartTlsRequired) {
            finishWithReply(reply, Phase::StartTls, true);
            return;
        }
        m_result.findings.append({ QStringLiteral("warning"), QStringLiteral("starttls-refused"),
            QStringLiteral("STARTTLS was offered but refused (%1); continuing without TLS.").arg(reply.code) });
        beginTransaction();
        return;
    }
    // CVE-2011-0411 class: whatever the server (or a man in the middle) sent after the 220 and before the
    // handshake must never be read as a reply of the encrypted session.
    QByteArray injected = m_parser.discardPending();
    injected += m_socket->readAll();
    if (!injected.isEmpty()) {
        info(QStringLiteral("Discarded %1 bytes received after the 220 to STARTTLS, before the TLS handshake")
                 .arg(injected.size()));
        m_result.findings.append({ QStringLiteral("critical"), QStringLiteral("starttls-injection"),
            QStringLiteral("The server sent %1 bytes after its 220 to STARTTLS and before the "
                           "TLS handshake (plaintext command injection, CVE-2011-0411 class): "
                           "%2")
                .arg(injected.size())
                .arg(printable(injected.left(200))) });
        qCWarning(lcSmtp) << "STARTTLS injection from" << m_endpoint.host << m_result.address;
    }
    startTls(State::StartTlsHandshake);
}

void SmtpProbe::startTls(State state)
{
    m_state = state;
    m_phaseClock.start();
    m_phaseTimer.start(m_config.timeouts.tlsMs);
    info(QStringLiteral("Starting TLS handshake (verify name %1)").arg(m_endpoint.host));
    m_socket->startClientEncryption();
}

void SmtpProbe::onSslErrors(const QList<QSslError> &errors)
{
    for (const QSslError &error : errors) {
        m_sslErrors.append(error);
        info(QStringLiteral("Certificate problem: %1").arg(error.errorString()));
    }
    if (!m_config.verifyCertificate)
        m_socket->ignoreSslErrors(errors); // only these errors, only this connection
}

void SmtpProbe::onEncrypted()
{
    m_result.timings.tls = sincePhaseStart();
    m_tlsActive = true;
    recordTls();
    info(QStringLiteral("TLS established: %1, %2%3")
             .arg(m_result.tls->protocol, m_result.tls->cipher,
                 m_result.tls->verified ? QStringLiteral(", certificate verified")
                                        : QStringLiteral(", certificate NOT verified")));
    if (m_state == State::ImplicitTls) {
        m_state = State::Greeting;
        m_phaseClock.start();
        m_phaseTimer.start(m_config.timeouts.greetingMs);
        return;
    }
    // RFC 3207 §4.2: forget everything learned before TLS and ask again.
    m_capabilities.clear();
    send("EHLO " + heloName().toUtf8(), State::EhloAfterTls, m_config.timeouts.commandMs);
}

void SmtpProbe::recordTls()
{
    TlsInfo tls;
    tls.protocol = protocolName(m_socket->sessionProtocol());
    tls.cipher = m_socket->sessionCipher().name();
    for (const QSslError &error : std::as_const(m_sslErrors))
        tls.errors << error.errorString();
    tls.verified = m_sslErrors.isEmpty();
    const QSslCertificate cert = m_socket->peerCertificate();
    if (!cert.isNull()) {
        tls.subject = distinguishedName(cert, false);
        tls.issuer = distinguishedName(cert, true);
        const auto sans = cert.subjectAlternativeNames();
        for (auto it = sans.cbegin(); it != sans.cend(); ++it)
            tls.san << (it.key() == QSsl::IpAddressEntry ? QStringLiteral("IP:") : QStringLiteral("DNS:")) + it.value();
        tls.notAfter = cert.expiryDate().toUTC();
    }
    m_result.tls = tls;
}

void SmtpProbe::beginTransaction()
{
    if (m_recipients.isEmpty()) {
        finishWithSuccess();
        return;
    }
    send("MAIL FROM:<" + mailFrom().toUtf8() + '>', State::MailFrom, m_config.timeouts.commandMs);
}

void SmtpProbe::handleRcpt(const SmtpReply &reply)
{
    recordRecipient(reply);
    if (m_rcptIndex < m_recipients.size()) {
        send("RCPT TO:<" + m_recipients.at(m_rcptIndex).toUtf8() + '>', State::RcptTo, m_config.timeouts.commandMs);
        return;
    }
    // The probe's outcome is its worst recipient: hard before soft before success.
    const auto rank = [](DeliveryClass c) { return c == DeliveryClass::Hard ? 2 : c == DeliveryClass::Soft ? 1 : 0; };
    const RecipientResult *worst = &m_result.recipients.first();
    for (const RecipientResult &r : std::as_const(m_result.recipients)) {
        if (rank(r.classification.cls) > rank(worst->classification.cls))
            worst = &r;
    }
    m_result.classification = worst->classification;
    m_result.reply = worst->reply;
    if (worst->classification.cls == DeliveryClass::Success) {
        finishWithSuccess();
        return;
    }
    m_result.phase = Phase::Rcpt;
    m_result.detail = QStringLiteral("RCPT TO:<%1> refused: %2 %3")
                          .arg(worst->address)
                          .arg(worst->reply->code)
                          .arg(worst->reply->text());
    quitThenFinish();
}

void SmtpProbe::recordRecipient(const SmtpReply &reply)
{
    m_result.timings.rcpt = std::max<qint64>(0, m_result.timings.rcpt) + sincePhaseStart();
    RecipientResult rcpt;
    rcpt.address = m_recipients.at(m_rcptIndex);
    rcpt.classification = Classifier::classifyReply(reply.code, reply.enhanced, reply.text());
    rcpt.reply = reply;
    m_result.recipients.append(rcpt);
    ++m_rcptIndex;
}

void SmtpProbe::send(const QByteArray &command, State next, int timeoutMs)
{
    // Commands are built from validated input; a CR or LF here would let a target smuggle extra commands.
    if (command.contains('\r') || command.contains('\n')) {
        finishWithFailure(
            Failure::MalformedReply, currentPhase(), QStringLiteral("refusing to send a command with CR/LF"));
        return;
    }
    log('C', QString::fromUtf8(command));
    m_socket->write(command + "\r\n");
    m_state = next;
    m_phaseClock.start();
    m_phaseTimer.start(timeoutMs);
}

void SmtpProbe::onPhaseTimeout()
{
    const int seconds = (m_phaseTimer.interval() + 999) / 1000;
    switch (m_state) {
    case State::Connecting:
        finishWithFailure(
            Failure::ConnectFailed, Phase::Connect, QStringLiteral("TCP connect timed out after %1 s").arg(seconds));
        break;
    case State::Greeting:
        finishWithFailure(
            Failure::ConnectionLost, Phase::Greeting, QStringLiteral("no complete greeting within %1 s").arg(seconds));
        break;
    case State::ImplicitTls:
    case State::StartTlsHandshake:
        finishWithFailure(Failure::ConnectionLost, Phase::Tls,
            QStringLiteral("TLS handshake did not complete within %1 s").arg(seconds));
        break;
    case State::Quit:
        finish();
        break;
    default:
        finishWithFailure(
            Failure::ConnectionLost, currentPhase(), QStringLiteral("no complete reply within %1 s").arg(seconds));
        break;
    }
}

void SmtpProbe::onDeadline()
{
    if (m_outcomeFinal) {
        finish();
        return;
    }
    const Phase phase = currentPhase();
    finishWithFailure(phase == Phase::Connect ? Failure::ConnectFailed : Failure::ConnectionLost, phase,
        QStringLiteral("the whole-probe time limit ran out"));
}

void SmtpProbe::onSocketError()
{
    if (m_state == State::Finished)
        return;
    const auto error = m_socket->error();
    const QString text = m_socket->errorString();
    if (m_outcomeFinal || m_state == State::Quit) {
        finish();
        return;
    }
    switch (m_state) {
    case State::Connecting:
        finishWithFailure(Failure::ConnectFailed, Phase::Connect, QStringLiteral("TCP connect failed: %1").arg(text));
        return;
    case State::ImplicitTls:
    case State::StartTlsHandshake: {
        // A handshake that fails on an alert, a protocol mismatch or a rejected certificate is a TLS problem
        // (4.7.5); a connection that simply goes away mid-handshake is a dropped connection (4.4.2).
        const bool dropped = error == QAbstractSocket::RemoteHostClosedError
            || text.contains(QLatin1String("unexpected eof"), Qt::CaseInsensitive)
            || error == QAbstractSocket::NetworkError;
        if (dropped) {
            finishWithFailure(Failure::ConnectionLost, Phase::Tls,
                QStringLiteral("connection closed during the TLS handshake: %1").arg(text));
        } else {
            QString detail = QStringLiteral("TLS handshake failed: %1").arg(text);
            if (!m_sslErrors.isEmpty()) {
                QStringList problems;
                for (const QSslError &e : std::as_const(m_sslErrors))
                    problems << e.errorString();
                detail = QStringLiteral("certificate rejected: %1").arg(problems.join(QStringLiteral("; ")));
                recordTls();
            }
            finishWithFailure(Failure::TlsFailed, Phase::Tls, detail);
        }
        return;
    }
    default:
        finishWithFailure(Failure::ConnectionLost, currentPhase(),
            error == QAbstractSocket::RemoteHostClosedError ? QStringLiteral("the server closed the connection")
                                                            : QStringLiteral("connection lost: %1").arg(text));
        return;
    }
}

void SmtpProbe::onDisconnected()
{
    if (m_state == State::Finished)
        return;
    if (m_outcomeFinal || m_state == State::Quit) {
        finish();
        return;
    }
    const Phase phase = currentPhase();
    finishWithFailure(phase == Phase::Connect ? Failure::ConnectFailed : Failure::ConnectionLost, phase,
        QStringLiteral("the server closed the connection"));
}

void SmtpProbe::finishWithReply(const SmtpReply &reply, Phase phase, bool sendQuit)
{
    m_result.classification = Classifier::classifyReply(reply.code, reply.enhanced, reply.text());
    m_result.reply = reply;
    m_result.phase = phase;
    m_result.detail = QStringLiteral("%1 %2").arg(reply.code).arg(reply.text());
    if (sendQuit)
        quitThenFinish();
    else
        finish();
}

void SmtpProbe::finishWithFailure(Failure failure, Phase phase, const QString &detail, bool sendQuit)
{
    if (m_state == State::Finished)
        return;
    m_result.classification = Classifier::classifyFailure(failure);
    m_result.phase = phase;
    m_result.detail = detail;
    info(detail);
    if (sendQuit)
        quitThenFinish();
    else
        finish();
}

void SmtpProbe::finishWithSuccess()
{
    m_result.phase = Phase::Done;
    if (m_result.recipients.isEmpty()) {
        m_result.classification = { QStringLiteral("2.0.0"), DeliveryClass::Success, QStringLiteral("accepted") };
        m_result.detail = m_tlsActive ? QStringLiteral("the server accepted the connection and TLS")
                                      : QStringLiteral("the server accepted the connection");
    } else {
        m_result.detail = QStringLiteral("every recipient was accepted (RCPT TO)");
    }
    quitThenFinish();
}

void SmtpProbe::quitThenFinish()
{
    m_outcomeFinal = true;
    if (m_socket->state() != QAbstractSocket::ConnectedState || m_state == State::Finished) {
        finish();
        return;
    }
    send("QUIT", State::Quit, kQuitTimeoutMs);
}

void SmtpProbe::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_phaseTimer.stop();
    m_deadline.stop();
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
    qCDebug(lcSmtp) << "probe" << m_endpoint.host << m_result.address << m_result.port << "ended"
                    << m_result.classification.status << m_result.classification.reason << m_result.detail;
    Q_EMIT finished(m_result);
}

bool SmtpProbe::isExpectedPositive(int code) const
{
    switch (m_state) {
    case State::Greeting:
    case State::StartTls:
        return code == 220;
    case State::Ehlo:
    case State::Helo:
    case State::EhloAfterTls:
    case State::MailFrom:
        return code == 250;
    case State::RcptTo:
        return code == 250 || code == 251; // 251: "user not local; will forward"
    default:
        return false;
    }
}

Phase SmtpProbe::currentPhase() const
{
    switch (m_state) {
    case State::Idle:
    case State::Connecting:
        return Phase::Connect;
    case State::Greeting:
        return Phase::Greeting;
    case State::Ehlo:
    case State::Helo:
    case State::EhloAfterTls:
        return Phase::Ehlo;
    case State::StartTls:
        return Phase::StartTls;
    case State::ImplicitTls:
    case State::StartTlsHandshake:
        return Phase::Tls;
    case State::MailFrom:
        return Phase::Mail;
    case State::RcptTo:
        return Phase::Rcpt;
    case State::Quit:
        return Phase::Quit;
    case State::Finished:
        return m_result.phase;
    }
    return Phase::Done;
}

QString SmtpProbe::heloName() const
{
    if (!m_config.heloName.isEmpty())
        return m_config.heloName;
    const QString host = QSysInfo::machineHostName();
    if (host.contains(u'.'))
        return host;
    // RFC 5321 §4.1.1.1: without a fully qualified name, use an address literal.
    const QHostAddress local = m_socket->localAddress();
    return local.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[IPv6:%1]").arg(local.toString())
                                                             : QStringLiteral("[%1]").arg(local.toString());
}

QString SmtpProbe::mailFrom() const
{
    if (m_config.mailFrom == u"<>")
        return {};
    if (!m_config.mailFrom.isEmpty())
        return m_config.mailFrom;
    QString domain = heloName();
    if (domain.startsWith(u'['))
        domain = QStringLiteral("localhost");
    return QStringLiteral("postmaster@") + domain;
}

void SmtpProbe::info(const QString &line) { log('I', line); }

void SmtpProbe::log(char dir, const QString &line)
{
    TranscriptEntry entry { m_clock.elapsed(), dir, line };
    qCDebug(lcSmtp).noquote() << m_endpoint.host << dir << line;
    Q_EMIT transcriptLine(entry);
}

qint64 SmtpProbe::sincePhaseStart() const { return m_phaseClock.elapsed(); }

} // namespace Mailpulse::Smtp
