#include "bounce/mimemessage.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <QLoggingCategory>

// GLib's GIO headers have a struct member named "signals", which Qt defines as a keyword macro.
#pragma push_macro("signals")
#undef signals
#include <gmime/gmime.h>
#pragma pop_macro("signals")

#include "bounce/bytescan.h"
#include "bounce/logtimeconverter.h"
#include "bounce/mimescanner.h"
#include "bounce/mimetext.h"

Q_LOGGING_CATEGORY(lcMime, "mailpulse.bounce", QtWarningMsg)

namespace Mailpulse::Bounce
{

using MimeText::bytesToText;
using MimeText::charsetFilter;
using MimeText::ensureGMimeInitialized;
using MimeText::GPtr;
using MimeText::isUtf8OrAscii;
using MimeText::parseHeaderText;

namespace
{

template <typename T> bool isA(T *object, GType type)
{
    return object && g_type_check_instance_is_a(reinterpret_cast<GTypeInstance *>(object), type);
}

GMimeObject *asObject(void *object) { return static_cast<GMimeObject *>(object); }

QByteArray lowerAscii(const char *text) { return text ? QByteArray(text).toLower() : QByteArray(); }

// A cheap, linear count of the container parts (multipart/*, message/*) the MIME parser would descend into.
// GMime recurses once per nesting level and compares every line against every open boundary, so a hostile
// 10,000-deep nest costs deep recursion and quadratic time; the count is an upper bound on the depth, checked
// before GMime sees the bytes.
int countContainerHeaders(const QByteArray &raw, int stopAt)
{
    int count = 0;
    const char *p = raw.constData();
    const char *end = p + raw.size();
    static constexpr char name[] = "content-type";
    constexpr qsizetype nameLen = sizeof(name) - 1;
    while (p < end) {
        const char *lineEnd = static_cast<const char *>(memchr(p, '\n', static_cast<size_t>(end - p)));
        if (!lineEnd)
            lineEnd = end;
        if (lineEnd - p > nameLen && g_ascii_strncasecmp(p, name, nameLen) == 0) {
            const char *v = p + nameLen;
            while (v < lineEnd && (*v == ' ' || *v == '\t'))
                ++v;
            if (v < lineEnd && *v == ':') {
                ++v;
                // The value may start on a continuation line.
                const char *valueEnd = lineEnd;
                while (v < end && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')) {
                    if (*v == '\n' && (v + 1 >= end || (v[1] != ' ' && v[1] != '\t')))
                        break;
                    ++v;
                }
                if (valueEnd < v)
                    valueEnd = v;
                const auto rest = static_cast<size_t>(end - v);
                if ((rest >= 10 && g_ascii_strncasecmp(v, "multipart/", 10) == 0)
                    || (rest >= 8 && g_ascii_strncasecmp(v, "message/", 8) == 0)) {
                    if (++count > stopAt)
                        return count;
                }
            }
        }
        p = lineEnd + 1;
    }
    return count;
}

// GMime's header list as a MimeHeaders: names and raw values copied into one buffer, decoded when asked for, as the
// scanner's are.
MimeHeaders headerList(GMimeObject *object)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    if (!list)
        return {};
    const int n = g_mime_header_list_get_count(list);
    struct Span {
        qsizetype name, nameLength, value, valueLength;
    };
    QList<Span> spans;
    spans.reserve(n);
    QByteArray storage;
    for (int i = 0; i < n; ++i) {
        GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
        const QByteArrayView name(g_mime_header_get_name(h));
        const char *raw = g_mime_header_get_raw_value(h);
        Span span { storage.size(), name.size(), -1, 0 };
        storage.append(name);
        if (raw) {
            const QByteArrayView value(raw);
            span.value = storage.size();
            span.valueLength = value.size();
            storage.append(value);
        }
        spans.append(span);
    }
    QList<MimeHeaders::Field> fields;
    fields.reserve(n);
    for (const Span &span : std::as_const(spans)) {
        const char *base = storage.constData();
        fields.append({ QByteArrayView(base + span.name, span.nameLength),
            span.value < 0 ? QByteArrayView() : QByteArrayView(base + span.value, span.valueLength) });
    }
    return MimeHeaders::fromRaw(std::move(storage), std::move(fields));
}

struct ParseState {
    bool nestingOverflow = false;
    bool truncated = false;
};

void onParserWarning(gint64, GMimeParserWarning code, const gchar *, gpointer userData)
{
    auto *state = static_cast<ParseState *>(userData);
    if (code == GMIME_CRIT_NESTING_OVERFLOW)
        state->nestingOverflow = true;
    else if (code == GMIME_WARN_TRUNCATED_MESSAGE)
        state->truncated = true;
}

// The date form nearly every MTA writes, "Thu, 29 Apr 2013 23:45:32 +0900" (the day name optional, a comment such
// as "(JST)" after it), read without GMime's tokenizer and GLib's time zone objects. Anything else, or anything out
// of range, is left to GMime (nullopt). Checked against GMime on the corpus's 1,348 dates and 300,000 generated ones.
std::optional<qint64> commonDateSeconds(QStringView text)
{
    qsizetype i = 0;
    // A run of digits at i, of a length from `least` to `most`.
    const auto number = [&](int least, int most, int *value) {
        int v = 0;
        const qsizetype start = i;
        for (; i < text.size() && text[i] >= u'0' && text[i] <= u'9' && i - start < most; ++i)
            v = v * 10 + (text[i].unicode() - '0');
        *value = v;
        return i - start >= least && (i >= text.size() || text[i] < u'0' || text[i] > u'9');
    };
    const auto digits = [&](int count, int *value) { return number(count, count, value); };
    // Compared a unit at a time: QStringView::startsWith is a call into Qt, made some twenty times a date (the
    // names of the days and months are tried in turn).
    const auto literal = [&](QStringView word) {
        if (text.size() - i < word.size())
            return false;
        for (qsizetype k = 0; k < word.size(); ++k) {
            if (text[i + k] != word[k])
                return false;
        }
        i += word.size();
        return true;
    };
    static const char16_t *const days[] = { u"Mon, ", u"Tue, ", u"Wed, ", u"Thu, ", u"Fri, ", u"Sat, ", u"Sun, " };
    static const char16_t *const months[]
        = { u"Jan", u"Feb", u"Mar", u"Apr", u"May", u"Jun", u"Jul", u"Aug", u"Sep", u"Oct", u"Nov", u"Dec" };
    for (const char16_t *day : days) {
        if (literal(QStringView(day)))
            break;
    }
    // A one-digit day is often padded with a space ("Thu,  6 Nov").
    if (i + 1 < text.size() && text[i] == u' ' && text[i + 1] >= u'0' && text[i + 1] <= u'9')
        ++i;
    int day = 0;
    if (!number(1, 2, &day) || !literal(u" "))
        return std::nullopt;
    int month = 0;
    for (int m = 0; m < 12 && month == 0; ++m) {
        if (literal(QStringView(months[m])))
            month = m + 1;
    }
    int year = 0, hour = 0, minute = 0, second = 0, zoneHours = 0, zoneMinutes = 0;
    if (month == 0 || !literal(u" ") || !digits(4, &year) || !literal(u" ") || !digits(2, &hour) || !literal(u":")
        || !digits(2, &minute) || !literal(u":") || !digits(2, &second) || !literal(u" "))
        return std::nullopt;
    int sign = 1;
    // RFC 5322's obsolete zone names for +0000, or +hhmm / -hhmm.
    if (!literal(u"GMT") && !literal(u"UT")) {
        if (i >= text.size() || (text[i] != u'+' && text[i] != u'-'))
            return std::nullopt;
        sign = text[i++] == u'-' ? -1 : 1;
        int zone = 0;
        if (!digits(4, &zone))
            return std::nullopt;
        zoneHours = zone / 100;
        zoneMinutes = zone % 100;
    }
    // The end, or one comment without nested parentheses.
    if (i < text.size()) {
        const QStringView rest = text.sliced(i);
        if (!rest.startsWith(u" (") || !rest.endsWith(u')') || rest.sliced(2, rest.size() - 3).contains(u'(')
            || rest.sliced(2, rest.size() - 3).contains(u')'))
            return std::nullopt;
    }
    if (!LogTimeConverter::validDate(year, month, day) || hour > 23 || minute > 59 || second > 59 || zoneHours > 23
        || zoneMinutes > 59)
        return std::nullopt;
    return LogTimeConverter::daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
        - sign * (zoneHours * 3600 + zoneMinutes * 60);
}

} // namespace

