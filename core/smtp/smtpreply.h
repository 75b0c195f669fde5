#pragma once

#include <QByteArrayList>
#include <QString>
#include <QStringList>

namespace Mailpulse::Smtp {

/// One complete SMTP reply (RFC 5321 §4.2), possibly multi-line.
struct SmtpReply
{
    int code = 0;          // 3-digit reply code, e.g. 250
    QString enhanced;      // RFC 3463 code from the first line if present and consistent with `code`, e.g. "5.1.1"
    QStringList lines;     // text of each line after "NNN-"/"NNN " with the enhanced code (if any) removed
    QByteArrayList raw;    // each line as received, without CRLF (for the transcript), already size-bounded

    bool isValid() const { return code >= 200 && code <= 599; }
    int codeClass() const { return code / 100; }
    bool isPositive() const { return code >= 200 && code < 400; }
    /// All lines joined with a single space.
    QString text() const { return lines.join(QLatin1Char(' ')); }
};

} // namespace Mailpulse::Smtp
