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

std::optional<QTimeZone> LogTimeConverter::zoneFromName(QStringView name)
{
    name = name.trimmed();
    if (name.isEmpty())
        return std::nullopt;
    for (const char *utc : { "UTC", "GMT", "Z" }) {
        if (name.compare(QLatin1String(utc), Qt::CaseInsensitive) == 0)
            return QTimeZone::utc();
    }
    if (name.compare(QLatin1String("local"), Qt::CaseInsensitive) == 0)
        return QTimeZone::systemTimeZone();
    // A fixed offset: [UTC|GMT]±H[H][[:]MM]. Checked before the IANA names so that "+02:00" never depends on what
    // the zone database calls its offset zones.
    QStringView offset = name;
    if (offset.startsWith(QLatin1String("UTC"), Qt::CaseInsensitive)
        || offset.startsWith(QLatin1String("GMT"), Qt::CaseInsensitive))
        offset = offset.sliced(3);
    if (!offset.isEmpty() && (offset.front() == u'+' || offset.front() == u'-')) {
        const int sign = offset.front() == u'-' ? -1 : 1;
        QStringView rest = offset.sliced(1);
        QStringView hours;
        QStringView minutes;
        const qsizetype colon = rest.indexOf(u':');
        if (colon >= 0) {
            hours = rest.first(colon);
            minutes = rest.sliced(colon + 1);
            if (minutes.size() != 2)
                return std::nullopt;
        } else if (rest.size() == 4) {
            hours = rest.first(2);
            minutes = rest.sliced(2);
        } else {
            hours = rest;
        }
        if (hours.isEmpty() || hours.size() > 2)
            return std::nullopt;
        for (QStringView part : { hours, minutes }) {
            for (QChar c : part) {
                if (c < u'0' || c > u'9')
                    return std::nullopt;
            }
        }
        const int h = hours.toInt();
        const int m = minutes.isEmpty() ? 0 : minutes.toInt();
        // Real zones range from UTC-12:00 to UTC+14:00.
        if (h > 14 || m > 59 || (h == 14 && m > 0))
            return std::nullopt;
        return QTimeZone(sign * (h * 3600 + m * 60));
    }
    const QTimeZone zone(name.toUtf8());
    if (zone.isValid())
        return zone;
    return std::nullopt;
}

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
