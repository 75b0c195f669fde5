#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

#include "lab/laboptions.h"
#include "lab/labscenario.h"

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace Mailpulse::Lab
{

class LabSession;

/// One loopback SMTP server playing one scenario for any number of simultaneous clients.
/// Destroying (or close()-ing) it closes every client connection.
class LabServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabServer)

public:
    explicit LabServer(Scenario scenario, QObject *parent = nullptr);
    LabServer(Scenario scenario, const LabOptions &options, QObject *parent = nullptr);
    ~LabServer() override;

    Scenario scenario() const { return m_scenario; }
    QString name() const { return scenarioName(m_scenario); }

    /// Applies to connections accepted afterwards.
    void setOptions(const LabOptions &options) { m_options = options; }
    const LabOptions &options() const { return m_options; }

    /// Certificate and key for STARTTLS / implicit TLS. Required by TLS scenarios before listen().
    void setTlsConfiguration(const QSslConfiguration &configuration) { m_tls = configuration; }

    /// Starts listening. Only loopback addresses are accepted: the lab must never be reachable from outside.
    /// For `refused` the port is bound, noted and released, so that nothing listens there.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    /// Stops listening and closes every client connection.
    void close();

    bool isListening() const;
    QHostAddress address() const { return m_address; }
    /// The bound port (for `refused`: the port where nothing listens), 0 before listen().
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }

    /// Connections accepted since listen(), including dropped ones (flaky counts these).
    int connectionsAccepted() const { return m_accepted; }
    /// Client connections currently open.
    int activeConnections() const { return int(m_sessions.size()); }
    /// Output queued in user space over all connections; stays bounded however slowly clients read.
    qint64 pendingOutputBytes() const;

signals:
    /// A client connected; `number` counts from 1.
    void connectionAccepted(int number);
    /// A client connection ended (either side closed it).
    void connectionClosed();

private:
    void onNewConnection();
    void onSessionFinished(LabSession *session);
    Scenario behaviourFor(int number) const;

    Scenario m_scenario;
    LabOptions m_options;
    QSslConfiguration m_tls;
    QTcpServer *m_server = nullptr;
    QList<LabSession *> m_sessions;
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_error;
    int m_accepted = 0;
};

} // namespace Mailpulse::Lab
