#include <random>

#include <QTest>

#include "bounce/classifier.h"

using Mailpulse::Bounce::Classification;
using Mailpulse::Bounce::Classifier;
using Mailpulse::Bounce::DeliveryClass;
using Mailpulse::Bounce::Failure;

namespace
{
constexpr auto Success = DeliveryClass::Success;
constexpr auto Soft = DeliveryClass::Soft;
constexpr auto Hard = DeliveryClass::Hard;
} // namespace

class TestClassifier : public QObject
{
    Q_OBJECT

private slots:
    void classifyFailure_data();
    void classifyFailure();
    void classifyReply_data();
    void classifyReply();
    void reasonFor_data();
    void reasonFor();
    void reasonForIsCaseInsensitive();
    void textFindsPhrasesCaseInsensitively();
    void benchmarkReasonFor();
};

void TestClassifier::classifyFailure_data()
{
    QTest::addColumn<Failure>("failure");
    QTest::addColumn<QString>("status");
    QTest::addColumn<DeliveryClass>("cls");
    QTest::addColumn<QString>("reason");

    // One row per line of DESIGN.md's classification table.
    const auto row = [](const char *name, Failure f, const char *status, DeliveryClass cls, const char *reason) {
        QTest::newRow(name) << f << QString::fromLatin1(status) << cls << QString::fromLatin1(reason);
    };
    row("domain does not exist", Failure::HostUnknown, "5.1.2", Hard, "hostunknown");
    row("null MX", Failure::NullMx, "5.1.10", Hard, "notaccept");
    row("DNS timeout or SERVFAIL", Failure::DnsError, "4.4.3", Soft, "networkerror");
    row("connect refused/timed out", Failure::ConnectFailed, "4.4.1", Soft, "networkerror");
    row("connection lost", Failure::ConnectionLost, "4.4.2", Soft, "networkerror");
    row("STARTTLS not offered", Failure::StartTlsNotOffered, "4.7.4", Soft, "securityerror");
    row("TLS failed", Failure::TlsFailed, "4.7.5", Soft, "securityerror");
    row("malformed reply", Failure::MalformedReply, "4.5.0", Soft, "systemerror");
}

void TestClassifier::classifyFailure()
{
    QFETCH(Failure, failure);
    QFETCH(QString, status);
    QFETCH(DeliveryClass, cls);
    QFETCH(QString, reason);

    QCOMPARE(Classifier::classifyFailure(failure), (Classification { status, cls, reason }));
}

