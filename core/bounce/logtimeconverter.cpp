#include "bounce/logtimeconverter.h"

namespace Mailpulse::Bounce
{

LogTimeConverter::LogTimeConverter(const QTimeZone &zone, const QDateTime &reference)
    : m_zone(zone.isValid() ? zone : QTimeZone::utc())
{
    m_utc = m_zone == QTimeZone::utc()
        || (m_zone.offsetFromUtc(QDateTime::currentDateTimeUtc()) == 0 && !m_zone.hasDaylightTime());
    const QDateTime ref = (reference.isValid() ? reference : QDateTime::currentDateTimeUtc()).toTimeZone(m_zone);
    m_referenceYear = ref.date().year();
    m_referenceMonth = ref.date().month();
}

int LogTimeConverter::inferYear(int month) const
{
    return month > m_referenceMonth ? m_referenceYear - 1 : m_referenceYear;
}

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar, no tables, no time zone database.
qint64 LogTimeConverter::daysFromCivil(int year, int month, int day)
{
    const qint64 y = qint64(year) - (month <= 2 ? 1 : 0);
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool LogTimeConverter::validDate(int year, int month, int day)
{
    static constexpr int DaysIn[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= DaysIn[month - 1] + (month == 2 && leap ? 1 : 0);
}

namespace
{

bool validTime(int hour, int minute, int second, int msec)
{
    // 60: a leap second as syslog may write it.
    return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60 && msec >= 0
        && msec < 1000;
}

} // namespace

bool LogTimeConverter::offsetToUtcMSecs(
    int year, int month, int day, int hour, int minute, int second, int msec, int offsetSecs, qint64 *utc)
{
    if (!validDate(year, month, day) || !validTime(hour, minute, second, msec) || offsetSecs <= -24 * 3600
        || offsetSecs >= 24 * 3600)
        return false;
    const qint64 local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    *utc = (local - offsetSecs) * 1000 + msec;
    return true;
}

bool LogTimeConverter::localToUtcMSecs(
    int year, int month, int day, int hour, int minute, int second, int msec, qint64 *utc)
{
    if (m_utc)
        return offsetToUtcMSecs(year, month, day, hour, minute, second, msec, 0, utc);
    if (!validDate(year, month, day) || !validTime(hour, minute, second, msec))
        return false;
    const qint64 localHour = daysFromCivil(year, month, day) * 24 + hour;
    if (localHour != m_cachedHour) {
        // Offsets change on the hour in every zone that matters here; asking QTimeZone once per hour keeps its
        // (slow) transition lookup off the per-line path.
        const QDateTime at(QDate(year, month, day), QTime(hour, 0), m_zone);
        m_cachedOffsetSecs = at.isValid() ? at.offsetFromUtc() : m_zone.standardTimeOffset(at);
        m_cachedHour = localHour;
    }
    return offsetToUtcMSecs(year, month, day, hour, minute, second, msec, m_cachedOffsetSecs, utc);
}

} // namespace Mailpulse::Bounce
