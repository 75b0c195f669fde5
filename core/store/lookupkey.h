#pragma once

#include <QStringView>

namespace Mailpulse::Store
{

/// The integer the store indexes a bounce's domain by (schema v6; v8 dropped the recipient's): a stable 64-bit hash of
/// the text (FNV-1a over its UTF-16 code units), never 0. A query filters on the key, which the index finds, and then
/// on the text itself, so two texts with one key cost a row read, never a wrong answer.
///
/// Why not index the texts: an import adds rows in log order, which is random in recipient and domain, and each
/// insert then descends two text indexes comparing 30-to-60-byte keys. Copying the 229,094 rows of a 1M-line
/// Postfix log into the table in SQLite's shell, the two text indexes added 0.6-0.8 user CPU-s, the two key indexes
/// 0.45-0.6 s (4 and 16 KiB pages).
/// The same function runs in SQL as mailpulse_lookup_key(text), for the v6 migration of rows stored before it.
class LookupKey final
{
public:
    /// The key of `text`; 0 (stored as NULL) for an empty text.
    static qint64 of(QStringView text);
};

} // namespace Mailpulse::Store
