#include <QTest>

#include "bounce/eximlogparser.h"
#include "bounce/logtimeconverter.h"

using namespace Mailpulse::Bounce;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Mailpulse::Bounce::LogLineKind)

class TestEximLogParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void other_data();
    void other();
    void sniffing();
};

void TestEximLogParser::parse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("recipient");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("cls");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("replyCode");
    QTest::addColumn<QString>("remoteMta");
    QTest::addColumn<QString>("occurredAt");
    QTest::addColumn<QString>("diagnosticStart");

    QTest::newRow("deferred, greylisted")
        << QByteArray("2026-11-27 10:00:01 1rABCD-000123-AB == a@b.example R=dnslookup T=remote_smtp defer (-44) "
                      "H=mx.b.example [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b.example>: "
                      "451 4.7.1 Greylisted, please try again later")
        << u"a@b.example"_s << u"4.7.1"_s << u"soft"_s << u"greylisted"_s << u"deferred"_s << 451
        << u"mx.b.example[192.0.2.1]"_s << u"2026-11-27T10:00:01.000Z"_s << u"451 4.7.1 Greylisted"_s;
    QTest::newRow("bounced, user unknown")
        << QByteArray("2026-11-27 10:00:02 1rABCE-000124-CD ** bob@b.example R=dnslookup T=remote_smtp "
                      "H=mx.b.example [192.0.2.1] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote "
                      "mail server after RCPT TO:<bob@b.example>: 550 5.1.1 <bob@b.example>: Recipient address "
                      "rejected: User unknown")
        << u"bob@b.example"_s << u"5.1.1"_s << u"hard"_s << u"userunknown"_s << u"bounced"_s << 550
        << u"mx.b.example[192.0.2.1]"_s << u"2026-11-27T10:00:02.000Z"_s << u"550 5.1.1 <bob@b.example>"_s;
    QTest::newRow("delivered") << QByteArray(
        "2026-11-27 10:00:03 1rABCF-000125-EF => carol@gmail.com R=dnslookup T=remote_smtp "
        "H=gmail-smtp-in.l.google.com [2a00:1450:400c:c0b::1a] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 "
        "CV=yes K C=\"250 2.0.0 OK  1764237601 a640c23a62f3a-b76bsi1234567 - gsmtp\"")
                               << u"carol@gmail.com"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s << u"sent"_s
                               << 250 << u"gmail-smtp-in.l.google.com[2a00:1450:400c:c0b::1a]"_s
                               << u"2026-11-27T10:00:03.000Z"_s << u"250 2.0.0 OK"_s;
    QTest::newRow("delivered, original address, no confirmation")
        << QByteArray("2026-11-27 10:00:04 1rABCG-000126-GH => d@local.example <alias@local.example> R=localuser "
                      "T=local_delivery")
        << u"d@local.example"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s << u"sent"_s << 0 << QString()
        << u"2026-11-27T10:00:04.000Z"_s << QString();
    QTest::newRow("unrouteable address") << QByteArray(
        "2026-11-27 10:00:05 1rABCH-000127-IJ ** e@nonexistent.example: Unrouteable address")
                                         << u"e@nonexistent.example"_s << u"5.1.2"_s << u"hard"_s << u"hostunknown"_s
                                         << u"bounced"_s << 0 << QString() << u"2026-11-27T10:00:05.000Z"_s
                                         << u"Unrouteable address"_s;
    QTest::newRow("connection refused") << QByteArray(
        "2026-11-27 10:00:06 1rABCI-000128-KL == f@c.example R=dnslookup T=remote_smtp defer (111): "
        "Connection refused") << u"f@c.example"_s
                                        << u"4.4.1"_s << u"soft"_s << u"networkerror"_s << u"deferred"_s << 0
                                        << QString() << u"2026-11-27T10:00:06.000Z"_s << u"Connection refused"_s;
    QTest::newRow("remote closed, pid, milliseconds, time zone, new message id")
        << QByteArray("2026-11-27 11:00:07.250 +0100 [4711] 1rABCJ-00000000129-MNOP == g@d.example R=dnslookup "
                      "T=remote_smtp defer (-18): Remote host mx.d.example [2001:db8::25] closed connection in "
                      "response to initial connection")
        << u"g@d.example"_s << u"4.4.2"_s << u"soft"_s << u"networkerror"_s << u"deferred"_s << 0 << QString()
        << u"2026-11-27T10:00:07.250Z"_s << u"Remote host"_s;
    QTest::newRow("bounced, mailbox full, IPv6 host")
        << QByteArray("2026-11-27 10:00:08 1rABCK-000130-QR ** h@e.example R=dnslookup T=remote_smtp H=mx.e.example "
                      "[2001:db8::1]: SMTP error from remote mail server after end of data: 552 5.2.2 Mailbox full")
        << u"h@e.example"_s << u"5.2.2"_s << u"hard"_s << u"mailboxfull"_s << u"bounced"_s << 552
        << u"mx.e.example[2001:db8::1]"_s << u"2026-11-27T10:00:08.000Z"_s << u"552 5.2.2 Mailbox full"_s;
    QTest::newRow("deferred, over quota without an enhanced code")
        << QByteArray("2026-11-27 10:00:09 1rABCL-000131-ST == i@f.example R=dnslookup T=remote_smtp defer (-44) "
                      "H=mx.f.example [192.0.2.3]: SMTP error from remote mail server after RCPT TO:<i@f.example>: "
                      "452 Mailbox full")
        << u"i@f.example"_s << u"4.2.2"_s << u"soft"_s << u"mailboxfull"_s << u"deferred"_s << 452
        << u"mx.f.example[192.0.2.3]"_s << u"2026-11-27T10:00:09.000Z"_s << u"452 Mailbox full"_s;
    QTest::newRow("pipe delivery stands for its address")
        << QByteArray("2026-11-27 10:00:11 1rABCN-000133-WX => |/usr/bin/procmail <k@local.example> R=procmail "
                      "T=procmail_pipe")
        << u"k@local.example"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s << u"sent"_s << 0 << QString()
        << u"2026-11-27T10:00:11.000Z"_s << QString();
    QTest::newRow("retry timeout exceeded")
        << QByteArray("2026-11-27 10:00:10 1rABCM-000132-UV ** j@g.example <j@g.example>: retry timeout exceeded")
        << u"j@g.example"_s << u"5.4.7"_s << u"hard"_s << u"expired"_s << u"bounced"_s << 0 << QString()
        << u"2026-11-27T10:00:10.000Z"_s << u"retry timeout exceeded"_s;
}

