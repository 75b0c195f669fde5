#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslError>
#include <QStringList>
#include <QTimer>

#include "bounce/classifier.h"
#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"
#include "smtp/smtpreplyparser.h"

class QSslSocket;

namespace Mailpulse::Smtp
{

/// One SMTP conversation with one address: connect → greeting → EHLO (HELO on 5xx) → [STARTTLS → handshake → EHLO]
/// → [MAIL FROM → RCPT TO …] → QUIT. Never DATA. Driven entirely by socket signals and single-shot timers.
/// start() is the only way in; finished() is emitted exactly once, after which the object may be deleted.
class SmtpProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmtpProbe)

public:
    struct Endpoint {
        QString host; // name used for TLS verification (the MX host), or the literal address
        QHostAddress address;
        quint16 port = 25;
    };

    /// `clock` measures transcript times (shared with the caller so lines of several attempts line up);
    /// `deadlineMs` is what remains of the whole-probe budget.
    SmtpProbe(const ProbeConfig &config, const Endpoint &endpoint, const QStringList &recipients,
        const QElapsedTimer &clock, int deadlineMs, QObject *parent = nullptr);
    ~SmtpProbe() override;

    void start();
    /// Ends the conversation now; finished() carries what was learned, classified as a lost connection.
    void abort(const QString &why);

    /// Capabilities from the last EHLO (upper-case keywords with their parameters).
    const QStringList &capabilities() const { return m_capabilities; }

Q_SIGNALS:
    void transcriptLine(const Mailpulse::Smtp::TranscriptEntry &entry);
    /// The per-connection result: host, address, port, classification, phase, reply, detail, timings (connect
    /// through rcpt), TLS, findings and recipients. Transcript lines were emitted through transcriptLine().
    void finished(const Mailpulse::Smtp::ProbeResult &result);

private:
    enum class State {
        Idle,
        Connecting,
        ImplicitTls,
        Greeting,
        Ehlo,
        Helo,
        StartTls,
        StartTlsHandshake,
        EhloAfterTls,
        MailFrom,
        RcptTo,
        Quit,
        Finished,
    };

    void onConnected();
    void onReadyRead();
    void onEncrypted();
    void onSocketError();
    void onDisconnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onPhaseTimeout();
    void onDeadline();

    void handleReply(const SmtpReply &reply);
    void handleGreeting(const SmtpReply &reply);
    void handleEhlo(const SmtpReply &reply, bool afterTls);
    void afterHello();
    void handleStartTls(const SmtpReply &reply);
    void beginTransaction();
    void handleRcpt(const SmtpReply &reply);
    void recordRecipient(const SmtpReply &reply);

    void send(const QByteArray &command, State next, int timeoutMs);
    void startTls(State state);
    void recordTls();
    void info(const QString &line);
    void log(char dir, const QString &line);
    qint64 sincePhaseStart() const;

    /// Classifies the reply and ends the conversation (sending QUIT where the server still listens).
    void finishWithReply(const SmtpReply &reply, Phase phase, bool sendQuit);
    void finishWithFailure(Bounce::Failure failure, Phase phase, const QString &detail, bool sendQuit = false);
    void finishWithSuccess();
    /// The only way out: stops timers, closes the socket, emits finished() once.
    void finish();
    /// After QUIT is written the result is final; the socket closes on 221, close, or a short timeout.
    void quitThenFinish();

    Phase currentPhase() const;
    bool isExpectedPositive(int code) const;
    QString heloName() const;
    QString mailFrom() const;

    ProbeConfig m_config;
    Endpoint m_endpoint;
    QStringList m_recipients;
    QElapsedTimer m_clock;
    int m_deadlineMs;

    QSslSocket *m_socket = nullptr;
    SmtpReplyParser m_parser;
    QTimer m_phaseTimer;
    QTimer m_deadline;
    QElapsedTimer m_phaseClock;
    State m_state = State::Idle;
    bool m_tlsActive = false;
    bool m_quitSent = false;
    bool m_outcomeFinal = false; // the result is decided; remaining socket events only close the connection
    int m_rcptIndex = 0;
    QStringList m_capabilities;
    QList<QSslError> m_sslErrors;
    ProbeResult m_result;
};

} // namespace Mailpulse::Smtp
