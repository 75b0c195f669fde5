#pragma once

#include <QDateTime>
#include <QString>

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Stats
{

/// A half-open time window [since, until) in UTC. An invalid bound leaves that side open.
struct TimeWindow {
    QDateTime since;
    QDateTime until;

    bool contains(const QDateTime &t) const
    {
        return (!since.isValid() || t >= since) && (!until.isValid() || t < until);
    }
    /// The bounds as the store's fixed-width ISO strings, open sides as strings that sort before/after every time.
    QString sinceKey() const;
    QString untilKey() const;

    /// Parses one bound as a user writes it: ISO 8601 with 'Z' or an offset ("2026-11-27T08:00:00Z"), a date
    /// ("2026-11-27", midnight UTC), "now", or a duration back from now: "90m", "24h", "7d", "2w".
    /// Returns an invalid QDateTime and sets `error` for anything else.
    static QDateTime parseBound(const QString &text, const Clock &clock, QString *error);
    /// Both bounds; empty strings leave a side open. Fails if since is not before until.
    static bool parse(
        const QString &since, const QString &until, const Clock &clock, TimeWindow *window, QString *error);
};

} // namespace Mailpulse::Stats
