#pragma once

#include <memory>

#include "contacts/contactrules.h"
#include "tracking/outcome.h"

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Store
{
class Database;
class Statement;
} // namespace Mailpulse::Store

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
    ~ContactTracker() override;
    Q_DISABLE_COPY_MOVE(ContactTracker)

    /// Keeps its prepared statements between calls (they are prepared again if the Database was reopened):
    /// destroy the tracker, or call releaseStatements(), before the Database is closed.
    Result record(const Tracking::Outcome &outcome, QString *error) override;
    /// Drops the prepared statements; they are prepared again on the next record().
    void releaseStatements();
    /// Within a batch, record() knows which recipients have a failure run or a contact (read once), so that an
    /// outcome of a recipient with neither (most of a log) needs no read. It keeps the runs it read or changed in
    /// memory and writes each changed one once, in flushBatch() (or when it keeps too many): a recipient that fails
    /// five times in a log has its run read at most once and written once. So is a contact the batch lists, with
    /// its notes; a contact already in the store is updated at once.
    bool beginBatch(QString *error) override;
    bool flushBatch(QString *error) override;
    void endBatch() override;
    /// How many recipients' runs a batch keeps before it writes them and starts again (tests set a small one).
    void setBatchKeepLimit(qsizetype limit) { m_keepLimit = limit; }

private:
    struct Statements;
    struct Batch;
    struct KeptRun;
    struct ListedContact;
    /// Binds the `lists` insert's row of a contact the batch listed, from `first` on.
    static void bindListed(Store::Statement &q, int first, const QString &address, const ListedContact &c);
    /// The batch's run of `address`, read from the store the first time; nullptr (and `message`) on a failed read.
    KeptRun *keptRun(const QString &address, QString *message);
    /// In a batch, counts an outcome and reads what the batch knows (Batch) once it has seen enough of them.
    void loadWhenDue();
    /// Whether `address` may have a failure run: false only when the batch knows it has none.
    bool mayHaveRun(const QString &address);
    Store::Database &m_database;
    const Clock &m_clock;
    ContactRules m_rules;
    std::unique_ptr<Statements> m_statements;
    std::unique_ptr<Batch> m_batch;
    qsizetype m_keepLimit = 16384; // a few MB of runs
};

} // namespace Mailpulse::Contacts
