#pragma once

#include <array>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace Mailpulse::Store
{

/// The 16 bytes the store keeps of a bounce event's fingerprint (schema v5): the UNIQUE key that makes imports
/// idempotent, at under half the size of the text in the table and its index.
///
/// A log line's fingerprint ("log:" and 32 hex digits, Bounce::LineFingerprint) is already a 128-bit hash: its key is
/// those 16 bytes, decoded, since hashing a hash again only costs time on the import's hot path. Any other text
/// ("dsn:…", "probe:…") is keyed by the first 16 bytes of its SHA-256. The v5 migration converts the stored texts
/// with this same function (as the SQL function mailpulse_fingerprint_key), so re-importing files that were imported
/// before the migration still finds their rows.
class FingerprintKey final
{
public:
    static constexpr int Size = 16;
    using Bytes = std::array<char, Size>;

    static Bytes of(QStringView fingerprint);
    static QByteArray bytesOf(QStringView fingerprint);
    /// How a stored key reads back as a fingerprint: "key:" and 32 hex digits, a text whose key is `key` again
    /// (of(toText(k)) == k), so that an event read from the store can be looked up or stored again.
    static QString toText(QByteArrayView key);
};

} // namespace Mailpulse::Store
