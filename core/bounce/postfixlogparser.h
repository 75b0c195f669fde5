#pragma once

#include <QByteArrayView>
#include <QString>

#include "bounce/bounceevent.h"
#include "bounce/logtimeconverter.h"

namespace Mailpulse::Bounce
{

/// What one log line turned out to be.
enum class LogLineKind {
    Event, // a delivery outcome: the event is filled in
    Ignored, // a well-formed line that records no delivery outcome (connections, queue manager, other programs)
    Malformed, // not a line of this log format, or a delivery line that is cut short or damaged
};

/// Parses Postfix delivery lines (`… postfix/smtp[pid]: QUEUEID: to=<…>, relay=…, dsn=X.Y.Z, status=… (…)`) from
/// a syslog file, with classic ("Nov 27 10:00:01") or RFC 3339 timestamps. Other syslog lines are Ignored, which
/// costs a look at the timestamp and one substring search; lines that are not syslog lines are Malformed.
/// Allocation-free until a line turns out to be a delivery outcome.
class PostfixLogParser final
{
public:
    /// `time` converts the log's local times (and infers the year of classic timestamps); not owned.
    explicit PostfixLogParser(LogTimeConverter *time);

    /// `line` without its line terminator. Fills `event` (source Log, fingerprint from the line; sourceRef is the
    /// caller's) for Event; sets `error` (a short reason) for Malformed.
    LogLineKind parse(QByteArrayView line, BounceEvent *event, QString *error = nullptr);

    /// True for a syslog line written by a Postfix program ("postfix/…" or "postfix-INSTANCE/…" tag). For sniffing.
    static bool isPostfixLine(QByteArrayView line);
    /// True for any syslog line, classic or RFC 3339 (the kind of file Postfix writes to).
    static bool isSyslogLine(QByteArrayView line);

private:
    LogTimeConverter *m_time;
    // Few distinct dsn= and status= values occur: reusing their QStrings avoids an allocation per event.
    struct Interned {
        QByteArray key;
        QString value;
    };
    QString intern(QByteArrayView bytes);
    static constexpr int InternSlots = 32;
    Interned m_interned[InternSlots];
    int m_internNext = 0;
};

} // namespace Mailpulse::Bounce
