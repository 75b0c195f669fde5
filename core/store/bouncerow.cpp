#include "store/bouncerow.h"

#include <QStringEncoder>

#include "store/isotime.h"
#include "store/lookupkey.h"

namespace Mailpulse::Store
{

namespace
{

// Whether `text` is all ASCII (its UTF-8 is its narrowed UTF-16, one byte a character).
bool isAscii(QStringView text)
{
    const char16_t *const chars = text.utf16();
    char16_t all = 0;
    for (qsizetype i = 0; i < text.size(); ++i)
        all |= chars[i];
    return all < 0x80;
}

// The UTF-8 of `text` at `out` (room for 3 bytes per character unless `ascii`), as Statement::bindText() encodes
// it: ASCII narrowed directly (a fifth of the encoder's cost on an import's texts), anything else through an
// encoder of its own (nothing carries over from one text to the next, not even the state of a lone surrogate).
char *appendUtf8(char *out, QStringView text, bool ascii)
{
    if (!ascii) {
        QStringEncoder encoder(QStringEncoder::Utf8);
        return encoder.appendToBuffer(out, text);
    }
    const char16_t *const chars = text.utf16();
    for (qsizetype i = 0; i < text.size(); ++i)
        out[i] = char(chars[i]);
    return out + text.size();
}

} // namespace

BounceRow BounceRow::of(const Bounce::BounceEvent &event, qint64 probeId)
{
    BounceRow row;
    row.m_hasFingerprint = !event.fingerprint.isEmpty();
    if (row.m_hasFingerprint)
        row.m_key = FingerprintKey::of(event.fingerprint);
    row.m_probeId = probeId > 0 ? probeId : 0;
    row.m_replyCode = event.replyCode > 0 ? event.replyCode : 0;
    row.m_domainKey = LookupKey::of(event.domain);
    // As Statement::bindText(const QString &) binds them: a null QString is NULL, an empty one ''.
    const std::array<QString, TextCount> texts { Bounce::bounceSourceName(event.source),
        IsoTime::toText(event.occurredAt), event.recipient, event.domain, event.classification.status,
        Bounce::deliveryClassName(event.classification.cls), event.classification.reason, event.action, event.remoteMta,
        event.diagnostic, event.sourceRef };
    // The bytes are allocated at their exact size: ASCII texts (nearly all of a log's) take a byte a character,
    // only the others room for 3. (A buffer of 3 bytes a character, truncated, kept its capacity: the rows in
    // flight between the threads held 8 MB more than their texts.)
    std::array<bool, TextCount> ascii {};
    qsizetype size = 0;
    bool allAscii = true;
    for (int i = 0; i < TextCount; ++i) {
        const QString &text = texts[size_t(i)];
        ascii[size_t(i)] = isAscii(text);
        allAscii = allAscii && ascii[size_t(i)];
        size += ascii[size_t(i)] ? text.size() : text.size() * 3;
    }
    row.m_texts = QByteArray(size, Qt::Uninitialized); // exactly (resize() rounds up to a power of two)
    char *const start = row.m_texts.data();
    char *out = start;
    for (int i = 0; i < TextCount; ++i) {
        const QString &text = texts[size_t(i)];
        if (text.isNull())
            row.m_nulls |= 1u << i;
        out = appendUtf8(out, text, ascii[size_t(i)]);
        row.m_ends[size_t(i)] = int(out - start);
    }
    if (!allAscii) {
        row.m_texts.truncate(out - start);
        row.m_texts.squeeze(); // truncate() keeps the capacity
    }
    return row;
}

QByteArrayView BounceRow::text(Text column) const
{
    const int begin = column == 0 ? 0 : m_ends[size_t(column) - 1];
    return QByteArrayView(m_texts.constData() + begin, m_ends[size_t(column)] - begin);
}

} // namespace Mailpulse::Store
