#include "smtplab.h"

#include <algorithm>
#include <utility>

#include <QDir>
#include <QTemporaryDir>

#include "lab/lablogging.h"
#include "lab/labscenario.h"
#include "lab/labserver.h"

namespace Mailpulse::Lab
{

SmtpLab::SmtpLab(QObject *parent)
    : QObject(parent)
{
}

SmtpLab::~SmtpLab() { stop(); }

void SmtpLab::stop()
{
    for (const Endpoint &endpoint : std::exchange(m_endpoints, {}))
        delete endpoint.server;
}

LabServer *SmtpLab::server(const QString &name) const
{
    for (const Endpoint &endpoint : m_endpoints) {
        if (endpoint.name.compare(name, Qt::CaseInsensitive) == 0)
            return endpoint.server;
    }
    const auto scenario = scenarioByName(name);
    for (const Endpoint &endpoint : m_endpoints) {
        if (scenario && endpoint.server->scenario() == *scenario)
            return endpoint.server;
    }
    return nullptr;
}

quint16 SmtpLab::port(const QString &name) const
{
    const LabServer *labServer = server(name);
    return labServer ? labServer->port() : 0;
}

bool SmtpLab::start(const QStringList &scenarios, quint16 portBase, QString *error)
{
    QString localError;
    QString &err = error ? *error : localError;
    stop();

    const QStringList names = scenarios.isEmpty() ? scenarioNames() : scenarios;
    QList<std::pair<QString, Scenario>> wanted;
    for (const QString &name : names) {
        const auto scenario = scenarioByName(name);
        if (!scenario) {
            err = QStringLiteral("unknown scenario \"%1\"").arg(name);
            return false;
        }
        const bool duplicate = std::any_of(wanted.cbegin(), wanted.cend(),
            [&name](const auto &entry) { return entry.first.compare(name.trimmed(), Qt::CaseInsensitive) == 0; });
        if (!duplicate)
            wanted.append({ name.trimmed().toLower(), *scenario });
    }
    if (portBase > 0 && int(portBase) + wanted.size() - 1 > 65535) {
        err = QStringLiteral("--port-base %1 leaves no room for %2 scenarios").arg(portBase).arg(wanted.size());
        return false;
    }

    if (!m_certificates) {
        m_certificates = LabCertificates::generate(&err);
        if (!m_certificates)
            return false;
    }
    if (m_caPath.isEmpty()) {
        QString path = m_requestedCaPath;
        if (path.isEmpty()) {
            m_tempDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/mailpulse-lab-XXXXXX"));
            if (!m_tempDir->isValid()) {
                err = QStringLiteral("cannot create a temporary directory: %1").arg(m_tempDir->errorString());
                return false;
            }
            path = m_tempDir->filePath(QStringLiteral("mailpulse-lab-ca.pem"));
        }
        if (!m_certificates->writeCaCertificate(path, &err))
            return false;
        m_caPath = path;
    }

    for (const auto &[name, scenario] : wanted) {
        auto *labServer = new LabServer(scenario, m_options, this);
        labServer->setTlsConfiguration(
            m_certificates->serverConfiguration(scenarioUsesSelfSignedCertificate(scenario)));
        m_endpoints.append({ name, labServer });
    }
    // Refused ports are taken and released last: an ephemeral port released earlier could be handed straight
    // to the next server of this very lab, which would then answer on the "refused" port.
    for (const bool refusedPass : { false, true }) {
        for (qsizetype i = 0; i < m_endpoints.size(); ++i) {
            LabServer *labServer = m_endpoints.at(i).server;
            if ((labServer->scenario() == Scenario::Refused) != refusedPass)
                continue;
            const quint16 port = portBase > 0 ? quint16(portBase + i) : 0;
            if (!labServer->listen(m_address, port)) {
                err = QStringLiteral("scenario %1: cannot listen on %2:%3: %4")
                          .arg(m_endpoints.at(i).name, m_address.toString(), QString::number(port),
                              labServer->errorString());
                stop();
                return false;
            }
        }
    }
    qCDebug(lcLab) << "lab started:" << m_endpoints.size() << "scenarios, CA at" << m_caPath;
    return true;
}

} // namespace Mailpulse::Lab
