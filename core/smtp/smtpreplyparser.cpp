#include "smtp/smtpreplyparser.h"

#include <algorithm>
#include <utility>

namespace Mailpulse::Smtp
{

namespace
{

// Enough of an offending line to recognise it in a transcript without letting a hostile server fill it.
constexpr qsizetype OffendingLineMax = 200;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Length of a leading RFC 3463 code "X.Y.Z" (subject and detail 1-3 digits) whose class digit is `klass`,
// followed by a space or the end of the text; 0 if the text does not start with one.
qsizetype enhancedCodeLength(QByteArrayView text, char klass)
{
    // RFC 3463 classes are 2, 4 and 5 only; a 3xx reply has no enhanced form.
    if (klass != '2' && klass != '4' && klass != '5')
        return 0;
    if (text.size() < 5 || text[0] != klass || text[1] != '.')
        return 0;
    qsizetype pos = 2;
    for (int part = 0; part < 2; ++part) {
        const qsizetype start = pos;
        while (pos < text.size() && isDigit(text[pos]) && pos - start < 4)
            ++pos;
        const qsizetype digits = pos - start;
        if (digits < 1 || digits > 3)
            return 0;
        if (part == 0) {
            if (pos >= text.size() || text[pos] != '.')
                return 0;
            ++pos;
        }
    }
    if (pos < text.size() && text[pos] != ' ')
        return 0;
    return pos;
}

// Removes a leading enhanced code and the single space that separates it from the text.
QByteArrayView stripEnhanced(QByteArrayView text, QByteArrayView enhanced)
{
    if (enhanced.isEmpty() || !text.startsWith(enhanced))
        return text;
    if (text.size() == enhanced.size())
        return {};
    if (text[enhanced.size()] != ' ')
        return text;
    return text.sliced(enhanced.size() + 1);
}

} // namespace

SmtpReplyParser::SmtpReplyParser(Limits limits)
    : m_limits(limits)
{
}

bool SmtpReplyParser::feed(QByteArrayView data)
{
    // Only the unterminated tail of a line is ever copied, and only while it fits the limit (+1 for a CR whose
    // LF has not arrived yet). Terminated lines are parsed straight from `data`.
    while (m_error == Error::None && !data.isEmpty()) {
        const qsizetype newline = data.indexOf('\n');
        if (newline < 0) {
            const qsizetype total = m_buffer.size() + data.size();
            const bool endsInCr = data.back() == '\r';
            if (total > m_limits.maxLineLength + 1 || (total == m_limits.maxLineLength + 1 && !endsInCr)) {
                failLineTooLong(m_buffer, data);
                break;
            }
            m_buffer.append(data);
            break;
        }

        const QByteArrayView piece = data.first(newline);
        const QByteArrayView terminated = data.first(newline + 1);
        data = data.sliced(newline + 1);
        qsizetype length = m_buffer.size() + piece.size();
        const bool crlf = piece.isEmpty() ? m_buffer.endsWith('\r') : piece.back() == '\r';
        if (crlf)
            --length;
        if (length > m_limits.maxLineLength) {
            failLineTooLong(m_buffer, piece);
            break;
        }
        if (m_buffer.isEmpty()) {
            parseLine(piece.first(length), terminated);
        } else {
            const QByteArray wire = std::exchange(m_buffer, {}) + terminated;
            parseLine(QByteArrayView(wire).first(length), wire);
        }
    }
    return m_error == Error::None;
}

bool SmtpReplyParser::parseLine(QByteArrayView line, QByteArrayView wire)
{
    if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2])) {
        m_malformedWhy = "no 3-digit reply code";
        fail(Error::Malformed, line);
        return false;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    // RFC 5321 replies are 2xx-5xx; a 1xx (or 0xx, 6xx...) cannot be acted on, so it is a protocol error.
    if (code < 200 || code > 599) {
        m_malformedWhy = "reply code outside 200-599";
        fail(Error::Malformed, line);
        return false;
    }
    bool last = true;
    QByteArrayView text;
    if (line.size() > 3) {
        if (line[3] == '-')
            last = false;
        else if (line[3] != ' ') {
            m_malformedWhy = "no space or hyphen after the reply code";
            fail(Error::Malformed, line);
            return false;
        }
        text = line.sliced(4);
    }

    const bool first = m_current.raw.isEmpty();
    if (!first && code != m_current.code) {
        m_malformedWhy = "reply code changes inside a multi-line reply";
        fail(Error::Malformed, line);
        return false;
    }
    if (m_current.raw.size() >= m_limits.maxLines) {
        fail(Error::TooManyLines, line);
        return false;
    }

    if (first) {
        m_current.code = code;
        // RFC 2034 §4: the enhanced code leads the text, and its class must agree with the reply's.
        const qsizetype n = enhancedCodeLength(text, line[0]);
        if (n > 0)
            m_current.enhanced = QString::fromLatin1(text.first(n));
    }
    const QByteArray enhanced = m_current.enhanced.toLatin1();
    // Text is attacker-controlled: decode leniently (invalid UTF-8 becomes U+FFFD) and never interpret it.
    m_current.lines.append(QString::fromUtf8(stripEnhanced(text, enhanced)));
    m_current.raw.append(line.toByteArray());
    m_currentWire.append(wire);

    if (last) {
        m_replies.append(std::exchange(m_current, {}));
        m_repliesWire.append(std::exchange(m_currentWire, {}));
    }
    return true;
}

