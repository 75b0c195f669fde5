#include "bounce/importer.h"

#include <atomic>
#include <memory>
#include <optional>

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutex>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>
#include <QWaitCondition>

#include "tracking/outcomerecorder.h"

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

#include "bounce/dsnparser.h"
#include "bounce/eximlogparser.h"
#include "bounce/mailbatchparser.h"
#include "bounce/postfixlogparser.h"
#include "store/bouncerow.h"
#include "store/database.h"
#include "store/importfilerepository.h"
#include "store/transaction.h"
#include "tracking/outcome.h"

namespace Mailpulse::Bounce
{

Q_LOGGING_CATEGORY(lcImport, "mailpulse.import", QtWarningMsg)

namespace
{

constexpr qint64 HeadBytes = 4096;
constexpr qsizetype SniffBytes = 8192;

struct FileIdentity {
    qint64 device = 0;
    qint64 inode = 0;
};

FileIdentity identityOf(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat st {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) == 0)
        return { qint64(st.st_dev), qint64(st.st_ino) };
#else
    Q_UNUSED(path)
#endif
    return {};
}

bool isMaildir(const QString &dir)
{
    const QDir d(dir);
    return d.exists(QStringLiteral("cur")) && d.exists(QStringLiteral("new"));
}

// "path#N" (the N-th message of an mbox) → "path".
QString fileOfRef(const QString &ref)
{
    const qsizetype hash = ref.lastIndexOf(u'#');
    if (hash <= 0 || hash + 1 >= ref.size())
        return ref;
    for (qsizetype i = hash + 1; i < ref.size(); ++i) {
        if (!ref.at(i).isDigit())
            return ref;
    }
    return ref.first(hash);
}

bool looksLikeHeaderLine(QByteArrayView line)
{
    // RFC 5322 field name: printable ASCII except ':' and space, then ':'.
    qsizetype i = 0;
    while (i < line.size() && line[i] > ' ' && line[i] < 127 && line[i] != ':')
        ++i;
    return i > 0 && i < line.size() && line[i] == ':';
}

// One parsed log line for the storing thread: an event, or the reason the file fails (its first bad line). The
// event comes with its row as the store writes it, prepared on the scanning thread (see Store::BounceRow), unless it
// is a success (not stored).
struct ParsedLogItem {
    BounceEvent event;
    std::optional<Store::BounceRow> row; // none for a success (Tracking::BounceEventSink)
    QString failure;
};
using ParsedLogChunk = QList<ParsedLogItem>;

// Chunks from the scanning thread to the storing one, at most a few in flight (bounded memory).
class ParsedLogQueue final
{
public:
    static constexpr qsizetype ChunkItems = 1024;

