#pragma once

#include <cstdint>
#include <cstring>

#include <QByteArrayView>
#include <QChar>
#include <QString>
#include <QStringView>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Allocation-free byte scanning for the log parsers' hot path (a million lines a second): no regular expressions,
// no QString until a line turns out to matter.
namespace Mailpulse::Bounce::ByteScan
{

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

inline bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// A word character as a regular expression's \b and \w see it without Unicode properties: an ASCII letter, digit
/// or '_' (every other byte, non-ASCII ones included, is not).
inline bool isWordByte(char c) { return isAlnum(c) || c == '_'; }

/// Reads exactly `n` decimal digits at `pos`.
inline bool digits(QByteArrayView s, qsizetype pos, int n, int *value)
{
    if (pos < 0 || pos + n > s.size())
        return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (!isDigit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
}

/// qstrnicmp(a, b, n) == 0, inline (header names are compared a few hundred times a mail): equal but for the case
/// of ASCII letters, up to `n` bytes or to a NUL byte both have at the same place.
inline bool equalsCi(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c | 0x20) : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
        if (a[i] == '\0')
            break;
    }
    return true;
}

/// Whether every byte of `s` is visible ASCII, 0x21 to 0x7e (no space, control, DEL or byte above): what a header
/// field's name is made of. Eight bytes a step, a byte's range told by its high bit after an addition that carries
/// into no other byte; a short text or the last bytes are padded with letters.
inline bool isVisibleAscii(QByteArrayView s)
{
    constexpr std::uint64_t ones = 0x0101010101010101u;
    constexpr std::uint64_t highBits = 0x8080808080808080u;
    const auto invisible = [](std::uint64_t w) {
        const std::uint64_t low7 = w & ~highBits;
        const std::uint64_t above = (low7 + ones * (0x80 - 0x7f)) | w; // high bit: the byte is 0x7f or more
        const std::uint64_t below = ~(low7 + ones * (0x80 - 0x21)) & ~w; // high bit: the byte is below 0x21
        return (above | below) & highBits;
    };
    const char *p = s.data();
    qsizetype n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        if (invisible(w))
            return false;
    }
    std::uint64_t w = ones * 'a';
    std::memcpy(&w, p, size_t(n));
    return invisible(w) == 0;
}

/// Position of `needle` in `s` at or after `from`, or -1.
inline qsizetype find(QByteArrayView s, QByteArrayView needle, qsizetype from = 0)
{
    if (from < 0 || from >= s.size())
        return -1;
    const void *hit = memmem(s.data() + from, size_t(s.size() - from), needle.data(), size_t(needle.size()));
    return hit ? static_cast<const char *>(hit) - s.data() : -1;
}

/// find() for the many searches of a phrase table in short texts (a diagnostic, a notice's first lines): glibc's
/// memmem builds a shift table on every call, which costs more than the search itself in a few hundred bytes.
/// Here 16 positions at a time are tested for the needle's first and last byte, and only those verified.
inline qsizetype findInShort(QByteArrayView s, QByteArrayView needle, qsizetype from = 0)
{
    if (from < 0 || from >= s.size())
        return -1;
    const char *const hay = s.data() + from;
    const auto n = size_t(s.size() - from);
    const auto m = size_t(needle.size());
    if (m <= 1 || m > n)
        return find(s, needle, from); // memmem: the empty needle, a single byte (memchr), no room
    const char *const pat = needle.data();
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(pat[0]);
    const __m128i last = _mm_set1_epi8(pat[m - 1]);
    for (; i + m - 1 + 16 <= n; i += 16) {
        const __m128i atFirst = _mm_loadu_si128(reinterpret_cast<const __m128i *>(hay + i));
        const __m128i atLast = _mm_loadu_si128(reinterpret_cast<const __m128i *>(hay + i + m - 1));
        auto mask
            = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(atFirst, first), _mm_cmpeq_epi8(atLast, last))));
        // Lowest bit first: the leftmost match, as memmem finds it.
        for (; mask; mask &= mask - 1) {
            const size_t at = i + size_t(__builtin_ctz(mask));
            if (std::memcmp(hay + at + 1, pat + 1, m - 2) == 0)
                return from + qsizetype(at);
        }
    }
    // The positions left (fewer than 16): one more step, over the 16 positions that end at the last one, with those
    // tested above masked out. Only a text shorter than the needle plus 15 bytes is left to the loop below.
    if (i + m <= n && n >= m - 1 + 16) {
        const size_t tail = n - m - 15; // < i, as the loop above stopped
        const __m128i atFirst = _mm_loadu_si128(reinterpret_cast<const __m128i *>(hay + tail));
        const __m128i atLast = _mm_loadu_si128(reinterpret_cast<const __m128i *>(hay + tail + m - 1));
        auto mask
            = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(atFirst, first), _mm_cmpeq_epi8(atLast, last))));
        for (mask &= 0xffffu << (i - tail); mask; mask &= mask - 1) {
            const size_t at = tail + size_t(__builtin_ctz(mask));
            if (std::memcmp(hay + at + 1, pat + 1, m - 2) == 0)
                return from + qsizetype(at);
        }
        return -1;
    }
