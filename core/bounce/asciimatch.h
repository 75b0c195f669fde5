#pragma once

#include <cstddef>
#include <string_view>

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include "bounce/bytescan.h"

// Regular expressions of bounce reading matched by hand on ASCII text lowered (ASCII letters in lower case), without
// PCRE, which costs more than the rest of reading a notice: the same matches as the expressions with
// QRegularExpression::CaseInsensitiveOption, as long as the text is ASCII or holds no character that folds to an
// ASCII letter (standsInFor()). In other text a caseless expression's letters also match characters that fold to
// them (U+212A KELVIN SIGN, U+017F LONG S): callers run the expression there. \b, \w and \s as PCRE has them without
// Unicode properties: word bytes are ASCII letters, digits and '_'; white space is space, tab, LF, VT, FF and CR.
namespace Mailpulse::Bounce::AsciiMatch
{

inline bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/// Whether the stand-ins below, given `text` lowered by ByteScan::lowerAsciiInto (each non-ASCII unit as 0x80),
/// answer as the expressions do on `text` itself: in ASCII text, and in any text without the two characters that a
/// caseless expression's ASCII letters also match, U+212A KELVIN SIGN (k) and U+017F LATIN SMALL LETTER LONG S (s).
/// Every other non-ASCII character is, to the expressions (no Unicode properties), no letter, digit, '_' or white
/// space, and matches [^<\s]: so is 0x80 to the stand-ins. A surrogate pair, one character to PCRE, is two such
/// bytes, which no stand-in tells from one.
inline bool standsInFor(QStringView text)
{
    static constexpr char16_t foldingToAscii[] = { u'\u212a', u'\u017f' };
    return ByteScan::findAnyChar16(text, foldingToAscii, 0) < 0;
}

inline bool contains(std::string_view s, std::string_view needle)
{
    return ByteScan::findInShort(
               QByteArrayView(s.data(), qsizetype(s.size())), QByteArrayView(needle.data(), qsizetype(needle.size())))
        >= 0;
}

inline bool wordStartsAt(std::string_view s, size_t at) { return at == 0 || !ByteScan::isWordByte(s[at - 1]); }

inline bool wordEndsAt(std::string_view s, size_t end) { return end == s.size() || !ByteScan::isWordByte(s[end]); }

/// Whether an occurrence of `needle` in `s` is one that `accept` (given its position) takes.
template <typename Accept> bool anyOccurrence(std::string_view s, std::string_view needle, const Accept &accept)
{
    const QByteArrayView text(s.data(), qsizetype(s.size()));
    const QByteArrayView pattern(needle.data(), qsizetype(needle.size()));
    for (qsizetype at = ByteScan::findInShort(text, pattern); at >= 0;
         at = ByteScan::findInShort(text, pattern, at + 1)) {
        if (accept(size_t(at)))
            return true;
    }
    return false;
}

/// \bword\b
inline bool hasWord(std::string_view s, std::string_view word)
{
    return anyOccurrence(
        s, word, [s, word](size_t at) { return wordStartsAt(s, at) && wordEndsAt(s, at + word.size()); });
}

/// ":\s*[^<\s]" at `at`: an argument without angle brackets. The white space is skipped whole: a shorter run would
/// leave white space where [^<\s] needs something else, so there is no other way to match.
inline bool bareArgumentAt(std::string_view s, size_t at)
{
    if (at >= s.size() || s[at] != ':')
        return false;
    for (++at; at < s.size() && isSpace(s[at]);)
        ++at;
    return at < s.size() && s[at] != '<';
}

/// end of data|after data|in reply to data|data command|after end of|>>> data|\bdata\b:
inline bool data(std::string_view s)
{
    for (const char *phrase :
        { "end of data", "after data", "in reply to data", "data command", "after end of", ">>> data" }) {
        if (contains(s, phrase))
            return true;
    }
    return anyOccurrence(s, "data:", [s](size_t at) { return wordStartsAt(s, at); });
}

/// \brcpt(?![a-z])(?!\s*to:\s*[^<\s])
inline bool rcpt(std::string_view s)
{
    return anyOccurrence(s, "rcpt", [s](size_t at) {
        size_t end = at + 4;
        if (!wordStartsAt(s, at) || (end < s.size() && s[end] >= 'a' && s[end] <= 'z'))
            return false;
        while (end < s.size() && isSpace(s[end]))
            ++end;
        return !(s.substr(end, 2) == "to" && bareArgumentAt(s, end + 2));
    });
}

/// mail from(?!:\s*[^<\s])|\bmail command
inline bool mail(std::string_view s)
{
    return anyOccurrence(s, "mail from", [s](size_t at) { return !bareArgumentAt(s, at + 9); })
        || anyOccurrence(s, "mail command", [s](size_t at) { return wordStartsAt(s, at); });
}

/// \b(?:helo|ehlo)\b
inline bool helo(std::string_view s) { return hasWord(s, "helo") || hasWord(s, "ehlo"); }

/// initial connection|after connect|greeting
inline bool conn(std::string_view s)
{
    return contains(s, "initial connection") || contains(s, "after connect") || contains(s, "greeting");
}

namespace Detail
{

inline bool digitAt(QStringView t, qsizetype i) { return i < t.size() && t[i] >= u'0' && t[i] <= u'9'; }

inline bool isAt(QStringView t, qsizetype i, char16_t c) { return i < t.size() && t[i] == c; }

inline bool classAt(QStringView t, qsizetype i) { return isAt(t, i, u'2') || isAt(t, i, u'4') || isAt(t, i, u'5'); }

/// [245][0-9][0-9] at `at`.
inline bool replyCodeAt(QStringView t, qsizetype at)
{
    return classAt(t, at) && digitAt(t, at + 1) && digitAt(t, at + 2);
}

/// [245]\.[0-9]{1,3}\.[0-9]{1,3} at `at`, each number a whole run of 1 to 3 digits (what follows {1,3} in the
/// expressions is never a digit, so it cannot end inside a longer number): where it ends, or -1.
inline qsizetype statusCodeEnd(QStringView t, qsizetype at)
{
    const auto shortNumber = [t](qsizetype from) {
        qsizetype i = from;
        while (digitAt(t, i))
            ++i;
        return i - from >= 1 && i - from <= 3 ? i : -1;
    };
    if (!classAt(t, at) || !isAt(t, at + 1, u'.'))
        return -1;
    const qsizetype subjectEnd = shortNumber(at + 2);
    if (subjectEnd < 0 || !isAt(t, subjectEnd, u'.'))
        return -1;
    return shortNumber(subjectEnd + 1);
}

} // namespace Detail

/// "550", "550 5.1.1", "550-5.1.1" and nothing else, in any text (not only ASCII) without a final line break (which
/// $ would let through): ^[245][0-9][0-9](?:[ \-][245]\.[0-9]{1,3}\.[0-9]{1,3})?$
inline bool isReplyCodeOnly(QStringView t)
{
    if (!Detail::replyCodeAt(t, 0))
        return false;
    if (t.size() == 3)
        return true;
    return (t[3] == u' ' || t[3] == u'-') && Detail::statusCodeEnd(t, 4) == t.size();
}

/// `text` without each reply code that follows white space (and the status code after it):
/// QString::replace() of (?<=\s)[245][0-9][0-9][ \-](?:[245]\.[0-9]{1,3}\.[0-9]{1,3} )? by nothing,
/// in any text, by hand (PCRE costs several thousand instructions a call, most of them setting up the match).
inline QString withoutCodesAfterSpace(QStringView t)
{
    // The length of the match at `at` (0: none).
    const auto matchAt = [t](qsizetype at) -> qsizetype {
        if (!Detail::replyCodeAt(t, at) || !(Detail::isAt(t, at + 3, u' ') || Detail::isAt(t, at + 3, u'-')))
            return 0;
        const qsizetype statusEnd = Detail::statusCodeEnd(t, at + 4);
        return statusEnd >= 0 && Detail::isAt(t, statusEnd, u' ') ? statusEnd + 1 - at : 4;
    };
    QString out;
    qsizetype copied = 0;
    qsizetype i = 1;
    while (i + 3 < t.size()) {
        // The lookbehind reads the text as it was: a match that ends in a space lets the next one start right away.
        const qsizetype n = t[i - 1].unicode() < 0x80 && isSpace(char(t[i - 1].unicode())) ? matchAt(i) : 0;
        if (n == 0) {
            ++i;
            continue;
        }
        if (out.isNull())
            out.reserve(t.size());
        out.append(t.sliced(copied, i - copied));
        i += n;
        copied = i;
    }
    if (copied == 0)
        return t.toString();
    out.append(t.sliced(copied));
    return out;
}

} // namespace Mailpulse::Bounce::AsciiMatch
