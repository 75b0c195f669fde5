#include <QElapsedTimer>
#include <QTest>

#include "bounce/dsnparser.h"
#include "common/resourceusage.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;
using namespace Qt::StringLiterals;

namespace
{

// A Postfix-style RFC 3464 report with two recipients, LF line endings.
const char *const PostfixDsn = R"(Return-Path: <>
Date: Thu, 29 Apr 2013 23:45:32 +0900 (JST)
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sender@example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="B0UND"
Message-Id: <20130429234532.1@mx.example.net>

--B0UND
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

<nobody@Example.COM>: host mx.example.com[192.0.2.1] said: 550 5.1.1
    <nobody@example.com>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

<full@example.com>: host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full
    (in reply to RCPT TO command)

--B0UND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Thu, 29 Apr 2013 23:45:30 +0900 (JST)

Final-Recipient: rfc822; nobody@Example.COM
Original-Recipient: rfc822;nobody@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address
    rejected: User unknown
Last-Attempt-Date: Thu, 29 Apr 2013 23:45:31 +0900 (JST)

Final-Recipient: rfc822; full@example.com
Action: delayed
Status: 4.2.2
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
Will-Retry-Until: Fri, 30 Apr 2013 23:45:31 +0900 (JST)

--B0UND
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: sender@example.org
To: nobody@example.com, full@example.com
Subject: hello

hello
--B0UND--
)";

QByteArray withLineEndings(const char *text, const char *eol)
{
    QByteArray out(text);
    out.replace("\n", eol);
    return out;
}

// A multipart nest `depth` levels deep, each level a multipart/mixed with its own boundary.
QByteArray nestedMultipart(int depth)
{
    QByteArray head = "From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n";
    QByteArray tail;
    for (int i = 0; i < depth; ++i) {
        head += "Content-Type: multipart/mixed; boundary=\"b" + QByteArray::number(i) + "\"\n\n--b"
            + QByteArray::number(i) + "\n";
        tail.prepend("\n--b" + QByteArray::number(i) + "--\n");
    }
    return head + "Content-Type: text/plain\n\nleaf\n" + tail;
}

// A one-recipient RFC 3464 report: `fields` are the recipient's DSN fields, `notice` the human-readable part.
QByteArray oneRecipientDsn(const QByteArray &fields, const QByteArray &notice = "The mail system\n",
    const QByteArray &reportingMta = "mx.example.net")
{
    return "From: MAILER-DAEMON@mx.example.net\nTo: s@example.org\nSubject: Undelivered Mail Returned to Sender\n"
           "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
           "--B\nContent-Type: text/plain\n\n"
        + notice + "\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; " + reportingMta + "\n\n"
        + fields + "\n--B--\n";
}

} // namespace

class TestDsnParser : public QObject
{
    Q_OBJECT

private slots:
    void rfc3464Report();
    void lineEndings_data();
    void lineEndings();
    void fingerprintsAreStable();
    void globalDeliveryStatus();
    void delayNotices_data();
    void delayNotices();
    void reportFieldsAmongOthers();
    void base64AndCharsets();
    void plainTextBounces_data();
    void plainTextBounces();
    void recipientRules_data();
    void recipientRules();
    void paragraphAboutOthers();
    void notBounces_data();
    void notBounces();
    void badInput_data();
    void badInput();
    void deepNesting();
    void hugeLineWithoutNewline();
};