void TestClassifier::classifyReply_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("enhanced");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("status");
    QTest::addColumn<DeliveryClass>("cls");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *name, int code, const char *enhanced, const char *text, const char *status,
                         DeliveryClass cls, const char *reason) {
        QTest::newRow(name) << code << QString::fromLatin1(enhanced) << QString::fromUtf8(text)
                            << QString::fromLatin1(status) << cls << QString::fromLatin1(reason);
    };
    // Success.
    row("250", 250, "", "OK", "2.0.0", Success, "accepted");
    row("250 with enhanced", 250, "2.1.5", "Ok", "2.1.5", Success, "accepted");
    row("251", 251, "", "User not local; will forward", "2.0.0", Success, "accepted");
    row("354", 354, "", "End data with <CR><LF>.<CR><LF>", "2.0.0", Success, "accepted");
    row("250 with a non-2 enhanced code", 250, "5.1.1", "odd", "2.0.0", Success, "accepted");

    // Replies with an enhanced code: that code.
    row("550 5.1.1 user unknown", 550, "5.1.1", "<a@example.com>: Recipient address rejected: User unknown", "5.1.1",
        Hard, "userunknown");
    row("452 4.2.2 mailbox full", 452, "4.2.2", "<a@example.com>: Mailbox full", "4.2.2", Soft, "mailboxfull");
    row("552 5.2.2 over quota", 552, "5.2.2", "Quota exceeded", "5.2.2", Hard, "mailboxfull");
    row("451 4.7.1 greylisted", 451, "4.7.1", "Greylisted, see https://postgrey.schweikert.ch/help/example.com",
        "4.7.1", Soft, "greylisted");
    row("450 4.7.1 try again later", 450, "4.7.1", "<a@example.com>: Recipient address rejected: Try again later",
        "4.7.1", Soft, "greylisted");
    row("421 4.3.2 shutting down", 421, "4.3.2", "Service shutting down", "4.3.2", Soft, "systemerror");
    // A policy's refusal that names the recipient is not an unknown user (smtp-sink in the integration tests).
    row("550 5.7.1 recipient rejected by policy", 550, "5.7.1", "Recipient rejected by policy", "5.7.1", Hard,
        "securityerror");
    row("551 5.7.1 recipient address rejected", 551, "5.7.1",
        "<a@example.com>: Recipient address rejected: Delivery not authorized", "5.7.1", Hard, "securityerror");
    row("550 recipient rejected, no code", 550, "", "Recipient rejected", "5.1.1", Hard, "userunknown");
    row("554 5.7.1 blocked using", 554, "5.7.1",
        "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "5.7.1", Hard, "blocked");
    row("554 5.7.1 relay access denied", 554, "5.7.1", "<a@example.org>: Relay access denied", "5.7.1", Hard,
        "norelaying");
    row("550 5.7.1 spam content", 550, "5.7.1", "Message content rejected, UBE", "5.7.1", Hard, "spamdetected");
    row("421 4.7.0 too many connections", 421, "4.7.0", "Error: too many connections from 192.0.2.1", "4.7.0", Soft,
        "toomanyconn");
    row("552 5.3.4 too big", 552, "5.3.4", "Message size exceeds fixed limit", "5.3.4", Hard, "mesgtoobig");
    row("550 5.2.1 disabled", 550, "5.2.1", "The email account that you tried to reach is disabled.", "5.2.1", Hard,
        "suspend");
    row("554 5.7.9 policy", 554, "5.7.9", "Message not accepted for policy reasons.", "5.7.9", Hard, "policyviolation");
    row("550 5.7.26 dmarc", 550, "5.7.26", "Unauthenticated email is not accepted due to domain's DMARC policy",
        "5.7.26", Hard, "policyviolation");
    row("550 5.7.25 ptr", 550, "5.7.25", "The IP address sending this message does not have a PTR record", "5.7.25",
        Hard, "blocked");
    row("530 5.7.0 auth required", 530, "5.7.0", "Authentication required", "5.7.0", Hard, "securityerror");
    row("550 5.1.1 text says nothing", 550, "5.1.1", "Rejected", "5.1.1", Hard, "userunknown");
    row("550 5.0.0 nothing at all", 550, "5.0.0", "Rejected", "5.0.0", Hard, "rejected");
    row("451 4.3.0 local error", 451, "4.3.0", "Requested action aborted: local error in processing", "4.3.0", Soft,
        "systemerror");
    row("553 5.1.8 sender", 553, "5.1.8", "<a@example.net>: Sender address rejected: Domain not found", "5.1.8", Hard,
        "rejected");
    row("550 5.1.10 null mx", 550, "5.1.10", "Recipient address has null MX", "5.1.10", Hard, "notaccept");

    // An enhanced code of the wrong class is ignored; one in the text is used if its class matches.
    row("class mismatch", 550, "4.1.1", "User unknown", "5.1.1", Hard, "userunknown");
    row("code found in text", 550, "", "#5.1.1 Sorry, no mailbox here by that name", "5.1.1", Hard, "userunknown");
    row("code in text of the wrong class", 450, "", "5.1.1 moved", "4.0.0", Soft, "undefined");

    // Without an enhanced code: X.0.0 refined from the text where it names the cause.
    row("550 No such user here", 550, "", "No such user here", "5.1.1", Hard, "userunknown");
    row("452 quota", 452, "", "Mailbox over quota", "4.2.2", Soft, "mailboxfull");
    row("552 quota", 552, "", "Mailbox over quota", "5.2.2", Hard, "mailboxfull");
    row("451 greylisting", 451, "", "Greylisting in action, please come back later", "4.7.1", Soft, "greylisted");
    row("554 relay", 554, "", "Relaying denied", "5.7.1", Hard, "norelaying");
    row("421 too many connections", 421, "", "Too many connections, try later", "4.7.0", Soft, "toomanyconn");
    row("550 blocked", 550, "", "Your IP 192.0.2.1 is listed at bl.example.org", "5.7.1", Hard, "blocked");
    row("552 size", 552, "", "Message size exceeds maximum permitted", "5.3.4", Hard, "mesgtoobig");
    row("550 unspecific", 550, "", "Requested action not taken", "5.0.0", Hard, "undefined");
    row("421 unspecific", 421, "", "mx.example.com closing connection", "4.3.2", Soft, "systemerror");
    // "rejected" alone names no cause: no refinement.
    row("554 bare rejected", 554, "", "Transaction rejected", "5.0.0", Hard, "rejected");
    row("550 empty text", 550, "", "", "5.0.0", Hard, "undefined");

    // Codes outside RFC 5321's range cannot be acted upon: a malformed reply.
    row("199", 199, "", "odd", "4.5.0", Soft, "systemerror");
    row("600", 600, "", "odd", "4.5.0", Soft, "systemerror");
}

