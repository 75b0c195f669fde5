#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Mailpulse::Bounce
{

/// A header section kept as sent: names and raw values are views into bytes the section holds a reference to, and a
/// value is unfolded and decoded only when asked for (bounce reading looks at a handful of a mail's many headers).
/// Or, for headers that arrive as decoded text (a text/rfc822-headers part), that text, split into fields only when
/// asked for (bounce reading asks for one of them, in one kind of notice).
class MimeHeaders final
{
public:
    using List = QList<std::pair<QByteArray, QString>>; // lower-case name, decoded value
    struct Field {
        QByteArrayView name; // as sent
        QByteArrayView value; // raw: folded, not decoded; null when the field has no value
    };

    /// `fields` point into `storage`.
    static MimeHeaders fromRaw(QByteArray storage, QList<Field> fields);
    /// "Name: value" lines as MimeText::parseHeaderText() reads them.
    static MimeHeaders fromText(QString text);

    bool isEmpty() const;
    /// The first value of that (lower-case) name, unfolded and decoded (MimeText::headerValue); empty when absent.
    QString value(QByteArrayView lowerName) const;
    /// All fields, decoded.
    List decoded() const;
    /// The fields as sent; empty for a decoded section.
    const QList<Field> &rawFields() const { return m_fields; }

private:
    QByteArray m_storage;
    QList<Field> m_fields;
    QString m_text;
};

/// One leaf of a parsed mail, flattened for bounce reading: its type, its decoded text and where it sits.
struct MimePart {
    QByteArray contentType; // lower-case "type/subtype"
    QString text; // transfer-decoded and converted to Unicode; at most MimeMessage::Limits::maxPartBytes; empty
                  // where readsText() says it is not read
    int depth = 0; // 0 = the top-level body
    bool inAttachedMessage = false; // inside a message/rfc822 (the returned original)
    bool truncated = false; // text was cut at the limit

    bool isPlainText() const { return contentType == "text/plain" || contentType == "text/x-plain"; }
    /// Whether bounce reading reads this part's text, so that both MIME paths decode it: a text or message part
    /// outside the returned original (an image or an attachment, such as a logo or a TNEF file, is never read, and
    /// decoding the corpus's 30 of them cost 3% of reading it), and inside it only a report part (its body is the
    /// sender's own mail).
    bool readsText() const
    {
        if (inAttachedMessage)
            return contentType == "text/rfc822-headers" || contentType.endsWith("delivery-status");
        return contentType.startsWith("text/") || contentType.startsWith("message/");
    }
    /// Whether bounce reading takes this part's text for the notice only when the mail has no plain text; such a
    /// part's text is left empty where readsHtmlNotice() says it is not read.
    bool isHtmlNotice() const { return !inAttachedMessage && contentType == "text/html"; }
};

/// Whether bounce reading reads the HTML parts of a mail with these parts: only when no part outside the returned
/// original is plain text. Both MIME paths decode HTML parts only then.
bool readsHtmlNotice(const QList<MimePart> &parts);

/// Declared outside MimeMessage for the same reason as MailSourceLimits: a nested struct's default member
/// initializers cannot be used in a default argument of the enclosing class.
struct MimeLimits {
    int maxContainers = 256; // multipart/message parts in one mail; guards the MIME parser's recursion
    qint64 maxPartBytes = 4 * 1024 * 1024; // decoded bytes kept of one part
    int maxParts = 1000;
    /// Parse with GMime even where MimeScanner could: for tests that compare the two.
    bool gmimeOnly = false;
};

/// A mail parsed with GMime 3: the top-level headers and the leaf parts in document order. A value type; the
/// GMime objects are gone once parse() returns.
class MimeMessage final
{
public:
    using Limits = MimeLimits;

    /// Parses raw mail bytes with any line endings. On failure error() is set and nothing else is.
    static MimeMessage parse(const QByteArray &raw, Limits limits = {});

    QString error() const { return m_error; }
    bool isValid() const { return m_error.isEmpty(); }
    /// The mail ended inside an open multipart (a cut-off file); what was read is still there.
    bool isTruncated() const { return m_truncated; }

    /// The first top-level header of that name, RFC 2047-decoded and unfolded; empty when absent.
    QString header(QByteArrayView name) const;
    /// The top-level headers (lower-case names, decoded values). Decodes every one: header() and headerSection() are
    /// cheaper where a few will do.
    MimeHeaders::List headers() const { return m_headers.decoded(); }
    const MimeHeaders &headerSection() const { return m_headers; }
    /// Lower-case "type/subtype" of the top-level body and its report-type parameter (lower-case).
    QByteArray contentType() const { return m_contentType; }
    QByteArray reportType() const { return m_reportType; }
    const QList<MimePart> &parts() const { return m_parts; }
    /// Headers of the first attached original message (message/rfc822 or text/rfc822-headers), decoded.
    MimeHeaders::List originalHeaders() const { return m_originalHeaders.decoded(); }
    /// The first header of that (lower-case) name of the attached original, decoded; empty when absent.
    QString originalHeader(QByteArrayView lowerName) const { return m_originalHeaders.value(lowerName); }

    /// An RFC 5322 date ("Thu, 29 Apr 2013 23:45:32 +0900 (JST)") in UTC; invalid when it cannot be read.
    static QDateTime parseDate(const QString &text);

    /// Converts CR-only and CRLF line endings to LF. Returns raw itself (no copy) when it has no CR.
    static QByteArray normalizeLineEndings(const QByteArray &raw);
    /// The mail parse() was given, with its line endings normalized (normalizeLineEndings(), done once).
    const QByteArray &normalizedBytes() const { return m_normalized; }

private:
    friend class MimeWalker;
    friend class MimeScanner;
    QString m_error;
    MimeHeaders m_headers;
    MimeHeaders m_originalHeaders;
    QByteArray m_contentType;
    QByteArray m_reportType;
    bool m_truncated = false;
    QByteArray m_normalized;
    QList<MimePart> m_parts;
};

} // namespace Mailpulse::Bounce
