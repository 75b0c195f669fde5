#include <QTest>

#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

using namespace Mailpulse::Smtp;
using namespace Qt::StringLiterals;

class TestProbeConfig : public QObject
{
    Q_OBJECT

private slots:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void parseLimitsAreOctets();
    void tlsModeNames();
    void ipFamilyNames();
    void phaseNames();
};

void TestProbeConfig::parseValid_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QStringList>("recipients");

    const QString label63(63, u'a');
    // 4 labels of 63 + 3 dots = 255; trim the last label to reach exactly 253.
    const QString domain253 = label63 + u'.' + label63 + u'.' + label63 + u'.' + QString(61, u'b');
    const QString local64(64, u'x');

    QTest::newRow("recipient") << u"user@example.com"_s << u"example.com"_s << QStringList { u"user@example.com"_s };
    QTest::newRow("domain only") << u"example.com"_s << u"example.com"_s << QStringList {};
    QTest::newRow("domain lower-cased, local part kept")
        << u"User.Name@Example.COM"_s << u"example.com"_s << QStringList { u"User.Name@example.com"_s };
    QTest::newRow("trailing dot") << u"Example.COM."_s << u"example.com"_s << QStringList {};
    QTest::newRow("plus and dots") << u"first.last+tag@sub-domain.example"_s << u"sub-domain.example"_s
                                   << QStringList { u"first.last+tag@sub-domain.example"_s };
    QTest::newRow("two recipients") << u"a@d.example,B@D.example"_s << u"d.example"_s
                                    << QStringList { u"a@d.example"_s, u"B@d.example"_s };
    QTest::newRow("IDN domain") << u"bücher.example"_s << u"xn--bcher-kva.example"_s << QStringList {};
    QTest::newRow("IDN recipient") << u"user@Bücher.example"_s << u"xn--bcher-kva.example"_s
                                   << QStringList { u"user@xn--bcher-kva.example"_s };
    QTest::newRow("IDN everywhere") << u"用户@例子.测试"_s << u"xn--fsqu00a.xn--0zwm56d"_s
                                    << QStringList { u"用户@xn--fsqu00a.xn--0zwm56d"_s };
    QTest::newRow("ACE input kept") << u"xn--bcher-kva.example"_s << u"xn--bcher-kva.example"_s << QStringList {};
    QTest::newRow("single label") << u"localhost"_s << u"localhost"_s << QStringList {};
    QTest::newRow("IPv4 literal") << u"user@[127.0.0.1]"_s << u"[127.0.0.1]"_s << QStringList { u"user@[127.0.0.1]"_s };
    QTest::newRow("IPv6 literal") << u"user@[IPv6:::1]"_s << u"[IPv6:::1]"_s << QStringList { u"user@[IPv6:::1]"_s };
    QTest::newRow("63-octet label") << (label63 + u".example") << (label63 + u".example") << QStringList {};
    QTest::newRow("253-octet domain") << domain253 << domain253 << QStringList {};
    QTest::newRow("64-octet local part") << (local64 + u"@example.com") << u"example.com"_s
                                         << QStringList { local64 + u"@example.com" };
    QTest::newRow("digits in labels") << u"mx1.123example.com"_s << u"mx1.123example.com"_s << QStringList {};
}

void TestProbeConfig::parseValid()
{
    QFETCH(QString, input);
    QFETCH(QString, domain);
    QFETCH(QStringList, recipients);

    QString error;
    const std::optional<ProbeTarget> target = ProbeTarget::parse(input, &error);
    QVERIFY2(target, qPrintable(error));
    QCOMPARE(target->input, input);
    QCOMPARE(target->domain, domain);
    QCOMPARE(target->recipients, recipients);
}

