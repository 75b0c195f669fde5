#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include "bounce/importer.h"
#include "contacts/contactrules.h"
#include "queue/retrypolicy.h"

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Ui
{

/// What one import in the background did.
struct ImportReport {
    Bounce::ImportSummary summary;
    QString error; // the store could not be opened: nothing was imported
    qint64 elapsedMs = 0;
};

/// One import to run: where the store is, what to import, and how outcomes teach the queue and contact list.
struct ImportJob {
    QString databasePath;
    QStringList paths;
    Bounce::Importer::Options options;
    Queue::RetryPolicy policy;
    Contacts::ContactRules rules;
};

/// Runs the Importer in a worker thread. Each run opens its own Store::Database connection and builds its own
/// TrackingPipeline in that thread (SQLite connections must not cross threads) and closes them before reporting.
/// Lives in the worker thread; talks to the UI only through (queued) signals.
class ImportWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportWorker)

public:
    /// `clock` must be safe to read from the worker thread (SystemClock is; a test's FakeClock that is not moved
    /// during the import is too).
    explicit ImportWorker(const Clock *clock);

    /// Imports the job's paths one after the other, reporting progress after each. Call in the worker's thread.
    void run(const Mailpulse::Ui::ImportJob &job);

Q_SIGNALS:
    void progressed(int done, int total, const QString &path);
    void finished(const Mailpulse::Ui::ImportReport &report);

private:
    const Clock *m_clock;
};

} // namespace Mailpulse::Ui

Q_DECLARE_METATYPE(Mailpulse::Ui::ImportReport)
