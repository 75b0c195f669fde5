#include <QTest>

#include "bounce/linefingerprint.h"
#include "bounce/logtimeconverter.h"
#include "bounce/postfixlogparser.h"

using namespace Mailpulse::Bounce;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Mailpulse::Bounce::LogLineKind)

class TestPostfixLogParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void garbage_data();
    void garbage();
    void yearInference();
    void localTimeZone();
    void zoneFromName_data();
    void zoneFromName();
    void fingerprint();
    void sniffing();
};

namespace
{

constexpr int NotAZone = 1 << 30;

// The log's clock: UTC, last written on 2026-11-27 (so "Nov" is 2026 and "Dec" 2025).
LogTimeConverter utcConverter()
{
    return LogTimeConverter(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
}

} // namespace

void TestPostfixLogParser::parse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("recipient");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("cls");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("replyCode");
    QTest::addColumn<QString>("remoteMta");
    QTest::addColumn<QString>("occurredAt");
    QTest::addColumn<QString>("diagnosticStart");

    QTest::newRow("deferred, lost connection at greeting")
        << QByteArray(
               "Nov 27 10:00:01 mx postfix/smtp[123]: 4F1A2B3C4D: to=<a@b.example>, relay=mx.b.example[192.0.2.1]:25, "
               "delay=1.2, delays=0.1/0/0.5/0.6, dsn=4.4.2, status=deferred (lost connection with "
               "mx.b.example[192.0.2.1] while receiving the initial server greeting)")
        << u"a@b.example"_s << u"b.example"_s << u"4.4.2"_s << u"soft"_s << u"networkerror"_s << u"deferred"_s << 0
        << u"mx.b.example[192.0.2.1]:25"_s << u"2026-11-27T10:00:01.000Z"_s << u"lost connection with mx.b.example"_s;
    QTest::newRow("bounced, user unknown") << QByteArray(
        "Nov 27 10:00:02 mx postfix/smtp[124]: 5A6B7C8D9E: to=<bob@b.example>, relay=mx.b.example[192.0.2.1]:25, "
        "delay=0.9, delays=0.1/0/0.3/0.5, dsn=5.1.1, status=bounced (host mx.b.example[192.0.2.1] said: 550 "
        "5.1.1 <bob@b.example>: Recipient address rejected: User unknown in virtual mailbox table (in "
        "reply to RCPT TO command))") << u"bob@b.example"_s
                                           << u"b.example"_s << u"5.1.1"_s << u"hard"_s << u"userunknown"_s
                                           << u"bounced"_s << 550 << u"mx.b.example[192.0.2.1]:25"_s
                                           << u"2026-11-27T10:00:02.000Z"_s << u"550 5.1.1 <bob@b.example>"_s;
    QTest::newRow("sent") << QByteArray("Nov 27 10:00:03 mx postfix/smtp[125]: 1B2C3D4E5F: to=<carol@gmail.com>, "
                                        "relay=gmail-smtp-in.l.google.com[2a00:1450:400c:c0b::1a]:25, delay=0.61, "
                                        "delays=0.01/0/0.21/0.39, dsn=2.0.0, status=sent (250 2.0.0 OK  1764237601 "
                                        "a640c23a62f3a-b76bsi1234567 - gsmtp)")
                          << u"carol@gmail.com"_s << u"gmail.com"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s
                          << u"sent"_s << 250 << u"gmail-smtp-in.l.google.com[2a00:1450:400c:c0b::1a]:25"_s
                          << u"2026-11-27T10:00:03.000Z"_s << u"250 2.0.0 OK"_s;
    QTest::newRow("RFC 3339 timestamp with offset")
        << QByteArray("2026-11-27T12:00:01.123456+02:00 mx postfix/smtp[1]: ABCDEF: to=<d@c.example>, relay=none, "
                      "delay=0.1, delays=0.1/0/0/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name "
                      "service error for name=c.example type=MX: Host not found)")
        << u"d@c.example"_s << u"c.example"_s << u"5.4.4"_s << u"hard"_s << u"hostunknown"_s << u"bounced"_s << 0
        << QString() << u"2026-11-27T10:00:01.123Z"_s << u"Host or domain name not found"_s;
    QTest::newRow("RFC 3339 UTC, long queue id, multi-instance")
        << QByteArray("2026-11-27T10:00:01Z mx postfix-out/smtp[77]: 4dLqKp3Xz7z9vYc: to=<e@d.example>, "
                      "relay=mx.d.example[198.51.100.5]:25, delay=3, delays=0/0/3/0, dsn=4.7.1, status=deferred "
                      "(host mx.d.example[198.51.100.5] said: 450 4.7.1 <e@d.example>: Recipient address "
                      "rejected: Greylisted, see https://postgrey.schweikert.ch/help/d.example.html (in reply to "
                      "RCPT TO command))")
        << u"e@d.example"_s << u"d.example"_s << u"4.7.1"_s << u"soft"_s << u"greylisted"_s << u"deferred"_s << 450
        << u"mx.d.example[198.51.100.5]:25"_s << u"2026-11-27T10:00:01.000Z"_s << u"450 4.7.1"_s;
    QTest::newRow("expired") << QByteArray(
        "Nov 27 10:00:04 mx postfix/smtp[126]: 2C3D4E5F6A: to=<f@e.example>, relay=none, delay=432000, "
        "delays=431990/0.01/10/0, dsn=4.4.1, status=expired (connect to mx.e.example[203.0.113.9]:25: "
        "Connection timed out)")
                             << u"f@e.example"_s << u"e.example"_s << u"4.4.1"_s << u"soft"_s << u"expired"_s
                             << u"expired"_s << 0 << QString() << u"2026-11-27T10:00:04.000Z"_s
                             << u"connect to mx.e.example"_s;
    QTest::newRow("space-padded day, December of last year")
        << QByteArray(
               "Dec  7 23:59:59 mx postfix/smtp[9]: ABC123: to=<g@f.example>, relay=mx.f.example[192.0.2.7]:25, "
               "delay=1, delays=0/0/0/1, dsn=5.2.2, status=bounced (host mx.f.example[192.0.2.7] said: 552 5.2.2 "
               "Mailbox full (in reply to RCPT TO command))")
        << u"g@f.example"_s << u"f.example"_s << u"5.2.2"_s << u"hard"_s << u"mailboxfull"_s << u"bounced"_s << 552
        << u"mx.f.example[192.0.2.7]:25"_s << u"2025-12-07T23:59:59.000Z"_s << u"552 5.2.2 Mailbox full"_s;
    QTest::newRow("domain lower-cased, local part kept")
        << QByteArray("Nov 27 10:00:05 mx postfix/smtp[1]: D1: to=<John.Doe@Mail.EXAMPLE.org>, relay=mx[192.0.2.9]:25, "
                      "delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 Ok)")
        << u"John.Doe@mail.example.org"_s << u"mail.example.org"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s
        << u"sent"_s << 250 << u"mx[192.0.2.9]:25"_s << u"2026-11-27T10:00:05.000Z"_s << u"250 Ok"_s;
    QTest::newRow("quoted local part with comma, orig_to, lmtp relay")
        << QByteArray("Nov 27 10:00:06 mx postfix/lmtp[3]: E2: to=<\"smith, j\"@h.example>, orig_to=<js@h.example>, "
                      "relay=mail.h.example[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent "
                      "(250 2.0.0 <\"smith, j\"@h.example> abcdef Saved)")
        << u"\"smith, j\"@h.example"_s << u"h.example"_s << u"2.0.0"_s << u"success"_s << u"accepted"_s << u"sent"_s
        << 250 << u"mail.h.example[private/dovecot-lmtp]"_s << u"2026-11-27T10:00:06.000Z"_s << u"250 2.0.0"_s;
    QTest::newRow("blocked, refused to talk")
        << QByteArray(
               "Nov 27 10:00:07 mx postfix/smtp[5]: F3: to=<h@i.example>, relay=mx.i.example[192.0.2.10]:25, "
               "delay=0.3, delays=0/0/0.3/0, dsn=5.7.1, status=bounced (host mx.i.example[192.0.2.10] refused to "
               "talk to me: 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using "
               "zen.spamhaus.org)")
        << u"h@i.example"_s << u"i.example"_s << u"5.7.1"_s << u"hard"_s << u"blocked"_s << u"bounced"_s << 554
        << u"mx.i.example[192.0.2.10]:25"_s << u"2026-11-27T10:00:07.000Z"_s << u"554 5.7.1 Service unavailable"_s;
    QTest::newRow("truncated text keeps what there is")
        << QByteArray(
               "Nov 27 10:00:08 mx postfix/smtp[5]: F4: to=<i@j.example>, relay=mx.j.example[192.0.2.11]:25, "
               "delay=0.3, delays=0/0/0.3/0, dsn=4.4.2, status=deferred (conversation with mx.j.example[192.0.2.11] "
               "timed out while")
        << u"i@j.example"_s << u"j.example"_s << u"4.4.2"_s << u"soft"_s << u"networkerror"_s << u"deferred"_s << 0
        << u"mx.j.example[192.0.2.11]:25"_s << u"2026-11-27T10:00:08.000Z"_s << u"(conversation with"_s;
    QTest::newRow("non-UTF-8 text") << QByteArray(
        "Nov 27 10:00:09 mx postfix/smtp[5]: F5: to=<k@l.example>, relay=mx.l.example[192.0.2.12]:25, "
        "delay=0.3, delays=0/0/0.3/0, dsn=5.1.1, status=bounced (host mx.l.example[192.0.2.12] said: 550 "
        "5.1.1 Benutzer \xfc\xe4 unbekannt (in reply to RCPT TO command))")
                                    << u"k@l.example"_s << u"l.example"_s << u"5.1.1"_s << u"hard"_s << u"userunknown"_s
                                    << u"bounced"_s << 550 << u"mx.l.example[192.0.2.12]:25"_s
                                    << u"2026-11-27T10:00:09.000Z"_s << u"550 5.1.1 Benutzer"_s;
}