void TestDsnParser::rfc3464Report()
{
    const ParsedMail mail = DsnParser::parse(PostfixDsn, QStringLiteral("test.eml"));
    QVERIFY2(mail.error.isEmpty(), qPrintable(mail.error));
    QVERIFY(mail.isBounce);
    QCOMPARE(mail.events.size(), 2);

    const BounceEvent &a = mail.events[0];
    QCOMPARE(a.recipient, QStringLiteral("nobody@example.com")); // domain lower-cased
    QCOMPARE(a.domain, QStringLiteral("example.com"));
    QCOMPARE(a.classification.status, QStringLiteral("5.1.1"));
    QCOMPARE(a.classification.cls, DeliveryClass::Hard);
    QCOMPARE(a.classification.reason, QStringLiteral("userunknown"));
    QCOMPARE(a.action, QStringLiteral("failed"));
    QCOMPARE(a.replyCode, 550);
    QCOMPARE(a.remoteMta, QStringLiteral("mx.example.com"));
    QVERIFY(a.diagnostic.contains(QStringLiteral("Recipient address rejected: User unknown"))); // continuation joined
    QCOMPARE(a.source, BounceSource::Dsn);
    QCOMPARE(a.occurredAt, QDateTime(QDate(2013, 4, 29), QTime(14, 45, 31), Qt::UTC)); // Last-Attempt-Date
    QVERIFY(a.sourceRef.startsWith(QStringLiteral("test.eml")));

    const BounceEvent &b = mail.events[1];
    QCOMPARE(b.recipient, QStringLiteral("full@example.com"));
    QCOMPARE(b.classification.status, QStringLiteral("4.2.2"));
    QCOMPARE(b.classification.cls, DeliveryClass::Soft);
    QCOMPARE(b.classification.reason, QStringLiteral("mailboxfull")); // a delay whose code names its cause
    QCOMPARE(b.action, QStringLiteral("delayed"));
    QCOMPARE(b.occurredAt, QDateTime(QDate(2013, 4, 29), QTime(14, 45, 30), Qt::UTC)); // Arrival-Date
    QVERIFY(a.fingerprint != b.fingerprint);
}

void TestDsnParser::lineEndings_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("LF") << withLineEndings(PostfixDsn, "\n");
    QTest::newRow("CRLF") << withLineEndings(PostfixDsn, "\r\n");
    QTest::newRow("CR only") << withLineEndings(PostfixDsn, "\r");
}

void TestDsnParser::lineEndings()
{
    QFETCH(QByteArray, raw);
    const ParsedMail reference = DsnParser::parse(PostfixDsn, QStringLiteral("x"));
    const ParsedMail mail = DsnParser::parse(raw, QStringLiteral("x"));
    QCOMPARE(mail.events.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(mail.events[i].recipient, reference.events[i].recipient);
        QCOMPARE(mail.events[i].classification, reference.events[i].classification);
        QCOMPARE(mail.events[i].diagnostic, reference.events[i].diagnostic);
        QCOMPARE(mail.events[i].fingerprint, reference.events[i].fingerprint); // the same mail, whatever its EOLs
    }
}

void TestDsnParser::fingerprintsAreStable()
{
    const ParsedMail once = DsnParser::parse(PostfixDsn, QStringLiteral("a.eml"));
    const ParsedMail again = DsnParser::parse(PostfixDsn, QStringLiteral("elsewhere/b.eml"));
    QCOMPARE(once.events.size(), again.events.size());
    for (qsizetype i = 0; i < once.events.size(); ++i) {
        QVERIFY(!once.events[i].fingerprint.isEmpty());
        QCOMPARE(once.events[i].fingerprint, again.events[i].fingerprint);
    }
    QByteArray other(PostfixDsn);
    other.replace("Subject: hello", "Subject: another mail");
    QVERIFY(DsnParser::parse(other, QString()).events[0].fingerprint != once.events[0].fingerprint);
    // The values earlier imports stored (SHA-1 of the mail, checked with Python's hashlib): computing fingerprints
    // only when asked must not change them.
    QCOMPARE(once.events[0].fingerprint, QStringLiteral("dsn:6e41e5d409d340669009345a:nobody@example.com:0"));
    QCOMPARE(once.events[1].fingerprint, QStringLiteral("dsn:6e41e5d409d340669009345a:full@example.com:0"));
    const ParsedMail skipped = DsnParser::parse(PostfixDsn, QStringLiteral("a.eml"), DsnParser::Fingerprints::Skip);
    QCOMPARE(skipped.events.size(), once.events.size());
    for (qsizetype i = 0; i < once.events.size(); ++i) {
        QVERIFY(skipped.events[i].fingerprint.isEmpty());
        QCOMPARE(skipped.events[i].recipient, once.events[i].recipient);
        QCOMPARE(skipped.events[i].classification.status, once.events[i].classification.status);
        QCOMPARE(skipped.events[i].classification.reason, once.events[i].classification.reason);
        QCOMPARE(skipped.events[i].diagnostic, once.events[i].diagnostic);
        QCOMPARE(skipped.events[i].occurredAt, once.events[i].occurredAt);
        QCOMPARE(skipped.events[i].sourceRef, once.events[i].sourceRef);
    }
}

