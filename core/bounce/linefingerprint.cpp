#include "bounce/linefingerprint.h"

#include <cstring>

namespace Mailpulse::Bounce
{

namespace
{

constexpr quint64 rotl64(quint64 x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr quint64 fmix64(quint64 k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

// Little-endian load regardless of the host, so that keys are the same on every machine.
quint64 load64(const unsigned char *p)
{
    quint64 v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace

void LineFingerprint::hash128(QByteArrayView data, quint64 *out1, quint64 *out2)
{
    constexpr quint64 c1 = 0x87c37b91114253d5ULL;
    constexpr quint64 c2 = 0x4cf5ad432745937fULL;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    const auto len = quint64(data.size());
    const quint64 blocks = len / 16;
    quint64 h1 = 0;
    quint64 h2 = 0;

    for (quint64 i = 0; i < blocks; ++i) {
        quint64 k1 = load64(bytes + i * 16);
        quint64 k2 = load64(bytes + i * 16 + 8);
        k1 *= c1;
        k1 = rotl64(k1, 31);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl64(h1, 27);
        h1 += h2;
        h1 = h1 * 5 + 0x52dce729;
        k2 *= c2;
        k2 = rotl64(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        h2 = rotl64(h2, 31);
        h2 += h1;
        h2 = h2 * 5 + 0x38495ab5;
    }

    const unsigned char *tail = bytes + blocks * 16;
    const quint64 rest = len & 15;
    quint64 k1 = 0;
    quint64 k2 = 0;
    for (quint64 i = rest; i > 8; --i)
        k2 ^= quint64(tail[i - 1]) << ((i - 9) * 8);
    if (rest > 8) {
        k2 *= c2;
        k2 = rotl64(k2, 33);
        k2 *= c1;
        h2 ^= k2;
    }
    for (quint64 i = rest < 8 ? rest : 8; i > 0; --i)
        k1 ^= quint64(tail[i - 1]) << ((i - 1) * 8);
    if (rest > 0) {
        k1 *= c1;
        k1 = rotl64(k1, 31);
        k1 *= c2;
        h1 ^= k1;
    }

    h1 ^= len;
    h2 ^= len;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    *out1 = h1;
    *out2 = h2;
}

QString LineFingerprint::of(QByteArrayView line)
{
    quint64 h1 = 0;
    quint64 h2 = 0;
    hash128(line, &h1, &h2);
    static constexpr char Hex[] = "0123456789abcdef";
    QString key(4 + 32, Qt::Uninitialized);
    QChar *out = key.data();
    *out++ = u'l';
    *out++ = u'o';
    *out++ = u'g';
    *out++ = u':';
    for (quint64 h : { h1, h2 }) {
        for (int shift = 60; shift >= 0; shift -= 4)
            *out++ = QLatin1Char(Hex[(h >> shift) & 15]);
    }
    return key;
}

} // namespace Mailpulse::Bounce
