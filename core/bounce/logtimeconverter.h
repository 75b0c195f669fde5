#pragma once

#include <optional>

#include <QDateTime>
#include <QStringView>
#include <QTimeZone>

namespace Mailpulse::Bounce
{

/// Turns the wall-clock times an MTA log is written in into UTC, fast enough for every line of a large log, and
/// infers the year that syslog timestamps leave out.
class LogTimeConverter final
{
public:
    /// `zone`: the zone the log's local times are in (syslog and Exim write local time unless told otherwise).
    /// `reference`: a time at or shortly after the log's last line (the file's modification time); it supplies
    /// the year of syslog timestamps.
    explicit LogTimeConverter(const QTimeZone &zone = QTimeZone::systemTimeZone(), const QDateTime &reference = {});

    /// The year for a syslog "Mmm dd" date: the reference's year, or the one before when the month lies ahead of
    /// the reference (a December line in a file last written in January).
    int inferYear(int month) const;

    /// Milliseconds since the epoch (UTC) of a local wall-clock time in the zone; false for an invalid date or
    /// time. In a repeated hour (end of daylight saving) the first occurrence is taken.
    bool localToUtcMSecs(int year, int month, int day, int hour, int minute, int second, int msec, qint64 *utc);

    /// The same for a time that carries its own UTC offset (RFC 3339, Exim's log_timezone).
    static bool offsetToUtcMSecs(
        int year, int month, int day, int hour, int minute, int second, int msec, int offsetSecs, qint64 *utc);

    /// The zone a user names for a log (`import --log-timezone`): an IANA name ("Europe/Berlin"), "UTC", "local"
    /// (this system's zone), or a fixed UTC offset ("+02:00", "-0530", "+2", "UTC+01:00", "GMT-3"). nullopt when
    /// the text names none.
    static std::optional<QTimeZone> zoneFromName(QStringView name);

    /// Days since 1970-01-01 of a proleptic Gregorian date (no validation).
    static qint64 daysFromCivil(int year, int month, int day);
    static bool validDate(int year, int month, int day);

private:
    QTimeZone m_zone;
    bool m_utc = false;
    int m_referenceYear = 0;
    int m_referenceMonth = 0;
    // Log lines come in time order: the UTC offset of the last local hour seen answers nearly every line.
    qint64 m_cachedHour = -1;
    int m_cachedOffsetSecs = 0;
};

} // namespace Mailpulse::Bounce
