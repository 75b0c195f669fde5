#pragma once

#include <QByteArrayView>
#include <QString>

#include "bounce/bounceevent.h"
#include "bounce/logtimeconverter.h"
#include "bounce/postfixlogparser.h"

namespace Mailpulse::Bounce
{

/// Parses Exim main log lines (`2026-11-27 10:00:01 1rABCD-000123-AB == a@b.example R=… T=… defer (-44) H=…: SMTP
/// error from remote mail server after RCPT TO:<…>: 451 4.7.1 …`): `=>`, `->` and `*>` are deliveries (success),
/// `==` deferrals (soft unless the reply says otherwise), `**` bounces (classified by the reply code, else the
/// text; hard by default). Arrivals, `Completed` and lines without a message id are Ignored; a line without an
/// Exim timestamp is Malformed.
class EximLogParser final
{
public:
    /// `time` converts the log's local times; not owned.
    explicit EximLogParser(LogTimeConverter *time);

    /// As PostfixLogParser::parse().
    LogLineKind parse(QByteArrayView line, BounceEvent *event, QString *error = nullptr);

    /// True for an Exim main log line (timestamp, optional [pid], message id or a daemon message). For sniffing;
    /// `strict` also requires a message id, which no other log format has.
    static bool isEximLine(QByteArrayView line, bool strict = false);

private:
    LogTimeConverter *m_time;
};

} // namespace Mailpulse::Bounce