void TestPostfixLogParser::parse()
{
    QFETCH(QByteArray, line);
    LogTimeConverter time = utcConverter();
    PostfixLogParser parser(&time);
    BounceEvent event;
    QString error;
    QCOMPARE(parser.parse(line, &event, &error), LogLineKind::Event);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTEST(event.recipient, "recipient");
    QTEST(event.domain, "domain");
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
    QVERIFY(event.fingerprint.startsWith(u"log:"_s));
    QCOMPARE(event.fingerprint.size(), 36);
}

void TestPostfixLogParser::garbage_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<LogLineKind>("kind");

    QTest::newRow("other program") << QByteArray("Nov 27 10:00:01 mx dovecot[812]: imap-login: Login: user=<a>, "
                                                 "status=ok")
                                   << LogLineKind::Ignored;
    QTest::newRow("qmgr") << QByteArray("Nov 27 10:00:01 mx postfix/qmgr[10]: 4F1A2B3C4D: from=<a@b.example>, "
                                        "size=1234, nrcpt=1 (queue active)")
                          << LogLineKind::Ignored;
    QTest::newRow("message expired, no recipient") << QByteArray(
        "Nov 27 10:00:01 mx postfix/qmgr[10]: 4F1A2B3C4D: from=<a@b.example>, status=expired, "
        "returned to sender") << LogLineKind::Ignored;
    QTest::newRow("address verification")
        << QByteArray("Nov 27 10:00:01 mx postfix/smtp[10]: 4F1A: to=<a@b.example>, relay=mx[192.0.2.1]:25, "
                      "delay=1, delays=0/0/0/1, dsn=2.1.5, status=deliverable (250 2.1.5 Ok)")
        << LogLineKind::Ignored;
    QTest::newRow("NOQUEUE reject") << QByteArray("Nov 27 10:00:01 mx postfix/smtpd[11]: NOQUEUE: reject: RCPT from "
                                                  "x[192.0.2.2]: 554 5.7.1 <a@b>: Relay access denied; from=<x@y> "
                                                  "to=<a@b> proto=ESMTP helo=<x>")
                                    << LogLineKind::Ignored;
    QTest::newRow("free text") << QByteArray("hello world, status=sent") << LogLineKind::Malformed;
    QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff\xfe status=bounced", 20) << LogLineKind::Malformed;
    QTest::newRow("bad month") << QByteArray("Foo 27 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, status=sent (x)")
                               << LogLineKind::Malformed;
    QTest::newRow("bad clock") << QByteArray("Nov 27 25:61:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, "
                                             "status=sent (x)")
                               << LogLineKind::Malformed;
    QTest::newRow("29 February in a common year")
        << QByteArray("Feb 29 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)")
        << LogLineKind::Malformed;
    QTest::newRow("cut before status") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A1: to=<a@b.example>, "
                                                     "relay=mx[192.0.2.1]:25, dela")
                                       << LogLineKind::Malformed;
    QTest::newRow("cut in recipient") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A1: to=<a@b.exa status=x")
                                      << LogLineKind::Malformed;
    QTest::newRow("unknown status") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A1: to=<a@b.example>, "
                                                  "relay=x, dsn=4.0.0, status=defer")
                                    << LogLineKind::Malformed;
    QTest::newRow("invalid dsn") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A1: to=<a@b.example>, relay=x, "
                                               "dsn=9.9, status=bounced (x)")
                                 << LogLineKind::Malformed;
    QTest::newRow("empty recipient") << QByteArray("Nov 27 10:00:01 mx postfix/smtp[1]: A1: to=<>, relay=x, "
                                                   "dsn=5.0.0, status=bounced (x)")
                                     << LogLineKind::Malformed;
    QTest::newRow("only a timestamp") << QByteArray("Nov 27 10:00:01") << LogLineKind::Malformed;
    QTest::newRow("RFC 3339 with a bad offset")
        << QByteArray("2026-11-27T10:00:01+2:00 mx postfix/smtp[1]: A1: to=<a@b>, status=sent (x)")
        << LogLineKind::Malformed;
}

