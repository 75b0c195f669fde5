#include "bounce/mimescanner.h"

#include <algorithm>
#include <cstring>

#include <QVarLengthArray>

#include "bounce/bytescan.h"
#include "bounce/mimetext.h"

namespace Mailpulse::Bounce
{

namespace
{

// Deeper than any real bounce (report → returned message → its multipart/alternative is 3 or 4); each level scans
// its bytes once more, so the depth is kept small and anything deeper goes to GMime.
constexpr int MaxScanDepth = 24;

using Field = MimeHeaders::Field; // the value raw: it may span folded lines
using Fields = QVarLengthArray<Field, 32>;

bool isSpace(char c) { return c == ' ' || c == '\t'; }

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (isSpace(v.front()) || v.front() == '\n' || v.front() == '\r'))
        v = v.sliced(1);
    while (!v.isEmpty() && (isSpace(v.back()) || v.back() == '\n' || v.back() == '\r'))
        v.chop(1);
    return v;
}

bool equalsCi(QByteArrayView a, const char *b)
{
    const auto n = qsizetype(std::strlen(b));
    return a.size() == n && ByteScan::equalsCi(a.data(), b, size_t(n));
}

const char *lineEnd(const char *p, const char *end)
{
    const void *nl = std::memchr(p, '\n', size_t(end - p));
    return nl ? static_cast<const char *>(nl) : end;
}

// Reads a header section starting at `p`; on return `p` is the first byte of the body (after the blank line).
// False when a line is neither a header field nor a continuation: GMime then decides what it is.
bool readFields(const char *&p, const char *end, Fields &out, bool *blankLine = nullptr)
{
    if (blankLine)
        *blankLine = false;
    while (p < end) {
        const char *eol = lineEnd(p, end);
        if (eol == p) {
            p = eol + 1;
            if (blankLine)
                *blankLine = true;
            return true;
        }
        if (isSpace(*p)) {
            if (out.isEmpty())
                return false;
            Field &last = out.back();
            last.value = QByteArrayView(last.value.data(), eol);
            p = eol < end ? eol + 1 : end;
            continue;
        }
        const char *colon = static_cast<const char *>(std::memchr(p, ':', size_t(eol - p)));
        QByteArrayView name(p, colon ? colon : p);
        while (!name.isEmpty() && isSpace(name.back()))
            name.chop(1);
        // Nearly every name is visible ASCII: then it holds no blank and no byte a name may not have, which are
        // looked for a byte at a time only otherwise.
        const bool visible = ByteScan::isVisibleAscii(name);
        if (!colon || (!visible && std::any_of(name.begin(), name.end(), isSpace))) {
            // A line that is no field between fields (most often a value folded without its leading white space,
            // "Jun 2018 07:31:37 +0000"): GMime skips it. One followed by a continuation line or by the end of the
            // mail is left to GMime.
            const char *next = eol < end ? eol + 1 : end;
            if (out.isEmpty() || next >= end || isSpace(*next))
                return false;
            p = next;
            continue;
        }
        if (name.isEmpty() || !visible)
            return false;
        out.append({ name, QByteArrayView(colon + 1, eol) });
        p = eol < end ? eol + 1 : end;
    }
    return true; // headers only, no body
}

QByteArrayView fieldValue(const Fields &fields, const char *name)
{
    for (const Field &f : fields) {
        if (equalsCi(f.name, name))
            return f.value;
    }
    return {};
}

struct ContentType {
    QByteArray type = QByteArrayLiteral("text/plain"); // lower-case type/subtype (the default: no allocation)
    QByteArray boundary;
    bool hasBoundary = false; // a boundary parameter, even an empty one
    QByteArray charset;
    QByteArray reportType; // lower-case
};

// A parenthesised comment outside quoted strings (a '(' inside quotes is part of a value: Sun Messaging Server's
// boundaries read "Boundary_(ID_...)").
bool hasComment(QByteArrayView v)
{
    if (ByteScan::findChar(v, '(') < 0)
        return false; // most values: no '(' at all
    bool quoted = false;
    for (qsizetype i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (quoted && c == '\\')
            ++i;
        else if (c == '"')
            quoted = !quoted;
        else if (c == '(' && !quoted)
            return true;
    }
    return false;
}