class MimeWalker
{
public:
    MimeWalker(MimeMessage &message, const MimeLimits &limits)
        : m_message(message)
        , m_limits(limits)
    {
    }

    void walk(GMimeObject *object, int depth, bool inAttached)
    {
        if (!object || m_message.m_parts.size() >= m_limits.maxParts)
            return;
        // GMime already bounds the structure (the pre-scan and its own nesting limit); this keeps our own
        // recursion bounded whatever GMime builds.
        if (depth > m_limits.maxContainers) {
            m_tooDeep = true;
            return;
        }
        if (isA(object, g_mime_multipart_get_type())) {
            auto *multipart = reinterpret_cast<GMimeMultipart *>(object);
            const int n = g_mime_multipart_get_count(multipart);
            for (int i = 0; i < n; ++i)
                walk(g_mime_multipart_get_part(multipart, i), depth + 1, inAttached);
            // A multipart whose boundary never appears holds everything in its prologue: some MTAs declare
            // multipart/report and then send plain text. Read that text as the body.
            const char *prologue = g_mime_multipart_get_prologue(multipart);
            if (n == 0 && prologue && *prologue && !inAttached) {
                MimePart part;
                part.contentType = "text/plain";
                part.depth = depth;
                part.text = bytesToText(QByteArray(prologue).left(m_limits.maxPartBytes));
                m_message.m_parts.append(std::move(part));
            }
            return;
        }
        if (isA(object, g_mime_message_part_get_type())) {
            GMimeMessage *inner = g_mime_message_part_get_message(reinterpret_cast<GMimeMessagePart *>(object));
            if (!inner)
                return;
            if (m_message.m_originalHeaders.isEmpty())
                m_message.m_originalHeaders = headerList(asObject(inner));
            walk(g_mime_message_get_mime_part(inner), depth + 1, true);
            return;
        }
        if (!isA(object, g_mime_part_get_type()))
            return;
        MimePart part;
        GMimeContentType *type = g_mime_object_get_content_type(object);
        part.contentType = lowerAscii(g_mime_content_type_get_media_type(type)) + '/'
            + lowerAscii(g_mime_content_type_get_media_subtype(type));
        part.depth = depth;
        part.inAttachedMessage = inAttached;
        if (part.isHtmlNotice())
            m_html.append({ m_message.m_parts.size(), reinterpret_cast<GMimePart *>(object) });
        else if (part.readsText())
            part.text = readText(reinterpret_cast<GMimePart *>(object), part.contentType, &part.truncated);
        if (part.contentType == "text/rfc822-headers" && m_message.m_originalHeaders.isEmpty())
            m_message.m_originalHeaders = MimeHeaders::fromText(part.text);
        m_message.m_parts.append(std::move(part));
    }

