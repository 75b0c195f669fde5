#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include "smtp/smtpreply.h"

namespace Mailpulse::Smtp
{

/// Socket-free, incremental SMTP reply parser with bounded memory.
/// Bytes go in with feed(); complete replies come out with takeReply(). Once an error occurred the parser stays
/// in the error state and buffers nothing more, so a hostile server cannot grow memory past the limits.
class SmtpReplyParser final
{
public:
    struct Limits {
        /// Bytes per line without CRLF (RFC 5321 §4.5.3.1.5 says 512; real servers exceed it).
        qsizetype maxLineLength = 4096;
        /// Lines per reply.
        int maxLines = 100;
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
    /// Discards all buffered data (complete replies not yet taken included) and returns it byte for byte as
    /// received, oldest first.
    QByteArray discardPending();

    /// Forgets everything including an error.
    void reset();

    Limits limits() const { return m_limits; }

    /// Bytes of the current, unterminated line. Never more than limits().maxLineLength + 1 (a CR that may still
    /// be followed by its LF), whatever the server sends: the bound that keeps a CRLF-less stream harmless.
    qsizetype bufferedLineBytes() const { return m_buffer.size(); }

private:
    bool parseLine(QByteArrayView line, QByteArrayView wire);
    void fail(Error error, QByteArrayView line);
    void failLineTooLong(QByteArrayView head, QByteArrayView tail);

    Limits m_limits;
    QByteArray m_buffer; // bytes of the current, incomplete line
    SmtpReply m_current; // lines of a multi-line reply in progress
    QByteArray m_currentWire; // m_current's lines as received, terminators included
    QList<SmtpReply> m_replies; // complete replies not yet taken
    QByteArrayList m_repliesWire; // m_replies as received, for discardPending()
    Error m_error = Error::None;
    QByteArray m_offending;
    const char *m_malformedWhy = ""; // which rule a Malformed line broke, for errorString()
};

} // namespace Mailpulse::Smtp
