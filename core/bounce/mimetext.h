#pragma once

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// GMime's filter type, declared here so that users of this header need not include GMime.
struct _GMimeFilter;
typedef struct _GMimeFilter GMimeFilter;

// Text decoding shared by the two ways a mail is taken apart (GMime's parser and MimeScanner): header values,
// transfer encodings and charsets, all decoded by GMime's own routines.
namespace Mailpulse::Bounce::MimeText
{

using HeaderList = QList<std::pair<QByteArray, QString>>;

/// Releases a GObject reference (GMime objects are GObjects): GPtr holds one by scope, so that every early return
/// still releases it.
struct GObjectUnref {
    void operator()(void *object) const;
};
template <typename T> using GPtr = std::unique_ptr<T, GObjectUnref>;

/// g_mime_init() once per process, whichever thread comes first.
void ensureGMimeInitialized();

/// Bytes to text when no charset conversion applies: UTF-8 if the bytes are valid UTF-8, else Latin-1, which maps
/// every byte to something and keeps ASCII diagnostics readable.
QString bytesToText(QByteArrayView bytes);

/// A header value as sent (folded or not), unfolded and trimmed. Only the values read as text (Subject, names in
/// From/To) are RFC 2047-decoded: decoding every Received line converts charsets for nothing.
QString headerValue(QByteArrayView lowerName, QByteArrayView raw);

/// Splits "Name: value" header text into pairs (lower-case names, unfolded values); for text/rfc822-headers parts.
HeaderList parseHeaderText(const QString &text);

/// A header field's name as the lists above key it: Latin-1 ("?" for other characters) with ASCII letters in lower
/// case, made in one pass (a delivery report has a few dozen fields per mail).
QByteArray fieldNameKey(QStringView name);

/// Whether a charset name means bytes that need no conversion (UTF-8 or ASCII).
bool isUtf8OrAscii(const char *charset);

/// Whether a charset name means ISO-8859-1, whose bytes are the first 256 code points: iconv's conversion is then
/// QString::fromLatin1().
bool isLatin1(const char *charset);

/// Whether a charset name means one that iconv converts to ASCII on every byte below 0x80 but ESC: ISO-2022-JP (in
/// its initial state, which only an escape sequence leaves), the ISO-8859 parts and the Windows code pages 125x.
/// Text in it that holds no other byte is ASCII already.
bool isAsciiCompatible(const char *charset);

/// A converter from `charset` to UTF-8, reset and ready, cached per thread; nullptr when iconv does not know it.
GMimeFilter *charsetFilter(const char *charset);

/// Transfer encodings MimeText can undo.
enum class TransferEncoding { Identity, Base64, QuotedPrintable };

/// Decodes `input` and converts it from `charset` (nullptr or empty: none) to text, keeping at most `maxBytes`
/// decoded bytes (*truncated is then set). A charset iconv does not know is read as UTF-8 or Latin-1.
QString decodeText(
    QByteArrayView input, TransferEncoding encoding, const char *charset, qint64 maxBytes, bool *truncated);

} // namespace Mailpulse::Bounce::MimeText