    /// After walk(), while the GMime objects live: the HTML parts' texts, where bounce reading reads them.
    void finishHtml()
    {
        if (!readsHtmlNotice(m_message.m_parts))
            return;
        for (const auto &[index, object] : std::as_const(m_html)) {
            MimePart &part = m_message.m_parts[index];
            part.text = readText(object, part.contentType, &part.truncated);
        }
    }

    bool tooDeep() const { return m_tooDeep; }

private:
    QString readText(GMimePart *part, const QByteArray &contentType, bool *truncated)
    {
        GMimeDataWrapper *content = g_mime_part_get_content(part);
        if (!content)
            return {};
        GMimeStream *source = g_mime_data_wrapper_get_stream(content);
        if (!source)
            return {};
        g_mime_stream_reset(source);
        GPtr<GMimeStream> filtered(g_mime_stream_filter_new(source));
        auto *filterStream = reinterpret_cast<GMimeStreamFilter *>(filtered.get());
        const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
        if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
            || encoding == GMIME_CONTENT_ENCODING_UUENCODE) {
            GPtr<GMimeFilter> decoder(g_mime_filter_basic_new(encoding, FALSE));
            g_mime_stream_filter_add(filterStream, decoder.get());
        }
        // Only text/* parts declare a charset; message/global-delivery-status (RFC 6533) is UTF-8 by definition.
        bool converted = false;
        const char *charset = g_mime_object_get_content_type_parameter(asObject(part), "charset");
        if (contentType.startsWith("text/") && charset && *charset && !isUtf8OrAscii(charset)) {
            // NULL when iconv does not know the charset: the bytes are then read as UTF-8 or Latin-1.
            if (GMimeFilter *convert = charsetFilter(charset)) {
                g_mime_stream_filter_add(filterStream, convert);
                converted = true;
            } else {
                qCDebug(lcMime) << "unknown charset" << charset;
            }
        }
        QByteArray bytes;
        char buffer[64 * 1024];
        for (;;) {
            const ssize_t n = g_mime_stream_read(filtered.get(), buffer, sizeof buffer);
            if (n <= 0)
                break;
            const qint64 room = m_limits.maxPartBytes - bytes.size();
            if (n > room) {
                bytes.append(buffer, room);
                *truncated = true;
                break;
            }
            bytes.append(buffer, n);
        }
        return converted ? QString::fromUtf8(bytes) : bytesToText(bytes);
    }

    MimeMessage &m_message;
    const MimeLimits &m_limits;
    bool m_tooDeep = false;
    QList<std::pair<qsizetype, GMimePart *>> m_html; // HTML notice parts not decoded yet: index in m_parts
};