    void push(ParsedLogChunk &&chunk)
    {
        QMutexLocker lock(&m_mutex);
        while (m_chunks.size() >= MaxChunks)
            m_notFull.wait(&m_mutex);
        m_chunks.append(std::move(chunk));
        m_notEmpty.wakeOne();
    }
    void finish()
    {
        QMutexLocker lock(&m_mutex);
        m_finished = true;
        m_notEmpty.wakeOne();
    }
    // The next chunk; false once the scanner finished and every chunk was taken.
    bool pop(ParsedLogChunk *chunk)
    {
        QMutexLocker lock(&m_mutex);
        while (m_chunks.isEmpty() && !m_finished)
            m_notEmpty.wait(&m_mutex);
        if (m_chunks.isEmpty())
            return false;
        *chunk = m_chunks.takeFirst();
        m_notFull.wakeOne();
        return true;
    }
    // The storing thread hands back a chunk it is done with; the scanner empties and refills it (emptyChunk()).
    // The events' strings were allocated on the scanner's thread: freeing them there too took 5% of the storing
    // thread's time (the import's bottleneck) off it.
    void giveBack(ParsedLogChunk &&chunk)
    {
        QMutexLocker lock(&m_mutex);
        m_spent.append(std::move(chunk));
    }
    // An empty chunk to fill: a given-back one, emptied here, or a new one.
    ParsedLogChunk emptyChunk()
    {
        ParsedLogChunk chunk;
        {
            QMutexLocker lock(&m_mutex);
            if (!m_spent.isEmpty())
                chunk = m_spent.takeLast();
        }
        chunk.clear();
        chunk.reserve(ChunkItems);
        return chunk;
    }

private:
    static constexpr qsizetype MaxChunks = 4;
    QMutex m_mutex;
    QWaitCondition m_notEmpty;
    QWaitCondition m_notFull;
    QList<ParsedLogChunk> m_chunks;
    QList<ParsedLogChunk> m_spent; // at most the chunks in flight: one comes back for each taken
    bool m_finished = false;
};

struct LogScanSetup {
    ImportFormat format;
    const Importer::Options &options;
    qint64 lineBase; // lines before where reading starts (an incremental import)
    QString refPrefix; // "path:"
};

struct LogScanCounts {
    qint64 lines = 0;
    qint64 badLines = 0;
};

// The scanning thread: reads and parses every line of the file (to count bad lines even after the first), and
// hands the events on while `storing` says they are wanted.
void scanLog(LogReader &reader, LogTimeConverter *time, const LogScanSetup &setup, ParsedLogQueue &queue,
    const std::atomic<bool> &storing, LogScanCounts *counts)
{
    PostfixLogParser postfix(time);
    EximLogParser exim(time);
    QString lineError;
    bool failed = false;
    ParsedLogChunk chunk = queue.emptyChunk();
    const auto failAt = [&](QString reason) {
        ParsedLogItem item;
        item.failure = std::move(reason);
        chunk.append(std::move(item));
        failed = true;
    };
    for (;;) {
        QByteArrayView line;
        const LogReader::Status status = reader.next(&line);
        if (status == LogReader::Status::End)
            break;
        if (status == LogReader::Status::Error) {
            failAt(
                QStringLiteral("line %1: %2").arg(setup.lineBase + reader.lineNumber() + 1).arg(reader.errorString()));
            break;
        }
        ++counts->lines;
        if (status == LogReader::Status::TooLong) {
            if (++counts->badLines == 1)
                failAt(QStringLiteral("line %1: longer than %2 bytes")
                           .arg(setup.lineBase + reader.lineNumber())
                           .arg(setup.options.logLimits.maxLineLength));
            continue;
        }
        if (line.isEmpty())
            continue;
        ParsedLogItem item;
        const LogLineKind kind = setup.format == ImportFormat::Exim ? exim.parse(line, &item.event, &lineError)
                                                                    : postfix.parse(line, &item.event, &lineError);
        if (kind == LogLineKind::Ignored)
            continue;
        if (kind == LogLineKind::Malformed) {
            if (++counts->badLines == 1)
                failAt(QStringLiteral("line %1: %2").arg(setup.lineBase + reader.lineNumber()).arg(lineError));
            continue;
        }
        if (failed || !storing.load(std::memory_order_relaxed))
            continue; // nothing of this file is stored
        const bool success = item.event.classification.cls == DeliveryClass::Success;
        if (success && !setup.options.withSuccesses)
            continue;
        item.event.sourceRef = setup.refPrefix + QString::number(setup.lineBase + reader.lineNumber());
        if (!success)
            item.row = Store::BounceRow::of(item.event);
        chunk.append(std::move(item));
        if (chunk.size() >= ParsedLogQueue::ChunkItems) {
            queue.push(std::move(chunk));
            chunk = queue.emptyChunk();
        }
    }
    if (!chunk.isEmpty())
        queue.push(std::move(chunk));
    queue.finish();
}

} // namespace

