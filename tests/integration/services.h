#pragma once

// Addresses of the services tests/integration/services/start.sh runs inside the test network namespace (dnsmasq,
// Postfix, smtp-sink). Hard-coded on both sides because the namespace is private: fixed addresses cannot clash.
// The zone itself is documented at the top of start.sh; change both files together.

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QString>

namespace Mailpulse::Test::Services
{

/// dnsmasq, authoritative for .test. IPv4 on purpose: Qt 6.4 ignores IPv6 nameservers.
inline QHostAddress nameserver() { return QHostAddress(QStringLiteral("127.0.0.53")); }
inline QString nameserverText() { return QStringLiteral("127.0.0.53"); }

/// Postfix: STARTTLS on 25, implicit TLS on 465.
inline constexpr char postfixAddress[] = "127.0.0.1";
inline constexpr quint16 postfixSmtpPort = 25;
inline constexpr quint16 postfixSmtpsPort = 465;

/// Nothing listens here: connections are refused (dead.fallback.test).
inline constexpr char refusedAddress[] = "127.0.0.2";

/// smtp-sink instances, port 25 each, and the domains whose MX points to them.
inline constexpr char sinkGreeting421[] = "127.0.0.10"; // greet421.test: 421 instead of the greeting
inline constexpr char sinkDropConnect[] = "127.0.0.11"; // dropconnect.test: closes at once
inline constexpr char sinkRcptHard[] = "127.0.0.12"; // rcpthard.test: RCPT -> 550 5.7.1
inline constexpr char sinkRcptSoft[] = "127.0.0.13"; // rcptsoft.test: RCPT -> 450 4.2.0
inline constexpr char sinkDropEhlo[] = "127.0.0.14"; // dropehlo.test: closes after EHLO
inline constexpr char sinkSlowGreeting[] = "127.0.0.15"; // slowgreet.test: greeting after 30 s
inline constexpr char sinkRcpt421[] = "127.0.0.16"; // rcpt421.test: RCPT -> 421

/// Where start.sh keeps its state (set by tests/integration/CMakeLists.txt).
inline QString stateDir() { return QStringLiteral(MAILPULSE_TEST_SERVICES_DIR); }
/// The self-signed certificate Postfix presents (CN mx.ok.test; SAN mx.ok.test, nomx.test, localhost, 127.0.0.1).
inline QString caFile() { return QDir(stateDir()).filePath(QStringLiteral("ca.pem")); }
/// True once start.sh has run (the fixture); tests fail with a hint otherwise, rather than pass by skipping.
inline bool running() { return QFile::exists(QDir(stateDir()).filePath(QStringLiteral("dnsmasq.pid"))); }
/// Postfix's configuration directory (for its sendmail: `sendmail -C`) and the log it writes (postlogd). Mail
/// submitted for rcpthard.test, rcptsoft.test, dropconnect.test and refused.test leaves through its smtp client to
/// the smtp-sink instances above and to refusedAddress (start.sh's transport map); for ok.test it is discarded; for
/// later.test it is deferred until the queue is flushed (`postqueue -c postfixConfigDir() -f`), then discarded.
inline QString postfixConfigDir() { return QDir(stateDir()).filePath(QStringLiteral("postfix/etc")); }
inline QString postfixLog() { return QDir(stateDir()).filePath(QStringLiteral("postfix/maillog")); }

} // namespace Mailpulse::Test::Services
