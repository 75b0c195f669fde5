#pragma once

#include "smtp/smtpreplyparser.h"

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace Mailpulse::Smtp {

/// How TLS is used on the connection.
enum class TlsMode {
    None,             // plain SMTP, STARTTLS never sent
    StartTls,         // opportunistic: STARTTLS when offered, plain otherwise (a finding records it)
    StartTlsRequired, // STARTTLS must be offered and succeed (4.7.4 / 4.7.5 otherwise)
    Implicit,         // TLS from the first byte (port 465, RFC 8314)
};
QString tlsModeName(TlsMode mode);
std::optional<TlsMode> tlsModeFromName(QStringView name);

enum class IpFamily { Any, IPv4, IPv6 };
QString ipFamilyName(IpFamily family);
std::optional<IpFamily> ipFamilyFromName(QStringView name);

/// Timeouts in milliseconds. RFC 5321 §4.5.3.2 asks a patient MTA for 5 minutes on the greeting and on
/// MAIL/RCPT; Postfix uses smtp_connect_timeout=30s and smtp_helo/mail/rcpt/starttls_timeout=300s. An interactive
/// monitor wants an answer sooner: a server that needs more than these is itself a finding.
struct Timeouts
{
    int connectMs = 10'000;  // TCP connect
    int greetingMs = 30'000; // connect to the complete 220 greeting
    int commandMs = 30'000;  // each command to its complete reply
    int tlsMs = 15'000;      // TLS handshake
    int totalMs = 120'000;   // the whole probe, DNS and every MX host included
    int dnsMs = 10'000;      // each DNS query
};

/// Everything that shapes one probe. Plain value, copied into each probe.
struct ProbeConfig
{
    quint16 port = 25;
    bool portPinned = false; // set by --port or --mx HOST:PORT; the retry ladder keeps pinned settings
    TlsMode tlsMode = TlsMode::StartTls;
    bool tlsPinned = false;
    IpFamily ipFamily = IpFamily::Any;
    Timeouts timeouts;
    QString heloName;        // empty: the machine's host name
    QString mailFrom;        // empty: postmaster@<heloName>; "<>" for the null sender
    bool verifyCertificate = true;
    QString caFile;          // extra CA certificates (PEM), added to the system store
    QString mxOverride;      // --mx HOST: skip DNS and use this host
    QString nameserver;      // --nameserver ADDR (IPv4 recommended: Qt 6.4 ignores IPv6 nameservers)
    SmtpReplyParser::Limits replyLimits;
    int maxMxHosts = 5;      // MX hosts tried on connection-class failures
    int mxSkip = 0;          // MX hosts skipped in preference order (retry ladder: "next MX"); never all of them
};

/// What to probe: a domain (EHLO/TLS only) or one or more recipients at one domain (up to RCPT TO).
struct ProbeTarget
{
    QString input;          // as the user gave it
    QString domain;         // lower-case, IDNA (ACE) form
    QStringList recipients; // empty for a domain-only probe

    /// Parses "user@domain", "domain" or "a@domain,b@domain". Returns nullopt and sets `error` when invalid.
    static std::optional<ProbeTarget> parse(const QString &input, QString *error = nullptr);
};

} // namespace Mailpulse::Smtp
