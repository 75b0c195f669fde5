#include "bounce/statuscode.h"

#include "bounce/bytescan.h"

namespace Mailpulse::Bounce
{

namespace
{

bool isDigit(QChar c) { return c >= u'0' && c <= u'9'; }

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

// Reads 1-3 digits at `pos`; returns the number of digits (0 on failure: none, or more than 3).
int readNumber(QStringView text, qsizetype pos, int *value)
{
    int n = 0;
    int v = 0;
    while (pos + n < text.size() && isDigit(text[pos + n])) {
        if (n == 3)
            return 0;
        v = v * 10 + (text[pos + n].unicode() - u'0');
        ++n;
    }
    *value = v;
    return n;
}

// Parses "X.Y.Z" starting at `pos`; on success returns the code and sets `end` past it.
std::optional<StatusCode> parseAt(QStringView text, qsizetype pos, qsizetype *end)
{
    if (pos + 5 > text.size())
        return std::nullopt;
    const QChar k = text[pos];
    if (k != u'2' && k != u'4' && k != u'5')
        return std::nullopt;
    if (text[pos + 1] != u'.')
        return std::nullopt;
    StatusCode code;
    code.klass = k.unicode() - u'0';
    qsizetype p = pos + 2;
    const int subjectDigits = readNumber(text, p, &code.subject);
    if (subjectDigits == 0)
        return std::nullopt;
    p += subjectDigits;
    if (p >= text.size() || text[p] != u'.')
        return std::nullopt;
    ++p;
    const int detailDigits = readNumber(text, p, &code.detail);
    if (detailDigits == 0)
        return std::nullopt;
    *end = p + detailDigits;
    return code;
}

} // namespace

QString deliveryClassName(DeliveryClass cls)
{
    switch (cls) {
    case DeliveryClass::Success:
        return QStringLiteral("success");
    case DeliveryClass::Soft:
        return QStringLiteral("soft");
    case DeliveryClass::Hard:
        return QStringLiteral("hard");
    }
    return {};
}

std::optional<DeliveryClass> deliveryClassFromName(QStringView name)
{
    if (name == u"success")
        return DeliveryClass::Success;
    if (name == u"soft")
        return DeliveryClass::Soft;
    if (name == u"hard")
        return DeliveryClass::Hard;
    return std::nullopt;
}

QString StatusCode::toString() const
{
    // Every recipient's status is formatted: digits written straight into the string (snprintf's format parsing
    // and a Latin-1 conversion cost more than the rest of it).
    char16_t text[3 * 12];
    char16_t *out = text;
    const auto number = [&out](int value) {
        auto magnitude = value < 0 ? 0u - unsigned(value) : unsigned(value);
        if (value < 0)
            *out++ = u'-';
        char16_t digits[10];
        int n = 0;
        do {
            digits[n++] = char16_t(u'0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        while (n)
            *out++ = digits[--n];
    };
    number(klass);
    *out++ = u'.';
    number(subject);
    *out++ = u'.';
    number(detail);
    return QString(reinterpret_cast<const QChar *>(text), out - text);
}

std::optional<StatusCode> StatusCode::parse(QStringView text)
{
    qsizetype end = 0;
    const auto code = parseAt(text, 0, &end);
    if (!code || end != text.size())
        return std::nullopt;
    return code;
}

std::optional<StatusCode> StatusCode::find(QStringView text)
{
    // Only where a '2', '4' or '5' is: found eight characters a step.
    for (qsizetype i = ByteScan::findCodeStart(text); i >= 0 && i + 5 <= text.size();
         i = ByteScan::findCodeStart(text, i + 1)) {
        // A code stands alone: not the tail of a word, a number or a dotted quad ("10.4.5.1" holds no code).
        if (i > 0 && (isWordChar(text[i - 1]) || text[i - 1] == u'.'))
            continue;
        qsizetype end = 0;
        const auto code = parseAt(text, i, &end);
        if (!code)
            continue;
        if (end < text.size()) {
            const QChar next = text[end];
            if (isWordChar(next))
                continue;
            if (next == u'.' && end + 1 < text.size() && isDigit(text[end + 1]))
                continue;
        }
        return code;
    }
    return std::nullopt;
}

} // namespace Mailpulse::Bounce
