#pragma once

#include <optional>

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace Mailpulse::Lab
{

/// The lab's throw-away PKI, generated at run time: a CA, a server certificate it signed, and a self-signed one.
/// Both server certificates name localhost, 127.0.0.1 and ::1. Keys are EC P-256.
class LabCertificates final
{
public:
    /// Generates fresh keys and certificates. Returns nullopt and sets `error` if OpenSSL fails.
    static std::optional<LabCertificates> generate(QString *error = nullptr);

    const QSslCertificate &caCertificate() const { return m_caCertificate; }
    const QSslKey &caKey() const { return m_caKey; }
    const QSslCertificate &serverCertificate() const { return m_serverCertificate; }
    const QSslKey &serverKey() const { return m_serverKey; }
    const QSslCertificate &selfSignedCertificate() const { return m_selfSignedCertificate; }
    const QSslKey &selfSignedKey() const { return m_selfSignedKey; }

    /// A server-side TLS configuration presenting the CA-signed (or the self-signed) certificate.
    QSslConfiguration serverConfiguration(bool selfSigned = false) const;

    /// Writes the CA certificate as PEM (what a client passes to --ca-file).
    bool writeCaCertificate(const QString &path, QString *error = nullptr) const;

private:
    LabCertificates() = default;

    QSslCertificate m_caCertificate;
    QSslKey m_caKey;
    QSslCertificate m_serverCertificate;
    QSslKey m_serverKey;
    QSslCertificate m_selfSignedCertificate;
    QSslKey m_selfSignedKey;
};

} // namespace Mailpulse::Lab
