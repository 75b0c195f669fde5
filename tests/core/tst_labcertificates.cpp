#include <QDateTime>
#include <QHostAddress>
#include <QSslCertificateExtension>
#include <QSslError>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include "lab/labcertificates.h"

using namespace Mailpulse::Lab;

class TestLabCertificates final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void caIsACertificateAuthority();
    void serverCertificateNamesLoopback_data();
    void serverCertificateNamesLoopback();
    void validity();
    void chainVerifiesAgainstTheCa();
    void selfSignedDoesNotVerify();
    void keysMatchCertificates();
    void writesCaPem();
    void freshPerGeneration();

private:
    std::optional<LabCertificates> m_certs;
};

void TestLabCertificates::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QString error;
    m_certs = LabCertificates::generate(&error);
    QVERIFY2(m_certs, qPrintable(error));
}

void TestLabCertificates::caIsACertificateAuthority()
{
    const QSslCertificate &ca = m_certs->caCertificate();
    QVERIFY(!ca.isNull());
    QVERIFY(ca.isSelfSigned());
    QCOMPARE(ca.subjectInfo(QSslCertificate::CommonName), QStringList { QStringLiteral("Mailpulse Lab CA") });

    bool sawBasicConstraints = false;
    bool sawKeyUsage = false;
    for (const QSslCertificateExtension &ext : ca.extensions()) {
        if (ext.name() == u"basicConstraints") {
            sawBasicConstraints = true;
            QVERIFY(ext.isCritical());
            QCOMPARE(ext.value().toMap().value(QStringLiteral("ca")).toBool(), true);
        } else if (ext.name() == u"keyUsage") {
            sawKeyUsage = true;
            QVERIFY(ext.value().toStringList().contains(QStringLiteral("Certificate Sign")));
        }
    }
    QVERIFY(sawBasicConstraints);
    QVERIFY(sawKeyUsage);
}

void TestLabCertificates::serverCertificateNamesLoopback_data()
{
    QTest::addColumn<bool>("selfSigned");
    QTest::newRow("ca-signed") << false;
    QTest::newRow("self-signed") << true;
}

void TestLabCertificates::serverCertificateNamesLoopback()
{
    QFETCH(bool, selfSigned);
    const QSslCertificate cert = selfSigned ? m_certs->selfSignedCertificate() : m_certs->serverCertificate();
    QCOMPARE(cert.isSelfSigned(), selfSigned);
    QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList { QStringLiteral("localhost") });

    const auto san = cert.subjectAlternativeNames();
    QCOMPARE(san.values(QSsl::DnsEntry), QStringList { QStringLiteral("localhost") });
    QList<QHostAddress> ips;
    for (const QString &ip : san.values(QSsl::IpAddressEntry))
        ips.append(QHostAddress(ip));
    QCOMPARE(ips.size(), 2);
    QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHost)));
    QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHostIPv6)));

    bool sawServerAuth = false;
    for (const QSslCertificateExtension &ext : cert.extensions()) {
        if (ext.name() == u"extendedKeyUsage")
            sawServerAuth = ext.value().toStringList().contains(QStringLiteral("TLS Web Server Authentication"));
        if (ext.name() == u"basicConstraints")
            QCOMPARE(ext.value().toMap().value(QStringLiteral("ca")).toBool(), false);
    }
    QVERIFY(sawServerAuth);
}

void TestLabCertificates::validity()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QSslCertificate &cert :
        { m_certs->caCertificate(), m_certs->serverCertificate(), m_certs->selfSignedCertificate() }) {
        // From one day back (clock skew between lab and client) to 825 days ahead; a minute of slack for slow runs.
        QVERIFY(qAbs(cert.effectiveDate().secsTo(now.addDays(-1))) < 60);
        QVERIFY(qAbs(cert.expiryDate().secsTo(now.addDays(825))) < 60);
    }
}

void TestLabCertificates::chainVerifiesAgainstTheCa()
{
    // QSslCertificate::verify() trusts the default configuration's CAs: add the lab CA there, as a client would.
    const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    QSslConfiguration withLabCa = saved;
    withLabCa.addCaCertificate(m_certs->caCertificate());
    QSslConfiguration::setDefaultConfiguration(withLabCa);

    const auto errors = QSslCertificate::verify({ m_certs->serverCertificate() }, QStringLiteral("localhost"));
    const auto wrongHost = QSslCertificate::verify({ m_certs->serverCertificate() }, QStringLiteral("example.org"));
    QSslConfiguration::setDefaultConfiguration(saved);

    QVERIFY2(errors.isEmpty(), qPrintable(errors.isEmpty() ? QString() : errors.first().errorString()));
    QVERIFY(!wrongHost.isEmpty());
    QCOMPARE(wrongHost.first().error(), QSslError::HostNameMismatch);
    QCOMPARE(m_certs->serverCertificate().issuerDisplayName(), QStringLiteral("Mailpulse Lab CA"));
}

void TestLabCertificates::selfSignedDoesNotVerify()
{
    const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    QSslConfiguration withLabCa = saved;
    withLabCa.addCaCertificate(m_certs->caCertificate());
    QSslConfiguration::setDefaultConfiguration(withLabCa);
    const auto errors = QSslCertificate::verify({ m_certs->selfSignedCertificate() }, QStringLiteral("localhost"));
    QSslConfiguration::setDefaultConfiguration(saved);

    QVERIFY(!errors.isEmpty());
    QCOMPARE(errors.first().error(), QSslError::SelfSignedCertificate);
}

void TestLabCertificates::keysMatchCertificates()
{
    QCOMPARE(m_certs->serverKey().algorithm(), QSsl::Ec);
    QCOMPARE(m_certs->serverKey().type(), QSsl::PrivateKey);
    QCOMPARE(m_certs->serverKey().length(), 256);
    QCOMPARE(m_certs->caKey().algorithm(), QSsl::Ec);
    QCOMPARE(m_certs->selfSignedKey().algorithm(), QSsl::Ec);
    QCOMPARE(m_certs->serverCertificate().publicKey().algorithm(), QSsl::Ec);
    QVERIFY(m_certs->serverCertificate().publicKey().toDer() != m_certs->selfSignedCertificate().publicKey().toDer());

    const QSslConfiguration config = m_certs->serverConfiguration();
    QCOMPARE(config.localCertificate(), m_certs->serverCertificate());
    QCOMPARE(config.privateKey(), m_certs->serverKey());
    QCOMPARE(m_certs->serverConfiguration(true).localCertificate(), m_certs->selfSignedCertificate());
}

void TestLabCertificates::writesCaPem()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("ca.pem"));
    QString error;
    QVERIFY2(m_certs->writeCaCertificate(path, &error), qPrintable(error));
    const auto loaded = QSslCertificate::fromPath(path, QSsl::Pem);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first(), m_certs->caCertificate());

    QVERIFY(!m_certs->writeCaCertificate(dir.filePath(QStringLiteral("missing/dir/ca.pem")), &error));
    QVERIFY(!error.isEmpty());
}

void TestLabCertificates::freshPerGeneration()
{
    const auto other = LabCertificates::generate();
    QVERIFY(other);
    QVERIFY(other->caCertificate() != m_certs->caCertificate());
    QVERIFY(other->caCertificate().serialNumber() != m_certs->caCertificate().serialNumber());
}

QTEST_GUILESS_MAIN(TestLabCertificates)
#include "tst_labcertificates.moc"