// Content-Type: type/subtype *(; name=value); false for what only GMime reads the same way (comments, RFC 2231).
bool parseContentType(QByteArrayView raw, ContentType *out)
{
    if (raw.isNull())
        return true; // RFC 2045 §5.2: text/plain by default
    // Unfolded: the line breaks removed (a copy only for a folded value).
    QByteArray value;
    if (ByteScan::findChar(raw, '\n') >= 0 || ByteScan::findChar(raw, '\r') >= 0) {
        value.resize(raw.size());
        char *o = value.data();
        for (const char c : raw) {
            if (c != '\r' && c != '\n')
                *o++ = c;
        }
        value.truncate(o - value.constData());
    }
    QByteArrayView v = trimmed(value.isNull() ? raw : QByteArrayView(value));
    if (hasComment(v))
        return false;
    qsizetype i = 0;
    while (i < v.size() && v[i] != ';')
        ++i;
    const QByteArrayView type = trimmed(v.first(i));
    const qsizetype slash = ByteScan::findChar(type, '/');
    if (slash <= 0 || slash == type.size() - 1)
        return false;
    // Lowered into one array: a part's type is read for every part of every mail.
    const QByteArrayView major = trimmed(type.first(slash));
    const QByteArrayView minor = trimmed(type.sliced(slash + 1));
    QByteArray lowerType(major.size() + 1 + minor.size(), Qt::Uninitialized);
    char *o = lowerType.data();
    for (const QByteArrayView piece : { major, QByteArrayView("/"), minor }) {
        for (const char c : piece) {
            if (isSpace(c))
                return false;
            *o++ = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        }
    }
    out->type = std::move(lowerType);
    while (i < v.size()) {
        ++i; // past ';'
        const qsizetype nameStart = i;
        while (i < v.size() && v[i] != '=' && v[i] != ';')
            ++i;
        const QByteArrayView name = trimmed(v.sliced(nameStart, i - nameStart));
        if (i >= v.size() || v[i] == ';') {
            if (ByteScan::findChar(name, '*') >= 0)
                return false;
            continue; // a parameter without a value: ignored
        }
        ++i; // past '='
        while (i < v.size() && isSpace(v[i]))
            ++i;
        QByteArray param;
        if (i < v.size() && v[i] == '"') {
            ++i;
            // Taken whole up to the closing quote; built byte by byte only where a backslash quotes a byte.
            const qsizetype close = ByteScan::findChar(v, '"', i);
            if (close < 0)
                return false; // an unterminated quote
            if (ByteScan::findChar(v.sliced(i, close - i), '\\') < 0) {
                param = v.sliced(i, close - i).toByteArray();
                i = close;
            } else {
                param.reserve(close - i);
                while (i < v.size() && v[i] != '"') {
                    if (v[i] == '\\' && i + 1 < v.size())
                        ++i;
                    param.append(v[i++]);
                }
                if (i >= v.size())
                    return false; // an unterminated quote
            }
            ++i;
            while (i < v.size() && v[i] != ';') {
                if (!isSpace(v[i]))
                    return false; // text after the closing quote
                ++i;
            }
        } else {
            const qsizetype start = i;
            while (i < v.size() && v[i] != ';')
                ++i;
            param = trimmed(v.sliced(start, i - start)).toByteArray();
        }
        if (ByteScan::findChar(name, '*') >= 0)
            return false;
        if (equalsCi(name, "boundary")) {
            out->boundary = std::move(param);
            out->hasBoundary = true;
        } else if (equalsCi(name, "charset"))
            out->charset = std::move(param);
        else if (equalsCi(name, "report-type"))
            out->reportType = std::move(param).toLower();
    }
    return true;
}

class Scanner
{
public:
    explicit Scanner(const MimeLimits &limits)
        : m_limits(limits)
    {
    }

    bool run(const QByteArray &raw);

private:
    bool entity(const char *begin, const char *end, int depth, bool inAttached);
    bool body(
        const Fields &fields, const ContentType &type, const char *begin, const char *end, int depth, bool inAttached);
    bool entityBody(const Fields &fields, const char *begin, const char *end, int depth, bool inAttached);
    bool multipart(const ContentType &type, const char *begin, const char *end, int depth, bool inAttached);
    bool leaf(
        const Fields &fields, const ContentType &type, const char *begin, const char *end, int depth, bool inAttached);

    enum class Scope { All, MessageOnly };
    // The fields point into `raw`, which the section keeps a reference to; values are decoded when asked for.
    static MimeHeaders section(const QByteArray &raw, const Fields &fields, Scope scope = Scope::All);

    // Once every part is known: the HTML parts' texts, where bounce reading reads them.
    void finishHtml();

