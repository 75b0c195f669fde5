#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QObject>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTimer>

#include "lab/laboptions.h"
#include "lab/labscenario.h"

QT_BEGIN_NAMESPACE
class QSslSocket;
QT_END_NAMESPACE

namespace Mailpulse::Lab
{

/// One client connection of a lab server: a small, bounded SMTP server state machine that plays one scenario.
/// Owns its socket; emits finished() once when the connection is gone (the server then deletes it).
class LabSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabSession)

public:
    /// Takes ownership of a connected `socket`. `tls` is used for STARTTLS and implicit TLS (may be empty otherwise).
    LabSession(QSslSocket *socket, Scenario scenario, const LabOptions &options, const QSslConfiguration &tls,
        QObject *parent = nullptr);
    ~LabSession() override;

    /// Plays the scenario's opening (greeting, drop, TLS handshake, stream …).
    void start();
    /// Closes the connection at once (no further bytes); finished() follows.
    void abort();

    Scenario scenario() const { return m_scenario; }
    /// Output accepted but not yet handed to the kernel (plaintext and ciphertext): the session's write memory.
    qint64 pendingWriteBytes() const;

signals:
    void finished();

private:
    enum class State {
        Idle, // constructed, not started
        Greeting, // drip: greeting not complete yet; commands are buffered
        Handshake, // server-side TLS handshake running (implicit TLS or after STARTTLS)
        Command, // reading SMTP commands
        RefusedGreet, // after a 5xx greeting: only QUIT is served (RFC 5321 §3.1)
        AwaitHello, // drop-during-tls: waiting for the ClientHello to close on it
        Streaming, // oversized-line: writing filler
        Silent, // reading and discarding, never writing
        Closing, // graceful close requested, waiting for the peer
        Done,
    };

    void onReadyRead();
    void onBytesWritten();
    void onEncrypted();
    void onDisconnected();
    void onErrorOccurred(QAbstractSocket::SocketError error);
    void onIdleTimeout();
    void onDripTick();

    void processLines();
    void handleCommand(const QByteArray &line);
    void handleEhlo(const QByteArray &argument, bool extended);
    void handleMail(const QByteArray &argument);
    void handleRcpt(const QByteArray &argument);
    void handleStartTls(const QByteArray &argument);
    void beginTls();
    void sendGreeting();
    void reply(const QByteArray &line);
    void pumpStream();
    void discardInput();
    void closeGracefully();
    void finish();
    void restartIdleTimer();
    bool offersStartTls() const;

    QSslSocket *m_socket = nullptr;
    Scenario m_scenario;
    LabOptions m_options;
    QSslConfiguration m_tls;
    State m_state = State::Idle;
    QByteArray m_buffer; // pending command bytes, at most m_options.maxLineBytes
    QByteArray m_drip; // drip: greeting bytes still to send
    QTimer m_idleTimer;
    QTimer m_dripTimer;
    QTimer m_closeTimer;
    qint64 m_streamed = 0;
    bool m_tlsActive = false;
    bool m_greeted = false; // EHLO/HELO seen in this (TLS) session
    bool m_inTransaction = false;
    int m_recipients = 0;
};

} // namespace Mailpulse::Lab