#endif
    for (; i + m <= n; ++i) {
        if (hay[i] == pat[0] && hay[i + m - 1] == pat[m - 1] && std::memcmp(hay + i + 1, pat + 1, m - 2) == 0)
            return from + qsizetype(i);
    }
    return -1;
}

/// Position of the first of the UTF-16 code units `units` in `s` at or after `from`, or -1. Eight units a step.
template <size_t N> qsizetype findAnyChar16(QStringView s, const char16_t (&units)[N], qsizetype from)
{
    if (from < 0)
        return -1;
    const char16_t *const p = s.utf16();
    const qsizetype n = s.size();
    qsizetype i = from;
#if defined(__SSE2__)
    __m128i wanted[N];
    for (size_t k = 0; k < N; ++k)
        wanted[k] = _mm_set1_epi16(static_cast<short>(units[k]));
    for (; i + 8 <= n; i += 8) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        __m128i any = _mm_cmpeq_epi16(block, wanted[0]);
        for (size_t k = 1; k < N; ++k)
            any = _mm_or_si128(any, _mm_cmpeq_epi16(block, wanted[k]));
        const auto mask = unsigned(_mm_movemask_epi8(any));
        if (mask)
            return i + qsizetype(__builtin_ctz(mask) / 2);
    }
#endif
    for (; i < n; ++i) {
        for (const char16_t unit : units) {
            if (p[i] == unit)
                return i;
        }
    }
    return -1;
}

/// Position of the UTF-16 code unit `c` in `s` at or after `from`, or -1: QStringView::indexOf(QChar) without its
/// out-of-line calls, which cost more than the search in a line of a notice.
inline qsizetype findChar16(QStringView s, char16_t c, qsizetype from = 0)
{
    const char16_t units[] = { c };
    return findAnyChar16(s, units, from);
}

/// Position of the first '2', '4' or '5' in `s` at or after `from` (where a reply code or an enhanced status code
/// can begin), or -1: most of a diagnostic is letters.
inline qsizetype findCodeStart(QStringView s, qsizetype from = 0)
{
    static constexpr char16_t digits[] = { u'2', u'4', u'5' };
    return findAnyChar16(s, digits, from);
}

/// Writes `text` to `out` (text.size() bytes) with ASCII letters lowered and every non-ASCII unit as the byte 0x80:
/// lower-case ASCII needles are then found by a byte search exactly where a case-insensitive search finds them.
/// Returns whether the text was all ASCII. Sixteen units a step.
inline bool lowerAsciiInto(QStringView text, char *out)
{
    const char16_t *const p = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = 0;
    bool ascii = true;
#if defined(__SSE2__)
    const __m128i a = _mm_set1_epi16('A');
    const __m128i upperRange = _mm_set1_epi16(26);
    const __m128i caseBit = _mm_set1_epi16(32);
    const __m128i maxAscii = _mm_set1_epi16(0x7f);
    const __m128i nonAsciiByte = _mm_set1_epi16(0x80);
    const auto lower8 = [&](const char16_t *at, bool &allAscii) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(at));
        // c - 'A' < 26 as signed 16-bit: units above 0x7fff wrap to negative and are masked as non-ASCII below.
        const __m128i offset = _mm_sub_epi16(units, a);
        const __m128i upper
            = _mm_and_si128(_mm_cmpgt_epi16(upperRange, offset), _mm_cmpgt_epi16(offset, _mm_set1_epi16(-1)));
        const __m128i lowered = _mm_add_epi16(units, _mm_and_si128(upper, caseBit));
        // All ones where the unit is at most 0x7f.
        const __m128i isAscii = _mm_cmpeq_epi16(_mm_subs_epu16(units, maxAscii), _mm_setzero_si128());
        allAscii = allAscii && _mm_movemask_epi8(isAscii) == 0xffff;
        return _mm_or_si128(_mm_and_si128(isAscii, lowered), _mm_andnot_si128(isAscii, nonAsciiByte));
    };
    for (; i + 16 <= n; i += 16) {
        const __m128i low = lower8(p + i, ascii);
        const __m128i high = lower8(p + i + 8, ascii);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_packus_epi16(low, high));
    }