void TestDsnParser::globalDeliveryStatus()
{
    // RFC 6533: UTF-8 addresses in message/global-delivery-status.
    const QByteArray raw = "From: MAILER-DAEMON@example.net\nTo: s@example.org\nSubject: Undelivered\n"
                           "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=global-delivery-status;"
                           " boundary=XX\n\n--XX\nContent-Type: text/plain\n\nFailed.\n--XX\n"
                           "Content-Type: message/global-delivery-status\n\nReporting-MTA: dns; example.net\n\n"
                           "Final-Recipient: utf-8; \xc3\xbcser@b\xc3\xbc\x63her.example\nAction: failed\n"
                           "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n--XX--\n";
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QCOMPARE(mail.events.size(), 1);
    QCOMPARE(mail.events[0].recipient, QStringLiteral(u"üser@bücher.example"));
    QCOMPARE(mail.events[0].classification.reason, QStringLiteral("userunknown"));
}

// A delay notice (Action: delayed) is expired, the message not delivered in the time the sender's MTA announces,
// unless its status code names another cause; as Sisimai 4.25 reads the same reports (the Postfix ones as Postfix
// writes them, see tst_postfix_maillog).
void TestDsnParser::delayNotices_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QByteArray>("diagnostic");
    QTest::addColumn<QString>("reason");
    QTest::newRow("lost connection") << QByteArray("4.4.2")
                                     << QByteArray("X-Postfix; lost connection with mx.example.com[192.0.2.1] while "
                                                   "receiving the initial server greeting")
                                     << u"networkerror"_s;
    QTest::newRow("mailbox full") << QByteArray("4.2.2") << QByteArray("smtp; 452 4.2.2 Mailbox full")
                                  << u"mailboxfull"_s;
    QTest::newRow("no answer from host") << QByteArray(
        "4.4.1") << QByteArray("X-Postfix; connect to mx.example.com[192.0.2.1]:25: Connection refused")
                                         << u"expired"_s;
    QTest::newRow("other network status")
        << QByteArray("4.4.0") << QByteArray("X-Postfix; delivery deferred") << u"expired"_s;
    QTest::newRow("greylisted") << QByteArray("4.2.0") << QByteArray("smtp; 450 4.2.0 Greylisted, try again later")
                                << u"expired"_s;
    QTest::newRow("class only") << QByteArray("4.0.0") << QByteArray("smtp; 421 4.0.0 Server closing connection")
                                << u"expired"_s;
}

void TestDsnParser::delayNotices()
{
    QFETCH(QByteArray, status);
    QFETCH(QByteArray, diagnostic);
    const QByteArray raw = oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: " + status
        + "\nDiagnostic-Code: " + diagnostic + '\n');
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QCOMPARE(mail.events.size(), 1);
    QCOMPARE(mail.events[0].action, u"delayed"_s);
    QCOMPARE(mail.events[0].classification.status, QString::fromLatin1(status));
    QCOMPARE(mail.events[0].classification.cls, DeliveryClass::Soft);
    QTEST(mail.events[0].classification.reason, "reason");
}

