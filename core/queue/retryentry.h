#pragma once

#include <optional>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringView>

#include "bounce/statuscode.h"
#include "queue/retrysettings.h"
#include "smtp/probeconfig.h"

namespace Mailpulse::Queue
{

/// Where a queue entry stands. `Running` only while one of the queue's attempts is in flight (under a lease);
/// `Failed` (additive to DESIGN.md's list) when a hard failure made retrying pointless.
enum class EntryState { Pending, Paused, Running, Succeeded, Expired, Failed, Cancelled };
QString entryStateName(EntryState state);
std::optional<EntryState> entryStateFromName(QStringView name);
/// Pending, Paused and Running: the entry may still be retried. At most one open entry per target.
bool isOpen(EntryState state);

/// One outcome that touched an entry.
struct RetryAttempt {
    qint64 id = 0;
    QDateTime at;
    QString kind; // "initial" (the failure that queued the entry), "retry" (the queue's own), "external"
    QString source; // "probe", "dsn", "log"
    std::optional<RetrySettings> settings; // what the attempt used; none for imported outcomes
    bool alternate = false; // a retry with settings other than the base ones
    Bounce::Classification classification;
    qint64 probeId = 0; // the probes row, 0 for imports
};

/// One soft-failure episode of one target (a recipient, or the domain of a domain-only probe).
struct RetryEntry {
    qint64 id = 0;
    QString target;
    QString recipient; // empty for a domain-only probe
    QString domain;
    EntryState state = EntryState::Pending;
    Bounce::Classification classification; // the latest outcome
    QString firstStatus; // of the failure that queued the entry (statistics group by it)
    QString firstReason;
    QString source; // of that failure
    int attempts = 0; // every outcome recorded, the original failure included
    int failures = 0; // the soft failures among them (drives the back-off)
    int ladderStep = 0; // connection-class retries so far (the position on the ladder)
    QDateTime firstFailedAt;
    QDateTime lastAttemptAt;
    QDateTime nextAttemptAt; // invalid once closed
    QDateTime expiresAt;
    QDateTime resolvedAt;
    QString resolvedBy; // "retry", "probe", "dsn", "log" (a success), "hard", "lifetime", "user"
    bool recovered = false; // succeeded through one of the queue's own attempts
    bool recoveredWithAlternate = false;
    Smtp::ProbeConfig baseConfig; // how the original probe was configured (defaults for imports)
    RetrySettings settings; // open: the settings of the next attempt; succeeded: the ones that worked
    qint64 leasePid = 0;
    QDateTime leaseUntil;
    QList<RetryAttempt> history; // oldest first (filled on request)
};

/// `queue list` JSON (DESIGN.md): id, target, domain, state, status, class, reason, attempts, first_failed_at,
/// last_attempt_at, next_attempt_at, settings {host, port, tls_mode, ip_family}, history [{at, status, settings}],
/// plus (additive) recipient, first_status, source, expires_at, resolved_at, resolved_by, recovered,
/// recovered_with_alternate, and per history item kind, class, reason, alternate, probe_id. Absent data is null.
QJsonObject toJson(const RetryEntry &entry);

} // namespace Mailpulse::Queue

Q_DECLARE_METATYPE(Mailpulse::Queue::RetryEntry)
