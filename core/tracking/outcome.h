#pragma once

#include <span>

#include <QDateTime>
#include <QString>

#include "bounce/bounceevent.h"
#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

namespace Mailpulse::Store
{
class BounceRow;
}

namespace Mailpulse::Tracking
{

/// One recipient's (or, for a domain-only probe, one domain's) outcome, whatever its source. Everything that
/// learns from outcomes (bounce events, the retry queue, the contact list) sees the same stream of these.
struct Outcome {
    QString target; // what to probe again: the recipient address, or the domain for a domain-only probe
    QString recipient; // empty for a domain-only probe
    QString domain;
    Bounce::Classification classification;
    Bounce::BounceSource source = Bounce::BounceSource::Probe;
    QDateTime at; // UTC

    // From a probe (source Probe): the stored row, the settings used, and the full result.
    qint64 probeId = 0;
    const Smtp::ProbeConfig *config = nullptr;
    const Smtp::ProbeResult *probe = nullptr;

    // From an import (source Dsn or Log): the event as parsed, and, where the importer prepared it on another
    // thread, as the store writes it (else the bounce-event sink prepares it).
    const Bounce::BounceEvent *event = nullptr;
    const Store::BounceRow *row = nullptr;
};

/// Something that learns from outcomes. record() runs inside the recorder's transaction: a sink writes with the
/// same database connection and never commits or rolls back itself.
class OutcomeSink
{
public:
    enum class Result { Recorded, Passed, Duplicate, Failed };
    virtual ~OutcomeSink() = default;
    /// Duplicate: this outcome was seen before (idempotent import); the recorder then skips the later sinks.
    /// Passed: nothing of it is for this sink to keep (the bounce-event sink and a successful delivery); the later
    /// sinks still learn from it, as from a Recorded one.
    virtual Result record(const Outcome &outcome, QString *error) = 0;
    /// Records outcomes[0], outcomes[1], … in turn, `results[i]` saying what became of outcomes[i]; false at the
    /// first Failed (`error` says why). A sink that can store many outcomes at once for less than one at a time
    /// overrides it (BounceEventSink: many rows to a statement). The importer gives the first sink a chunk of
    /// outcomes this way, then the later sinks each outcome it recorded, in order.
    virtual bool recordAll(std::span<const Outcome> outcomes, Result *results, QString *error)
    {
        for (size_t i = 0; i < outcomes.size(); ++i) {
            results[i] = record(outcomes[i], error);
            if (results[i] == Result::Failed)
                return false;
        }
        return true;
    }

    /// A driver that records many outcomes in one write transaction (the importer, once per file) brackets them
    /// with beginBatch() and endBatch(), both inside that transaction. In between, only record() writes the store
    /// (the transaction holds the write lock), so a sink may keep what it read at the start or wrote since instead
    /// of asking the store for every outcome, and may keep changes in memory until flushBatch(). Once flushed, the
    /// store holds exactly what unbatched record() calls would have written. The defaults do nothing.
    virtual bool beginBatch(QString *error)
    {
        Q_UNUSED(error)
        return true;
    }
    /// Writes what record() kept in memory. The driver calls it before it commits the batch's transaction, not
    /// when it rolls back (endBatch() then drops what was kept).
    virtual bool flushBatch(QString *error)
    {
        Q_UNUSED(error)
        return true;
    }
    virtual void endBatch() { }
};

} // namespace Mailpulse::Tracking
