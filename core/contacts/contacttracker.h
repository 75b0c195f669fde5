#pragma once

#include "contacts/contactrules.h"
#include "tracking/outcome.h"

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Contacts
{

/// The contact list's OutcomeSink: keeps each failing recipient's run of consecutive failures, lists a recipient
/// when ContactRules say so, keeps listed entries' facts current, and reopens resolved entries on a new failure.
///
/// Ordering: imports can deliver outcomes older than ones already seen. A success older than the recipient's last
/// failure does not reset the run, and a failure older than its last success does not extend it, so late imports
/// cannot break or fabricate a run. Domain-only probes carry no recipient and are not tracked.
class ContactTracker final : public Tracking::OutcomeSink
{
public:
    ContactTracker(Store::Database &database, const Clock &clock, ContactRules rules = {});

    Result record(const Tracking::Outcome &outcome, QString *error) override;

private:
    Store::Database &m_database;
    const Clock &m_clock;
    ContactRules m_rules;
};

} // namespace Mailpulse::Contacts
