#include "trackingpipeline.h"

namespace Mailpulse::Tracking
{

TrackingPipeline::TrackingPipeline(
    Store::Database &database, const Clock &clock, Queue::RetryPolicy policy, Contacts::ContactRules rules)
    : m_bounces(database)
    , m_retryQueue(database, &clock, std::move(policy))
    , m_contacts(database, clock, std::move(rules))
    , m_recorder(database)
{
    for (OutcomeSink *sink : sinks())
        m_recorder.addSink(sink);
}

QList<OutcomeSink *> TrackingPipeline::sinks() { return { &m_bounces, &m_retryQueue, &m_contacts }; }

} // namespace Mailpulse::Tracking
