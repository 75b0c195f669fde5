#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "bounce/importer.h"
#include "bounce/logtimeconverter.h"
#include "cli.h"
#include "common/clock.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"

namespace Mailpulse::Cli
{

namespace
{

QByteArray summaryJson(const Bounce::ImportSummary &s)
{
    QJsonArray skipped;
    for (const Bounce::ImportProblem &p : s.skipped)
        skipped.append(QJsonObject { { QStringLiteral("file"), p.file }, { QStringLiteral("reason"), p.reason },
            { QStringLiteral("error"), p.error } });
    const QJsonObject o {
        { QStringLiteral("files"), s.files },
        { QStringLiteral("messages"), s.messages },
        { QStringLiteral("lines"), s.lines },
        { QStringLiteral("records"), s.records },
        { QStringLiteral("duplicates"), s.duplicates },
        { QStringLiteral("deliveries"), s.deliveries },
        { QStringLiteral("skipped"), skipped },
    };
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

void printHuman(const Bounce::ImportSummary &s)
{
    QTextStream &o = out();
    o << "files: " << s.files << "  messages: " << s.messages << "  log lines: " << s.lines << '\n'
      << "bounce events: " << s.records << " new, " << s.duplicates << " already stored\n"
      << "deliveries: " << s.deliveries << " (successes: not stored, they close retries and failure runs)\n";
    int errors = 0;
    for (const Bounce::ImportProblem &p : s.skipped)
        errors += p.error ? 1 : 0;
    if (!s.skipped.isEmpty()) {
        o << "skipped: " << errors << (errors == 1 ? " file" : " files") << " with errors";
        if (s.skipped.size() > errors)
            o << ", " << s.skipped.size() - errors << (s.skipped.size() - errors == 1 ? " remark" : " remarks");
        o << '\n';
        for (const Bounce::ImportProblem &p : s.skipped)
            o << "  " << (p.error ? "error: " : "note:  ") << p.file << ": " << p.reason << '\n';
    }
    o.flush();
}

} // namespace

int runImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Import bounces into the store: bounce mails (.eml files, mbox, Maildir) and MTA logs (Postfix, Exim; plain,\n"
        "rotated and .gz). Directories are searched recursively and each file's format is recognised from its\n"
        "content. Each file is imported whole or not at all; logs continue where the last import stopped, and\n"
        "importing the same files again adds nothing.\n"
        "Successful deliveries are not bounces: they are not stored, but close the retry queue's entries and\n"
        "end the contact list's failure runs (a success older than the failure it would close changes nothing).\n"
        "Prints a summary (with --json one object: files, messages, lines, records (new bounce events),\n"
        "duplicates, deliveries (successes read), skipped [{file, reason, error}]). Exit 65 when some input was\n"
        "bad, 66 when a path is missing."));
    addGlobalOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("PATH"), QStringLiteral("Files or directories to import."), QStringLiteral("PATH…"));
    parser.addOption({ QStringLiteral("format"),
        QStringLiteral("auto (default), dsn (single mails), mbox, maildir, postfix or exim."),
        QStringLiteral("FORMAT") });
    parser.addOption({ QStringLiteral("log-timezone"),
        QStringLiteral("The time zone of log times written without an offset (classic syslog lines, as Postfix and "
                       "most syslog daemons write them, and Exim's default): an IANA name (Europe/Berlin), UTC, "
                       "local, or an offset from UTC (+02:00, -0530). Default: this system's time zone. The year "
                       "that syslog lines leave out comes from each file's modification time."),
        QStringLiteral("ZONE") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    Bounce::Importer::Options options;
    if (parser.isSet(QStringLiteral("format"))) {
        const auto format = Bounce::importFormatFromName(parser.value(QStringLiteral("format")));
        if (!format) {
            err() << "mailpulse-cli import: --format must be auto, dsn, mbox, maildir, postfix or exim\n";
            return ExitUsage;
        }
        options.format = *format;
    }
    if (parser.isSet(QStringLiteral("log-timezone"))) {
        const QString name = parser.value(QStringLiteral("log-timezone"));
        const std::optional<QTimeZone> zone = Bounce::LogTimeConverter::zoneFromName(name);
        if (!zone) {
            err() << "mailpulse-cli import: --log-timezone: unknown time zone \"" << name
                  << "\" (an IANA name such as Europe/Berlin, UTC, local, or an offset such as +02:00)\n";
            return ExitUsage;
        }
        options.logTimeZone = *zone;
    }
    const QStringList paths = parser.positionalArguments();
    if (paths.isEmpty()) {
        err() << "mailpulse-cli import: no PATH given\n\n" << helpText(parser);
        return ExitUsage;
    }

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        err() << "mailpulse-cli import: cannot open the store " << global.dbPath << ": " << error << '\n';
        return ExitSoftware;
    }
    // The same sinks, in the same order, as for probes (bounce events first: they tell new events from
    // duplicates, and only new ones go on to the retry queue and the contact list). The importer drives them itself
    // because it keeps one transaction per file, however many events the file holds.
    SystemClock clock;
    Tracking::TrackingPipeline pipeline(db, clock);
    Bounce::Importer importer(db);
    for (Tracking::OutcomeSink *sink : pipeline.sinks())
        importer.addSink(sink);

    const Bounce::ImportSummary summary = importer.import(paths, options);
    if (global.json) {
        out() << QString::fromUtf8(summaryJson(summary));
        out().flush();
    } else {
        printHuman(summary);
    }
    if (summary.storeFailed)
        return ExitSoftware;
    if (!summary.missing.isEmpty())
        return ExitNoInput;
    if (summary.hasBadInput())
        return ExitDataErr;
    return ExitOk;
}

} // namespace Mailpulse::Cli
