#pragma once

#include <optional>

#include <QDateTime>
#include <QMetaType>
#include <QString>

#include "bounce/statuscode.h"

namespace Mailpulse::Bounce
{

/// Where a bounce event came from.
enum class BounceSource { Probe, Dsn, Log };
QString bounceSourceName(BounceSource source); // "probe", "dsn", "log"
std::optional<BounceSource> bounceSourceFromName(QStringView name);

/// One recipient's delivery outcome from any source (DESIGN.md "Bounces"). Successes may be recorded too
/// (class success), so that later successes can resolve retry-queue entries and contacts.
struct BounceEvent {
    QString recipient; // lower-cased domain part; may be empty for a domain-only probe
    QString domain;
    Classification classification;
    BounceSource source = BounceSource::Dsn;
    QDateTime occurredAt; // UTC
    QString diagnostic; // Diagnostic-Code / reply text / log "said:" text
    QString remoteMta;
    int replyCode = 0; // 0 = unknown
    QString action; // DSN Action (failed, delayed, delivered, ...) or log status (sent, deferred, bounced)
    QString sourceRef; // file path and message-id / log file and line, or "probe:<id>"
    /// Stable identity for idempotent import: the same event from the same source yields the same key.
    QString fingerprint;
};

} // namespace Mailpulse::Bounce

Q_DECLARE_METATYPE(Mailpulse::Bounce::BounceEvent)
