#include "store/lookupkey.h"

namespace Mailpulse::Store
{

qint64 LookupKey::of(QStringView text)
{
    if (text.isEmpty())
        return 0;
    quint64 hash = 0xcbf29ce484222325ULL; // FNV-1a, 64 bits: offset basis and prime from the published definition
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        hash = (hash ^ (unit & 0xff)) * 0x100000001b3ULL;
        hash = (hash ^ (unit >> 8)) * 0x100000001b3ULL;
    }
    // 0 means "no text"; the rare text that hashes to 0 takes 1 (only a row read more for a colliding query).
    return hash == 0 ? 1 : qint64(hash);
}

} // namespace Mailpulse::Store