// The report's fields that bounce reading keeps are found whatever the case of their names, among others it does
// not keep: an unknown field's continuation lines stay its own, a group of unknown fields only is still the
// per-message group (its Arrival-Date is the first group's, here none), and a name with a character that only
// folds to a letter (U+017F LONG S in "Status") is not a field bounce reading knows.
void TestDsnParser::reportFieldsAmongOthers()
{
    const QByteArray raw = "From: MAILER-DAEMON@mx.example.net\nTo: s@example.org\nSubject: Undelivered\n"
                           "Date: Thu, 29 Apr 2013 23:45:32 +0000\nMIME-Version: 1.0\n"
                           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                           "--B\nContent-Type: text/plain\n\nThe mail system\n\n"
                           "--B\nContent-Type: message/delivery-status\n\n"
                           "X-Postfix-Queue-ID: 4ABC\n\n"
                           "Arrival-Date: Mon, 1 Jan 2001 00:00:00 +0000\n\n"
                           "FINAL-RECIPIENT: rfc822; a@example.com\n"
                           "X-Unknown: one\n"
                           "  two: 5.7.1\n"
                           "aCtIoN: failed\n"
                           "\xc5\xbf"
                           "tatus: 4.4.7\n"
                           "Status: 5.1.1\n"
                           "X-Other: x\n"
                           "  Diagnostic-Code: smtp; 552 mailbox full\n"
                           "Diagnostic-Code: smtp; 550 5.1.1 no such user\n"
                           "Remote-MTA: dns; mx.example.com\n"
                           "--B--\n";
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QCOMPARE(mail.events.size(), 1);
    const BounceEvent &e = mail.events[0];
    QCOMPARE(e.recipient, QStringLiteral("a@example.com"));
    QCOMPARE(e.action, QStringLiteral("failed"));
    QCOMPARE(e.classification.status, QStringLiteral("5.1.1"));
    QCOMPARE(e.classification.reason, QStringLiteral("userunknown"));
    QCOMPARE(e.diagnostic, QStringLiteral("550 5.1.1 no such user"));
    QCOMPARE(e.remoteMta, QStringLiteral("mx.example.com"));
    QCOMPARE(e.occurredAt, QDateTime(QDate(2013, 4, 29), QTime(23, 45, 32), Qt::UTC)); // the mail's Date
}

void TestDsnParser::base64AndCharsets()
{
    // A base64 delivery-status part, and an ISO-8859-1 quoted-printable notice.
    const QByteArray status = "Reporting-MTA: dns; example.net\n\nFinal-Recipient: rfc822; u@example.com\n"
                              "Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\n";
    const QByteArray raw
        = "From: MAILER-DAEMON@example.net\nTo: s@example.org\nSubject: Unzustellbar\n"
          "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
          " boundary=XX\n\n--XX\nContent-Type: text/plain; charset=iso-8859-1\n"
          "Content-Transfer-Encoding: quoted-printable\n\nZustellung fehlgeschlagen: Postfach =FCberf=FCllt\n"
          "--XX\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
        + status.toBase64() + "\n--XX--\n";
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QCOMPARE(mail.events.size(), 1);
    QCOMPARE(mail.events[0].classification.status, QStringLiteral("5.2.2"));
    QCOMPARE(mail.events[0].classification.reason, QStringLiteral("mailboxfull"));

    // An unknown charset is read as UTF-8 or Latin-1, never a failure.
    QByteArray unknown = raw;
    unknown.replace("charset=iso-8859-1", "charset=x-no-such-charset");
    const ParsedMail still = DsnParser::parse(unknown, QString());
    QCOMPARE(still.events.size(), 1);
    QVERIFY(still.error.isEmpty());
}

