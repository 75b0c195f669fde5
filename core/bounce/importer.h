#pragma once

#include <optional>
#include <span>
#include <vector>

#include <QList>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include "bounce/logreader.h"
#include "bounce/mailsource.h"
#include "tracking/outcome.h"

namespace Mailpulse::Store
{
class Database;
} // namespace Mailpulse::Store

namespace Mailpulse::Bounce
{

struct BounceEvent;

/// What `import --format` accepts.
enum class ImportFormat { Auto, Dsn, Mbox, Maildir, Postfix, Exim };
QString importFormatName(ImportFormat format);
std::optional<ImportFormat> importFormatFromName(QStringView name);

/// A file that was not imported, or imported with a remark.
struct ImportProblem {
    QString file;
    QString reason;
    bool error = true; // bad input or a store failure; false for a remark (e.g. a mail that is no bounce)
};

/// What one import() did. Counts of records and duplicates cover committed files only.
struct ImportSummary {
    int files = 0; // files looked at (each message file of a Maildir counts)
    qint64 messages = 0; // mails read
    qint64 lines = 0; // log lines read
    qint64 records = 0; // new bounce events stored
    qint64 duplicates = 0; // bounce events stored before (idempotent re-import)
    qint64 deliveries = 0; // successful deliveries read: not bounce events, they close retries and failure runs
    QList<ImportProblem> skipped;
    QStringList missing; // paths that do not exist
    bool storeFailed = false; // a store error (not the input's fault) made a file fail

    bool hasBadInput() const;
};

/// Imports bounce mails (single files, mbox, Maildir) and MTA logs (Postfix, Exim; plain, rotated, .gz) into the
/// store. Each file is one transaction: a file with bad input stores nothing and the others go on. Every event
/// goes to the sinks in the order added, with the same results as OutcomeRecorder feeding them one event at a time
/// (a Duplicate from the first sink, the bounce-event sink, stops the later ones); a log's events reach the first
/// sink a chunk at a time (OutcomeSink::recordAll()) and the later sinks one by one, in line order. Logs are read
/// incrementally: a file continues where the last import stopped unless it was rotated. Memory stays bounded
/// whatever the size of a file: a log is read and parsed on a second thread and its events reach the sinks a few
/// bounded chunks behind, inside the file's transaction; they are never collected.
class Importer final
{
public:
    struct Options {
        ImportFormat format = ImportFormat::Auto;
        /// The zone the logs' local timestamps are in (syslog and Exim write local time).
        QTimeZone logTimeZone = QTimeZone::systemTimeZone();
        LogReader::Limits logLimits;
        MailSource::Limits mailLimits;
        /// Successful deliveries (`status=sent`, `=>`, DSN `Action: delivered`) go to the sinks: not stored as bounce
        /// events, they close retry entries and end contacts' failure runs. False leaves them out altogether.
        bool withSuccesses = true;
        /// Resume logs where the previous import stopped; false reads every file from its start.
        bool incremental = true;
        /// SQLite page cache while importing, in KiB (0: leave the connection's setting). Bounds memory use.
        qint64 cacheKiB = 64 * 1024;
    };

    explicit Importer(Store::Database &database);
    ~Importer();
    Q_DISABLE_COPY_MOVE(Importer)

    /// Not owned. Put the bounce-event sink first: it decides what is a duplicate.
    void addSink(Tracking::OutcomeSink *sink);

    ImportSummary import(const QStringList &paths, const Options &options);

    /// The format a file's content looks like (Auto when unknown). `head`: the first few KiB, decompressed.
    static ImportFormat sniff(QByteArrayView head);

private:
    struct FileRun;
    void importPath(const QString &path, const Options &options, ImportSummary &summary);
    void importTree(const QString &dir, ImportFormat format, const Options &options, ImportSummary &summary);
    void importFile(const QString &path, ImportFormat format, const Options &options, ImportSummary &summary);
    void importLog(const QString &path, ImportFormat format, const Options &options, ImportSummary &summary);
    void importMail(const QString &path, MailFormat format, const Options &options, ImportSummary &summary);
    /// Each file's run is one batch for the sinks (OutcomeSink::beginBatch()).
    bool beginBatch(FileRun &run, QString *error);
    void endBatch(FileRun &run);
    bool feed(const BounceEvent &event, FileRun &run);
    /// Outcomes in order: the first sink records them all at once (OutcomeSink::recordAll()), then the later sinks
    /// each one it recorded, in turn; a Duplicate stops the later sinks for that outcome.
    bool feed(std::span<const Tracking::Outcome> outcomes, FileRun &run);
    void finish(FileRun &run, ImportSummary &summary);

    Store::Database &m_database;
    QList<Tracking::OutcomeSink *> m_sinks;
    std::vector<Tracking::OutcomeSink::Result> m_results; // feed()'s, kept between calls
};

} // namespace Mailpulse::Bounce
