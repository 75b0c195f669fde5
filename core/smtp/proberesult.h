#pragma once

#include "bounce/statuscode.h"
#include "smtp/probeconfig.h"
#include "smtp/smtpreply.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace Mailpulse::Smtp {

/// Where a probe ended (or was when it failed).
enum class Phase { Dns, Connect, Greeting, Ehlo, StartTls, Tls, Mail, Rcpt, Quit, Done };
QString phaseName(Phase phase);
std::optional<Phase> phaseFromName(QStringView name);

/// One transcript line: 'S' server, 'C' client, 'I' information (e.g. "TLS established").
struct TranscriptEntry
{
    qint64 tMs = 0; // since the probe started
    char dir = 'I';
    QString line;
};

struct TlsInfo
{
    QString protocol; // "TLSv1.3"
    QString cipher;
    bool verified = false;
    QStringList errors;
    QString subject;
    QString issuer;
    QStringList san;
    QDateTime notAfter;
};

/// Something worth telling that is not the outcome itself (e.g. STARTTLS injection, no STARTTLS offered).
struct Finding
{
    QString severity; // "info", "warning", "critical"
    QString code;     // stable identifier, e.g. "starttls-injection"
    QString text;
};

struct RecipientResult
{
    QString address;
    Bounce::Classification classification;
    std::optional<SmtpReply> reply;
};

/// Milliseconds per phase; -1 where the phase did not run.
struct PhaseTimings
{
    qint64 dns = -1;
    qint64 connect = -1;
    qint64 greeting = -1;
    qint64 ehlo = -1;
    qint64 tls = -1;
    qint64 mail = -1;
    qint64 rcpt = -1;
    qint64 total = -1;
};

/// The complete, self-contained outcome of one probe. Failures are data here, never an error path.
struct ProbeResult
{
    QString target;
    QString domain;
    QString host;    // the MX host of the last attempt (null if DNS failed)
    QString address; // the IP address of the last attempt
    quint16 port = 0;
    TlsMode tlsMode = TlsMode::StartTls;
    Bounce::Classification classification;
    Phase phase = Phase::Dns;
    std::optional<SmtpReply> reply; // last server reply
    QString detail;                 // human-readable explanation
    PhaseTimings timings;
    std::optional<TlsInfo> tls;
    QList<Finding> findings;
    QList<RecipientResult> recipients;
    QList<TranscriptEntry> transcript;
    QStringList hostsTried; // "host[address]:port" for every connection attempt, in order
    QDateTime startedAt;

    bool succeeded() const { return classification.cls == Bounce::DeliveryClass::Success; }
};

} // namespace Mailpulse::Smtp

Q_DECLARE_METATYPE(Mailpulse::Smtp::ProbeResult)
Q_DECLARE_METATYPE(Mailpulse::Smtp::TranscriptEntry)
