#pragma once

#include <QByteArrayView>
#include <QString>

namespace Mailpulse::Bounce
{

/// The idempotency key of an event read from one MTA log line: "log:" and a 128-bit hash of the line's bytes.
/// It depends on the line only, not on the file or position, so the same line read again from the live log, its
/// rotated copy or the compressed archive of that copy maps to the same stored event.
class LineFingerprint final
{
public:
    static QString of(QByteArrayView line);
    /// MurmurHash3 x64/128 with seed 0 (fixed: stored keys must never change between versions). Not
    /// cryptographic: logs are not adversaries of their own importer, and a cryptographic hash costs more than
    /// parsing the line (about 1.5 µs per line for SHA-1 through QCryptographicHash here).
    static void hash128(QByteArrayView data, quint64 *h1, quint64 *h2);
};

} // namespace Mailpulse::Bounce