QString importFormatName(ImportFormat format)
{
    switch (format) {
    case ImportFormat::Auto:
        return QStringLiteral("auto");
    case ImportFormat::Dsn:
        return QStringLiteral("dsn");
    case ImportFormat::Mbox:
        return QStringLiteral("mbox");
    case ImportFormat::Maildir:
        return QStringLiteral("maildir");
    case ImportFormat::Postfix:
        return QStringLiteral("postfix");
    case ImportFormat::Exim:
        return QStringLiteral("exim");
    }
    return {};
}

std::optional<ImportFormat> importFormatFromName(QStringView name)
{
    for (ImportFormat f : { ImportFormat::Auto, ImportFormat::Dsn, ImportFormat::Mbox, ImportFormat::Maildir,
             ImportFormat::Postfix, ImportFormat::Exim }) {
        if (name.compare(importFormatName(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return std::nullopt;
}

bool ImportSummary::hasBadInput() const
{
    for (const ImportProblem &p : skipped) {
        if (p.error)
            return true;
    }
    return false;
}

// One file being imported: its transaction and what it has done so far.
struct Importer::FileRun {
    QString file;
    std::unique_ptr<Store::Transaction> transaction;
    QList<Tracking::OutcomeSink *> batched; // the sinks whose batch (one per file) began
    qint64 records = 0;
    qint64 duplicates = 0;
    qint64 deliveries = 0;
    qint64 messages = 0;
    qint64 nonBounces = 0;
    bool failed = false;
    bool storeError = false;
    QString reason;

    void fail(const QString &why, bool store = false)
    {
        if (failed)
            return;
        failed = true;
        storeError = store;
        reason = why;
    }
};

Importer::Importer(Store::Database &database)
    : m_database(database)
{
}

Importer::~Importer() = default;

void Importer::addSink(Tracking::OutcomeSink *sink) { m_sinks.append(sink); }

ImportFormat Importer::sniff(QByteArrayView head)
{
    if (head.startsWith("From "))
        return ImportFormat::Mbox;
    // Whole lines only: the last one may be cut by the sniff size.
    QList<QByteArrayView> lines;
    qsizetype pos = 0;
    while (pos < head.size() && lines.size() < 40) {
        const qsizetype nl = head.indexOf('\n', pos);
        if (nl < 0) {
            if (lines.isEmpty())
                lines.append(head.sliced(pos));
            break;
        }
        QByteArrayView line = head.sliced(pos, nl - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.isEmpty())
            lines.append(line);
        pos = nl + 1;
    }
    if (lines.isEmpty())
        return ImportFormat::Auto;
    for (QByteArrayView line : lines) {
        if (EximLogParser::isEximLine(line, true))
            return ImportFormat::Exim;
        if (PostfixLogParser::isPostfixLine(line))
            return ImportFormat::Postfix;
    }
    if (PostfixLogParser::isSyslogLine(lines.first()))
        return ImportFormat::Postfix; // a syslog file whose first lines come from other programs
    if (EximLogParser::isEximLine(lines.first()))
        return ImportFormat::Exim; // an Exim log that starts with daemon messages
    if (looksLikeHeaderLine(lines.first()))
        return ImportFormat::Dsn;
    return ImportFormat::Auto;
}

ImportSummary Importer::import(const QStringList &paths, const Options &options)
{
    // A file is one transaction however large it is. SQLite's default page cache (2 MB) then spills the
    // transaction's dirty pages to the WAL and reads them back for every index insert; a larger cache for the
    // duration of the import keeps them in memory (measured: a third less CPU time for a 1M-line log).
    // The sinks write what they kept with multi-row INSERTs, each of which SQLite journals in a statement journal
    // (to undo that statement alone): past 64 KiB it spills to a temporary file, a write() per page (thousands in a
    // large import). In memory it never spills; it is emptied at the end of each statement.
    // Debian builds SQLite with secure_delete on: every byte a b-tree page frees is zeroed, and an import's inserts
    // free bytes on every page split (the cells that move to the new page). An import deletes nothing (it only
    // adds rows and updates the ones it added or tracks), so nothing a user deleted is left readable by turning
    // it off for the import; it is restored afterwards for the deletes users make. Measured: 229k bounce rows
    // inserted in 0.94-1.13 s instead of 0.94-1.33 s (6 alternating runs each, means 1.05 and 1.15 s).
    qint64 previousCache = 0;
    qint64 previousTempStore = -1;
    qint64 previousSecureDelete = -1;
    {
        QSqlQuery query(m_database.connection());
        if (query.exec(QStringLiteral("PRAGMA cache_size")) && query.next())
            previousCache = query.value(0).toLongLong();
        if (query.exec(QStringLiteral("PRAGMA temp_store")) && query.next())
            previousTempStore = query.value(0).toLongLong();
        if (query.exec(QStringLiteral("PRAGMA secure_delete")) && query.next())
            previousSecureDelete = query.value(0).toLongLong();
    }
    if (options.cacheKiB > 0)
        m_database.exec(QStringLiteral("PRAGMA cache_size = -%1").arg(options.cacheKiB));
    if (previousTempStore >= 0)
        m_database.exec(QStringLiteral("PRAGMA temp_store = MEMORY"));
    if (previousSecureDelete > 0)
        m_database.exec(QStringLiteral("PRAGMA secure_delete = OFF"));

    ImportSummary summary;
    for (const QString &path : paths)
        importPath(path, options, summary);

    if (options.cacheKiB > 0 && previousCache != 0)
        m_database.exec(QStringLiteral("PRAGMA cache_size = %1").arg(previousCache));
    if (previousTempStore >= 0)
        m_database.exec(QStringLiteral("PRAGMA temp_store = %1").arg(previousTempStore));
    if (previousSecureDelete > 0)
        m_database.exec(QStringLiteral("PRAGMA secure_delete = %1").arg(previousSecureDelete));
    return summary;
}

void Importer::importPath(const QString &path, const Options &options, ImportSummary &summary)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        summary.missing.append(path);
        summary.skipped.append({ path, QStringLiteral("no such file or directory"), true });
        return;
    }
    switch (options.format) {
    case ImportFormat::Dsn:
        importMail(path, MailFormat::Eml, options, summary);
        return;
    case ImportFormat::Mbox:
        importMail(path, MailFormat::Mbox, options, summary);
        return;
    case ImportFormat::Maildir:
        importMail(path, MailFormat::Maildir, options, summary);
        return;
    case ImportFormat::Auto:
    case ImportFormat::Postfix:
    case ImportFormat::Exim:
        break;
    }
    if (info.isDir()) {
        if (options.format == ImportFormat::Auto && isMaildir(path))
            importMail(path, MailFormat::Maildir, options, summary);
        else
            importTree(path, options.format, options, summary);
        return;
    }
    importFile(path, options.format, options, summary);
}

void Importer::importTree(const QString &dir, ImportFormat format, const Options &options, ImportSummary &summary)
{
    // Name order, so that summaries and source references come out the same on every run.
    const QFileInfoList entries
        = QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Readable, QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (entry.isSymLink() && entry.isDir())
            continue; // no loops through links
        if (entry.isDir()) {
            if (format == ImportFormat::Auto && isMaildir(entry.filePath()))
                importMail(entry.filePath(), MailFormat::Maildir, options, summary);
            else
                importTree(entry.filePath(), format, options, summary);
        } else {
            importFile(entry.filePath(), format, options, summary);
        }
    }
}

void Importer::importFile(const QString &path, ImportFormat format, const Options &options, ImportSummary &summary)
{
    if (format == ImportFormat::Postfix || format == ImportFormat::Exim) {
        importLog(path, format, options, summary);
        return;
    }
    QString error;
    const QByteArray head = LogReader::peek(path, SniffBytes, &error);
    if (head.isEmpty()) {
        ++summary.files;
        if (!error.isEmpty())
            summary.skipped.append({ path, error, true });
        return; // an empty file: nothing to import, nothing wrong
    }
    const ImportFormat sniffed = sniff(head);
    switch (sniffed) {
    case ImportFormat::Postfix:
    case ImportFormat::Exim:
        importLog(path, sniffed, options, summary);
        return;
    case ImportFormat::Dsn:
    case ImportFormat::Mbox: {
        QFile file(path);
        char magic[2] = {};
        if (file.open(QIODevice::ReadOnly) && file.read(magic, 2) == 2 && quint8(magic[0]) == 0x1f
            && quint8(magic[1]) == 0x8b) {
            ++summary.files;
            summary.skipped.append({ path, QStringLiteral("compressed mail files are not supported"), true });
            return;
        }
        importMail(path, sniffed == ImportFormat::Mbox ? MailFormat::Mbox : MailFormat::Eml, options, summary);
        return;
    }
    default:
        ++summary.files;
        summary.skipped.append(
            { path, QStringLiteral("unrecognised format: not a mail, mbox, Postfix log or Exim log"), true });
        return;
    }
}

bool Importer::feed(const BounceEvent &event, FileRun &run)
{
    const Tracking::Outcome outcome = Tracking::OutcomeRecorder::outcomeOf(event);
    return feed(std::span(&outcome, 1), run);
}

bool Importer::feed(std::span<const Tracking::Outcome> outcomes, FileRun &run)
{
    // The sinks run inside the file's open transaction (OutcomeRecorder::recordEvents() would open its own).
    if (m_sinks.isEmpty()) {
        for (const Tracking::Outcome &outcome : outcomes)
            ++(outcome.classification.cls == DeliveryClass::Success ? run.deliveries : run.records);
        return true;
    }
    QString error;
    m_results.resize(outcomes.size());
    if (!m_sinks.first()->recordAll(outcomes, m_results.data(), &error)) {
        run.fail(QStringLiteral("store error: %1").arg(error), true);
        return false;
    }
    using Result = Tracking::OutcomeSink::Result;
    for (size_t i = 0; i < outcomes.size(); ++i) {
        Result result = m_results[i];
        // A Passed outcome (a successful delivery: no bounce event) still reaches the later sinks, and stays Passed.
        for (qsizetype s = 1; s < m_sinks.size() && (result == Result::Recorded || result == Result::Passed); ++s) {
            const Result later = m_sinks[s]->record(outcomes[i], &error);
            if (later == Result::Duplicate || later == Result::Failed)
                result = later;
        }
        switch (result) {
        case Result::Recorded:
            ++run.records;
            break;
        case Result::Passed:
            ++run.deliveries;
            break;
        case Result::Duplicate:
            ++run.duplicates;
            break;
        case Result::Failed:
            run.fail(QStringLiteral("store error: %1").arg(error), true);
            return false;
        }
    }
    return true;
}

bool Importer::beginBatch(FileRun &run, QString *error)
{
    for (Tracking::OutcomeSink *sink : std::as_const(m_sinks)) {
        if (!sink->beginBatch(error)) {
            endBatch(run);
            return false;
        }
        run.batched.append(sink);
    }
    return true;
}

void Importer::endBatch(FileRun &run)
{
    for (Tracking::OutcomeSink *sink : std::as_const(run.batched))
        sink->endBatch();
    run.batched.clear();
}

void Importer::finish(FileRun &run, ImportSummary &summary)
{
    // What the sinks kept in memory goes into the file's transaction before it commits; a failed file drops it.
    for (Tracking::OutcomeSink *sink : std::as_const(run.batched)) {
        QString error;
        if (run.failed || !run.transaction || !sink->flushBatch(&error)) {
            if (!error.isEmpty())
                run.fail(QStringLiteral("store error: %1").arg(error), true);
            break;
        }
    }
    endBatch(run);
    ++summary.files;
    summary.messages += run.messages;
    if (!run.failed && run.transaction) {
        QString error;
        if (!run.transaction->commit(&error))
            run.fail(QStringLiteral("store error: %1").arg(error), true);
    }
    if (run.failed) {
        if (run.transaction)
            run.transaction->rollback();
        qCInfo(lcImport).noquote() << run.file << "not imported:" << run.reason;
        summary.skipped.append({ run.file, run.reason, true });
        summary.storeFailed = summary.storeFailed || run.storeError;
        return;
    }
    summary.records += run.records;
    summary.duplicates += run.duplicates;
    summary.deliveries += run.deliveries;
    if (run.nonBounces > 0) {
        summary.skipped.append({ run.file,
            run.messages == 1
                ? QStringLiteral("not a bounce")
                : QStringLiteral("%1 of %2 messages are not bounces").arg(run.nonBounces).arg(run.messages),
            false });
    }
}

void Importer::importMail(const QString &path, MailFormat format, const Options &options, ImportSummary &summary)
{
    // A Maildir or a directory yields many files: each is its own run (and transaction), in the order read.
    std::unique_ptr<FileRun> run;
    const auto start = [&](const QString &file) {
        run = std::make_unique<FileRun>();
        run->file = file;
        run->transaction = std::make_unique<Store::Transaction>(m_database);
        QString error;
        if (!run->transaction->begin(&error) || !beginBatch(*run, &error))
            run->fail(QStringLiteral("store error: %1").arg(error), true);
    };
    // Mails are parsed on every core; the results come back here in reading order, so that files, transactions
    // and summaries go on exactly as if each mail were parsed in turn.
    MailBatchParser batch([&](const MailItem &item, const ParsedMail &parsed) {
        const QString file = fileOfRef(item.ref.isEmpty() ? path : item.ref);
        if (!run || run->file != file) {
            if (run)
                finish(*run, summary);
            start(file);
        }
        ++run->messages;
        if (run->failed)
            return;
        if (!item.error.isEmpty()) {
            run->fail(item.ref == file ? item.error : QStringLiteral("%1: %2").arg(item.ref, item.error));
            return;
        }
        if (!parsed.error.isEmpty()) {
            run->fail(item.ref == file ? parsed.error : QStringLiteral("%1: %2").arg(item.ref, parsed.error));
            return;
        }
        if (!parsed.isBounce) {
            ++run->nonBounces;
            return;
        }
        for (const BounceEvent &event : parsed.events) {
            if (!options.withSuccesses && event.classification.cls == DeliveryClass::Success)
                continue;
            if (!feed(event, *run))
                return;
        }
    });
    QString error;
    const bool ok = MailSource::forEach(
        path, format, [&batch](const MailItem &item) { batch.add(item); }, &error, options.mailLimits);
    batch.flush();
    if (run)
        finish(*run, summary);
    if (!ok) {
        ++summary.files;
        summary.skipped.append({ path, error.isEmpty() ? QStringLiteral("cannot read") : error, true });
    }
}

void Importer::importLog(const QString &path, ImportFormat format, const Options &options, ImportSummary &summary)
{
    const QFileInfo info(path);
    const QString key = info.canonicalFilePath().isEmpty() ? info.absoluteFilePath() : info.canonicalFilePath();
    FileRun run;
    run.file = path;
    run.transaction = std::make_unique<Store::Transaction>(m_database);
    QString error;
    if (!run.transaction->begin(&error) || !beginBatch(run, &error)) {
        run.fail(QStringLiteral("store error: %1").arg(error), true);
        finish(run, summary);
        return;
    }

    LogReader reader(options.logLimits);
    if (!reader.open(path, 0, &error)) {
        run.fail(QStringLiteral("cannot read: %1").arg(error));
        finish(run, summary);
        return;
    }
    const bool compressed = reader.isCompressed();
    const FileIdentity identity = identityOf(path);
    const qint64 size = info.size();

    // Where to start: a file read before (found by its identity, so a log renamed by rotation continues under its
    // new name) continues at its offset, unless it was truncated or rewritten (shorter than what was read, or
    // other first bytes).
    Store::ImportFileRepository files(m_database);
    qint64 resume = 0;
    qint64 lineBase = 0;
    if (options.incremental) {
        const auto matches = [&](const Store::ImportFileState &s) {
            return s.compressed == compressed && size >= s.readOffset
                && LogReader::headHash(path, s.headLength) == s.headHash;
        };
        std::optional<Store::ImportFileState> state = files.find(identity.device, identity.inode, key, &error);
        if (state && !matches(*state))
            state.reset();
        if (state) {
            if (compressed && state->size == size) {
                finish(run, summary); // read whole before and unchanged: nothing new in it
                return;
            }
            if (!compressed) {
                resume = state->readOffset;
                lineBase = state->readLines;
            }
        }
    }
    if (resume > 0 && !reader.open(path, resume, &error)) {
        run.fail(QStringLiteral("cannot read: %1").arg(error));
        finish(run, summary);
        return;
    }

    // Reading and parsing run on a second thread while this one stores what was parsed: on a large log they are
    // a fifth of the work, and storing cannot be split (one connection, one transaction). The events come over in
    // line order, in bounded chunks, so memory stays bounded and every effect happens in the order of the lines.
    LogTimeConverter time(options.logTimeZone, info.lastModified().toUTC());
    ParsedLogQueue queue;
    std::atomic<bool> storing { true };
    LogScanCounts counts;
    const LogScanSetup setup { format, options, lineBase, path + QLatin1Char(':') };
    std::unique_ptr<QThread> scanner(QThread::create([&] { scanLog(reader, &time, setup, queue, storing, &counts); }));
    scanner->start();
    // A chunk's events go to the sinks together (feed()), so that the bounce-event sink stores them many rows to a
    // statement; a bad line stops the file where it is, after the events before it.
    ParsedLogChunk chunk;
    std::vector<Tracking::Outcome> outcomes;
    outcomes.reserve(ParsedLogQueue::ChunkItems);
    const auto feedOutcomes = [&] {
        if (!run.failed && !outcomes.empty() && !feed(outcomes, run))
            storing.store(false, std::memory_order_relaxed);
        outcomes.clear();
    };
    while (queue.pop(&chunk)) {
        for (ParsedLogItem &item : chunk) {
            if (!item.failure.isEmpty()) {
                feedOutcomes();
                run.fail(item.failure);
                storing.store(false, std::memory_order_relaxed);
                continue;
            }
            if (run.failed)
                continue; // nothing of this file is stored; the scanner reads on to count its bad lines
            outcomes.push_back(Tracking::OutcomeRecorder::outcomeOf(item.event));
            if (item.row)
                outcomes.back().row = &*item.row;
        }
        feedOutcomes(); // before the chunk, which holds the events and rows, goes back
        queue.giveBack(std::move(chunk));
        chunk = ParsedLogChunk();
    }
    scanner->wait();
    summary.lines += counts.lines;
    const qint64 badLines = counts.badLines;
    if (badLines > 1)
        run.reason += QStringLiteral(" (%1 bad lines in all)").arg(badLines);

    if (!run.failed) {
        Store::ImportFileState state;
        state.path = key;
        state.device = identity.device;
        state.inode = identity.inode;
        state.size = size;
        state.compressed = compressed;
        state.readOffset = compressed ? size : reader.resumeOffset();
        state.readLines = lineBase + reader.resumeLineNumber();
        state.headLength = qMin(HeadBytes, compressed ? size : state.readOffset);
        state.headHash = LogReader::headHash(path, state.headLength);
        if (!files.save(state, &error))
            run.fail(QStringLiteral("store error: %1").arg(error), true);
    }
    finish(run, summary);
}

} // namespace Mailpulse::Bounce
