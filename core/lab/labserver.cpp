#include "labserver.h"

#include <utility>

#include <QSslSocket>
#include <QTcpServer>

#include "lab/lablogging.h"
#include "lab/labsession.h"

namespace Mailpulse::Lab
{

namespace
{

/// Accepts every connection as a QSslSocket, so that one socket type serves plain, STARTTLS and implicit TLS.
/// (QSslServer would start TLS on accept, which STARTTLS scenarios must not do.)
class SslSocketServer final : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcLab) << "cannot adopt an accepted socket:" << socket->errorString();
            delete socket;
            return;
        }
        addPendingConnection(socket);
    }
};

bool needsCredentials(Scenario scenario) { return scenarioTls(scenario) != LabTls::None; }

} // namespace

LabServer::LabServer(Scenario scenario, QObject *parent)
    : LabServer(scenario, LabOptions(), parent)
{
}

LabServer::LabServer(Scenario scenario, const LabOptions &options, QObject *parent)
    : QObject(parent)
    , m_scenario(scenario)
    , m_options(options)
{
}

LabServer::~LabServer() { close(); }

bool LabServer::isListening() const { return m_server && m_server->isListening(); }

bool LabServer::listen(const QHostAddress &address, quint16 port)
{
    close();
    m_error.clear();
    m_accepted = 0;
    if (!address.isLoopback()) {
        m_error
            = QStringLiteral("%1 is not a loopback address; the lab listens on loopback only").arg(address.toString());
        return false;
    }
    if (needsCredentials(m_scenario) && (m_tls.localCertificate().isNull() || m_tls.privateKey().isNull())) {
        m_error = QStringLiteral("scenario %1 needs a TLS certificate and key").arg(name());
        return false;
    }

    auto *server = new SslSocketServer(this);
    if (!server->listen(address, port)) {
        m_error = server->errorString();
        delete server;
        return false;
    }
    m_address = address;
    m_port = server->serverPort();

    if (m_scenario == Scenario::Refused) {
        // A port that was free a moment ago and now has no listener: connecting gets an RST (ECONNREFUSED).
        server->close();
        delete server;
        return true;
    }
    // The pending queue is drained on every newConnection, so this only absorbs a burst.
    server->setMaxPendingConnections(128);
    connect(server, &QTcpServer::newConnection, this, &LabServer::onNewConnection);
    m_server = server;
    qCDebug(lcLab) << name() << "listening on" << address << m_port;
    return true;
}

void LabServer::close()
{
    if (m_server) {
        m_server->close();
        delete m_server;
        m_server = nullptr;
    }
    // Deleting a session aborts its socket; its signals are disconnected first, so none reach us.
    const QList<LabSession *> sessions = std::exchange(m_sessions, {});
    for (LabSession *session : sessions)
        delete session;
}

qint64 LabServer::pendingOutputBytes() const
{
    qint64 total = 0;
    for (const LabSession *session : m_sessions)
        total += session->pendingWriteBytes();
    return total;
}

Scenario LabServer::behaviourFor(int number) const
{
    if (m_scenario == Scenario::Flaky)
        return number <= m_options.flakyDrops ? Scenario::DropAfterConnect : Scenario::Healthy;
    return m_scenario;
}

void LabServer::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
        if (!socket)
            continue;
        const int number = ++m_accepted;
        if (m_sessions.size() >= m_options.maxConnections) {
            qCWarning(lcLab) << name() << "connection limit" << m_options.maxConnections << "reached; closing";
            socket->abort();
            socket->deleteLater();
            emit connectionAccepted(number);
            emit connectionClosed();
            continue;
        }
        auto *session = new LabSession(socket, behaviourFor(number), m_options, m_tls, this);
        m_sessions.append(session);
        connect(session, &LabSession::finished, this, [this, session] { onSessionFinished(session); });
        emit connectionAccepted(number);
        session->start();
    }
}

void LabServer::onSessionFinished(LabSession *session)
{
    if (!m_sessions.removeOne(session))
        return;
    // Deferred: finished() may be emitted from inside the session's own socket handlers.
    session->deleteLater();
    emit connectionClosed();
}

} // namespace Mailpulse::Lab
