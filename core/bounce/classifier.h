#pragma once

#include <string>
#include <string_view>

#include <QString>

#include "bounce/ngramfilter.h"
#include "bounce/statuscode.h"

namespace Mailpulse::Bounce
{

/// Failures a probe can meet outside of an SMTP reply; each maps to one row of DESIGN.md's table.
enum class Failure {
    HostUnknown, // NXDOMAIN, or no MX and no address: 5.1.2 hard hostunknown
    NullMx, // RFC 7505: 5.1.10 hard notaccept
    DnsError, // DNS timeout or SERVFAIL: 4.4.3 soft networkerror
    ConnectFailed, // refused, timed out, unreachable: 4.4.1 soft networkerror
    ConnectionLost, // connected, then closed/reset/timed out: 4.4.2 soft networkerror
    StartTlsNotOffered, // STARTTLS required but missing: 4.7.4 soft securityerror
    TlsFailed, // handshake failure or rejected certificate: 4.7.5 soft securityerror
    MalformedReply, // malformed or oversized reply: 4.5.0 soft systemerror
};

/// Pure, table-driven classification. No I/O, no state.
class Classifier final
{
public:
    /// A diagnostic text made ready once for the calls below that take it, and for a caller's own searches of
    /// lower-case ASCII phrases in it: UTF-8 with ASCII letters lowered (an ASCII phrase occurs in it exactly where a
    /// case-insensitive search finds it in ASCII text, and never inside another character), and which of its
    /// four-byte sequences it holds (NgramFilter), which rules out most phrases without a search.
    class Text final
    {
    public:
        explicit Text(const QString &text);

        const QString &original() const { return m_original; }
        std::string_view lowered() const { return m_lowered; }
        const NgramFilter &filter() const { return m_filter; }

    private:
        QString m_original;
        std::string m_lowered;
        NgramFilter m_filter;
    };

    /// A failure that is not an SMTP reply.
    static Classification classifyFailure(Failure failure);

    /// A server reply: `code` is the 3-digit reply code, `enhanced` the RFC 3463 code if the server sent one
    /// (may be empty), `text` the reply text. 2xx/3xx are success ("accepted").
    /// The status is `enhanced` if its class matches the code's, else the first code in the text whose class
    /// matches, else X.0.0 refined from the text where it names a cause ("550 No such user here" → 5.1.1).
    /// A code outside 200-599 is classified as Failure::MalformedReply.
    static Classification classifyReply(int code, const QString &enhanced, const QString &text);
    /// classifyReply() of a text made ready already.
    static Classification classifyReply(int code, const QString &enhanced, const Text &text);

    /// The Sisimai-style reason for a failure with the given status and diagnostic text.
    /// Text evidence wins over the status code where it is specific (e.g. "greylisted", "mailbox full").
    /// Evidence order: a sender status code (X.1.7, X.1.8), specific text, a specific status code, text hints,
    /// a generic status code (X.2.0, X.3.x, X.5.0, X.7.0, X.7.1), else "undefined" for soft and hard alike (the
    /// class already says whether to retry). A 2.x.x status gives "accepted". Matching is case-insensitive.
    static QString reasonFor(const QString &status, const QString &text);
    /// reasonFor() of a text made ready already.
    static QString reasonFor(const QString &status, const Text &text);
    /// Whether the status code alone names a cause (a specific code such as 4.4.2 "bad connection" or 4.2.2
    /// "mailbox full"), not only a class, an "other or undefined" status (X.Y.0), a generic subject (4.7.1) or the
    /// sender (X.1.7, X.1.8).
    static bool statusNamesCause(const QString &status);
};

} // namespace Mailpulse::Bounce
