#include "store/isotime.h"

namespace Mailpulse::Store
{

namespace
{

void put2(char *&out, int v)
{
    *out++ = char('0' + v / 10);
    *out++ = char('0' + v % 10);
}

} // namespace

bool IsoTime::write(const QDateTime &time, char *out)
{
    if (!time.isValid())
        return false;
    const qint64 ms = time.toMSecsSinceEpoch();
    qint64 days = ms / 86400000;
    qint64 rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    // Howard Hinnant's civil_from_days.
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999)
        return false;
    put2(out, int(year / 100));
    put2(out, int(year % 100));
    *out++ = '-';
    put2(out, month);
    *out++ = '-';
    put2(out, day);
    *out++ = 'T';
    put2(out, int(rem / 3600000));
    *out++ = ':';
    put2(out, int(rem / 60000 % 60));
    *out++ = ':';
    put2(out, int(rem / 1000 % 60));
    *out++ = '.';
    const int msec = int(rem % 1000);
    *out++ = char('0' + msec / 100);
    put2(out, msec % 100);
    *out++ = 'Z';
    return true;
}

QString IsoTime::toText(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    char text[Size];
    if (!write(time, text))
        return time.toUTC().toString(Qt::ISODateWithMs);
    return QString::fromLatin1(text, Size);
}

} // namespace Mailpulse::Store