void TestPostfixLogParser::garbage()
{
    QFETCH(QByteArray, line);
    LogTimeConverter time = utcConverter();
    PostfixLogParser parser(&time);
    BounceEvent event;
    QString error;
    QTEST(parser.parse(line, &event, &error), "kind");
    QFETCH(LogLineKind, kind);
    QCOMPARE(error.isEmpty(), kind != LogLineKind::Malformed);
}

void TestPostfixLogParser::yearInference()
{
    // A file last written on 2 January: its December lines are from the year before.
    LogTimeConverter january(QTimeZone::utc(), QDateTime(QDate(2027, 1, 2), QTime(3, 0), Qt::UTC));
    QCOMPARE(january.inferYear(12), 2026);
    QCOMPARE(january.inferYear(1), 2027);
    // Same month, a later day (a clock a little ahead): still this year.
    LogTimeConverter november(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    QCOMPARE(november.inferYear(11), 2026);
    QCOMPARE(november.inferYear(12), 2025);
    QCOMPARE(november.inferYear(1), 2026);

    PostfixLogParser parser(&january);
    BounceEvent event;
    QCOMPARE(parser.parse("Dec 31 23:59:59 mx postfix/smtp[1]: A1: to=<a@b.example>, relay=x, dsn=2.0.0, status=sent "
                          "(250 ok)",
                 &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt, QDateTime(QDate(2026, 12, 31), QTime(23, 59, 59), Qt::UTC));
    QCOMPARE(parser.parse("Jan  1 00:00:01 mx postfix/smtp[1]: A2: to=<a@b.example>, relay=x, dsn=2.0.0, status=sent "
                          "(250 ok)",
                 &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt, QDateTime(QDate(2027, 1, 1), QTime(0, 0, 1), Qt::UTC));

    // 29 February exists in a leap year.
    LogTimeConverter leap(QTimeZone::utc(), QDateTime(QDate(2028, 3, 1), QTime(0, 0), Qt::UTC));
    PostfixLogParser leapParser(&leap);
    QCOMPARE(leapParser.parse(
                 "Feb 29 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)", &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt.date(), QDate(2028, 2, 29));
}

void TestPostfixLogParser::localTimeZone()
{
    // Syslog writes local time: Berlin is UTC+1 in November and UTC+2 in July.
    const QTimeZone berlin("Europe/Berlin");
    if (!berlin.isValid())
        QSKIP("no time zone database");
    LogTimeConverter time(berlin, QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    PostfixLogParser parser(&time);
    BounceEvent event;
    QCOMPARE(
        parser.parse("Nov 27 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)", &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt, QDateTime(QDate(2026, 11, 27), QTime(9, 0, 1), Qt::UTC));
    QCOMPARE(
        parser.parse("Jul 14 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)", &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt, QDateTime(QDate(2026, 7, 14), QTime(8, 0, 1), Qt::UTC));
    // An explicit offset wins over the zone.
    QCOMPARE(parser.parse(
                 "2026-07-14T10:00:01Z mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)", &event),
        LogLineKind::Event);
    QCOMPARE(event.occurredAt, QDateTime(QDate(2026, 7, 14), QTime(10, 0, 1), Qt::UTC));
}

void TestPostfixLogParser::zoneFromName_data()
{
    // The zone's offset from UTC on 2026-11-27; NotAZone: none.
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("offsetSecs");
    QTest::newRow("utc") << u"UTC"_s << 0;
    QTest::newRow("utc lower") << u"utc"_s << 0;
    QTest::newRow("z") << u"Z"_s << 0;
    QTest::newRow("gmt") << u"GMT"_s << 0;
    QTest::newRow("+02:00") << u"+02:00"_s << 7200;
    QTest::newRow("-0530") << u"-0530"_s << -19800;
    QTest::newRow("+2") << u"+2"_s << 7200;
    QTest::newRow("UTC+01:00") << u"UTC+01:00"_s << 3600;
    QTest::newRow("GMT-3") << u"GMT-3"_s << -10800;
    QTest::newRow("+14:00") << u"+14:00"_s << 50400;
    QTest::newRow("spaces") << u" +01:00 "_s << 3600;
    QTest::newRow("berlin") << u"Europe/Berlin"_s << 3600;
    QTest::newRow("new york") << u"America/New_York"_s << -18000;
    QTest::newRow("empty") << QString() << NotAZone;
    QTest::newRow("unknown") << u"Mars/Olympus_Mons"_s << NotAZone;
    QTest::newRow("+15") << u"+15"_s << NotAZone;
    QTest::newRow("+02:60") << u"+02:60"_s << NotAZone;
    QTest::newRow("+2:0") << u"+2:0"_s << NotAZone;
    QTest::newRow("+123") << u"+123"_s << NotAZone;
    QTest::newRow("+aa") << u"+aa"_s << NotAZone;
    QTest::newRow("sign only") << u"+"_s << NotAZone;
}

void TestPostfixLogParser::zoneFromName()
{
    QFETCH(QString, name);
    QFETCH(int, offsetSecs);
    const std::optional<QTimeZone> zone = LogTimeConverter::zoneFromName(name);
    if (offsetSecs == NotAZone) {
        QVERIFY2(!zone, qPrintable(name));
        return;
    }
    if (!zone && name.contains(u'/'))
        QSKIP("no time zone database");
    QVERIFY2(zone && zone->isValid(), qPrintable(name));
    QCOMPARE(zone->offsetFromUtc(QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC)), offsetSecs);
    QVERIFY(LogTimeConverter::zoneFromName(u"local"_s) == QTimeZone::systemTimeZone());
}

void TestPostfixLogParser::fingerprint()
{
    // MurmurHash3 x64/128 reference values: the keys in existing stores depend on them never changing.
    quint64 h1 = 1;
    quint64 h2 = 1;
    LineFingerprint::hash128("", &h1, &h2);
    QCOMPARE(h1, 0u);
    QCOMPARE(h2, 0u);
    LineFingerprint::hash128("hello", &h1, &h2);
    QCOMPARE(h1, 0xcbd8a7b341bd9b02ULL);
    QCOMPARE(h2, 0x5b1e906a48ae1d19ULL);

    const QByteArray a = "Nov 27 10:00:01 mx postfix/smtp[1]: A: to=<a@b>, relay=x, dsn=2.0.0, status=sent (x)";
    QByteArray b = a;
    b[10] = '2';
    QCOMPARE(LineFingerprint::of(a), LineFingerprint::of(a));
    QVERIFY(LineFingerprint::of(a) != LineFingerprint::of(b));
    QCOMPARE(LineFingerprint::of(a).size(), 36);
}

void TestPostfixLogParser::sniffing()
{
    QVERIFY(PostfixLogParser::isPostfixLine("Nov 27 10:00:01 mx postfix/qmgr[10]: A: removed"));
    QVERIFY(PostfixLogParser::isPostfixLine("2026-11-27T10:00:01.5+01:00 mx postfix/smtpd[10]: connect from x"));
    QVERIFY(!PostfixLogParser::isPostfixLine("Nov 27 10:00:01 mx dovecot[1]: imap-login: x"));
    QVERIFY(PostfixLogParser::isSyslogLine("Nov 27 10:00:01 mx dovecot[1]: imap-login: x"));
    QVERIFY(!PostfixLogParser::isSyslogLine("2026-11-27 10:00:01 1rABCD-000123-AB <= a@b.example"));
    QVERIFY(!PostfixLogParser::isSyslogLine("Received: from x"));
}

QTEST_GUILESS_MAIN(TestPostfixLogParser)
#include "tst_postfixlogparser.moc"