void SmtpReplyParser::failLineTooLong(QByteArrayView head, QByteArrayView tail)
{
    QByteArray start = head.first(std::min(head.size(), OffendingLineMax)).toByteArray();
    start.append(tail.first(std::min(tail.size(), OffendingLineMax - start.size())));
    fail(Error::LineTooLong, start);
}

void SmtpReplyParser::fail(Error error, QByteArrayView line)
{
    m_error = error;
    m_offending = line.first(std::min(line.size(), OffendingLineMax)).toByteArray();
    // Nothing more will be parsed, so nothing more is kept. Replies completed before the error stay takeable:
    // they were valid, and the caller may want the transcript up to the offending line.
    m_buffer = QByteArray();
    m_current = {};
    m_currentWire = QByteArray();
}

SmtpReply SmtpReplyParser::takeReply()
{
    Q_ASSERT(hasReply());
    m_repliesWire.removeFirst();
    return m_replies.takeFirst();
}

QString SmtpReplyParser::errorString() const
{
    switch (m_error) {
    case Error::None:
        return {};
    case Error::LineTooLong:
        return QStringLiteral("reply line longer than %1 bytes").arg(m_limits.maxLineLength);
    case Error::TooManyLines:
        return QStringLiteral("reply with more than %1 lines").arg(m_limits.maxLines);
    case Error::Malformed:
        return QStringLiteral("malformed reply line: %1").arg(QLatin1String(m_malformedWhy));
    }
    return {};
}

qsizetype SmtpReplyParser::pendingBytes() const { return m_currentWire.size() + m_buffer.size(); }

QByteArray SmtpReplyParser::discardPending()
{
    // Byte for byte as received, terminators included: this is evidence for a security finding, and CR/LF games
    // are exactly what an injection may play.
    QByteArray out;
    for (const QByteArray &wire : std::as_const(m_repliesWire))
        out.append(wire);
    out.append(m_currentWire);
    out.append(m_buffer);

    m_replies.clear();
    m_repliesWire.clear();
    m_current = {};
    m_currentWire = QByteArray();
    m_buffer = QByteArray();
    return out;
}

void SmtpReplyParser::reset()
{
    m_buffer = QByteArray();
    m_current = {};
    m_currentWire = QByteArray();
    m_replies.clear();
    m_repliesWire.clear();
    m_error = Error::None;
    m_offending = QByteArray();
    m_malformedWhy = "";
}

} // namespace Mailpulse::Smtp
