#include "bounce/postfixlogparser.h"

#include <cstring>

#include "bounce/bytescan.h"
#include "bounce/classifier.h"
#include "bounce/linefingerprint.h"

namespace Mailpulse::Bounce
{

namespace
{

using namespace ByteScan;

int monthFromName(QByteArrayView s)
{
    static constexpr char Names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    if (s.size() != 3)
        return 0;
    char lower[3];
    for (int i = 0; i < 3; ++i)
        lower[i] = char(s[i] | 0x20);
    for (int m = 0; m < 12; ++m) {
        if (std::memcmp(Names + m * 3, lower, 3) == 0)
            return m + 1;
    }
    return 0;
}

// The parts of a syslog line that precede the message.
struct SyslogHeader {
    int year = 0; // 0 for a classic timestamp: the converter infers it
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int msec = 0;
    bool hasOffset = false;
    int offsetSecs = 0;
    QByteArrayView host;
    QByteArrayView tag; // "postfix/smtp[123]" without the colon
    qsizetype message = 0; // where the message after "tag: " starts
};

// Fraction digits after a '.', kept to milliseconds.
qsizetype readFraction(QByteArrayView s, qsizetype pos, int *msec)
{
    *msec = 0;
    if (pos >= s.size() || s[pos] != '.')
        return pos;
    ++pos;
    int n = 0;
    while (pos < s.size() && isDigit(s[pos])) {
        if (n < 3)
            *msec = *msec * 10 + (s[pos] - '0');
        ++n;
        ++pos;
    }
    for (int i = n; i < 3; ++i)
        *msec *= 10;
    return n == 0 ? -1 : pos;
}

// "HH:MM:SS" at pos; returns the position after it or -1.
qsizetype readClock(QByteArrayView s, qsizetype pos, SyslogHeader *h)
{
    if (!digits(s, pos, 2, &h->hour) || pos + 8 > s.size() || s[pos + 2] != ':' || !digits(s, pos + 3, 2, &h->minute)
        || s[pos + 5] != ':' || !digits(s, pos + 6, 2, &h->second))
        return -1;
    return pos + 8;
}

// "2026-11-27T10:00:01.123456+00:00" (RFC 3339, rsyslog's high-precision format) or "Nov 27 10:00:01".
// Returns the position after the timestamp or -1.
qsizetype readTimestamp(QByteArrayView s, SyslogHeader *h)
{
    qsizetype pos = 0;
    if (s.size() >= 19 && isDigit(s[0])) {
        if (!digits(s, 0, 4, &h->year) || s[4] != '-' || !digits(s, 5, 2, &h->month) || s[7] != '-'
            || !digits(s, 8, 2, &h->day) || (s[10] != 'T' && s[10] != 't'))
            return -1;
        pos = readClock(s, 11, h);
        if (pos < 0 || (pos = readFraction(s, pos, &h->msec)) < 0 || pos >= s.size())
            return -1;
        const char z = s[pos];
        if (z == 'Z' || z == 'z') {
            h->hasOffset = true;
            return pos + 1;
        }
        int oh = 0;
        int om = 0;
        if ((z != '+' && z != '-') || !digits(s, pos + 1, 2, &oh) || pos + 6 > s.size() || s[pos + 3] != ':'
            || !digits(s, pos + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        h->hasOffset = true;
        h->offsetSecs = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        return pos + 6;
    }
    if (s.size() < 15 || s[3] != ' ')
        return -1;
    h->month = monthFromName(s.first(3));
    if (h->month == 0)
        return -1;
    // The day is space-padded ("Nov  7"); some daemons write "Nov 7".
    pos = 4;
    if (s[pos] == ' ')
        ++pos;
    if (pos < s.size() && isDigit(s[pos]) && pos + 1 < s.size() && isDigit(s[pos + 1])) {
        h->day = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
        pos += 2;
    } else if (pos < s.size() && isDigit(s[pos])) {
        h->day = s[pos] - '0';
        pos += 1;
    } else {
        return -1;
    }
    if (pos >= s.size() || s[pos] != ' ')
        return -1;
    pos = readClock(s, pos + 1, h);
    if (pos < 0)
        return -1;
    return readFraction(s, pos, &h->msec);
}

// Timestamp, host and tag. False when the line is not a syslog line.
bool readHeader(QByteArrayView s, SyslogHeader *h)
{
    qsizetype pos = readTimestamp(s, h);
    if (pos < 0 || pos >= s.size() || s[pos] != ' ')
        return false;
    ++pos;
    const qsizetype hostEnd = findChar(s, ' ', pos);
    if (hostEnd <= pos)
        return false;
    h->host = s.sliced(pos, hostEnd - pos);
    pos = hostEnd + 1;
    // The tag ends at the first ": " (a tag has no spaces; messages without a tag do not concern us).
    const qsizetype colon = find(s, ": ", pos);
    const qsizetype space = findChar(s, ' ', pos);
    if (colon < 0 || (space >= 0 && space < colon)) {
        h->tag = {};
        h->message = pos;
        return true;
    }
    h->tag = s.sliced(pos, colon - pos);
    h->message = colon + 2;
    return true;
}

bool isPostfixTag(QByteArrayView tag)
{
    // "postfix/smtp[123]", multi-instance "postfix-out/smtp[123]", and syslog_name variants "postfix/submission/…".
    return tag.startsWith("postfix") && findChar(tag, '/') > 0;
}

QString lowerDomain(QByteArrayView address, QString *domain)
{
    QString recipient = QString::fromUtf8(address);
    const qsizetype at = recipient.lastIndexOf(u'@');
    if (at < 0) {
        domain->clear();
        return recipient;
    }
    *domain = recipient.sliced(at + 1).toLower();
    return recipient.first(at + 1) + *domain;
}

// The remote reply in a Postfix status text: "host mx[192.0.2.1] said: 550 5.1.1 … (in reply to RCPT TO command)"
// or "host mx[…] refused to talk to me: 554 …". Returns where the reply starts, or -1.
qsizetype remoteReply(QByteArrayView text)
{
    for (QByteArrayView marker : { QByteArrayView(" said: "), QByteArrayView(" refused to talk to me: ") }) {
        const qsizetype at = find(text, marker);
        if (at >= 0)
            return at + marker.size();
    }
    return -1;
}

int replyCodeAt(QByteArrayView text, qsizetype pos)
{
    int code = 0;
    if (pos < 0 || !digits(text, pos, 3, &code) || code < 200 || code > 599)
        return 0;
    if (pos + 3 < text.size() && text[pos + 3] != ' ' && text[pos + 3] != '-')
        return 0;
    return code;
}

LogLineKind malformed(QString *error, const char *reason)
{
    if (error)
        *error = QString::fromLatin1(reason);
    return LogLineKind::Malformed;
}

} // namespace

PostfixLogParser::PostfixLogParser(LogTimeConverter *time)
    : m_time(time)
{
}

QString PostfixLogParser::intern(QByteArrayView bytes)
{
    for (const Interned &slot : m_interned) {
        if (!slot.value.isNull() && slot.key == bytes)
            return slot.value;
    }
    Interned &slot = m_interned[m_internNext];
    m_internNext = (m_internNext + 1) % InternSlots;
    slot.key = bytes.toByteArray();
    slot.value = QString::fromUtf8(bytes);
    return slot.value;
}

bool PostfixLogParser::isSyslogLine(QByteArrayView line)
{
    SyslogHeader h;
    return readHeader(line, &h);
}

bool PostfixLogParser::isPostfixLine(QByteArrayView line)
{
    SyslogHeader h;
    return readHeader(line, &h) && isPostfixTag(h.tag);
}

LogLineKind PostfixLogParser::parse(QByteArrayView line, BounceEvent *event, QString *error)
{
    SyslogHeader h;
    if (!readHeader(line, &h)) {
        if (error)
            *error = QStringLiteral("not a syslog line");
        return LogLineKind::Malformed;
    }
    if (!isPostfixTag(h.tag))
        return LogLineKind::Ignored;
    const bool hasStatus = find(line, " status=", h.message) >= 0;

    // "QUEUEID: to=<…>, …". Message-level lines ("QUEUEID: from=<>, status=expired, returned to sender") and
    // address verification ("status=deliverable") carry no recipient outcome.
    const QByteArrayView msg = line.sliced(h.message);
    const qsizetype idEnd = find(msg, ": ");
    if (idEnd <= 0 || idEnd > 32)
        return LogLineKind::Ignored;
    qsizetype pos = idEnd + 2;
    if (!msg.sliced(pos).startsWith("to=<"))
        return LogLineKind::Ignored;
    if (!hasStatus)
        return malformed(error, "delivery line without status= (cut short?)");

    QByteArrayView to;
    QByteArrayView relay;
    QByteArrayView dsn;
    QByteArrayView status;
    QByteArrayView text;
    bool haveStatus = false;
    while (pos < msg.size()) {
        const qsizetype eq = findChar(msg, '=', pos);
        if (eq < 0)
            return malformed(error, "delivery line without status=");
        const QByteArrayView key = msg.sliced(pos, eq - pos);
        qsizetype valueStart = eq + 1;
        if (key == "status") {
            const qsizetype space = findChar(msg, ' ', valueStart);
            status = space < 0 ? msg.sliced(valueStart) : msg.sliced(valueStart, space - valueStart);
            if (space >= 0) {
                text = msg.sliced(space + 1);
                // "(…)" as Postfix writes it; kept as is if a truncated line lost the closing parenthesis.
                if (text.startsWith('(') && text.endsWith(')'))
                    text = text.sliced(1, text.size() - 2);
            }
            haveStatus = true;
            break;
        }
        qsizetype valueEnd = 0;
        qsizetype next = 0;
        if ((key == "to" || key == "orig_to") && valueStart < msg.size() && msg[valueStart] == '<') {
            // A quoted local part may hold ", " and even '>': the address ends at the first ">, " (a key follows).
            const qsizetype close = find(msg, ">, ", valueStart);
            if (close < 0)
                return malformed(error, "recipient without closing '>'");
            ++valueStart;
            valueEnd = close;
            next = close + 3;
        } else {
            const qsizetype comma = find(msg, ", ", valueStart);
            if (comma < 0)
                return malformed(error, "delivery line without status=");
            valueEnd = comma;
            next = comma + 2;
        }
        const QByteArrayView value = msg.sliced(valueStart, valueEnd - valueStart);
        if (key == "to")
            to = value;
        else if (key == "relay")
            relay = value;
        else if (key == "dsn")
            dsn = value;
        pos = next;
    }
    if (!haveStatus)
        return malformed(error, "delivery line without status=");
    if (to.isEmpty())
        return malformed(error, "empty recipient");

    enum { Sent, Deferred, Bounced, Expired } outcome;
    if (status == "sent")
        outcome = Sent;
    else if (status == "deferred")
        outcome = Deferred;
    else if (status == "bounced")
        outcome = Bounced;
    else if (status == "expired")
        outcome = Expired;
    else if (status == "deliverable" || status == "undeliverable" || status == "undeliverable-but-not-cached")
        return LogLineKind::Ignored; // verify(8) address probes, not deliveries
    else
        return malformed(error, "unknown delivery status");

    QString statusCode;
    if (!dsn.isEmpty()) {
        statusCode = intern(dsn);
        if (!StatusCode::parse(statusCode))
            return malformed(error, "invalid dsn=");
    } else {
        // Very old Postfix versions log no dsn=.
        statusCode = QString::fromLatin1(outcome == Sent ? "2.0.0" : outcome == Bounced ? "5.0.0" : "4.0.0");
    }

    qint64 utc = 0;
    const bool timeOk = h.hasOffset
        ? LogTimeConverter::offsetToUtcMSecs(
            h.year, h.month, h.day, h.hour, h.minute, h.second, h.msec, h.offsetSecs, &utc)
        : m_time->localToUtcMSecs(m_time->inferYear(h.month), h.month, h.day, h.hour, h.minute, h.second, h.msec, &utc);
    if (!timeOk)
        return malformed(error, "invalid timestamp");

    const qsizetype replyAt = remoteReply(text);
    const QByteArrayView diagnostic = replyAt >= 0 ? text.sliced(replyAt) : text;
    int replyCode = replyCodeAt(diagnostic, 0);

    event->recipient = lowerDomain(to, &event->domain);
    event->source = BounceSource::Log;
    event->occurredAt = QDateTime::fromMSecsSinceEpoch(utc, Qt::UTC);
    event->diagnostic = QString::fromUtf8(diagnostic);
    event->remoteMta = relay == "none" ? QString() : QString::fromUtf8(relay);
    event->replyCode = replyCode;
    event->action = intern(status);
    event->fingerprint = LineFingerprint::of(line);

    Classification &c = event->classification;
    c.status = statusCode;
    switch (statusCode.at(0).unicode()) {
    case u'2':
        c.cls = DeliveryClass::Success;
        c.reason = QStringLiteral("accepted");
        break;
    case u'4':
        c.cls = DeliveryClass::Soft;
        break;
    default:
        c.cls = DeliveryClass::Hard;
        break;
    }
    if (c.cls != DeliveryClass::Success) {
        // Postfix gave up after the maximal queue lifetime: that is the reason, whatever the last attempt met.
        c.reason
            = outcome == Expired ? QStringLiteral("expired") : Classifier::reasonFor(statusCode, event->diagnostic);
    }
    return LogLineKind::Event;
}

} // namespace Mailpulse::Bounce
