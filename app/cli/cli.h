#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace Mailpulse::Cli
{

/// sysexits(3) codes; the CLI contract in DESIGN.md.
enum ExitCode : int {
    ExitOk = 0,
    ExitUsage = 64,
    ExitDataErr = 65,
    ExitNoInput = 66,
    ExitUnavailable = 69, // some hard failure
    ExitSoftware = 70,
    ExitTempFail = 75, // some soft failure
};

/// Options every command accepts, anywhere on the command line.
struct GlobalOptions {
    bool json = false;
    bool verbose = false;
    QString dbPath; // resolved: --db or the app data location
};

/// Adds --db, --json, --verbose and --help to a command's parser.
void addGlobalOptions(QCommandLineParser &parser);
/// Parses `args` (args[0] = program name, the command name already removed). On a usage error prints it with
/// the command's help to stderr and returns false; on --help prints help and sets *helpShown.
bool parseCommandLine(QCommandLineParser &parser, const QStringList &args, GlobalOptions &global, bool *helpShown);

/// The parser's help with a usage line that names the command ("Usage: mailpulse-cli probe [options] …").
QString helpText(const QCommandLineParser &parser);
/// Set by main() before a command runs, for helpText().
void setCommandName(const QString &name);

/// Prints "mailpulse-cli COMMAND: message" to stderr and returns ExitUsage.
int usageError(const QString &message);

QTextStream &out();
QTextStream &err();

/// Commands. `args` is argv with the command name removed; each returns the process exit code.
/// Commands that need the event loop run QCoreApplication::exec() themselves (the one and only loop).
int runProbe(const QStringList &args);
int runLab(const QStringList &args);
int runClassify(const QStringList &args); // classifycommand.cpp
int runImport(const QStringList &args); // importcommand.cpp
int runQueue(const QStringList &args); // queuecommand.cpp
int runStats(const QStringList &args); // statscommand.cpp
int runContacts(const QStringList &args); // contactscommand.cpp
int runReport(const QStringList &args); // reportcommand.cpp

} // namespace Mailpulse::Cli