    const MimeLimits &m_limits;
    const QByteArray *m_raw = nullptr;
    // HTML notice parts not decoded yet (index in parts).
    struct PendingHtml {
        qsizetype index;
        QByteArrayView content;
        MimeText::TransferEncoding encoding;
        QByteArray charset;
    };
    QList<PendingHtml> m_html;

public:
    // Written by run(); MimeScanner::scan() moves them into the MimeMessage on success.
    MimeHeaders headers;
    MimeHeaders originalHeaders;
    QList<MimePart> parts;
    QByteArray contentType;
    QByteArray reportType;
    bool truncated = false;
};

MimeHeaders Scanner::section(const QByteArray &raw, const Fields &fields, Scope scope)
{
    QList<Field> list;
    list.reserve(fields.size());
    for (const Field &f : fields) {
        // A GMime message hands its Content-* fields to its MIME part: they are not among the message's headers.
        if (scope == Scope::MessageOnly && f.name.size() > 8 && ByteScan::equalsCi(f.name.data(), "content-", 8))
            continue;
        list.append(f);
    }
    return MimeHeaders::fromRaw(raw, std::move(list));
}

bool Scanner::run(const QByteArray &raw)
{
    m_raw = &raw;
    const char *p = raw.constData();
    const char *end = p + raw.size();
    Fields fields;
    bool blankLine = false;
    // A mail that ends inside its header section is one GMime calls truncated, as only it can say exactly.
    if (!readFields(p, end, fields, &blankLine) || fields.isEmpty() || !blankLine)
        return false;
    ContentType type;
    if (!parseContentType(fieldValue(fields, "content-type"), &type))
        return false;
    headers = section(raw, fields);
    contentType = type.type;
    reportType = type.reportType;
    if (!body(fields, type, p, end, 0, false))
        return false;
    finishHtml();
    return true;
}

void Scanner::finishHtml()
{
    if (!readsHtmlNotice(parts))
        return;
    for (const PendingHtml &html : std::as_const(m_html)) {
        MimePart &part = parts[html.index];
        part.text = MimeText::decodeText(
            html.content, html.encoding, html.charset.constData(), m_limits.maxPartBytes, &part.truncated);
    }
}

bool Scanner::entity(const char *begin, const char *end, int depth, bool inAttached)
{
    const char *p = begin;
    Fields fields;
    if (!readFields(p, end, fields))
        return false;
    return entityBody(fields, p, end, depth, inAttached);
}

bool Scanner::entityBody(const Fields &fields, const char *begin, const char *end, int depth, bool inAttached)
{
    ContentType type;
    if (!parseContentType(fieldValue(fields, "content-type"), &type))
        return false;
    return body(fields, type, begin, end, depth, inAttached);
}

bool Scanner::body(
    const Fields &fields, const ContentType &type, const char *begin, const char *end, int depth, bool inAttached)
{
    if (depth > MaxScanDepth)
        return false;
    if (type.type.startsWith("multipart/"))
        return multipart(type, begin, end, depth, inAttached);
    return leaf(fields, type, begin, end, depth, inAttached);
}

bool Scanner::multipart(const ContentType &type, const char *begin, const char *end, int depth, bool inAttached)
{
    if (type.type == "multipart/digest" || (type.hasBoundary && type.boundary.isEmpty()))
        return false;
    if (type.boundary.isEmpty() && begin >= end)
        return false; // GMime calls some of these truncated

    const QByteArray &boundary = type.boundary;
    // Delimiter lines: "--boundary" or "--boundary--" at the start of a line, then only white space. Without a
    // boundary parameter (one folded without its leading white space, see readFields) there are none.
    const char *partStart = nullptr;
    const char *preambleEnd = nullptr;
    int children = 0;
    bool closed = false;
    // The delimiter is looked for, not every line: one search through the part instead of one per line.
    QVarLengthArray<char, 128> delimiter;
    delimiter.append("--", 2);
    delimiter.append(boundary.constData(), boundary.size());
    const QByteArrayView delimiterView(delimiter.constData(), delimiter.size());
    for (const char *line = boundary.isEmpty() ? end : begin; line < end;) {
        const qsizetype found = ByteScan::find(QByteArrayView(line, end), delimiterView);
        if (found < 0)
            break;
        const char *at = line + found;
        if (at != begin && at[-1] != '\n') {
            line = at + 1; // not at the start of a line
            continue;
        }
        line = at;
        const char *eol = lineEnd(line, end);
        const auto length = eol - line;
        if (length >= boundary.size() + 2) {
            const char *rest = line + 2 + boundary.size();
            const bool close = eol - rest >= 2 && rest[0] == '-' && rest[1] == '-';
            if (close)
                rest += 2;
            while (rest < eol && (isSpace(*rest) || *rest == '\r'))
                ++rest;
            if (rest == eol) {
                // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
                const char *contentEnd = line > begin ? line - 1 : line;
                if (partStart) {
                    if (!entity(partStart, qMax(partStart, contentEnd), depth + 1, inAttached))
                        return false;
                    ++children;
                } else {
                    preambleEnd = contentEnd;
                }
                if (close) {
                    closed = true;
                    break;
                }
                partStart = eol < end ? eol + 1 : end;
            }
        }
        line = eol < end ? eol + 1 : end;
    }
    if (!closed && !boundary.isEmpty()) {
        if (partStart) {
            if (!entity(partStart, end, depth + 1, inAttached))
                return false;
            ++children;
        }
        // Truncated: the mail ended with this multipart open. One that an enclosing part's delimiter ended (an
        // original cut short inside the bounce) is not, as GMime has it.
        if (end == m_raw->constData() + m_raw->size())
            truncated = true;
    }
    // A multipart whose boundary never appears holds everything in its prologue: some MTAs declare
    // multipart/report and then send plain text. Read that text as the body.
    if (children == 0 && !preambleEnd && !inAttached && begin < end) {
        if (parts.size() >= m_limits.maxParts)
            return true;
        MimePart part;
        part.contentType = "text/plain";
        part.depth = depth;
        part.text = MimeText::bytesToText(
            QByteArrayView(begin, end).first(qMin<qsizetype>(end - begin, m_limits.maxPartBytes)));
        parts.append(std::move(part));
    }
    return true;
}

