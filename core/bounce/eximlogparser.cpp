#include "bounce/eximlogparser.h"

#include <cstring>

#include "bounce/bytescan.h"
#include "bounce/classifier.h"
#include "bounce/linefingerprint.h"

namespace Mailpulse::Bounce
{

namespace
{

using namespace ByteScan;

struct EximHeader {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int msec = 0;
    bool hasOffset = false;
    int offsetSecs = 0;
    qsizetype rest = 0; // after the timestamp and the optional [pid]
};

// "2026-11-27 10:00:01", with log_selector +millisec ".123", with log_timezone " +0100", then " [pid]" with +pid.
bool readHeader(QByteArrayView s, EximHeader *h)
{
    if (s.size() < 20 || !digits(s, 0, 4, &h->year) || s[4] != '-' || !digits(s, 5, 2, &h->month) || s[7] != '-'
        || !digits(s, 8, 2, &h->day) || s[10] != ' ' || !digits(s, 11, 2, &h->hour) || s[13] != ':'
        || !digits(s, 14, 2, &h->minute) || s[16] != ':' || !digits(s, 17, 2, &h->second))
        return false;
    qsizetype pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        if (!digits(s, pos + 1, 3, &h->msec))
            return false;
        pos += 4;
    }
    if (pos + 6 <= s.size() && s[pos] == ' ' && (s[pos + 1] == '+' || s[pos + 1] == '-')) {
        int oh = 0;
        int om = 0;
        if (digits(s, pos + 2, 2, &oh) && digits(s, pos + 4, 2, &om) && oh <= 23 && om <= 59
            && (pos + 6 == s.size() || s[pos + 6] == ' ')) {
            h->hasOffset = true;
            h->offsetSecs = (s[pos + 1] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            pos += 6;
        }
    }
    if (pos < s.size() && s[pos] != ' ')
        return false;
    ++pos;
    if (pos < s.size() && s[pos] == '[') {
        const qsizetype close = findChar(s, ']', pos);
        if (close < 0)
            return false;
        for (qsizetype i = pos + 1; i < close; ++i) {
            if (!isDigit(s[i]))
                return false;
        }
        pos = close + 2;
    }
    h->rest = pos;
    return true;
}

// Exim message ids: 6-6-2 base-62 (before 4.97) or 6-11-4.
bool isMessageId(QByteArrayView t)
{
    const auto run = [&t](qsizetype from, qsizetype *end) {
        qsizetype i = from;
        while (i < t.size() && isAlnum(t[i]))
            ++i;
        *end = i;
        return i - from;
    };
    qsizetype e1 = 0;
    qsizetype e2 = 0;
    qsizetype e3 = 0;
    if (run(0, &e1) != 6 || e1 >= t.size() || t[e1] != '-')
        return false;
    const qsizetype n2 = run(e1 + 1, &e2);
    if ((n2 != 6 && n2 != 11) || e2 >= t.size() || t[e2] != '-')
        return false;
    const qsizetype n3 = run(e2 + 1, &e3);
    return (n3 == 2 || n3 == 4) && e3 == t.size();
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

int replyCodeAt(QByteArrayView text, qsizetype pos)
{
    int code = 0;
    if (pos < 0 || !digits(text, pos, 3, &code) || code < 200 || code > 599)
        return 0;
    if (pos + 3 < text.size() && text[pos + 3] != ' ' && text[pos + 3] != '-')
        return 0;
    return code;
}

// The value of a field such as "H=" in the fields part; stops at the next space.
QByteArrayView field(QByteArrayView fields, QByteArrayView key)
{
    for (qsizetype at = find(fields, key); at >= 0; at = find(fields, key, at + 1)) {
        if (at > 0 && fields[at - 1] != ' ')
            continue;
        const qsizetype start = at + key.size();
        const qsizetype end = findChar(fields, ' ', start);
        return end < 0 ? fields.sliced(start) : fields.sliced(start, end - start);
    }
    return {};
}

// C="250 2.0.0 OK id=…": the confirmation of a delivery.
QByteArrayView confirmation(QByteArrayView fields)
{
    for (qsizetype at = find(fields, "C=\""); at >= 0; at = find(fields, "C=\"", at + 1)) {
        if (at > 0 && fields[at - 1] != ' ')
            continue;
        const qsizetype start = at + 3;
        const qsizetype end = findChar(fields, '"', start);
        return end < 0 ? fields.sliced(start) : fields.sliced(start, end - start);
    }
    return {};
}

// "defer (111)": the errno (or Exim's negative code) of a deferral; 0 when there is none.
int deferErrno(QByteArrayView fields)
{
    const qsizetype at = find(fields, "defer (");
    if (at < 0)
        return 0;
    qsizetype pos = at + 7;
    const bool negative = pos < fields.size() && fields[pos] == '-';
    if (negative)
        ++pos;
    int value = 0;
    int n = 0;
    while (pos < fields.size() && isDigit(fields[pos]) && n < 6) {
        value = value * 10 + (fields[pos] - '0');
        ++pos;
        ++n;
    }
    return negative ? -value : value;
}

bool containsCi(QByteArrayView haystack, const char *needle)
{
    const size_t n = std::strlen(needle);
    if (size_t(haystack.size()) < n)
        return false;
    for (qsizetype i = 0; i + qsizetype(n) <= haystack.size(); ++i) {
        if (strncasecmp(haystack.data() + i, needle, n) == 0)
            return true;
    }
    return false;
}

// A deferral without a server reply: the cause is the local error Exim met (errno, DNS, TLS).
Classification classifyLocalDeferral(int err, QByteArrayView text, const QString &textString)
{
    if (containsCi(text, "host address lookups failed temporarily") || containsCi(text, "DNS"))
        return Classifier::classifyFailure(Failure::DnsError);
    if (containsCi(text, "TLS session") || containsCi(text, "TLS error") || containsCi(text, "TLS is required"))
        return Classifier::classifyFailure(Failure::TlsFailed);
    if (err == 111 || err == 110 || err == 113 || err == 101 || containsCi(text, "Connection refused")
        || containsCi(text, "Connection timed out") || containsCi(text, "No route to host")
        || containsCi(text, "Network is unreachable"))
        return Classifier::classifyFailure(Failure::ConnectFailed);
    if (err == 104 || err == -18 || containsCi(text, "Remote host closed connection")
        || containsCi(text, "Connection reset") || containsCi(text, "timed out"))
        return Classifier::classifyFailure(Failure::ConnectionLost);
    Classification c;
    c.status = QStringLiteral("4.0.0");
    c.cls = DeliveryClass::Soft;
    c.reason = Classifier::reasonFor(c.status, textString);
    return c;
}

LogLineKind malformed(QString *error, const char *reason)
{
    if (error)
        *error = QString::fromLatin1(reason);
    return LogLineKind::Malformed;
}

} // namespace

EximLogParser::EximLogParser(LogTimeConverter *time)
    : m_time(time)
{
}

bool EximLogParser::isEximLine(QByteArrayView line, bool strict)
{
    EximHeader h;
    if (!readHeader(line, &h))
        return false;
    if (!strict)
        return true;
    const qsizetype end = findChar(line, ' ', h.rest);
    return end > h.rest && isMessageId(line.sliced(h.rest, end - h.rest));
}

LogLineKind EximLogParser::parse(QByteArrayView line, BounceEvent *event, QString *error)
{
    EximHeader h;
    if (!readHeader(line, &h))
        return malformed(error, "not an Exim log line");
    const qsizetype idEnd = findChar(line, ' ', h.rest);
    if (idEnd < 0 || !isMessageId(line.sliced(h.rest, idEnd - h.rest)) || idEnd + 3 >= line.size())
        return LogLineKind::Ignored;
    const QByteArrayView flag = line.sliced(idEnd + 1, 2);
    enum { Delivered, Deferred, Bounced } outcome;
    if (flag == "=>" || flag == "->" || flag == "*>")
        outcome = Delivered;
    else if (flag == "==")
        outcome = Deferred;
    else if (flag == "**")
        outcome = Bounced;
    else
        return LogLineKind::Ignored;
    if (idEnd + 3 >= line.size() || line[idEnd + 3] != ' ')
        return LogLineKind::Ignored;

    const qsizetype addrStart = idEnd + 4;
    qsizetype addrEnd = findChar(line, ' ', addrStart);
    if (addrEnd < 0)
        addrEnd = line.size();
    QByteArrayView address = line.sliced(addrStart, addrEnd - addrStart);
    // "** a@b.example: Unrouteable address": the colon belongs to the message.
    qsizetype messageAt = -1;
    if (address.endsWith(':')) {
        address.chop(1);
        messageAt = addrEnd + 1;
    }
    if (address.isEmpty() || address.contains('<'))
        return malformed(error, "delivery line without a recipient");
    if (!address.contains('@')) {
        // A local pipe, file or :blackhole: delivery ("=> /dev/null <a@b.example>"): the address it stands for
        // follows in angle brackets; without one it is no recipient outcome.
        if (messageAt >= 0 || addrEnd + 1 >= line.size() || line[addrEnd + 1] != '<')
            return LogLineKind::Ignored;
        const qsizetype close = findChar(line, '>', addrEnd + 2);
        if (close < 0)
            return malformed(error, "recipient without closing '>'");
        address = line.sliced(addrEnd + 2, close - addrEnd - 2);
        addrEnd = close + 1;
        if (address.endsWith(':'))
            address.chop(1);
        if (addrEnd < line.size() && line[addrEnd] == ':')
            messageAt = addrEnd + 1;
        if (!address.contains('@'))
            return LogLineKind::Ignored;
    }

    QByteArrayView fields;
    QByteArrayView message;
    if (messageAt >= 0) {
        message = line.sliced(qMin(messageAt, line.size()));
    } else {
        const qsizetype colon = find(line, ": ", addrEnd);
        const qsizetype endColon = line.endsWith(':') ? line.size() - 1 : -1;
        const qsizetype split = colon >= 0 ? colon : endColon;
        if (split >= 0) {
            fields = line.sliced(addrEnd, split - addrEnd);
            message = line.sliced(qMin(split + 2, line.size()));
        } else {
            fields = line.sliced(addrEnd);
        }
    }
    while (message.startsWith(' '))
        message = message.sliced(1);
    if (outcome != Delivered && message.isEmpty() && fields.isEmpty())
        return malformed(error, "failure line without an error text");

    qint64 utc = 0;
    const bool timeOk = h.hasOffset
        ? LogTimeConverter::offsetToUtcMSecs(
            h.year, h.month, h.day, h.hour, h.minute, h.second, h.msec, h.offsetSecs, &utc)
        : m_time->localToUtcMSecs(h.year, h.month, h.day, h.hour, h.minute, h.second, h.msec, &utc);
    if (!timeOk)
        return malformed(error, "invalid timestamp");

    // The remote reply: "SMTP error from remote mail server after RCPT TO:<a@b>: 550 5.1.1 …", or a message that
    // is itself a reply ("550 5.1.1 …" from an LMTP or a callout).
    QByteArrayView reply;
    int replyCode = 0;
    const qsizetype after = find(message, "SMTP error from remote mail");
    if (after >= 0) {
        const qsizetype colon = find(message, ": ", after);
        if (colon >= 0 && (replyCode = replyCodeAt(message, colon + 2)) != 0)
            reply = message.sliced(colon + 2);
    } else if ((replyCode = replyCodeAt(message, 0)) != 0) {
        reply = message;
    }

    const QByteArrayView host = field(fields, "H=");
    QString remoteMta;
    if (!host.isEmpty()) {
        remoteMta = QString::fromUtf8(host);
        const qsizetype hostAt = find(fields, "H=");
        const qsizetype bracket = hostAt + 2 + host.size() + 1;
        if (bracket < fields.size() && fields[bracket] == '[') {
            const qsizetype close = findChar(fields, ']', bracket);
            if (close > bracket)
                remoteMta += QString::fromUtf8(fields.sliced(bracket, close - bracket + 1));
        }
    }

    event->recipient = lowerDomain(address, &event->domain);
    event->source = BounceSource::Log;
    event->occurredAt = QDateTime::fromMSecsSinceEpoch(utc, Qt::UTC);
    event->remoteMta = remoteMta;
    event->fingerprint = LineFingerprint::of(line);

    Classification &c = event->classification;
    switch (outcome) {
    case Delivered: {
        const QByteArrayView confirmed = confirmation(fields);
        event->diagnostic = QString::fromUtf8(confirmed);
        event->replyCode = replyCodeAt(confirmed, 0);
        const auto code = StatusCode::find(event->diagnostic);
        c.status = code && code->klass == 2 ? code->toString() : QStringLiteral("2.0.0");
        c.cls = DeliveryClass::Success;
        c.reason = QStringLiteral("accepted");
        event->action = QStringLiteral("sent");
        break;
    }
    case Deferred:
    case Bounced: {
        event->diagnostic = QString::fromUtf8(reply.isEmpty() ? message : reply);
        event->replyCode = replyCode;
        event->action = outcome == Deferred ? QStringLiteral("deferred") : QStringLiteral("bounced");
        if (replyCode != 0) {
            c = Classifier::classifyReply(replyCode, {}, QString::fromUtf8(reply.sliced(3).trimmed()));
            // A reply text's reason wins, but the class of what Exim did is not in doubt for a 2xx/3xx "reply".
            if (c.cls == DeliveryClass::Success)
                c = Classifier::classifyReply(outcome == Deferred ? 451 : 550, {}, event->diagnostic);
        } else if (outcome == Deferred) {
            c = classifyLocalDeferral(deferErrno(fields), message, event->diagnostic);
        } else {
            // No reply: Exim's own verdict ("Unrouteable address", "retry timeout exceeded"). A 5.x.x code in
            // the text counts, otherwise X.0.0 refined from the text.
            c = Classifier::classifyReply(550, {}, event->diagnostic);
        }
        break;
    }
    }
    return LogLineKind::Event;
}

} // namespace Mailpulse::Bounce
