#include "stats/timewindow.h"

#include <QRegularExpression>

#include "common/clock.h"
#include "smtp/proberesultjson.h"

namespace Mailpulse::Stats
{

QString TimeWindow::sinceKey() const
{
    // '0' sorts before every "YYYY-…" time, '9' after: open bounds need no separate statements.
    return since.isValid() ? Smtp::toIsoUtc(since) : QStringLiteral("0");
}

QString TimeWindow::untilKey() const { return until.isValid() ? Smtp::toIsoUtc(until) : QStringLiteral("9"); }

QDateTime TimeWindow::parseBound(const QString &input, const Clock &clock, QString *error)
{
    const QString text = input.trimmed();
    if (text.compare(QLatin1String("now"), Qt::CaseInsensitive) == 0)
        return clock.now().toUTC();

    static const QRegularExpression relative(QStringLiteral("^(\\d{1,6})([smhdw])$"));
    const QRegularExpressionMatch match = relative.match(text);
    if (match.hasMatch()) {
        const qint64 n = match.captured(1).toLongLong();
        const QChar unit = match.captured(2).front();
        qint64 seconds = n;
        if (unit == u'm')
            seconds = n * 60;
        else if (unit == u'h')
            seconds = n * 3600;
        else if (unit == u'd')
            seconds = n * 86400;
        else if (unit == u'w')
            seconds = n * 7 * 86400;
        return clock.now().toUTC().addSecs(-seconds);
    }

    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid() && text.size() == 10)
        return QDateTime(date, QTime(0, 0), Qt::UTC);

    const QDateTime time = Smtp::fromIsoUtc(text);
    if (time.isValid())
        return time;
    if (error)
        *error = QStringLiteral("'%1' is not a time: use ISO 8601 with Z or an offset (2026-11-27T08:00:00Z), a date "
                                "(2026-11-27), now, or a duration back from now (90m, 24h, 7d, 2w)")
                     .arg(input);
    return {};
}

bool TimeWindow::parse(
    const QString &since, const QString &until, const Clock &clock, TimeWindow *window, QString *error)
{
    TimeWindow result;
    if (!since.isEmpty()) {
        result.since = parseBound(since, clock, error);
        if (!result.since.isValid())
            return false;
    }
    if (!until.isEmpty()) {
        result.until = parseBound(until, clock, error);
        if (!result.until.isValid())
            return false;
    }
    if (result.since.isValid() && result.until.isValid() && result.since >= result.until) {
        if (error)
            *error = QStringLiteral("--since must be before --until");
        return false;
    }
    *window = result;
    return true;
}

} // namespace Mailpulse::Stats