void TestClassifier::classifyReply()
{
    QFETCH(int, code);
    QFETCH(QString, enhanced);
    QFETCH(QString, text);
    QFETCH(QString, status);
    QFETCH(DeliveryClass, cls);
    QFETCH(QString, reason);

    QCOMPARE(Classifier::classifyReply(code, enhanced, text), (Classification { status, cls, reason }));
    QCOMPARE(
        Classifier::classifyReply(code, enhanced, Classifier::Text(text)), (Classification { status, cls, reason }));
}

void TestClassifier::reasonFor_data()
{
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *name, const char *status, const char *text, const char *reason) {
        QTest::newRow(name) << QString::fromLatin1(status) << QString::fromUtf8(text) << QString::fromLatin1(reason);
    };
    // Text evidence wins over the status code.
    row("greylisted under 4.2.0", "4.2.0", "greylisted for 300 seconds", "greylisted");
    row("mailbox full under 5.1.1", "5.1.1", "552 sorry, mailbox a@example.org is over quota", "mailboxfull");
    row("mailbox full then expired", "5.0.0", "mailbox is full: retry timeout exceeded", "mailboxfull");
    row("user unknown then pipelining noise", "5.1.1", "550 5.1.1 <a>... User unknown 503 5.0.0 Need RCPT",
        "userunknown");
    row("procmail is the mailer", "5.1.1", "procmail: Couldn't create \"/var/spool/mail/a\": No such user",
        "mailererror");
    row("after end of data", "5.0.0", "550 : User unknown (in reply to end of DATA command)", "filtered");
    row("client listed", "5.7.1", "Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked");
    row("rbl as a word", "5.7.1", "Rejected by RBL", "blocked");
    row("rbl inside a word is not", "5.7.1", "herbless text", "securityerror");
    row("blacklisted url is content", "5.0.0", "REJECTED - Blacklisted URL in message", "spamdetected");
    row("virus before content", "5.0.0", "550 Virus Detected; Content Rejected", "virusdetected");
    row("ptr before relaying", "5.7.1", "Relaying temporarily denied. Cannot resolve PTR record for 192.0.2.1",
        "blocked");
    row("open relay is the client", "5.0.0", "no access from mail server [192.0.2.55] which is an open relay",
        "blocked");
    row("reputation rate limit", "4.7.650", "temporarily rate limited due to IP reputation", "blocked");
    row("rate limit", "4.7.0", "Sending rate limit exceeded", "toomanyconn");
    row("too many recipients per hour", "5.1.1", "has sent to too many recipients this hour", "toomanyconn");
    row("too many recipients", "5.5.3", "Too many recipients", "toomanyconn");
    row("dkim header is content", "5.0.0", "Transaction failed: Duplicate header 'DKIM-Signature'", "contenterror");
    row("not rfc 5322 compliant", "5.7.1", "This message is not RFC 5322 compliant. To reduce spam...",
        "policyviolation");
    row("headers too large", "5.6.0", "Headers too large (3 max)", "contenterror");
    row("account disabled", "5.0.0", "The user(s) account is disabled.", "suspend");
    row("delivery suspended is not an account", "4.0.0",
        "delivery temporarily suspended: connect to x: Connection "
        "refused",
        "networkerror");
    // qmail's "in the queue too long" closes every deferral it finally gives up on; Sisimai 4.25 and 5 both keep
    // the last error's reason for it (corpus lhost-qmail-05/07, lhost-x2-06).
    row("queue too long keeps its last error", "5.0.0",
        "unable to connect: timed out. this message has been in the queue "
        "too long.",
        "networkerror");
    row("expired in so many words", "4.4.7", "Message expired: unable to deliver in 840 minutes", "expired");
    row("dns error", "4.0.0", "DNS Error: DNS type 'mx' lookup of example.invalid responded with code NXDOMAIN",
        "networkerror");
    row("host not found", "5.4.4", "Host or domain name not found. Name service error: Host not found", "hostunknown");
    row("null mx text", "5.0.0", "Host does not accept mail", "notaccept");
    row("has moved", "5.1.6", "recipient no longer on server", "hasmoved");
    row("auth required", "5.7.1", "authentication required", "securityerror");
    // MTA and provider fixed wordings.
    row("qmail: sender was rejected", "4.7.0",
        "Connected to 192.0.2.1 but sender was rejected. Remote host said: 421 4.7.0 [TSS04] Messages from "
        "192.0.2.25 temporarily deferred due to unexpected volume or user complaints",
        "rejected");
    row("outlook.com ip block", "5.0.0",
        "550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your "
        "Internet service provider",
        "blocked");
    row("qmail badrcptto", "5.7.1", "553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)", "filtered");
    row("interscan: check the address", "5.0.0",
        "Unable to deliver message to <a@example.com>. Please check if address is correct.", "userunknown");
    row("counted failed attempts", "5.0.0", "Delivery failed 20 attempts: a@example.com", "expired");
    row("ses attempts count nothing", "5.0.0", "550-'5.2.2 <a@example.jp>... Mailbox Full' (delivery attempts: 0)",
        "mailboxfull");
    row("spectrum AUP#In-13xx", "5.1.0", "550 5.1.0 <a@example.org> sender rejected. AUP#In-1310", "toomanyconn");

    // Sender status codes win over text about a domain.
    row("sender domain", "5.1.7", "No such domain", "rejected");

    // The status code decides where the text is silent or only hints.
    row("5.1.1 silent", "5.1.1", "", "userunknown");
    row("5.1.2", "5.1.2", "", "hostunknown");
    row("5.1.3", "5.1.3", "", "userunknown");
    row("5.1.6", "5.1.6", "", "hasmoved");
    row("5.1.8", "5.1.8", "", "rejected");
    row("5.1.10", "5.1.10", "", "notaccept");
    row("5.2.0", "5.2.0", "", "filtered");
    row("5.2.1", "5.2.1", "", "suspend");
    row("4.2.2", "4.2.2", "", "mailboxfull");
    row("5.2.3", "5.2.3", "Message length exceeds administrative limit", "exceedlimit");
    row("5.3.0", "5.3.0", "", "systemerror");
    row("4.3.1", "4.3.1", "", "systemfull");
    row("4.3.2", "4.3.2", "", "systemerror");
    row("5.3.2", "5.3.2", "", "notaccept");
    row("5.3.4", "5.3.4", "", "mesgtoobig");
    row("4.4.1", "4.4.1", "", "networkerror");
    row("4.4.2", "4.4.2", "", "networkerror");
    row("4.4.3", "4.4.3", "", "networkerror");
    row("5.4.4", "5.4.4", "", "hostunknown");
    row("4.4.4", "4.4.4", "", "networkerror");
    row("4.4.5", "4.4.5", "", "systemfull");
    row("4.4.7", "4.4.7", "", "expired");
    row("5.4.1 with access denied", "5.4.1", "All recipient addresses rejected : Access denied", "rejected");
    row("4.5.0", "4.5.0", "", "systemerror");
    row("5.5.2", "5.5.2", "", "syntaxerror");
    row("5.5.3", "5.5.3", "", "toomanyconn");
    row("5.6.1", "5.6.1", "", "contenterror");
    row("5.7.0", "5.7.0", "", "securityerror");
    row("5.7.1", "5.7.1", "", "securityerror");
    // Words that only restate X.7.1 add nothing to it; under a bare class they are a hint.
    row("5.7.1 access denied", "5.7.1", "550-'5.7.1 <a@example.com>... Access denied'", "securityerror");
    row("5.7.1 rejected by the domain", "5.7.1", "it was rejected by the recipient domain", "securityerror");
    row("5.0.0 rejected", "5.0.0", "it was rejected by the recipient domain", "rejected");
    row("denied inside a token is no word", "5.0.0", "see https://support.example.com/mail/?p=CustomFromDenied",
        "undefined");
    row("5.7.1 with a hint", "5.7.1", "Service unavailable", "systemerror");
    row("4.7.1 without greylisting words", "4.7.1", "", "securityerror");
    row("5.7.13", "5.7.13", "", "suspend");
    row("5.7.23", "5.7.23", "", "blocked");
    row("5.7.25", "5.7.25", "", "blocked");
    row("5.7.27", "5.7.27", "", "rejected");
    row("4.7.5", "4.7.5", "", "securityerror");

    // Hints only matter where the status code is unspecific.
    row("weak hint over X.0.0", "5.0.0", "503 Improper sequence of commands", "syntaxerror");
    row("weak hint loses to X.2.2", "5.2.2", "syntax error", "mailboxfull");
    row("inactive address is unknown", "5.1.1", "inactive email address", "userunknown");
    row("inactive account is suspended", "5.2.1", "The email account that you tried to reach is inactive", "suspend");

    // Defaults.
    row("nothing known, hard", "5.0.0", "", "undefined");
    row("nothing known, soft", "4.0.0", "", "undefined");
    row("no status", "", "", "undefined");
    row("garbage status", "x.y.z", "", "undefined");
    row("success", "2.0.0", "", "accepted");
    row("non-ascii text", "5.0.0", "エラー(テストメッセージとしての)", "undefined");
}

