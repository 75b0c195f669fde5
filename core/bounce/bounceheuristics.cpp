#include "bounce/bounceheuristics.h"

#include <QRegularExpression>
#include <QSet>

#include "bounce/classifier.h"
#include "bounce/mimemessage.h"

namespace Mailpulse::Bounce
{

namespace
{

using Fields = QList<std::pair<QByteArray, QString>>;

// Lines that start the returned original message inside a plain-text bounce: everything after them is the
// sender's own mail, whose addresses and words must not be read as the bounce's. Lower-case prefixes, compared
// after leading whitespace is removed.
const char *const OriginalMessageMarkers[] = {
    "------ this is a copy of the message",
    "----- original message",
    "------ original message",
    "--- original message",
    "original message follows",
    "--- below this line is a copy of the message",
    "----- unsent message follows",
    "------ unsent message follows",
    "--- the header of the original message",
    "----- the header of the original message",
    "------ the header of the original message",
    "the original message headers",
    "----- message header follows",
    "---- original message headers",
    "--- original message header",
    "----- original message headers",
    "----- transcript of session follows" /* a separator only when at the end; see isMarker() */,
    "content-type: message/rfc822",
    "received: from",
    "received: by",
    "return-path:",
};

// Subjects of bounce mails (lower-case substrings).
const char *const BounceSubjects[] = {
    "undeliver",
    "undelivered",
    "delivery status notification",
    "returned mail",
    "failure notice",
    "mail delivery failed",
    "delivery failure",
    "delivery failed",
    "mail system error",
    "nondeliverable",
    "non-deliverable",
    "non delivery",
    "non-delivery",
    "could not be delivered",
    "delivery problem",
    "message not delivered",
    "mail could not be delivered",
    "returned to sender",
    "warning: could not send",
    "delayed mail",
    "delivery delayed",
    "delivery notification",
    "mail failure",
    "rejected:",
    "error sending",
    "permanent error",
    "unzustellbar",
    "non remis",
    "no entregado",
    "not delivered",
};

// Phrases in a plain-text notice that mark it as a bounce when the headers do not.
const char *const BouncePhrases[] = {
    "could not be delivered",
    "couldn't be delivered",
    "following address(es) failed",
    "delivery has failed",
    "permanent fatal error",
    "unable to deliver",
    "undeliverable",
    "delivery to the following recipient",
    "failed permanently",
    "this is a permanent error",
    "message could not be delivered",
    "was not delivered",
    "i'm afraid i wasn't able to deliver",
    "sorry, we were unable to deliver",
    "delivery failed",
    "could not deliver",
    "returned to sender",
    "rejected your message",
    "the mail system",
    "not be delivered",
    "failure notice",
    "mail delivery failed",
    "hi. this is the qmail-send program",
    "delivery status notification",
};

// Auto-replies and vacation notices are not bounces (Sisimai calls them "vacation").
const char *const AutoReplySubjects[] = {
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "automatic reply",
    "out of office",
    "out of the office",
    "vacation",
    "away from",
    "abwesenheit",
    "absence",
    "autoresponse",
    "auto response",
    "automatische antwort",
    "réponse automatique",
    "on leave",
};

// Lines that introduce the recipient on the same line ("Failed Recipient: user@example.org").
const char *const RecipientPrefixes[] = {
    "failed recipient",
    "recipient address",
    "original recipient",
    "final recipient",
    "recipient",
    "rcpt to",
    "unknown user",
    "address",
    "adresse",
    "to",
    "user",
};

// Sender-side words that say the failure is temporary when a non-standard bounce gives no code.
const char *const TemporaryPhrases[] = {
    "temporar",
    "will be retried",
    "will retry",
    "still trying",
    "delayed",
    "has not yet been delivered",
    "not yet been delivered",
    "try again later",
    "warning: message",
    "delivery attempts will continue",
};

const QRegularExpression &addressPattern()
{
    static const QRegularExpression re(QStringLiteral("[A-Za-z0-9!#$%&'*+/"
                                                      "=?^_`{|}~.\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\."
                                                      "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)+"));
    return re;
}

const QRegularExpression &replyCodePattern()
{
    // A three-digit reply code standing alone: "550 5.1.1", "550-5.1.1", "said: 554 ...", "(550)".
    static const QRegularExpression re(QStringLiteral("(?<![0-9.])([245][0-9][0-9])(?:[ \\-)\\]]|$)"));
    return re;
}

bool startsWithCi(QStringView text, const char *prefix)
{
    return text.startsWith(QLatin1String(prefix), Qt::CaseInsensitive);
}

bool containsCi(QStringView text, const char *needle)
{
    return text.contains(QLatin1String(needle), Qt::CaseInsensitive);
}

template <size_t N> bool containsAny(QStringView text, const char *const (&table)[N])
{
    for (const char *needle : table) {
        if (containsCi(text, needle))
            return true;
    }
    return false;
}

QString field(const Fields &fields, const char *name)
{
    for (const auto &[key, value] : fields) {
        if (key == name)
            return value;
    }
    return {};
}

// RFC 3464 §2.1: the delivery-status body is groups of header-style fields separated by blank lines; the first
// group is per-message, each further one per-recipient. Continuation lines fold into the previous field.
QList<Fields> parseFieldGroups(const QString &text)
{
    QList<Fields> groups;
    Fields current;
    const auto flush = [&] {
        if (!current.isEmpty())
            groups.append(std::move(current));
        current = {};
    };
    for (QStringView line : QStringTokenizer(text, u'\n')) {
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.trimmed().isEmpty()) {
            flush();
            continue;
        }
        if ((line.front() == u' ' || line.front() == u'\t') && !current.isEmpty()) {
            current.back().second += u' ' + line.trimmed().toString();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            continue;
        current.append({ line.left(colon).trimmed().toLatin1().toLower(), line.mid(colon + 1).trimmed().toString() });
    }
    flush();
    return groups;
}

// "rfc822; user@example.org" → "user@example.org"; "dns; mx.example.org" → "mx.example.org".
QString stripTypePrefix(const QString &value)
{
    const qsizetype semi = value.indexOf(u';');
    QString out = (semi >= 0 && semi < 16 ? value.mid(semi + 1) : value).trimmed();
    if (out.startsWith(u'<') && out.endsWith(u'>'))
        out = out.mid(1, out.size() - 2).trimmed();
    return out;
}

QString firstAddress(const QString &text)
{
    const auto m = addressPattern().match(text);
    return m.hasMatch() ? m.captured(0) : QString();
}

QString collapseSpaces(const QString &text) { return text.simplified(); }

bool isMailerDaemonAddress(const QString &address)
{
    const QString local = address.section(u'@', 0, 0).toLower();
    return local == u"mailer-daemon" || local == u"postmaster" || local == u"mailerdaemon" || local == u"mail-daemon"
        || local == u"double-bounce";
}

bool isMarker(QStringView trimmedLine)
{
    for (const char *marker : OriginalMessageMarkers) {
        if (qstrcmp(marker, "----- transcript of session follows") == 0)
            continue; // Sendmail puts the real error after it
        if (startsWithCi(trimmedLine, marker))
            return true;
    }
    return false;
}

// The human-readable notice: the text parts outside the returned message, cut where a copy of the original begins.
QStringList noticeLines(const MimeMessage &mail, QString *tail)
{
    QStringList lines;
    bool cut = false;
    const auto takeText = [&](const QString &text) {
        for (QStringView line : QStringTokenizer(text, u'\n')) {
            if (cut) {
                if (tail && tail->size() < 64 * 1024)
                    *tail += line.toString() + u'\n';
                continue;
            }
            const QStringView trimmed = line.trimmed();
            if (!lines.isEmpty() && isMarker(trimmed)) {
                cut = true;
                continue;
            }
            lines.append(line.toString());
        }
    };
    bool sawPlain = false;
    for (const MimePart &part : mail.parts()) {
        if (part.inAttachedMessage || cut)
            continue;
        if (part.contentType == "text/plain" || part.contentType == "text/x-plain") {
            sawPlain = true;
            takeText(part.text);
        }
    }
    if (!sawPlain) {
        // HTML-only notices (some providers): drop tags and entities crudely, enough to find addresses and codes.
        static const QRegularExpression tags(
            QStringLiteral("<(?:br|/p|/div|/tr|p|div|tr)[^>]*>"), QRegularExpression::CaseInsensitiveOption);
        static const QRegularExpression anyTag(QStringLiteral("<[^>]*>"));
        for (const MimePart &part : mail.parts()) {
            if (part.inAttachedMessage || cut || part.contentType != "text/html")
                continue;
            QString text = part.text;
            text.replace(tags, QStringLiteral("\n"));
            text.replace(anyTag, QString());
            text.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
            text.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
            text.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
            text.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
            takeText(text);
        }
    }
    return lines;
}

// Where a recipient is named at the head of a line, the address; else empty. Recognises "<user@x>: ...",
// "user@x: ...", a line holding only an address (with an optional display name or "(user@x)"), Sendmail's
// "550 <user@x>... reason" and "Prefix: user@x".
QString recipientAtLineHead(QStringView line, qsizetype *restAt)
{
    QStringView t = line.trimmed();
    if (t.isEmpty() || t.size() > 300)
        return {};
    const qsizetype lead = line.indexOf(t.front());
    const auto m = addressPattern().match(t);
    if (!m.hasMatch())
        return {};
    const QString address = m.captured(0);
    const qsizetype start = m.capturedStart(0);
    const qsizetype end = m.capturedEnd(0);
    QStringView before = t.left(start).trimmed();
    QStringView after = t.mid(end);
    *restAt = lead + end;
    if (after.startsWith(u'>'))
        after = after.mid(1), *restAt += 1;
    if (before.endsWith(u'<'))
        before.chop(1);
    before = before.trimmed();
    // "<addr>:" / "addr:" / "<addr>" / "addr" alone / "addr (addr)" / "<addr>..." (Sendmail)
    if (before.isEmpty()) {
        if (after.isEmpty() || after.startsWith(u':') || after.startsWith(u' ') || after.startsWith(u'\t')
            || after.startsWith(u"...") || after.startsWith(u'(') || after.startsWith(u',') || after.startsWith(u';'))
            return address;
        return {};
    }
    // Sendmail's transcript: "554 <user@x>... Host unknown"; "550 5.1.1 <user@x>... User unknown".
    static const QRegularExpression codeOnly(
        QStringLiteral("^[245][0-9][0-9](?:[ \\-][245]\\.[0-9]{1,3}\\.[0-9]{1,3})?$"));
    if (codeOnly.match(before).hasMatch() && after.startsWith(u"..."))
        return address;
    // "Failed Recipient: user@x"
    QStringView label = before;
    if (label.endsWith(u':'))
        label.chop(1);
    label = label.trimmed();
    for (const char *prefix : RecipientPrefixes) {
        if (label.compare(QLatin1String(prefix), Qt::CaseInsensitive) == 0)
            return address;
    }
    // "Display Name (user@x)" or "Display Name <user@x>" alone on a line: Exchange's recipient list.
    if ((t.endsWith(u')') || t.endsWith(u'>')) && end >= t.size() - 1 && before.size() < 80 && !before.contains(u':'))
        return address;
    return {};
}

struct Candidate {
    QString address;
    QStringList block; // the recipient's line (after the address) and the lines that explain it
};

// Finds recipients and the text about each in a plain-text notice.
QList<Candidate> findCandidates(const QStringList &lines, const QSet<QString> &exclude)
{
    QList<Candidate> out;
    QSet<QString> seen;
    Candidate *current = nullptr;
    int blankRun = 0;
    for (const QString &line : lines) {
        qsizetype restAt = 0;
        const QString address = recipientAtLineHead(line, &restAt);
        if (!address.isEmpty() && !exclude.contains(address.toLower()) && !isMailerDaemonAddress(address)) {
            if (seen.contains(address.toLower())) {
                // A second mention (e.g. "RCPT TO:<addr>" in the explanation) continues that recipient's block.
                for (Candidate &c : out) {
                    if (c.address.compare(address, Qt::CaseInsensitive) == 0)
                        current = &c;
                }
                if (current)
                    current->block.append(line.mid(restAt));
            } else {
                seen.insert(address.toLower());
                out.append({ address, { line.mid(restAt) } });
                current = &out.back();
            }
            blankRun = 0;
            continue;
        }
        if (!current)
            continue;
        if (line.trimmed().isEmpty()) {
            // One blank line may separate a recipient from its explanation (Gmail, Exchange); two end the block.
            if (++blankRun >= 2 || current->block.join(QString()).trimmed().size() > 0)
                current = blankRun >= 2 ? nullptr : current;
            if (current && current->block.join(QString()).trimmed().size() > 0 && blankRun >= 1)
                current = nullptr;
            continue;
        }
        blankRun = 0;
        if (current->block.size() < 12)
            current->block.append(line);
    }
    return out;
}

// The paragraph of the notice that most likely states the error, for recipients whose own block says nothing.
QString errorParagraph(const QStringList &lines)
{
    QString best;
    QString paragraph;
    const auto consider = [&] {
        const QString text = collapseSpaces(paragraph);
        paragraph.clear();
        if (text.isEmpty())
            return;
        const bool hasCode = replyCodePattern().match(text).hasMatch() || StatusCode::find(text).has_value();
        if (hasCode && best.isEmpty())
            best = text;
    };
    for (const QString &line : lines) {
        if (line.trimmed().isEmpty())
            consider();
        else
            paragraph += line + u' ';
    }
    consider();
    if (best.isEmpty()) {
        QString all;
        for (const QString &line : lines)
            all += line + u' ';
        best = collapseSpaces(all).left(1000);
    }
    return best.left(2000);
}

BounceRecipient fromDsnGroup(const Fields &group, const Fields &perMessage)
{
    BounceRecipient r;
    r.address = stripTypePrefix(field(group, "final-recipient"));
    if (!r.address.contains(u'@')) {
        const QString original = stripTypePrefix(field(group, "original-recipient"));
        if (original.contains(u'@'))
            r.address = original;
    }
    // A recipient field may hold "Name <addr>" or stray text: keep the address itself.
    if (const QString a = firstAddress(r.address); !a.isEmpty())
        r.address = a;
    r.action = field(group, "action").section(u' ', 0, 0).toLower();
    r.diagnostic = collapseSpaces(stripTypePrefix(field(group, "diagnostic-code")));
    r.remoteMta = stripTypePrefix(field(group, "remote-mta"));
    r.lastAttempt = field(group, "last-attempt-date");
    Q_UNUSED(perMessage)
    return r;
}

bool isAutoReply(const MimeMessage &mail)
{
    const QString subject = mail.header("subject");
    for (const char *s : AutoReplySubjects) {
        if (startsWithCi(subject, s) || (qstrlen(s) > 6 && containsCi(subject, s)))
            return true;
    }
    if (!mail.header("x-autoreply").isEmpty() || !mail.header("x-autorespond").isEmpty()
        || !mail.header("x-autoresponder").isEmpty())
        return true;
    const QString precedence = mail.header("precedence").toLower();
    return precedence == u"auto_reply"
        || (containsCi(mail.header("auto-submitted"), "auto-replied")
            && containsCi(mail.header("x-auto-response-suppress"), "all"));
}

bool looksLikeBounce(const MimeMessage &mail, const QStringList &notice)
{
    const QString from = mail.header("from").toLower();
    if (from.contains(u"mailer-daemon") || from.contains(u"postmaster") || from.contains(u"mail delivery")
        || from.contains(u"mail administrator"))
        return true;
    if (containsAny(mail.header("subject"), BounceSubjects))
        return true;
    if (!mail.header("x-failed-recipients").isEmpty())
        return true;
    const QString head = notice.mid(0, 60).join(u' ');
    return containsAny(head, BouncePhrases);
}

} // namespace

QString BounceHeuristics::commandIn(QStringView text)
{
    // Evidence for the content phase first: a refusal after DATA is about the message, whatever the earlier
    // commands in the transcript were.
    static const QRegularExpression data(QStringLiteral("end of data|after data|in reply to data|data command|"
                                                        "after end of|>>> data|\\bdata\\b:"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression rcpt(QStringLiteral("\\brcpt\\b"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression mail(
        QStringLiteral("mail from|\\bmail command"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression helo(
        QStringLiteral("\\b(?:helo|ehlo)\\b"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression conn(
        QStringLiteral("initial connection|after connect|greeting"), QRegularExpression::CaseInsensitiveOption);
    if (data.match(text).hasMatch())
        return QStringLiteral("DATA");
    if (rcpt.match(text).hasMatch())
        return QStringLiteral("RCPT");
    if (mail.match(text).hasMatch())
        return QStringLiteral("MAIL");
    if (helo.match(text).hasMatch())
        return QStringLiteral("HELO");
    if (conn.match(text).hasMatch())
        return QStringLiteral("CONN");
    return {};
}

Classification BounceHeuristics::classify(
    const QString &action, const QString &status, const QString &diagnostic, const QString &command, int *replyCode)
{
    const QString act = action.toLower();
    int code = 0;
    if (const auto m = replyCodePattern().match(diagnostic); m.hasMatch())
        code = m.captured(1).toInt();
    if (replyCode)
        *replyCode = code;

    auto given = StatusCode::find(status);
    const auto inText = StatusCode::find(diagnostic);
    // A generic X.0.0 in the Status field says less than a specific code of the same class in the diagnostic.
    if (given && inText && given->klass == inText->klass && given->subject == 0 && given->detail == 0)
        given = inText;
    if (!given && inText && (code == 0 || code / 100 == inText->klass))
        given = inText;

    Classification c;
    if (act == u"delivered" || act == u"relayed" || act == u"expanded") {
        c.status = given && given->klass == 2 ? given->toString() : QStringLiteral("2.0.0");
        c.cls = DeliveryClass::Success;
        c.reason = QStringLiteral("delivered");
        return c;
    }
    if (given && given->klass != 2) {
        c.status = given->toString();
        c.cls = given->klass == 4 ? DeliveryClass::Soft : DeliveryClass::Hard;
        c.reason = Classifier::reasonFor(c.status, diagnostic);
    } else {
        int klass = code / 100;
        if (klass != 4 && klass != 5)
            klass = act == u"delayed" || containsAny(diagnostic, TemporaryPhrases) ? 4 : 5;
        // Classifier::classifyReply refines X.0.0 from the text ("No such user" → X.1.1).
        c = Classifier::classifyReply(klass * 100 + 50, QString(), diagnostic);
    }
    const bool explicitMailboxStatus = given && given->subject == 1;
    if (c.reason == u"userunknown" && !explicitMailboxStatus && command != u"RCPT" && command != u"MAIL"
        && command != u"HELO" && command != u"CONN") {
        // Sisimai's filtered: a recipient refused as unknown where the bounce does not show it was refused at RCPT
        // is more often a filter or an alias that answered "unknown" after reading the message.
        c.reason = QStringLiteral("filtered");
    }
    if (act == u"failed" && c.cls == DeliveryClass::Soft) {
        // A final failure with a temporary status: the reporting MTA gave up after its queue lifetime.
        c.reason = QStringLiteral("expired");
    }
    return c;
}

BounceReading BounceHeuristics::read(const MimeMessage &mail)
{
    BounceReading reading;
    for (const MimePart &part : mail.parts()) {
        if (part.contentType == "message/feedback-report") {
            reading.note = QStringLiteral("feedback report (ARF), not a bounce");
            return reading;
        }
    }
    if (mail.reportType() == "feedback-report") {
        reading.note = QStringLiteral("feedback report (ARF), not a bounce");
        return reading;
    }

    QString tail;
    const QStringList notice = noticeLines(mail, &tail);
    const QString noticeText = notice.join(u'\n');

    // RFC 3464 / RFC 6533 reports.
    QList<Fields> groups;
    for (int pass = 0; pass < 2 && groups.isEmpty(); ++pass) {
        for (const MimePart &part : mail.parts()) {
            if (part.inAttachedMessage != (pass == 1))
                continue;
            if (part.contentType == "message/delivery-status" || part.contentType == "message/global-delivery-status")
                groups += parseFieldGroups(part.text);
        }
    }
    bool dsn = false;
    Fields perMessage;
    QStringList statuses; // the Status field of each recipient, in order
    for (const Fields &g : std::as_const(groups)) {
        const bool isRecipient = !field(g, "final-recipient").isEmpty() || !field(g, "original-recipient").isEmpty();
        if (!isRecipient) {
            if (perMessage.isEmpty())
                perMessage = g;
            continue;
        }
        dsn = true;
        BounceRecipient r = fromDsnGroup(g, perMessage);
        if (!r.address.contains(u'@'))
            continue;
        statuses.append(field(g, "status"));
        reading.recipients.append(std::move(r));
    }
    reading.arrivalDate = field(perMessage, "arrival-date");

    QSet<QString> exclude;
    for (const char *name : { "to", "from", "return-path", "delivered-to", "x-original-to" }) {
        const QString a = firstAddress(mail.header(name));
        if (!a.isEmpty())
            exclude.insert(a.toLower());
    }

    if (dsn) {
        // Fill in what the report leaves out from the notice: some MTAs put the SMTP reply only there.
        const QList<Candidate> candidates = findCandidates(notice, {});
        for (BounceRecipient &r : reading.recipients) {
            if (r.diagnostic.isEmpty()) {
                for (const Candidate &c : candidates) {
                    if (c.address.compare(r.address, Qt::CaseInsensitive) == 0)
                        r.diagnostic = collapseSpaces(c.block.join(u' ')).left(2000);
                }
                if (r.diagnostic.isEmpty() && reading.recipients.size() == 1)
                    r.diagnostic = errorParagraph(notice);
            }
            r.command = commandIn(r.diagnostic);
            for (const Candidate &c : candidates) {
                if (r.command.isEmpty() && c.address.compare(r.address, Qt::CaseInsensitive) == 0)
                    r.command = commandIn(c.block.join(u' '));
            }
            if (r.command.isEmpty())
                r.command = commandIn(noticeText);
            r.classification = classify(
                r.action, statuses.value(&r - reading.recipients.data()), r.diagnostic, r.command, &r.replyCode);
        }
        reading.kind = BounceReading::Kind::Bounce;
        return reading;
    }

    if (isAutoReply(mail) && mail.header("x-failed-recipients").isEmpty()) {
        reading.note = QStringLiteral("auto-reply, not a bounce");
        return reading;
    }
    if (!looksLikeBounce(mail, notice)) {
        if (mail.isTruncated()) {
            reading.kind = BounceReading::Kind::Unreadable;
            reading.note = QStringLiteral("truncated message");
        } else {
            reading.note = QStringLiteral("not a bounce");
        }
        return reading;
    }

    QList<Candidate> candidates = findCandidates(notice, exclude);
    if (candidates.isEmpty()) {
        QStringList failed = mail.header("x-failed-recipients").split(u',', Qt::SkipEmptyParts);
        for (const QString &f : failed) {
            const QString a = firstAddress(f);
            if (!a.isEmpty())
                candidates.append({ a, {} });
        }
    }
    if (candidates.isEmpty()) {
        // Last resort: the returned original's recipient.
        QString to;
        for (const auto &[key, value] : mail.originalHeaders()) {
            if (key == "to") {
                to = firstAddress(value);
                break;
            }
        }
        if (to.isEmpty()) {
            static const QRegularExpression toLine(QStringLiteral("^To:\\s*(.*)$"),
                QRegularExpression::MultilineOption | QRegularExpression::CaseInsensitiveOption);
            if (const auto m = toLine.match(tail); m.hasMatch())
                to = firstAddress(m.captured(1));
        }
        if (!to.isEmpty() && !isMailerDaemonAddress(to))
            candidates.append({ to, {} });
    }
    if (candidates.isEmpty()) {
        reading.kind = BounceReading::Kind::Unreadable;
        reading.note = QStringLiteral("bounce without a recognisable recipient");
        return reading;
    }
    const QString fallbackText = errorParagraph(notice);
    for (const Candidate &c : std::as_const(candidates)) {
        BounceRecipient r;
        r.address = c.address;
        r.diagnostic = collapseSpaces(c.block.join(u' ')).left(2000);
        const bool informative = replyCodePattern().match(r.diagnostic).hasMatch()
            || StatusCode::find(r.diagnostic).has_value() || r.diagnostic.size() > 20;
        if (!informative)
            r.diagnostic = fallbackText;
        r.action = QStringLiteral("failed");
        r.command = commandIn(c.block.join(u' '));
        if (r.command.isEmpty())
            r.command = commandIn(noticeText);
        r.classification = classify(QString(), QString(), r.diagnostic, r.command, &r.replyCode);
        if (r.classification.cls == DeliveryClass::Soft)
            r.action = QStringLiteral("delayed");
        reading.recipients.append(std::move(r));
    }
    reading.kind = BounceReading::Kind::Bounce;
    return reading;
}

} // namespace Mailpulse::Bounce
