#include "outcomerecorder.h"

#include "store/database.h"
#include "store/proberepository.h"
#include "store/transaction.h"

namespace Mailpulse::Tracking
{

OutcomeRecorder::OutcomeRecorder(Store::Database &database)
    : m_database(database)
{
}

void OutcomeRecorder::addSink(OutcomeSink *sink) { m_sinks.append(sink); }

Outcome OutcomeRecorder::outcomeOf(const Bounce::BounceEvent &event)
{
    Outcome o;
    o.target = event.recipient.isEmpty() ? event.domain : event.recipient;
    o.recipient = event.recipient;
    o.domain = event.domain;
    o.classification = event.classification;
    o.source = event.source;
    o.at = event.occurredAt;
    o.event = &event;
    return o;
}

QList<Outcome> OutcomeRecorder::outcomesOf(
    const Smtp::ProbeResult &result, const Smtp::ProbeConfig &config, qint64 probeId)
{
    const auto base = [&] {
        Outcome o;
        o.domain = result.domain;
        o.source = Bounce::BounceSource::Probe;
        o.at = result.startedAt;
        o.probeId = probeId;
        o.config = &config;
        o.probe = &result;
        return o;
    };
    QList<Outcome> outcomes;
    const auto target = Smtp::ProbeTarget::parse(result.target);
    const QStringList recipients = target ? target->recipients : QStringList();
    if (recipients.isEmpty()) {
        Outcome o = base();
        o.target = result.domain;
        o.classification = result.classification;
        outcomes << o;
        return outcomes;
    }
    for (const QString &recipient : recipients) {
        Outcome o = base();
        o.target = recipient;
        o.recipient = recipient;
        o.classification = result.classification;
        for (const Smtp::RecipientResult &r : result.recipients) {
            if (r.address == recipient)
                o.classification = r.classification;
        }
        outcomes << o;
    }
    return outcomes;
}

bool OutcomeRecorder::feed(const Outcome &outcome, bool *duplicate, QString *error)
{
    *duplicate = false;
    for (OutcomeSink *sink : std::as_const(m_sinks)) {
        switch (sink->record(outcome, error)) {
        case OutcomeSink::Result::Recorded:
        case OutcomeSink::Result::Passed:
            break;
        case OutcomeSink::Result::Duplicate:
            *duplicate = true;
            return true;
        case OutcomeSink::Result::Failed:
            return false;
        }
    }
    return true;
}

bool OutcomeRecorder::recordProbe(
    const Smtp::ProbeResult &result, const Smtp::ProbeConfig &config, qint64 *probeId, QString *error)
{
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return false;
    qint64 id = 0;
    if (!Store::ProbeRepository(m_database).insert(result, &id, error))
        return false;
    for (const Outcome &outcome : outcomesOf(result, config, id)) {
        bool duplicate = false;
        if (!feed(outcome, &duplicate, error))
            return false;
    }
    if (!transaction.commit(error))
        return false;
    if (probeId)
        *probeId = id;
    return true;
}

bool OutcomeRecorder::recordEvents(const QList<Bounce::BounceEvent> &events, int *recorded, QString *error)
{
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return false;
    int fresh = 0;
    for (const Bounce::BounceEvent &event : events) {
        bool duplicate = false;
        if (!feed(outcomeOf(event), &duplicate, error))
            return false;
        fresh += duplicate ? 0 : 1;
    }
    if (!transaction.commit(error))
        return false;
    if (recorded)
        *recorded = fresh;
    return true;
}

} // namespace Mailpulse::Tracking
