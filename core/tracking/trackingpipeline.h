#pragma once

#include "contacts/contacttracker.h"
#include "queue/retryqueue.h"
#include "tracking/bounceeventsink.h"
#include "tracking/outcomerecorder.h"

namespace Mailpulse::Tracking
{

/// The one standard way outcomes are recorded: the store, then bounce events (which decide duplicates), the retry
/// queue and the contact list, in that order. The CLI's probe, queue run and import and the GUI all use it, so a
/// result teaches Mailpulse the same things wherever it came from.
class TrackingPipeline final
{
public:
    TrackingPipeline(Store::Database &database, const Clock &clock, Queue::RetryPolicy policy = Queue::RetryPolicy(),
        Contacts::ContactRules rules = Contacts::ContactRules());
    Q_DISABLE_COPY_MOVE(TrackingPipeline)

    OutcomeRecorder &recorder() { return m_recorder; }
    Queue::RetryQueue &retryQueue() { return m_retryQueue; }
    Contacts::ContactTracker &contacts() { return m_contacts; }
    /// The sinks in recording order, for code that records through its own driver (the importer).
    QList<OutcomeSink *> sinks();

private:
    BounceEventSink m_bounces;
    Queue::RetryQueue m_retryQueue;
    Contacts::ContactTracker m_contacts;
    OutcomeRecorder m_recorder;
};

} // namespace Mailpulse::Tracking
