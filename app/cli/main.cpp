#include <cstdio>

#include <QCoreApplication>

#include "cli.h"
#include "common/resourceusage.h"
#include "store/database.h"

namespace Mailpulse::Cli
{

namespace
{

const QString kGeneralHelp = QStringLiteral(
    "Usage: mailpulse-cli [--db PATH] [--json] [--verbose] COMMAND [ARGS…]\n"
    "\n"
    "Mailpulse: SMTP deliverability monitor. Runs real test SMTP conversations (probes), classifies every outcome\n"
    "to an RFC 3463 enhanced status code, a soft/hard class and a reason, and keeps the results in a SQLite store.\n"
    "\n"
    "Commands:\n"
    "  probe TARGET…   Probe user@domain (up to RCPT TO, never DATA) or domain (up to EHLO/TLS)\n"
    "  classify FILE…  Parse bounce mails (DSNs, mbox, Maildir) and print one result per recipient\n"
    "  import PATH…    Import bounce mails and MTA logs (Postfix, Exim) into the store\n"
    "  queue           The retry queue: list, run, pause, resume, cancel\n"
    "  stats           Per-domain and per-provider statistics: stats domains|providers\n"
    "  contacts        Recipients that keep failing: list, set-status, import\n"
    "  report KIND     CSV reports: probes, bounces, domains, providers, retries, contacts\n"
    "  lab             Run the built-in SMTP lab: loopback servers that play named failure scenarios\n"
    "\n"
    "Global options:\n"
    "  --db PATH       SQLite store (default: %1)\n"
    "  --json          JSON Lines on stdout, one object per line\n"
    "  --verbose       Show the SMTP transcript while probing\n"
    "  --help          This help; COMMAND --help for a command's options\n"
    "  --version       Print the version\n"
    "\n"
    "Exit codes: 0 all succeeded, 75 some soft failure, 69 some hard failure, 64 usage error, 65 bad input data,\n"
    "66 input missing, 70 internal error.\n");

QString defaultDbPath() { return Store::Database::defaultPath(); }

} // namespace

namespace
{
QString g_commandName;
} // namespace

void setCommandName(const QString &name) { g_commandName = name; }

QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    // QCommandLineParser names the program by its path; people type "mailpulse-cli COMMAND".
    const QString program = QCoreApplication::arguments().value(0);
    const QString usage = QStringLiteral("Usage: ") + program;
    if (text.startsWith(usage))
        text.replace(0, usage.size(), QStringLiteral("Usage: mailpulse-cli ") + g_commandName);
    return text;
}

int usageError(const QString &message)
{
    err() << "mailpulse-cli " << g_commandName << ": " << message << '\n';
    err().flush();
    return ExitUsage;
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

void addGlobalOptions(QCommandLineParser &parser)
{
    parser.addOption({ QStringLiteral("db"), QStringLiteral("SQLite store path."), QStringLiteral("PATH") });
    parser.addOption({ QStringLiteral("json"), QStringLiteral("JSON Lines output, one object per line.") });
    parser.addOption({ QStringLiteral("verbose"), QStringLiteral("More detail (the SMTP transcript for probes).") });
    parser.addHelpOption();
}

bool parseCommandLine(QCommandLineParser &parser, const QStringList &args, GlobalOptions &global, bool *helpShown)
{
    *helpShown = false;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(args)) {
        err() << "mailpulse-cli: " << parser.errorText() << "\n\n" << helpText(parser);
        err().flush();
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << helpText(parser);
        out().flush();
        *helpShown = true;
        return true;
    }
    global.json = parser.isSet(QStringLiteral("json"));
    global.verbose = parser.isSet(QStringLiteral("verbose"));
    global.dbPath = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db")) : defaultDbPath();
    return true;
}

} // namespace Mailpulse::Cli

int main(int argc, char *argv[])
{
    using namespace Mailpulse::Cli;
    Mailpulse::keepFreedHeapForReuse();
    Mailpulse::Store::Database::prepareProcess();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Mailpulse"));
    QCoreApplication::setOrganizationName(QStringLiteral("Mailpulse"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAILPULSE_VERSION));

    // The command is the first argument that is neither an option nor the value of --db.
    QStringList args = QCoreApplication::arguments();
    qsizetype commandIndex = -1;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == u"--db" || a == u"-db") {
            ++i;
            continue;
        }
        if (!a.startsWith(u'-')) {
            commandIndex = i;
            break;
        }
    }
    if (commandIndex < 0) {
        if (args.contains(QStringLiteral("--version")) || args.contains(QStringLiteral("-v"))) {
            out() << "mailpulse-cli " << QCoreApplication::applicationVersion() << '\n';
            return ExitOk;
        }
        const bool help = args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"));
        (help ? out() : err()) << kGeneralHelp.arg(defaultDbPath());
        return help ? ExitOk : ExitUsage;
    }
    const QString command = args.takeAt(commandIndex);
    using Runner = int (*)(const QStringList &);
    static const std::pair<const char16_t *, Runner> commands[] = {
        { u"probe", runProbe },
        { u"lab", runLab },
        { u"classify", runClassify },
        { u"import", runImport },
        { u"queue", runQueue },
        { u"stats", runStats },
        { u"contacts", runContacts },
        { u"report", runReport },
    };
    for (const auto &[name, run] : commands) {
        if (command == QStringView(name)) {
            setCommandName(command);
            return run(args);
        }
    }
    err() << "mailpulse-cli: unknown command '" << command << "'\n\n" << kGeneralHelp.arg(defaultDbPath());
    return ExitUsage;
}