void TestDsnParser::plainTextBounces_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("recipient");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("reason");

    QTest::newRow("qmail") << QByteArray(
        "From: MAILER-DAEMON@example.net\nTo: s@example.org\nSubject: failure notice\n\n"
        "Hi. This is the qmail-send program at example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        "<nobody@example.com>:\n192.0.2.1 does not like recipient.\n"
        "Remote host said: 550 5.1.1 <nobody@example.com>: Recipient address rejected: "
        "User unknown\nGiving up on 192.0.2.1.\n\n"
        "--- Below this line is a copy of the message.\n\nTo: other@example.com\n")
                           << QStringLiteral("nobody@example.com") << QStringLiteral("5.1.1")
                           << QStringLiteral("userunknown");
    // An HTML-only notice: tags dropped (a breaking one ends the line), entities decoded, in one pass; a "<" with
    // no ">" after it is text. The text/plain part of the returned original does not count as the notice's.
    QTest::newRow("html only") << QByteArray(
        "From: postmaster@example.net\nTo: s@example.org\nSubject: Undeliverable\n"
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "<html><body><p style=3D\"x\">Delivery to the following recipient failed permanently:</p><div>&nbsp;=\n"
        "&lt;<b>gone@example.com</b>&gt;</div><p>Technical details: 550 5.1.1 The email account that you tri=\n"
        "ed to reach does not exist &amp; never did; a<b</p></body></html>\n"
        "--b\nContent-Type: message/rfc822\n\nFrom: s@example.org\nTo: other@example.com\n"
        "Content-Type: text/plain\n\nhello other@example.com\n--b--\n")
                               << QStringLiteral("gone@example.com") << QStringLiteral("5.1.1")
                               << QStringLiteral("userunknown");
    QTest::newRow("exim") << QByteArray(
        "From: Mail Delivery System <Mailer-Daemon@example.net>\nTo: s@example.org\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "X-Failed-Recipients: box@example.com\n\n"
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        "  box@example.com\n    SMTP error from remote mail server after RCPT TO:<box@example.com>:\n"
        "    host mx.example.com [192.0.2.1]: 552 5.2.2 Mailbox full\n\n"
        "------ This is a copy of the message, including all the headers. ------\n")
                          << QStringLiteral("box@example.com") << QStringLiteral("5.2.2")
                          << QStringLiteral("mailboxfull");
    // Lines that only look like a code ("Size (in bytes): 222") do not keep the notice's error paragraph away. The
    // envelope listing ("RCPT TO: a@x") does not say the refusal came at RCPT: an unknown user at an unknown stage
    // is a filter's answer.
    QTest::newRow("message details") << QByteArray(
        "From: postmaster@example.net\nTo: s@example.org\nSubject: Undeliverable\n\n"
        "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n\n"
        "Message details:\n  RCPT TO: gone@example.com\n  From: s@example.org\n  Size (in bytes): 222\n")
                                     << QStringLiteral("gone@example.com") << QStringLiteral("5.1.1")
                                     << QStringLiteral("filtered");
    QTest::newRow("rcpt in the dialogue")
        << QByteArray("From: postmaster@example.net\nTo: s@example.org\nSubject: Undeliverable\n\n"
                      "<gone@example.com>: 550 No such user here (in reply to RCPT TO command)\n")
        << QStringLiteral("gone@example.com") << QStringLiteral("5.1.1") << QStringLiteral("userunknown");
    // A refusal in reply to MAIL FROM is about the sender, even in the words of an unknown address.
    QTest::newRow("refused at MAIL FROM")
        << QByteArray("From: Mail Delivery System <Mailer-Daemon@example.net>\nTo: s@example.org\n"
                      "Subject: Mail delivery failed: returning message to sender\n\n"
                      "A message that you sent could not be delivered to one or more of its\n"
                      "recipients. This is a permanent error. The following address(es) failed:\n\n"
                      "  box@example.com\n    host mx.example.com [192.0.2.1]\n"
                      "    SMTP error from remote mail server after MAIL FROM:<s@example.org> SIZE=1022:\n"
                      "    553 5.1.0 no such user\n")
        << QStringLiteral("box@example.com") << QStringLiteral("5.1.0") << QStringLiteral("rejected");
    // Only the returned message names the recipient, but the notice states an error that names no cause: onhold.
    QTest::newRow("notice error without a cause") << QByteArray(
        "From: Mail Delivery Subsystem <mailer-daemon@example.net>\nTo: s@example.org\n"
        "Subject: Delivery Status Notification (Failure)\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
        "--B\nContent-Type: text/plain\n\n** Message not delivered **\n\nThe response was:\n\n"
        "Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability\n\n"
        "--B\nContent-Type: message/rfc822\n\nFrom: s@example.org\nTo: list@example.com\nSubject: hi\n\nhi\n--B--\n")
                                                  << QStringLiteral("list@example.com") << QStringLiteral("5.0.0")
                                                  << QStringLiteral("onhold");
    // The recipient is named only in a header: nothing of its own to read, undefined (not onhold).
    QTest::newRow("x-failed-recipients only")
        << QByteArray("From: postmaster@example.net\nTo: s@example.org\nSubject: Undeliverable\n"
                      "X-Failed-Recipients: gone@example.com\n\nYour message could not be delivered.\n")
        << QStringLiteral("gone@example.com") << QStringLiteral("5.0.0") << QStringLiteral("undefined");
}