void TestProbeConfig::parseInvalid_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("error"); // a substring of the expected message

    const QString label64(64, u'a');
    const QString domain254
        = QString(63, u'a') + u'.' + QString(63, u'a') + u'.' + QString(63, u'a') + u'.' + QString(62, u'b');

    QTest::newRow("empty") << QString() << u"empty target"_s;
    QTest::newRow("space inside") << u"user @example.com"_s << u"whitespace"_s;
    QTest::newRow("leading space") << u" example.com"_s << u"whitespace"_s;
    QTest::newRow("tab") << u"user@exa\tmple.com"_s << u"control character U+0009"_s;
    QTest::newRow("CRLF") << u"user\r\n@example.com"_s << u"control character U+000D"_s;
    QTest::newRow("NUL") << QStringView(u"exa\0mple.com", 12).toString() << u"control character U+0000"_s;
    QTest::newRow("DEL") << u"user\x7f@example.com"_s << u"control character U+007F"_s;
    QTest::newRow("zero-width space") << u"example.com\u200B"_s << u"control character U+200B"_s;
    QTest::newRow("no local part") << u"@example.com"_s << u"missing local part"_s;
    QTest::newRow("no domain") << u"user@"_s << u"missing domain"_s;
    QTest::newRow("double at") << u"user@@example.com"_s << u"not allowed in the local part"_s;
    QTest::newRow("angle bracket") << u"a<b@example.com"_s << u"not allowed in the local part"_s;
    QTest::newRow("quoted local part") << u"\"q\"@example.com"_s << u"not allowed in the local part"_s;
    QTest::newRow("different domains") << u"a@d.example,b@e.example"_s << u"share one domain"_s;
    QTest::newRow("empty list entry") << u"a@d.example,"_s << u"empty entry"_s;
    QTest::newRow("leading comma") << u",a@d.example"_s << u"empty entry"_s;
    QTest::newRow("domain then recipient") << u"d.example,a@d.example"_s << u"must be recipients"_s;
    QTest::newRow("recipient then domain") << u"a@d.example,d.example"_s << u"must be recipients"_s;
    QTest::newRow("64-octet label") << (label64 + u".example") << u"longer than 63 octets"_s;
    QTest::newRow("254-octet domain") << domain254 << u"longer than 253 octets"_s;
    QTest::newRow("65-octet local part") << (QString(65, u'x') + u"@example.com") << u"longer than 64 octets"_s;
    QTest::newRow("bare IPv4") << u"127.0.0.1"_s << u"bare IP address"_s;
    QTest::newRow("bare IPv4 recipient") << u"user@192.0.2.1"_s << u"bare IP address"_s;
    QTest::newRow("bare IPv6 recipient") << u"user@::1"_s << u"bare IP address"_s;
    QTest::newRow("numeric TLD") << u"user@example.123"_s << u"IP address"_s;
    QTest::newRow("unbalanced bracket") << u"user@[127.0.0.1"_s << u"unbalanced brackets"_s;
    QTest::newRow("bad IPv4 literal") << u"user@[300.0.0.1]"_s << u"invalid address literal"_s;
    QTest::newRow("shorthand IPv4 literal") << u"user@[127.1]"_s << u"invalid address literal"_s;
    QTest::newRow("bad IPv6 literal") << u"user@[IPv6:zz::1]"_s << u"invalid IPv6 address literal"_s;
    QTest::newRow("name in brackets") << u"user@[example.com]"_s << u"invalid address literal"_s;
    QTest::newRow("underscore") << u"user@exa_mple.com"_s << u"invalid character '_'"_s;
    QTest::newRow("leading hyphen") << u"user@-example.com"_s << u"hyphen"_s;
    QTest::newRow("trailing hyphen") << u"example-.com"_s << u"hyphen"_s;
    QTest::newRow("empty label") << u"user@example..com"_s << u"empty label"_s;
    QTest::newRow("leading dot") << u".example.com"_s << u"empty label"_s;
    QTest::newRow("only a dot") << u"."_s << u"empty label"_s;
}

void TestProbeConfig::parseInvalid()
{
    QFETCH(QString, input);
    QFETCH(QString, error);

    QString message;
    const std::optional<ProbeTarget> target = ProbeTarget::parse(input, &message);
    QVERIFY2(!target, qPrintable(u"accepted as domain "_s + (target ? target->domain : QString())));
    QVERIFY2(message.contains(error, Qt::CaseInsensitive),
        qPrintable(u"expected \""_s + error + u"\" in \""_s + message + u'"'));
    // The error pointer is optional.
    QVERIFY(!ProbeTarget::parse(input));
}

void TestProbeConfig::parseLimitsAreOctets()
{
    // 32 × "ü" is 32 characters but 64 UTF-8 octets; one more is over RFC 5321's 64-octet limit.
    QVERIFY(ProbeTarget::parse(QString(32, u'ü') + u"@example.com"));
    QString error;
    QVERIFY(!ProbeTarget::parse(QString(33, u'ü') + u"@example.com", &error));
    QVERIFY2(error.contains(u"64 octets"_s), qPrintable(error));
}

void TestProbeConfig::tlsModeNames()
{
    const QList<std::pair<TlsMode, QString>> names {
        { TlsMode::None, u"none"_s },
        { TlsMode::StartTls, u"starttls"_s },
        { TlsMode::StartTlsRequired, u"starttls-required"_s },
        { TlsMode::Implicit, u"implicit"_s },
    };
    for (const auto &[mode, name] : names) {
        QCOMPARE(tlsModeName(mode), name);
        QCOMPARE(tlsModeFromName(name), mode);
    }
    QCOMPARE(tlsModeFromName(u"STARTTLS"), TlsMode::StartTls);
    QVERIFY(!tlsModeFromName(u"tls"));
    QVERIFY(!tlsModeFromName(u""));
}

void TestProbeConfig::ipFamilyNames()
{
    const QList<std::pair<IpFamily, QString>> names {
        { IpFamily::Any, u"any"_s },
        { IpFamily::IPv4, u"ipv4"_s },
        { IpFamily::IPv6, u"ipv6"_s },
    };
    for (const auto &[family, name] : names) {
        QCOMPARE(ipFamilyName(family), name);
        QCOMPARE(ipFamilyFromName(name), family);
    }
    QCOMPARE(ipFamilyFromName(u"IPv6"), IpFamily::IPv6);
    QVERIFY(!ipFamilyFromName(u"ipv5"));
}

void TestProbeConfig::phaseNames()
{
    const QList<std::pair<Phase, QString>> names {
        { Phase::Dns, u"dns"_s },
        { Phase::Connect, u"connect"_s },
        { Phase::Greeting, u"greeting"_s },
        { Phase::Ehlo, u"ehlo"_s },
        { Phase::StartTls, u"starttls"_s },
        { Phase::Tls, u"tls"_s },
        { Phase::Mail, u"mail"_s },
        { Phase::Rcpt, u"rcpt"_s },
        { Phase::Quit, u"quit"_s },
        { Phase::Done, u"done"_s },
    };
    for (const auto &[phase, name] : names) {
        QCOMPARE(phaseName(phase), name);
        QCOMPARE(phaseFromName(name), phase);
    }
    QVERIFY(!phaseFromName(u"data"));
}

QTEST_GUILESS_MAIN(TestProbeConfig)
#include "tst_probeconfig.moc"