QByteArray MimeMessage::normalizeLineEndings(const QByteArray &raw)
{
    const char *p = raw.constData();
    const char *const end = p + raw.size();
    const char *cr = static_cast<const char *>(std::memchr(p, '\r', size_t(raw.size())));
    if (!cr)
        return raw;
    QByteArray out(raw.size(), Qt::Uninitialized);
    const auto copied = size_t(cr - p);
    std::memcpy(out.data(), p, copied);
    char *o = out.data() + copied;
    p = cr;
    // CRLF mails have a CR on every line: sixteen bytes are copied a step up to the next CR, where a search and a
    // copy per line cost more than the line's bytes. The output is never longer than what is read, so a whole
    // block always fits.
#if defined(__SSE2__)
    const __m128i crs = _mm_set1_epi8('\r');
    while (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(o), block);
        const auto mask = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(block, crs)));
        if (mask == 0) {
            o += 16;
            p += 16;
            continue;
        }
        const int at = __builtin_ctz(mask);
        o += at;
        p += at + 1;
        *o++ = '\n';
        if (p < end && *p == '\n')
            ++p; // CRLF: the LF is written already
    }
#endif
    for (; p < end; ++p) {
        if (*p != '\r') {
            *o++ = *p;
            continue;
        }
        *o++ = '\n';
        if (p + 1 < end && p[1] == '\n')
            ++p;
    }
    out.truncate(o - out.constData());
    return out;
}

MimeMessage MimeMessage::parse(const QByteArray &input, Limits limits)
{
    MimeMessage message;
    if (QByteArrayView(input).trimmed().isEmpty()) {
        message.m_error = QStringLiteral("empty message");
        return message;
    }
    QByteArray raw = normalizeLineEndings(input);
    message.m_normalized = raw;
    if (raw.startsWith("From ")) {
        // An mbox envelope line ("From sender date") left in front of a single mail is not a header.
        const qsizetype eol = raw.indexOf('\n');
        raw = eol < 0 ? QByteArray() : raw.mid(eol + 1);
        if (QByteArrayView(raw).trimmed().isEmpty()) {
            message.m_error = QStringLiteral("empty message");
            return message;
        }
    }
    if (!limits.gmimeOnly && MimeScanner::scan(raw, limits, message))
        return message;

    // The scanner bounds its own depth and declined; GMime needs the structure bounded before it sees the bytes.
    if (countContainerHeaders(raw, limits.maxContainers) > limits.maxContainers) {
        message.m_error = QStringLiteral("MIME structure too deep or too complex (more than %1 multipart/message "
                                         "parts); not parsed")
                              .arg(limits.maxContainers);
        return message;
    }

    ensureGMimeInitialized();
    // The memory stream reads `raw` in place instead of copying it: GMime only reads an array it does not own,
    // and every object that references it is released before this function returns.
    GByteArray view;
    view.data = reinterpret_cast<guint8 *>(const_cast<char *>(raw.constData()));
    view.len = static_cast<guint>(raw.size());
    GPtr<GMimeStream> stream(g_mime_stream_mem_new());
    g_mime_stream_mem_set_byte_array(reinterpret_cast<GMimeStreamMem *>(stream.get()), &view);
    g_mime_stream_mem_set_owner(reinterpret_cast<GMimeStreamMem *>(stream.get()), FALSE);

    ParseState state;
    std::unique_ptr<GMimeParserOptions, void (*)(GMimeParserOptions *)> options(
        g_mime_parser_options_new(), g_mime_parser_options_free);
    g_mime_parser_options_set_warning_callback(options.get(), onParserWarning, &state);
    static const char *fallbackCharsets[] = { "UTF-8", "windows-1252", nullptr };
    g_mime_parser_options_set_fallback_charsets(options.get(), fallbackCharsets);

    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    // Constructed as a MIME part, not a GMimeMessage: a message parses its address and date headers on the way
    // in, work that bounce reading mostly does not need. The part's header list holds all top-level headers.
    GPtr<GMimeObject> parsed(g_mime_parser_construct_part(parser.get(), options.get()));
    if (!parsed) {
        message.m_error = QStringLiteral("not a mail message (no header section)");
        return message;
    }
    if (state.nestingOverflow) {
        message.m_error = QStringLiteral("MIME structure nested too deep; not parsed");
        return message;
    }
    message.m_truncated = state.truncated;
    message.m_headers = headerList(parsed.get());
    GMimeObject *body = parsed.get();
    if (body) {
        GMimeContentType *type = g_mime_object_get_content_type(body);
        message.m_contentType = lowerAscii(g_mime_content_type_get_media_type(type)) + '/'
            + lowerAscii(g_mime_content_type_get_media_subtype(type));
        message.m_reportType = lowerAscii(g_mime_object_get_content_type_parameter(body, "report-type"));
        MimeWalker walker(message, limits);
        walker.walk(body, 0, false);
        if (walker.tooDeep()) {
            message.m_error = QStringLiteral("MIME structure nested too deep; not parsed");
            return message;
        }
        walker.finishHtml();
    }
    if (message.m_headers.isEmpty() && message.m_contentType.isEmpty())
        message.m_error = QStringLiteral("not a mail message (no header section)");
    return message;
}

