#pragma once

#include <cstring>

#include <QByteArrayView>

// Allocation-free byte scanning for the log parsers' hot path (a million lines a second): no regular expressions,
// no QString until a line turns out to matter.
namespace Mailpulse::Bounce::ByteScan
{

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

inline bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

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

/// Position of `needle` in `s` at or after `from`, or -1.
inline qsizetype find(QByteArrayView s, QByteArrayView needle, qsizetype from = 0)
{
    if (from < 0 || from >= s.size())
        return -1;
    const void *hit = memmem(s.data() + from, size_t(s.size() - from), needle.data(), size_t(needle.size()));
    return hit ? static_cast<const char *>(hit) - s.data() : -1;
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
