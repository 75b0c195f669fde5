#pragma once

#include "store/bouncerepository.h"
#include "tracking/outcome.h"

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Tracking
{

/// Stores every outcome as a bounce event: imported events as parsed (Duplicate when their fingerprint is stored
/// already, which makes imports idempotent), probe outcomes as source `probe` linked to their probe row, with the
/// fingerprint "probe:<id>:<recipient or domain>". Successes are stored too: they resolve retries and contacts.
/// Add it to a recorder first. Keeps a prepared statement: destroy it before the Database is closed.
class BounceEventSink final : public OutcomeSink
{
public:
    explicit BounceEventSink(Store::Database &database);

    Result record(const Outcome &outcome, QString *error) override;

    /// The event a probe outcome stands for.
    static Bounce::BounceEvent eventOf(const Outcome &outcome);

private:
    Store::BounceRepository m_repository;
};

} // namespace Mailpulse::Tracking