QDateTime MimeMessage::parseDate(const QString &text)
{
    if (text.trimmed().isEmpty())
        return {};
    // JSON notifications (Amazon SES) carry ISO 8601 times.
    if (text.size() >= 19 && text.at(4) == u'-' && text.at(10) == u'T') {
        const QDateTime iso = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
        if (iso.isValid())
            return iso.toUTC();
    }
    if (const auto seconds = commonDateSeconds(text))
        return QDateTime::fromSecsSinceEpoch(*seconds, Qt::UTC);
    ensureGMimeInitialized();
    GDateTime *parsed = g_mime_utils_header_decode_date(text.toUtf8().constData());
    if (!parsed)
        return {};
    const qint64 seconds = g_date_time_to_unix(parsed);
    g_date_time_unref(parsed);
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
}

bool readsHtmlNotice(const QList<MimePart> &parts)
{
    return std::none_of(parts.cbegin(), parts.cend(),
        [](const MimePart &part) { return !part.inAttachedMessage && part.isPlainText(); });
}

QString MimeMessage::header(QByteArrayView name) const
{
    // Callers name headers in lower case: no copy then.
    if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return m_headers.value(name);
    return m_headers.value(name.toByteArray().toLower());
}

MimeHeaders MimeHeaders::fromRaw(QByteArray storage, QList<Field> fields)
{
    MimeHeaders headers;
    headers.m_storage = std::move(storage);
    headers.m_fields = std::move(fields);
    return headers;
}

MimeHeaders MimeHeaders::fromText(QString text)
{
    MimeHeaders headers;
    headers.m_text = std::move(text);
    return headers;
}

bool MimeHeaders::isEmpty() const
{
    return m_fields.isEmpty() && (m_text.isEmpty() || parseHeaderText(m_text).isEmpty());
}

QString MimeHeaders::value(QByteArrayView lowerName) const
{
    for (const Field &f : m_fields) {
        if (f.name.size() == lowerName.size()
            && ByteScan::equalsCi(f.name.data(), lowerName.data(), size_t(f.name.size())))
            return MimeText::headerValue(lowerName, f.value);
    }
    if (!m_text.isEmpty()) {
        for (const auto &[key, value] : parseHeaderText(m_text)) {
            if (key == lowerName)
                return value;
        }
    }
    return {};
}

MimeHeaders::List MimeHeaders::decoded() const
{
    if (m_fields.isEmpty())
        return m_text.isEmpty() ? List() : parseHeaderText(m_text);
    List list;
    list.reserve(m_fields.size());
    for (const Field &f : m_fields) {
        QByteArray name = f.name.toByteArray().toLower();
        QString value = MimeText::headerValue(name, f.value);
        list.append({ std::move(name), std::move(value) });
    }
    return list;
}

} // namespace Mailpulse::Bounce