void TestDsnParser::plainTextBounces()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, recipient);
    QFETCH(QString, status);
    QFETCH(QString, reason);
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QVERIFY(mail.isBounce);
    QVERIFY(!mail.events.isEmpty());
    QCOMPARE(mail.events[0].recipient, recipient);
    QCOMPARE(mail.events[0].classification.status, status);
    QCOMPARE(mail.events[0].classification.reason, reason);
    QCOMPARE(mail.events.size(), 1); // nothing from the returned original
}

void TestDsnParser::recipientRules_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *name, const QByteArray &raw, const char *status, const char *reason) {
        QTest::newRow(name) << raw << QString::fromLatin1(status) << QString::fromLatin1(reason);
    };
    // A final failure under "no answer from host" (X.4.1): the host never answered during the queue lifetime.
    row("failed 4.4.1 is expired",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 4.4.1\n"
                        "Diagnostic-Code: X-Postfix; connect to example.com[192.0.2.1]:25: Connection timed out\n"),
        "4.4.1", "expired");
    // A lost connection mid-session (X.4.2) stays a network error.
    row("failed 4.4.2 stays networkerror",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 4.4.2\n"
                        "Diagnostic-Code: X-Postfix; lost connection with mx.example.com[192.0.2.1] while "
                        "performing the HELO handshake\n"),
        "4.4.2", "networkerror");
    // A delay notice is expired, except for a local delivery program's own error, which is the mailbox's state.
    row("delayed local delivery keeps quota",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: 4.3.0\n"
                        "Diagnostic-Code: x-unix; Quota exceeded message delivery failed to /var/mail/a\n"),
        "4.3.0", "mailboxfull");
    row("delayed local delivery exit status",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: 4.5.0\n"
                        "Diagnostic-Code: X-Unix; 71\n"),
        "4.5.0", "mailererror");
    // Exim's pipe deliveries: the Final-Recipient is the command, the address is in the notice.
    row("pipe final-recipient is a mailer",
        oneRecipientDsn("Action: failed\nFinal-Recipient: rfc822;|/usr/local/bin/prog a@example.com\n"
                        "Status: 5.0.0\n",
            "The following address(es) failed:\n\n  pipe to |/usr/local/bin/prog\n    generated by a@example.com\n"),
        "5.0.0", "mailererror");
    // PowerMTA's own bounce category decides.
    row("powermta bad-mailbox",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.2.1\n"
                        "Diagnostic-Code: smtp;550 5.2.1 <a@example.com>... User Unknown\n"
                        "X-PowerMTA-BounceCategory: bad-mailbox\n"),
        "5.2.1", "userunknown");
    row("5.2.1 user unknown without a category is a filter",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.2.1\n"
                        "Diagnostic-Code: smtp;550 5.2.1 <a@example.com>... User Unknown\n"),
        "5.2.1", "filtered");
    row("powermta quota-issues",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
                        "Diagnostic-Code: smtp;552 sorry\nX-PowerMTA-BounceCategory: quota-issues\n"),
        "5.0.0", "mailboxfull");
    // The remote server's code in the quoted reply, not the reporting MTA's summary before it (Amazon SES).
    row("remote code over the summary",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
                        "Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.2.2 <a@example.com>... "
                        "Mailbox Full' (delivery attempts: 0)\n"),
        "5.2.2", "mailboxfull");
    // Amazon SES receipt rules bounce with templates: the address refusal is the rule's (filtered), the temporary
    // template names no cause (onhold).
    row("ses receipt rule: mailbox does not exist",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n"
                        "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\n",
            "The mail system\n", "inbound-smtp.us-west-2.amazonaws.com"),
        "5.1.1", "filtered");
    row("ses receipt rule: temporary failure",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 4.0.0\n"
                        "Diagnostic-Code: smtp; 450 4.0.0 Temporary failure\n",
            "The mail system\n", "inbound-smtp.us-west-2.amazonaws.com"),
        "4.0.0", "onhold");
    row("elsewhere mailbox does not exist is unknown",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n"
                        "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\n"),
        "5.1.1", "userunknown");
    // Postfix's address verification report.
    row("deliverable",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: deliverable\nStatus: 2.1.5\n"
                        "Diagnostic-Code: smtp; 250 2.1.5 Ok\n"),
        "2.1.5", "delivered");
    // PIPELINING: the RCPT reply arrives after ">>> DATA"; "no valid recipients" to DATA says it was the RCPT's.
    row("pipelined rcpt reply after data",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.5.0\n"
                        "Diagnostic-Code: smtp; 550 5.5.0 Invalid recipient\n",
            "   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n>>> DATA\n"
            "<<< 550 5.5.0 Invalid recipient\n<<< 554 5.5.1 Error: no valid recipients\n"),
        "5.5.0", "userunknown");
    row("refused after data is a filter",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.5.0\n"
                        "Diagnostic-Code: smtp; 550 5.5.0 Invalid recipient\n",
            "   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n>>> DATA\n"
            "<<< 550 5.5.0 Invalid recipient\n"),
        "5.5.0", "filtered");
    // A local delivery agent's "unknown user" is an unknown user, even without the SMTP command.
    row("mail.local unknown user",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.5.0\n"
                        "Diagnostic-Code: X-Unix; mail.local: unknown user: a\n"),
        "5.5.0", "userunknown");
    row("unknown user without a command is a filter",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
                        "Diagnostic-Code: smtp; 550 Unknown user a@example.com\n"),
        "5.0.0", "filtered");
    // Onhold: the recipient's own error text names no cause; undefined: the bounce gives it none.
    row("own text without a cause is onhold",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
                        "Diagnostic-Code: smtp; 550 Requested action not taken\n"),
        "5.0.0", "onhold");
    row("no text of its own is undefined",
        oneRecipientDsn("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"), "5.0.0",
        "undefined");
}

