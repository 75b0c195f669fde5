#pragma once

#include <memory>
#include <optional>

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include "lab/labcertificates.h"
#include "lab/laboptions.h"

QT_BEGIN_NAMESPACE
class QTemporaryDir;
QT_END_NAMESPACE

namespace Mailpulse::Lab
{

class LabServer;

/// A set of lab servers, one per requested scenario, sharing one generated PKI whose CA is written to a PEM file.
class SmtpLab final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmtpLab)

public:
    /// A running scenario: the name it was requested under (aliases kept) and its server.
    struct Endpoint {
        QString name;
        LabServer *server = nullptr;
    };

    explicit SmtpLab(QObject *parent = nullptr);
    ~SmtpLab() override;

    /// Before start(): options for every server.
    void setOptions(const LabOptions &options) { m_options = options; }
    /// Before start(): a loopback address to listen on (default 127.0.0.1).
    void setAddress(const QHostAddress &address) { m_address = address; }
    /// Before start(): where to write the CA certificate. Default: a private temporary directory.
    void setCaCertificatePath(const QString &path) { m_requestedCaPath = path; }

    /// Starts the named scenarios (empty: all, in documented order). With `portBase` > 0 the i-th scenario
    /// listens on portBase + i, otherwise on an ephemeral port. All or nothing: on failure nothing stays open.
    bool start(const QStringList &scenarios = {}, quint16 portBase = 0, QString *error = nullptr);
    /// Closes every server and client connection.
    void stop();

    QList<Endpoint> endpoints() const { return m_endpoints; }
    /// By requested or canonical name; nullptr if not running.
    LabServer *server(const QString &name) const;
    /// The port of the named scenario, 0 if not running.
    quint16 port(const QString &name) const;
    QHostAddress address() const { return m_address; }

    /// The PEM file holding the lab CA certificate (valid after a successful start()).
    QString caCertificatePath() const { return m_caPath; }
    /// The generated PKI (after a successful start()).
    const std::optional<LabCertificates> &certificates() const { return m_certificates; }

private:
    LabOptions m_options;
    QHostAddress m_address = QHostAddress(QHostAddress::LocalHost);
    QString m_requestedCaPath;
    QString m_caPath;
    std::optional<LabCertificates> m_certificates;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QList<Endpoint> m_endpoints;
};

} // namespace Mailpulse::Lab
