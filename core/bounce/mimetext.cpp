#include "bounce/mimetext.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>

#include <QLoggingCategory>
#include <QStringDecoder>
#include <QStringTokenizer>

// GLib's GIO headers have a struct member named "signals", which Qt defines as a keyword macro.
#pragma push_macro("signals")
#undef signals
#include <gmime/gmime.h>
#pragma pop_macro("signals")

#include "bounce/bytescan.h"

Q_DECLARE_LOGGING_CATEGORY(lcMime)

namespace Mailpulse::Bounce::MimeText
{

void ensureGMimeInitialized()
{
    // g_mime_init() is not itself thread-safe and must run once before any other GMime call.
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

QString bytesToText(QByteArrayView bytes)
{
    // Most of what bounce reading decodes is ASCII, for which the UTF-8 decoder's validation is wasted work.
    const char *p = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    // Any high bit set means a byte >= 0x80. Eight words OR-ed before one test: the compiler vectorizes the block
    // (most texts are all ASCII), where a test per word kept it to a word a step.
    for (; i + 64 <= n; i += 64) {
        std::uint64_t any = 0;
        for (int k = 0; k < 8; ++k) {
            std::uint64_t word;
            std::memcpy(&word, p + i + 8 * k, sizeof word);
            any |= word;
        }
        if (any & 0x8080808080808080u)
            break;
    }
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, p + i, sizeof word);
        if (word & 0x8080808080808080u)
            break;
    }
    for (; i < n; ++i) {
        if (static_cast<unsigned char>(p[i]) >= 0x80)
            break;
    }
    if (i == n)
        return QString::fromLatin1(bytes);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (!utf8.hasError())
        return text;
    return QString::fromLatin1(bytes);
}

QString headerValue(QByteArrayView lowerName, QByteArrayView raw)
{
    if (raw.isNull())
        return {};
    // ByteScan's inline searches: Qt's contains() is a call to a general search, for each of a few bytes.
    const bool decode
        = (lowerName == "subject" || lowerName == "from" || lowerName == "to") && ByteScan::findInShort(raw, "=?") >= 0;
    // Most values are one line: no copy to unfold them.
    if (!decode && ByteScan::findChar(raw, '\n') < 0 && ByteScan::findChar(raw, '\r') < 0)
        return bytesToText(raw.trimmed());
    QByteArray value;
    value.reserve(raw.size());
    for (const char c : raw) {
        if (c == '\r')
            continue;
        value.append(c == '\n' ? ' ' : c);
    }
    if (decode) {
        ensureGMimeInitialized();
        char *decoded = g_mime_utils_header_decode_text(nullptr, value.constData());
        if (decoded) {
            QString text = QString::fromUtf8(decoded).trimmed();
            g_free(decoded);
            return text;
        }
    }
    return bytesToText(QByteArrayView(value).trimmed());
}

HeaderList parseHeaderText(const QString &text)
{
    // Lines as views: splitting into a list of strings, then cutting each line up, allocated a few strings per
    // line of a returned original's headers.
    HeaderList out;
    for (QStringView line : QStringTokenizer(text, u'\n')) {
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.isEmpty()) {
            if (!out.isEmpty())
                break;
            continue;
        }
        if ((line.front() == u' ' || line.front() == u'\t') && !out.isEmpty()) {
            QString &value = out.back().second;
            value += u' ';
            value += line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            continue;
        out.append({ fieldNameKey(line.first(colon).trimmed()), line.sliced(colon + 1).trimmed().toString() });
    }
    return out;
}

QByteArray fieldNameKey(QStringView name)
{
    QByteArray key(name.size(), Qt::Uninitialized);
    char *out = key.data();
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        *out++ = u > 0xff ? '?' : u >= 'A' && u <= 'Z' ? char(u - 'A' + 'a') : char(u);
    }
    return key;
}

namespace
{

bool isNamed(const char *charset, std::initializer_list<const char *> names)
{
    return std::any_of(
        names.begin(), names.end(), [charset](const char *name) { return g_ascii_strcasecmp(charset, name) == 0; });
}

} // namespace

bool isUtf8OrAscii(const char *charset)
{
    return isNamed(charset, { "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968" });
}

bool isLatin1(const char *charset) { return isNamed(charset, { "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1" }); }

bool isAsciiCompatible(const char *charset)
{
    const auto startsWith
        = [charset](const char *prefix) { return g_ascii_strncasecmp(charset, prefix, std::strlen(prefix)) == 0; };
    return isNamed(charset, { "iso-2022-jp" }) || startsWith("iso-8859-") || startsWith("iso8859-")
        || startsWith("iso_8859-") || startsWith("windows-125");
}