void TestDsnParser::recipientRules()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, status);
    QFETCH(QString, reason);
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QVERIFY2(mail.error.isEmpty(), qPrintable(mail.error));
    QCOMPARE(mail.events.size(), 1);
    QCOMPARE(mail.events[0].recipient, QStringLiteral("a@example.com"));
    QCOMPARE(mail.events[0].classification.status, status);
    QCOMPARE(mail.events[0].classification.reason, reason);
}

void TestDsnParser::paragraphAboutOthers()
{
    // The first paragraph with a code is about a@; b@'s own line says why b@ failed and must not take a@'s code.
    const QByteArray raw = "From: MAILER-DAEMON@example.net\nTo: s@example.org\nSubject: failure notice\n\n"
                           "Unable to deliver message to the following address(es).\n\n"
                           "<a@example.com>: 550 5.1.1 user unknown\n\n"
                           "<b@example.com>:\nSorry, this account has been disabled.\n";
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QCOMPARE(mail.events.size(), 2);
    QCOMPARE(mail.events[0].classification.reason, QStringLiteral("userunknown"));
    QCOMPARE(mail.events[1].recipient, QStringLiteral("b@example.com"));
    QCOMPARE(mail.events[1].classification.reason, QStringLiteral("suspend"));
}

void TestDsnParser::notBounces_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("ARF feedback report") << QByteArray(
        "From: abuse@example.net\nTo: s@example.org\nSubject: abuse report\nMIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=feedback-report; boundary=F\n\n--F\n"
        "Content-Type: text/plain\n\nThis is an email abuse report.\n--F\n"
        "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n--F--\n");
    QTest::newRow("auto-reply") << QByteArray("From: person@example.com\nTo: s@example.org\n"
                                              "Subject: Out of Office: hello\nAuto-Submitted: auto-replied\n\n"
                                              "I am away until Monday.\n");
    QTest::newRow("ordinary mail") << QByteArray(
        "From: a@example.com\nTo: b@example.org\nSubject: lunch?\n\nat noon\n");
}