void TestClassifier::reasonFor()
{
    QFETCH(QString, status);
    QFETCH(QString, text);
    QFETCH(QString, reason);

    QCOMPARE(Classifier::reasonFor(status, text), reason);
    QCOMPARE(Classifier::reasonFor(status, Classifier::Text(text)), reason);
}

void TestClassifier::reasonForIsCaseInsensitive()
{
    QCOMPARE(
        Classifier::reasonFor(QStringLiteral("5.0.0"), QStringLiteral("USER UNKNOWN")), QStringLiteral("userunknown"));
    QCOMPARE(
        Classifier::reasonFor(QStringLiteral("4.7.1"), QStringLiteral("GreyListed")), QStringLiteral("greylisted"));
}

// A text made ready (Classifier::Text) holds a lower-case ASCII phrase exactly where QString::contains() finds it
// case-insensitively in ASCII text, and in text with other characters (Latin-1, CJK, a surrogate pair) exactly where
// it finds it in the text with those characters taken out of the way (no phrase is found inside or across one); the
// filter never rules out a phrase that occurs. Random texts of phrase pieces in either case, 20000 of them.
void TestClassifier::textFindsPhrasesCaseInsensitively()
{
    const char16_t *const pieces[] = { u"mail", u"MAIL", u"box", u" ", u"full", u"Full", u"quota", u"mail.local:",
        u"\u00e9", u"\u65e5", u"\U0001f600", u"temporar", u"TEMPORAR", u"ily", u"-", u":" };
    const char *const phrases[]
        = { "mailbox full", "mail box", "quota", "mail.local:", "temporar", "full mail", "temporarily" };
    std::mt19937 random(20261203);
    for (int round = 0; round < 20000; ++round) {
        QString text;
        for (int n = int(random() % 10); n > 0; --n)
            text += QStringView(pieces[random() % std::size(pieces)]);
        const Classifier::Text ready(text);
        QString plain = text; // each non-ASCII character as a NUL, which no phrase holds
        for (qsizetype i = 0; i < plain.size(); ++i) {
            if (plain[i].unicode() >= 0x80)
                plain[i] = QChar(0);
        }
        for (const char *phrase : phrases) {
            const bool expected = plain.contains(QLatin1String(phrase), Qt::CaseInsensitive);
            QCOMPARE(ready.lowered().find(phrase) != std::string_view::npos, expected);
            if (expected)
                QVERIFY(ready.filter().mayContain(phrase));
        }
    }
    QCOMPARE(Classifier::Text(QStringLiteral("Abc")).original(), QStringLiteral("Abc"));
}

void TestClassifier::benchmarkReasonFor()
{
    // The bounce importer calls this for every log line: keep an eye on the cost of a typical, long miss.
    const QString status = QStringLiteral("5.0.0");
    const QString text = QStringLiteral(
        "host mx.example.net[192.0.2.10] said: 550 Requested action not taken: the server could not process the "
        "message for reasons it does not disclose (in reply to RCPT TO command)");
    QString reason;
    QBENCHMARK { reason = Classifier::reasonFor(status, text); }
    QVERIFY(!reason.isEmpty());
}

QTEST_GUILESS_MAIN(TestClassifier)
#include "tst_classifier.moc"
