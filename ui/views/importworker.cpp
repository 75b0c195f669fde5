#include "importworker.h"

#include <QElapsedTimer>

#include "store/database.h"
#include "tracking/trackingpipeline.h"

namespace Mailpulse::Ui
{

namespace
{
void merge(Bounce::ImportSummary &into, const Bounce::ImportSummary &from)
{
    into.files += from.files;
    into.messages += from.messages;
    into.lines += from.lines;
    into.records += from.records;
    into.duplicates += from.duplicates;
    into.deliveries += from.deliveries;
    into.skipped += from.skipped;
    into.missing += from.missing;
    into.storeFailed = into.storeFailed || from.storeFailed;
}
} // namespace

ImportWorker::ImportWorker(const Clock *clock)
    : m_clock(clock)
{
}

void ImportWorker::run(const ImportJob &job)
{
    const QStringList &paths = job.paths;
    QElapsedTimer elapsed;
    elapsed.start();
    ImportReport report;
    {
        Store::Database database;
        if (!database.open(job.databasePath, &report.error)) {
            report.elapsedMs = elapsed.elapsed();
            Q_EMIT finished(report);
            return;
        }
        Tracking::TrackingPipeline pipeline(database, *m_clock, job.policy, job.rules);
        Bounce::Importer importer(database);
        for (Tracking::OutcomeSink *sink : pipeline.sinks())
            importer.addSink(sink);
        // One path at a time so that the view can show progress; the importer has no finer-grained callback.
        for (qsizetype i = 0; i < paths.size(); ++i) {
            merge(report.summary, importer.import({ paths.at(i) }, job.options));
            Q_EMIT progressed(int(i + 1), int(paths.size()), paths.at(i));
        }
    } // The connection closes here, in the thread that opened it.
    report.elapsedMs = elapsed.elapsed();
    Q_EMIT finished(report);
}

} // namespace Mailpulse::Ui
