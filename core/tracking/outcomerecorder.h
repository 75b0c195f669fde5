#pragma once

#include <QList>

#include "tracking/outcome.h"

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Tracking
{

/// Writes probe results and imported bounce events to the store and feeds every outcome to the sinks (bounce
/// events, retry queue, contacts), all of one result or batch in one transaction: all or nothing.
class OutcomeRecorder final
{
public:
    explicit OutcomeRecorder(Store::Database &database);

    /// Sinks run in the order added; the recorder does not own them. Put the bounce-event sink first: it decides
    /// whether an imported event is a duplicate.
    void addSink(OutcomeSink *sink);

    /// Stores the probe row, then one outcome per recipient (or one for the domain) goes to the sinks.
    bool recordProbe(const Smtp::ProbeResult &result, const Smtp::ProbeConfig &config, qint64 *probeId, QString *error);

    /// Feeds imported events to the sinks in one transaction. `recorded` counts events that were new.
    bool recordEvents(const QList<Bounce::BounceEvent> &events, int *recorded, QString *error);

    /// The outcome an imported event stands for.
    static Outcome outcomeOf(const Bounce::BounceEvent &event);

    /// The outcomes a probe result stands for. Recipients that got a reply carry their own classification;
    /// when the probe ended before RCPT (DNS, connection, TLS, MAIL), every recipient shares the probe's.
    static QList<Outcome> outcomesOf(const Smtp::ProbeResult &result, const Smtp::ProbeConfig &config, qint64 probeId);

private:
    bool feed(const Outcome &outcome, bool *duplicate, QString *error);

    Store::Database &m_database;
    QList<OutcomeSink *> m_sinks;
};

} // namespace Mailpulse::Tracking