void TestEximLogParser::parse()
{
    QFETCH(QByteArray, line);
    LogTimeConverter time(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    EximLogParser parser(&time);
    BounceEvent event;
    QString error;
    QCOMPARE(parser.parse(line, &event, &error), LogLineKind::Event);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTEST(event.recipient, "recipient");
    QTEST(event.classification.status, "status");
    QTEST(deliveryClassName(event.classification.cls), "cls");
    QTEST(event.classification.reason, "reason");
    QTEST(event.action, "action");
    QTEST(event.replyCode, "replyCode");
    QTEST(event.remoteMta, "remoteMta");
    QTEST(event.occurredAt.toString(Qt::ISODateWithMs), "occurredAt");
    QFETCH(QString, diagnosticStart);
    QVERIFY2(event.diagnostic.startsWith(diagnosticStart), qPrintable(event.diagnostic));
    QCOMPARE(event.source, BounceSource::Log);
    QCOMPARE(event.fingerprint.size(), 36);
}

void TestEximLogParser::other_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<LogLineKind>("kind");

    QTest::newRow("arrival") << QByteArray("2026-11-27 10:00:00 1rABCD-000123-AB <= sender@ours.example "
                                           "H=localhost [127.0.0.1] P=esmtp S=1234 id=x@y")
                             << LogLineKind::Ignored;
    QTest::newRow("completed") << QByteArray("2026-11-27 10:00:02 1rABCD-000123-AB Completed") << LogLineKind::Ignored;
    QTest::newRow("daemon") << QByteArray("2026-11-27 10:00:00 exim 4.96 daemon started: pid=812, -q30m")
                            << LogLineKind::Ignored;
    QTest::newRow("queue run") << QByteArray("2026-11-27 10:00:00 Start queue run: pid=900") << LogLineKind::Ignored;
    QTest::newRow("rejected RCPT") << QByteArray("2026-11-27 10:00:00 H=x [192.0.2.5] F=<a@b> rejected RCPT <c@d>: "
                                                 "relay not permitted")
                                   << LogLineKind::Ignored;
    QTest::newRow("free text") << QByteArray("this is not a log line") << LogLineKind::Malformed;
    QTest::newRow("syslog line") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, status=sent (x)")
                                 << LogLineKind::Malformed;
    QTest::newRow("binary") << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff\xff\xff\xff\xff"
                                          "\xff\xff\xff\xff",
        22) << LogLineKind::Malformed;
    QTest::newRow("bad date") << QByteArray("2026-13-40 10:00:01 1rABCD-000123-AB ** a@b.example: Unrouteable address")
                              << LogLineKind::Malformed;
    QTest::newRow("cut after the address")
        << QByteArray("2026-11-27 10:00:01 1rABCD-000123-AB == a@b.example") << LogLineKind::Malformed;
    QTest::newRow("blackhole") << QByteArray("2026-11-27 10:00:01 1rABCD-000123-AB => :blackhole: R=blackhole_router")
                               << LogLineKind::Ignored;
    QTest::newRow("cut after the flag") << QByteArray("2026-11-27 10:00:01 1rABCD-000123-AB ==")
                                        << LogLineKind::Ignored;
}

void TestEximLogParser::other()
{
    QFETCH(QByteArray, line);
    LogTimeConverter time(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    EximLogParser parser(&time);
    BounceEvent event;
    QString error;
    QTEST(parser.parse(line, &event, &error), "kind");
    QFETCH(LogLineKind, kind);
    QCOMPARE(error.isEmpty(), kind != LogLineKind::Malformed);
}

void TestEximLogParser::sniffing()
{
    QVERIFY(EximLogParser::isEximLine("2026-11-27 10:00:01 1rABCD-000123-AB Completed", true));
    QVERIFY(EximLogParser::isEximLine("2026-11-27 10:00:01 [12] 1rABCD-00000000123-ABCD Completed", true));
    QVERIFY(!EximLogParser::isEximLine("2026-11-27 10:00:01 Start queue run: pid=900", true));
    QVERIFY(EximLogParser::isEximLine("2026-11-27 10:00:01 Start queue run: pid=900"));
    QVERIFY(!EximLogParser::isEximLine("Nov 27 10:00:01 mx postfix/qmgr[10]: A: removed"));
}

QTEST_GUILESS_MAIN(TestEximLogParser)
#include "tst_eximlogparser.moc"
