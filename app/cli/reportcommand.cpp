#include <cstdio>

#include <QFile>
#include <QSaveFile>

#include "cli.h"
#include "common/clock.h"
#include "report/reportexporter.h"
#include "store/database.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Report;

namespace
{

} // namespace

int runReport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Export a CSV report (RFC 4180: header row, CRLF, UTF-8, ISO 8601 UTC times) to stdout or -o FILE.\n"
        "KIND: probes, bounces, domains, providers, retries, contacts.\n"
        "Cells a spreadsheet would run as formulas (starting with = + - @ TAB CR) are prefixed with '.\n"
        "Times: ISO 8601 (2026-11-27T08:00:00Z), a date, now, or a duration back from now (24h, 7d)."));
    addGlobalOptions(parser);
    parser.addPositionalArgument(QStringLiteral("KIND"), reportKindNames().join(QStringLiteral(", ")));
    parser.addOption({ QStringLiteral("since"), QStringLiteral("Window start (inclusive)."), QStringLiteral("T") });
    parser.addOption({ QStringLiteral("until"), QStringLiteral("Window end (exclusive)."), QStringLiteral("T") });
    parser.addOption({ QStringLiteral("domain"), QStringLiteral("Only this domain."), QStringLiteral("D") });
    parser.addOption({ { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Write to FILE (replaced only when the export succeeded) instead of stdout."),
        QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("excel"),
        QStringLiteral("For spreadsheets: a UTF-8 BOM, and the locale's list separator and decimal point "
                       "(';' and ',' for e.g. de_DE).") });
    parser.addOption({ QStringLiteral("locale"),
        QStringLiteral("--excel: the locale to follow (default: the system's, from LC_ALL/LANG)."),
        QStringLiteral("NAME") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(QStringLiteral("expected one KIND: %1").arg(reportKindNames().join(QStringLiteral(", "))));
    const std::optional<ReportKind> kind = reportKindFromName(positional.first());
    if (!kind)
        return usageError(QStringLiteral("unknown report '%1' (%2)")
                              .arg(positional.first(), reportKindNames().join(QStringLiteral(", "))));

    ReportExporter::Options options;
    const SystemClock clock;
    QString windowError;
    if (!Stats::TimeWindow::parse(parser.value(QStringLiteral("since")), parser.value(QStringLiteral("until")), clock,
            &options.window, &windowError))
        return usageError(windowError);
    options.domain = parser.value(QStringLiteral("domain")).trimmed();
    if (parser.isSet(QStringLiteral("excel"))) {
        const QLocale locale = parser.isSet(QStringLiteral("locale")) ? QLocale(parser.value(QStringLiteral("locale")))
                                                                      : QLocale::system();
        options.format = CsvFormat::excel(locale);
    } else if (parser.isSet(QStringLiteral("locale"))) {
        return usageError(QStringLiteral("--locale only applies with --excel"));
    }
    if (*kind == ReportKind::Providers) {
        const QString rulesPath = Stats::ProviderRules::defaultUserFilePath();
        if (QFile::exists(rulesPath)) {
            QString rulesError;
            if (!options.rules.loadUserFile(rulesPath, &rulesError)) {
                err() << "mailpulse-cli report: " << rulesError << '\n';
                return ExitDataErr;
            }
        }
    }

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        err() << "mailpulse-cli report: cannot open the store " << global.dbPath << ": " << error << '\n';
        return ExitSoftware;
    }
    ReportExporter exporter(db);
    qint64 rows = 0;
    if (parser.isSet(QStringLiteral("output"))) {
        // QSaveFile: a failed export never leaves a truncated report where a good one was.
        QSaveFile file(parser.value(QStringLiteral("output")));
        if (!file.open(QIODevice::WriteOnly)) {
            err() << "mailpulse-cli report: cannot write " << file.fileName() << ": " << file.errorString() << '\n';
            return ExitSoftware;
        }
        if (!exporter.write(*kind, options, &file, &rows, &error)) {
            file.cancelWriting();
            err() << "mailpulse-cli report: " << error << '\n';
            return ExitSoftware;
        }
        if (!file.commit()) {
            err() << "mailpulse-cli report: cannot write " << file.fileName() << ": " << file.errorString() << '\n';
            return ExitSoftware;
        }
        err() << "mailpulse-cli report: " << rows << " row(s) written to " << file.fileName() << '\n';
        return ExitOk;
    }
    out().flush();
    QFile stdoutFile;
    if (!stdoutFile.open(stdout, QIODevice::WriteOnly)) {
        err() << "mailpulse-cli report: cannot write to stdout\n";
        return ExitSoftware;
    }
    if (!exporter.write(*kind, options, &stdoutFile, &rows, &error)) {
        err() << "mailpulse-cli report: " << error << '\n';
        return ExitSoftware;
    }
    stdoutFile.flush();
    return ExitOk;
}

} // namespace Mailpulse::Cli
