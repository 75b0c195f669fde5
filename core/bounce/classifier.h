#pragma once

#include "bounce/statuscode.h"

#include <QString>

namespace Mailpulse::Bounce {

/// Failures a probe can meet outside of an SMTP reply; each maps to one row of DESIGN.md's table.
enum class Failure {
    HostUnknown,        // NXDOMAIN, or no MX and no address: 5.1.2 hard hostunknown
    NullMx,             // RFC 7505: 5.1.10 hard notaccept
    DnsError,           // DNS timeout or SERVFAIL: 4.4.3 soft networkerror
    ConnectFailed,      // refused, timed out, unreachable: 4.4.1 soft networkerror
    ConnectionLost,     // connected, then closed/reset/timed out: 4.4.2 soft networkerror
    StartTlsNotOffered, // STARTTLS required but missing: 4.7.4 soft securityerror
    TlsFailed,          // handshake failure or rejected certificate: 4.7.5 soft securityerror
    MalformedReply,     // malformed or oversized reply: 4.5.0 soft systemerror
};

/// Pure, table-driven classification. No I/O, no state.
class Classifier final
{
public:
    /// A failure that is not an SMTP reply.
    static Classification classifyFailure(Failure failure);

    /// A server reply: `code` is the 3-digit reply code, `enhanced` the RFC 3463 code if the server sent one
    /// (may be empty), `text` the reply text. 2xx/3xx are success ("accepted").
    static Classification classifyReply(int code, const QString &enhanced, const QString &text);

    /// The Sisimai-style reason for a failure with the given status and diagnostic text.
    /// Text evidence wins over the status code where it is specific (e.g. "greylisted", "mailbox full").
    static QString reasonFor(const QString &status, const QString &text);
};

} // namespace Mailpulse::Bounce