#endif
    for (; i < n; ++i) {
        const char16_t c = p[i];
        if (c >= 0x80) {
            out[i] = char(0x80);
            ascii = false;
        } else {
            out[i] = c >= u'A' && c <= u'Z' ? char(c + 32) : char(c);
        }
    }
    return ascii;
}

/// Whether QString::simplified() would leave `text` as it is: no white space at either end, no two spaces in a row,
/// no white space but the space (QChar::isSpace). Eight units a step where they are plain ASCII, a unit at a time
/// from where they are not.
inline bool isSimplified(QStringView text)
{
    const char16_t *const p = text.utf16();
    const qsizetype n = text.size();
    if (n == 0)
        return true;
    if (p[0] == u' ' || p[n - 1] == u' ')
        return false;
    const auto simpleAt = [p](qsizetype i) {
        const char16_t c = p[i];
        if (c == u' ')
            return i == 0 || p[i - 1] != u' ';
        if (c < 0x80)
            return c < u'\t' || c > u'\r'; // \t \n \v \f \r
        return !QChar::isSpace(c);
    };
    if (!simpleAt(0))
        return false;
    qsizetype i = 1;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi16(' ');
    const __m128i maxAscii = _mm_set1_epi16(0x7f);
    for (; i + 8 <= n; i += 8) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i - 1));
        const __m128i doubleSpace = _mm_and_si128(_mm_cmpeq_epi16(units, space), _mm_cmpeq_epi16(before, space));
        // \t to \r, compared as signed: units above 0x7fff are negative, and caught as non-ASCII below.
        const __m128i control
            = _mm_and_si128(_mm_cmpgt_epi16(units, _mm_set1_epi16(8)), _mm_cmplt_epi16(units, _mm_set1_epi16(14)));
        const __m128i ascii = _mm_cmpeq_epi16(_mm_subs_epu16(units, maxAscii), _mm_setzero_si128());
        if (_mm_movemask_epi8(_mm_or_si128(doubleSpace, control)) != 0 || _mm_movemask_epi8(ascii) != 0xffff)
            break; // decided a unit at a time below, from this block on
    }
#endif
    for (; i < n; ++i) {
        if (!simpleAt(i))
            return false;
    }
    return true;
}

/// QString::toLower(): ASCII text (nearly every address and header) lowered in one pass, other text by Qt, whose
/// case tables cost a lookup per character.
inline QString toLower(const QString &text)
{
    if (text.isEmpty())
        return text; // null stays null, as Qt keeps it
    QString out(text.size(), Qt::Uninitialized);
    char16_t *o = reinterpret_cast<char16_t *>(out.data());
    const QChar *p = text.constData();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = p[i].unicode();
        if (c >= 0x80)
            return text.toLower();
        o[i] = c >= u'A' && c <= u'Z' ? char16_t(c + 32) : c;
    }
    return out;
}

/// Calls f(line) for each piece of `text` between line feeds, as QStringTokenizer(text, u'\n') gives them (empty
/// pieces included: a text ending in a line feed has an empty last line, an empty text one empty line). `f` returns
/// false to stop.
template <typename F> void forEachLine(QStringView text, const F &f)
{
    for (qsizetype from = 0;;) {
        const qsizetype lf = findChar16(text, u'\n', from);
        if (lf < 0) {
            f(text.sliced(from));
            return;
        }
        if (!f(text.sliced(from, lf - from)))
            return;
        from = lf + 1;
    }
}

/// Position of `c` in `s` at or after `from`, or -1.
inline qsizetype findChar(QByteArrayView s, char c, qsizetype from = 0)
{
    if (from < 0 || from >= s.size())
        return -1;
    const void *hit = std::memchr(s.data() + from, c, size_t(s.size() - from));
    return hit ? static_cast<const char *>(hit) - s.data() : -1;
}

} // namespace Mailpulse::Bounce::ByteScan
