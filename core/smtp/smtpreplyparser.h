#pragma once

#include "smtp/smtpreply.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Mailpulse::Smtp {

/// Socket-free, incremental SMTP reply parser with bounded memory.
/// Bytes go in with feed(); complete replies come out with takeReply(). Once an error occurred the parser stays
/// in the error state and buffers nothing more, so a hostile server cannot grow memory past the limits.
class SmtpReplyParser final
{
public:
    struct Limits
    {
        qsizetype maxLineLength = 4096; // bytes per line without CRLF (RFC 5321 §4.5.3.1.5 says 512; real servers exceed it)
        int maxLines = 100;             // lines per reply
    };

    enum class Error { None, LineTooLong, TooManyLines, Malformed };

    SmtpReplyParser() = default;
    explicit SmtpReplyParser(Limits limits);

    /// Appends bytes and parses every complete line. Returns false if the parser is (now) in the error state.
    bool feed(QByteArrayView data);

    bool hasReply() const { return !m_replies.isEmpty(); }
    /// The oldest complete reply. Precondition: hasReply().
    SmtpReply takeReply();

    Error error() const { return m_error; }
    QString errorString() const;
    /// The line (truncated to 200 bytes) that caused the error, for the transcript.
    QByteArray offendingLine() const { return m_offending; }

    /// Bytes received after the last complete reply: the partial line and unparsed lines, plus lines of
    /// incomplete multi-line replies. Used to detect and discard data injected before a TLS handshake.
    qsizetype pendingBytes() const;
    /// Discards all buffered data (complete replies included) and returns what was pending as raw bytes.
    QByteArray discardPending();

    /// Forgets everything including an error.
    void reset();

    Limits limits() const { return m_limits; }

private:
    bool parseLine(QByteArrayView line);
    void fail(Error error, QByteArrayView line);

    Limits m_limits;
    QByteArray m_buffer;          // bytes of the current, incomplete line
    SmtpReply m_current;          // lines of a multi-line reply in progress
    QList<SmtpReply> m_replies;   // complete replies not yet taken
    Error m_error = Error::None;
    QByteArray m_offending;
};

} // namespace Mailpulse::Smtp
