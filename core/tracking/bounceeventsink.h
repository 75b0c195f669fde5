#pragma once

#include <vector>

#include "store/bouncerepository.h"
#include "tracking/outcome.h"

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Tracking
{

/// Stores every failed outcome as a bounce event: imported events as parsed (Duplicate when their fingerprint is
/// stored already, which makes imports idempotent), probe outcomes as source `probe` linked to their probe row, with
/// the fingerprint "probe:<id>:<recipient or domain>". A successful delivery is not a bounce: it is Passed, not
/// stored, and the later sinks learn from it (it closes a retry entry, ends a contact's failure run). Those sinks
/// ignore a success older than the failure they track, so a log read again changes nothing.
/// Add it to a recorder first. Keeps a prepared statement: destroy it before the Database is closed.
class BounceEventSink final : public OutcomeSink
{
public:
    explicit BounceEventSink(Store::Database &database);

    Result record(const Outcome &outcome, QString *error) override;
    /// Imported failures whose rows the importer prepared go in together (BounceRepository's insert of many rows);
    /// anything else one by one.
    bool recordAll(std::span<const Outcome> outcomes, Result *results, QString *error) override;

    /// The event a probe outcome stands for.
    static Bounce::BounceEvent eventOf(const Outcome &outcome);

private:
    Store::BounceRepository m_repository;
    // recordAll()'s rows, the outcomes they stand for and their fates, kept between calls (an import calls it for
    // every chunk of a log).
    std::vector<const Store::BounceRow *> m_rows;
    std::vector<size_t> m_outcomeOf;
    std::vector<Store::BounceRepository::InsertResult> m_inserted;
};

} // namespace Mailpulse::Tracking