void TestDsnParser::notBounces()
{
    QFETCH(QByteArray, raw);
    const ParsedMail mail = DsnParser::parse(raw, QString());
    QVERIFY(!mail.isBounce);
    QVERIFY(mail.events.isEmpty());
    QVERIFY2(mail.error.isEmpty(), qPrintable(mail.error));
}

void TestDsnParser::badInput_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("mustError");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("whitespace") << QByteArray("\n\r\n  \n") << true;
    QByteArray junk(4096, '\0');
    for (int i = 0; i < junk.size(); ++i)
        junk[i] = static_cast<char>((i * 131 + 7) % 256);
    QTest::newRow("binary junk") << junk << false;
    QTest::newRow("truncated report") << QByteArray(PostfixDsn).left(900) << false;
    QTest::newRow("truncated in a header") << QByteArray("From: MAILER-DAEMON@x\nContent-Type: multipart/rep") << false;
    QTest::newRow("boundary without parts")
        << QByteArray("From: a@b.c\nContent-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n") << false;
    QTest::newRow("NULs in headers") << QByteArray("From: a\0@b.c\nSubject: \0\0\0\n\n\0", 24) << false;
}

void TestDsnParser::badInput()
{
    // Never a crash; where nothing can be read, a clear error.
    QFETCH(QByteArray, raw);
    QFETCH(bool, mustError);
    const ParsedMail mail = DsnParser::parse(raw, QStringLiteral("bad.eml"));
    if (mustError)
        QVERIFY(!mail.error.isEmpty());
    if (!mail.isBounce)
        QVERIFY(mail.events.isEmpty());
}

void TestDsnParser::deepNesting()
{
    QElapsedTimer timer;
    timer.start();
    const ParsedMail mail = DsnParser::parse(nestedMultipart(10000), QStringLiteral("deep.eml"));
    QVERIFY2(mail.error.contains(QStringLiteral("too deep")), qPrintable(mail.error));
    QVERIFY(mail.events.isEmpty());
    QVERIFY2(timer.elapsed() < 2000, "a hostile nest must be refused quickly");

    // A modest nest is fine.
    const ParsedMail shallow = DsnParser::parse(nestedMultipart(20), QString());
    QVERIFY2(shallow.error.isEmpty(), qPrintable(shallow.error));
}

void TestDsnParser::hugeLineWithoutNewline()
{
    const qint64 before = peakResidentKiB();
    QByteArray raw = "From: MAILER-DAEMON@example.net\nSubject: Undelivered\n\n";
    raw += QByteArray(50 * 1024 * 1024, 'x');
    QElapsedTimer timer;
    timer.start();
    const ParsedMail mail = DsnParser::parse(raw, QStringLiteral("huge.eml"));
    QVERIFY(mail.events.size() <= 1);
    QVERIFY2(timer.elapsed() < 20000, "a huge line must be read in linear time");
    // The 50 MB input itself plus bounded working memory (parts are read up to a limit, never copied whole as
    // UTF-16), not several copies of it.
    if (before > 0)
        QVERIFY2(peakResidentKiB() - before < 160 * 1024, qPrintable(QString::number(peakResidentKiB() - before)));
}

QTEST_GUILESS_MAIN(TestDsnParser)
#include "tst_dsnparser.moc"
