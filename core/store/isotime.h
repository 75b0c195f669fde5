#pragma once

#include <QDateTime>
#include <QString>

namespace Mailpulse::Store
{

/// The text every time column of the store holds: ISO 8601 UTC with milliseconds ("2026-11-27T10:00:01.123Z"), so
/// that text order is time order. Written without QDateTime's formatter, which costs a noticeable share of a large
/// import, and, for statements, straight into the bytes SQLite reads (no QString in between).
class IsoTime final
{
public:
    static constexpr int Size = 24;

    /// Writes the Size characters of `time` to `out`; false (nothing written) for an invalid time or a year outside
    /// 0-9999, which only toText() writes (through QDateTime).
    static bool write(const QDateTime &time, char *out);
    /// The text of `time`; a null QString for an invalid time.
    static QString toText(const QDateTime &time);
};

} // namespace Mailpulse::Store
