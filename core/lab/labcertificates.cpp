#include "labcertificates.h"

#include <memory>

#include <QByteArray>
#include <QSaveFile>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lablogging.h"

namespace Mailpulse::Lab
{

namespace
{

template <auto FreeFunction> struct OpenSslDeleter {
    template <typename T> void operator()(T *object) const { FreeFunction(object); }
};

using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

constexpr long kOneDaySecs = 24L * 60 * 60;
constexpr int kValidityDays = 825; // the CA/Browser Forum's former maximum; long enough for a lab, still sane
constexpr const char *kServerNames = "DNS:localhost,IP:127.0.0.1,IP:::1";

/// The most recent OpenSSL error as text, and the error queue emptied so it does not leak into Qt's TLS code.
QString takeOpenSslError(const char *what)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    char text[256] = {};
    if (code != 0)
        ERR_error_string_n(code, text, sizeof text);
    return QStringLiteral("%1 failed: %2").arg(QLatin1String(what), QLatin1String(code != 0 ? text : "unknown error"));
}

QByteArray bioContents(BIO *bio)
{
    const size_t size = BIO_ctrl_pending(bio);
    QByteArray data(qsizetype(size), Qt::Uninitialized);
    const int read = BIO_read(bio, data.data(), int(data.size()));
    data.truncate(read > 0 ? read : 0);
    return data;
}

PKeyPtr generateKey(QString *error)
{
    PKeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        *error = takeOpenSslError("EC key generation");
    return key;
}

bool addExtension(X509 *cert, X509 *issuer, int nid, const char *value, QString *error)
{
    X509V3_CTX ctx {};
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
        *error = takeOpenSslError(OBJ_nid2sn(nid));
        return false;
    }
    return true;
}

bool setRandomSerial(X509 *cert, QString *error)
{
    // A random positive 63-bit serial: distinct certificates per run, so no client cache confuses two labs.
    BignumPtr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert))) {
        *error = takeOpenSslError("serial number");
        return false;
    }
    return true;
}

bool setCommonName(X509_NAME *name, const char *commonName, QString *error)
{
    if (X509_NAME_add_entry_by_txt(
            name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>("Mailpulse Lab"), -1, -1, 0)
            != 1
        || X509_NAME_add_entry_by_txt(
               name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0)
            != 1) {
        *error = takeOpenSslError("subject name");
        return false;
    }
    return true;
}

/// A certificate for `key` named `commonName`, signed by `issuerKey`; self-signed when `issuer` is null.
X509Ptr makeCertificate(
    EVP_PKEY *key, const char *commonName, bool isCa, X509 *issuer, EVP_PKEY *issuerKey, QString *error)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        *error = takeOpenSslError("X509_new");
        return {};
    }
    if (!setRandomSerial(cert.get(), error) || !setCommonName(X509_get_subject_name(cert.get()), commonName, error))
        return {};
    X509 *const signer = issuer ? issuer : cert.get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1
        || !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kOneDaySecs)
        || !X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidityDays, 0, nullptr)
        || X509_set_pubkey(cert.get(), key) != 1) {
        *error = takeOpenSslError("certificate fields");
        return {};
    }

    bool ok = false;
    if (isCa) {
        ok = addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE", error)
            && addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign", error);
    } else {
        ok = addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE", error)
            && addExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth", error)
            && addExtension(cert.get(), signer, NID_subject_alt_name, kServerNames, error);
        // A self-signed leaf gets no keyUsage: one without keyCertSign makes OpenSSL (and Qt's isSelfSigned())
        // refuse to see the certificate as its own issuer, and clients would then report a missing issuer
        // instead of "self-signed certificate".
        if (ok && issuer)
            ok = addExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature", error);
    }
    // Key identifiers let verifiers match the leaf to the CA without relying on names alone.
    if (!ok || !addExtension(cert.get(), signer, NID_subject_key_identifier, "hash", error)
        || !addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always", error))
        return {};

    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) <= 0) {
        *error = takeOpenSslError("X509_sign");
        return {};
    }
    return cert;
}

std::optional<QSslCertificate> toQt(X509 *cert, QString *error)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        *error = takeOpenSslError("PEM_write_bio_X509");
        return std::nullopt;
    }
    QSslCertificate qtCert(bioContents(bio.get()), QSsl::Pem);
    if (qtCert.isNull()) {
        *error = QStringLiteral("Qt could not load the generated certificate");
        return std::nullopt;
    }
    return qtCert;
}

std::optional<QSslKey> toQt(EVP_PKEY *key, QString *error)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        *error = takeOpenSslError("PEM_write_bio_PrivateKey");
        return std::nullopt;
    }
    QSslKey qtKey(bioContents(bio.get()), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (qtKey.isNull()) {
        *error = QStringLiteral("Qt could not load the generated EC key (is Qt's OpenSSL TLS backend available?)");
        return std::nullopt;
    }
    return qtKey;
}

} // namespace

std::optional<LabCertificates> LabCertificates::generate(QString *error)
{
    QString localError;
    QString &err = error ? *error : localError;

    const PKeyPtr caKey = generateKey(&err);
    const PKeyPtr serverKey = caKey ? generateKey(&err) : PKeyPtr();
    const PKeyPtr selfSignedKey = serverKey ? generateKey(&err) : PKeyPtr();
    if (!selfSignedKey)
        return std::nullopt;

    const X509Ptr ca = makeCertificate(caKey.get(), "Mailpulse Lab CA", true, nullptr, caKey.get(), &err);
    if (!ca)
        return std::nullopt;
    const X509Ptr server = makeCertificate(serverKey.get(), "localhost", false, ca.get(), caKey.get(), &err);
    if (!server)
        return std::nullopt;
    const X509Ptr selfSigned
        = makeCertificate(selfSignedKey.get(), "localhost", false, nullptr, selfSignedKey.get(), &err);
    if (!selfSigned)
        return std::nullopt;

    LabCertificates certs;
    const auto caCert = toQt(ca.get(), &err);
    const auto caQtKey = caCert ? toQt(caKey.get(), &err) : std::nullopt;
    const auto serverCert = caQtKey ? toQt(server.get(), &err) : std::nullopt;
    const auto serverQtKey = serverCert ? toQt(serverKey.get(), &err) : std::nullopt;
    const auto selfCert = serverQtKey ? toQt(selfSigned.get(), &err) : std::nullopt;
    const auto selfQtKey = selfCert ? toQt(selfSignedKey.get(), &err) : std::nullopt;
    if (!selfQtKey) {
        qCWarning(lcLab) << "certificate generation failed:" << err;
        return std::nullopt;
    }
    certs.m_caCertificate = *caCert;
    certs.m_caKey = *caQtKey;
    certs.m_serverCertificate = *serverCert;
    certs.m_serverKey = *serverQtKey;
    certs.m_selfSignedCertificate = *selfCert;
    certs.m_selfSignedKey = *selfQtKey;
    return certs;
}

QSslConfiguration LabCertificates::serverConfiguration(bool selfSigned) const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(selfSigned ? m_selfSignedCertificate : m_serverCertificate);
    config.setPrivateKey(selfSigned ? m_selfSignedKey : m_serverKey);
    // Lab servers never ask clients for certificates.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    return config;
}

bool LabCertificates::writeCaCertificate(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_caCertificate.toPem()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Mailpulse::Lab
