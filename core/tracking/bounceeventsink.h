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

/// Stores every outcome as a bounce event: imported events as parsed (Duplicate when their fingerprint is stored
/// already, which makes imports idempotent), probe outcomes as source `probe` linked to their probe row, with the
/// fingerprint "probe:<id>:<recipient or domain>". Successes are stored too: they resolve retries and contacts.
/// Add it to a recorder first. Keeps a prepared statement: destroy it before the Database is closed.
class BounceEventSink final : public OutcomeSink
{
public:
    explicit BounceEventSink(Store::Database &database);

    Result record(const Outcome &outcome, QString *error) override;
    /// Imported outcomes whose rows the importer prepared go in together (BounceRepository's insert of many rows);
    /// anything else one by one.
    bool recordAll(std::span<const Outcome> outcomes, Result *results, QString *error) override;

    /// The event a probe outcome stands for.
    static Bounce::BounceEvent eventOf(const Outcome &outcome);

private:
    Store::BounceRepository m_repository;
    // recordAll()'s rows and their fates, kept between calls (an import calls it for every chunk of a log).
    std::vector<const Store::BounceRow *> m_rows;
    std::vector<Store::BounceRepository::InsertResult> m_inserted;
};

} // namespace Mailpulse::Tracking