bool Scanner::leaf(
    const Fields &fields, const ContentType &type, const char *begin, const char *end, int depth, bool inAttached)
{
    const QByteArrayView cte = trimmed(fieldValue(fields, "content-transfer-encoding"));
    MimeText::TransferEncoding encoding = MimeText::TransferEncoding::Identity;
    if (equalsCi(cte, "base64"))
        encoding = MimeText::TransferEncoding::Base64;
    else if (equalsCi(cte, "quoted-printable"))
        encoding = MimeText::TransferEncoding::QuotedPrintable;
    else if (!cte.isEmpty() && !equalsCi(cte, "7bit") && !equalsCi(cte, "8bit") && !equalsCi(cte, "binary"))
        return false; // uuencode and the rest: GMime's business

    if (type.type.startsWith("message/")) {
        if (type.type == "message/partial" || type.type == "message/external-body")
            return false;
        if (type.type == "message/rfc822" || type.type == "message/news" || type.type == "message/global") {
            if (encoding != MimeText::TransferEncoding::Identity)
                return false;
            if (trimmed(QByteArrayView(begin, end)).isEmpty())
                return true; // a report that left the original out: GMime builds no message either
            const char *p = begin;
            Fields inner;
            if (!readFields(p, end, inner))
                return false;
            if (originalHeaders.isEmpty())
                originalHeaders = section(*m_raw, inner, Scope::MessageOnly);
            return entityBody(inner, p, end, depth + 1, true);
        }
    }
    if (parts.size() >= m_limits.maxParts)
        return true;
    MimePart part;
    part.contentType = type.type;
    part.depth = depth;
    part.inAttachedMessage = inAttached;
    if (part.isHtmlNotice()) {
        m_html.append({ parts.size(), QByteArrayView(begin, end), encoding, type.charset });
    } else if (part.readsText()) {
        // Only text/* parts declare a charset; message/global-delivery-status (RFC 6533) is UTF-8 by definition.
        const char *charset = part.contentType.startsWith("text/") ? type.charset.constData() : nullptr;
        part.text = MimeText::decodeText(
            QByteArrayView(begin, end), encoding, charset, m_limits.maxPartBytes, &part.truncated);
    }
    if (part.contentType == "text/rfc822-headers" && originalHeaders.isEmpty())
        originalHeaders = MimeHeaders::fromText(part.text);
    parts.append(std::move(part));
    return true;
}

} // namespace

bool MimeScanner::scan(const QByteArray &raw, const MimeLimits &limits, MimeMessage &out)
{
    Scanner scanner(limits);
    if (!scanner.run(raw))
        return false;
    out.m_headers = std::move(scanner.headers);
    out.m_originalHeaders = std::move(scanner.originalHeaders);
    out.m_parts = std::move(scanner.parts);
    out.m_contentType = std::move(scanner.contentType);
    out.m_reportType = std::move(scanner.reportType);
    out.m_truncated = scanner.truncated;
    return true;
}

} // namespace Mailpulse::Bounce