namespace
{

// No byte of 0x80 or above, and no ESC (which starts an ISO 2022 escape sequence).
bool isAsciiWithoutEscape(QByteArrayView bytes)
{
    return ByteScan::findChar(bytes, '\x1b') < 0
        && std::none_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

} // namespace

void GObjectUnref::operator()(void *object) const
{
    if (object)
        g_object_unref(object);
}

GMimeFilter *charsetFilter(const char *charset)
{
    // iconv_open() loads and unloads a gconv module each time; bounce mails use a handful of charsets, so each
    // thread keeps one converter per charset (nullptr: iconv does not know it) and resets it before use.
    thread_local std::map<QByteArray, GPtr<GMimeFilter>> cache;
    const QByteArray key = QByteArray(charset).toLower();
    auto it = cache.find(key);
    if (it == cache.end()) {
        if (cache.size() > 64)
            cache.clear(); // a hostile stream of made-up charset names must not grow this without bound
        ensureGMimeInitialized();
        it = cache.emplace(key, GPtr<GMimeFilter>(g_mime_filter_charset_new(charset, "UTF-8"))).first;
    }
    if (it->second)
        g_mime_filter_reset(it->second.get());
    return it->second.get();
}

QString decodeText(
    QByteArrayView input, TransferEncoding encoding, const char *charset, qint64 maxBytes, bool *truncated)
{
    const bool convert = charset && *charset && !isUtf8OrAscii(charset);
    // ISO-8859-1 needs no converter: each byte is its code point (what iconv makes of it, without a UTF-8 round trip).
    const bool latin1 = convert && isLatin1(charset);
    // Nor does ASCII text in a charset that agrees with ASCII (English notices labelled ISO-2022-JP by Japanese
    // carriers): iconv would give the same characters, at several times the cost of reading the text.
    const bool asciiCompatible = convert && !latin1 && isAsciiCompatible(charset);
    if (encoding == TransferEncoding::Identity) {
        const QByteArrayView kept = input.first(qMin<qsizetype>(input.size(), maxBytes));
        if (!convert || latin1 || (asciiCompatible && isAsciiWithoutEscape(kept))) {
            // 7bit/8bit UTF-8, ASCII or Latin-1: straight to text, without GMime or a copy.
            if (input.size() > maxBytes)
                *truncated = true;
            return latin1 ? QString::fromLatin1(kept) : bytesToText(kept);
        }
    }
    ensureGMimeInitialized();
    QByteArray bytes;
    if (encoding == TransferEncoding::Identity) {
        bytes = input.first(qMin<qsizetype>(input.size(), maxBytes)).toByteArray();
        if (input.size() > maxBytes)
            *truncated = true;
    } else {
        GMimeEncoding state;
        g_mime_encoding_init_decode(&state,
            encoding == TransferEncoding::Base64 ? GMIME_CONTENT_ENCODING_BASE64
                                                 : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
        // Decoded data is never longer than its encoding; decode in slices so a huge part stops at the limit.
        constexpr qsizetype slice = 256 * 1024;
        for (qsizetype at = 0; at < input.size(); at += slice) {
            const QByteArrayView in = input.sliced(at, qMin(slice, input.size() - at));
            const qsizetype old = bytes.size();
            bytes.resize(old + qsizetype(g_mime_encoding_outlen(&state, size_t(in.size()))));
            const size_t n = g_mime_encoding_step(&state, in.data(), size_t(in.size()), bytes.data() + old);
            bytes.resize(old + qsizetype(n));
            if (bytes.size() > maxBytes) {
                bytes.truncate(maxBytes);
                *truncated = true;
                break;
            }
        }
    }
    if (convert) {
        if (latin1 || (asciiCompatible && isAsciiWithoutEscape(bytes)))
            return QString::fromLatin1(bytes);
        if (GMimeFilter *filter = charsetFilter(charset)) {
            char *out = nullptr;
            size_t outLength = 0;
            size_t outPrespace = 0;
            g_mime_filter_complete(filter, bytes.data(), size_t(bytes.size()), 0, &out, &outLength, &outPrespace);
            return QString::fromUtf8(out, qsizetype(outLength));
        }
        qCDebug(lcMime) << "unknown charset" << charset;
    }
    return bytesToText(bytes);
}

} // namespace Mailpulse::Bounce::MimeText
