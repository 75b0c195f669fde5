// `mailpulse-cli lab`: runs the SMTP lab on loopback until SIGINT/SIGTERM.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "lab/labscenario.h"
#include "lab/labserver.h"
#include "lab/smtplab.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Lab;

namespace
{

// A POSIX signal handler cannot reach any object, so the write end of the self-pipe is the one piece of
// process-wide state. The handler only write()s one byte (async-signal-safe); the event loop does the rest.
int g_signalWriteFd = -1;

void onTerminationSignal(int)
{
    const int savedErrno = errno;
    const char byte = 1;
    static_cast<void>(::write(g_signalWriteFd, &byte, 1));
    errno = savedErrno;
}

/// Turns SIGINT/SIGTERM into a quit of the event loop via a socketpair and a QSocketNotifier (the self-pipe trick).
class TerminationSignals final
{
public:
    TerminationSignals() = default;
    Q_DISABLE_COPY_MOVE(TerminationSignals)

    bool install(QString *error)
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, m_fds) != 0) {
            *error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        g_signalWriteFd = m_fds[0];
        m_notifier = std::make_unique<QSocketNotifier>(m_fds[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, QCoreApplication::instance(), [this] {
            char sink[16];
            while (::read(m_fds[1], sink, sizeof sink) > 0) { }
            QCoreApplication::quit();
        });

        struct sigaction action = {};
        action.sa_handler = onTerminationSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (const int signal : { SIGINT, SIGTERM }) {
            if (::sigaction(signal, &action, nullptr) != 0) {
                *error = QStringLiteral("sigaction: %1").arg(QString::fromLocal8Bit(strerror(errno)));
                return false;
            }
        }
        m_installed = true;
        return true;
    }

    ~TerminationSignals()
    {
        if (m_installed) {
            struct sigaction action = {};
            action.sa_handler = SIG_DFL;
            sigemptyset(&action.sa_mask);
            ::sigaction(SIGINT, &action, nullptr);
            ::sigaction(SIGTERM, &action, nullptr);
        }
        m_notifier.reset();
        g_signalWriteFd = -1;
        for (const int fd : m_fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }

private:
    int m_fds[2] = { -1, -1 };
    std::unique_ptr<QSocketNotifier> m_notifier;
    bool m_installed = false;
};

QString padded(const QString &text, qsizetype width) { return text.leftJustified(width, u' '); }

QJsonObject scenarioJson(Scenario scenario, const QString &name)
{
    return QJsonObject {
        { QStringLiteral("scenario"), name },
        { QStringLiteral("description"), scenarioDescription(scenario) },
        { QStringLiteral("expect"), scenarioExpectation(scenario) },
        { QStringLiteral("tls"), labTlsName(scenarioTls(scenario)) },
    };
}

void printJson(const QJsonObject &object)
{
    out() << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
}

void printList(bool json)
{
    const QStringList names = scenarioNames();
    qsizetype width = 0;
    for (const QString &name : names)
        width = qMax(width, name.size());
    for (const Scenario scenario : allScenarios()) {
        if (json) {
            printJson(scenarioJson(scenario, scenarioName(scenario)));
            continue;
        }
        out() << padded(scenarioName(scenario), width) << "  " << scenarioDescription(scenario) << "\n"
              << QString(width + 2, u' ') << "-> expect " << scenarioExpectation(scenario) << '\n';
    }
    if (!json)
        out() << "\nAlias: no-starttls = healthy-plain\n";
    out().flush();
}

} // namespace

int runLab(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs loopback SMTP servers that play named failure scenarios, one port per scenario, until "
                       "interrupted (Ctrl+C or SIGTERM)."));
    addGlobalOptions(parser);
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"),
        QStringLiteral("A scenario to run (repeatable or comma-separated; default: all)."), QStringLiteral("NAME"));
    const QCommandLineOption portBaseOption(QStringLiteral("port-base"),
        QStringLiteral("Listen on ports N, N+1, … in scenario order (default 0: ephemeral ports)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption listOption(QStringLiteral("list"), QStringLiteral("List the scenarios and exit."));
    const QCommandLineOption caOutOption(QStringLiteral("ca-out"),
        QStringLiteral("Write the lab CA certificate (PEM) to FILE (default: a temporary file)."),
        QStringLiteral("FILE"));
    const QCommandLineOption flakyOption(QStringLiteral("flaky-drops"),
        QStringLiteral("flaky: connections dropped before it recovers (default 2)."), QStringLiteral("N"));
    const QCommandLineOption dripOption(QStringLiteral("drip-interval"),
        QStringLiteral("drip: milliseconds between greeting bytes (default 2000)."), QStringLiteral("MS"));
    parser.addOptions({ scenarioOption, portBaseOption, listOption, caOutOption, flakyOption, dripOption });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    const auto usageError = [&parser](const QString &message) {
        err() << "mailpulse-cli lab: " << message << "\n\n" << helpText(parser);
        err().flush();
        return ExitUsage;
    };
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    if (parser.isSet(listOption)) {
        printList(global.json);
        return ExitOk;
    }

    QStringList names;
    for (const QString &value : parser.values(scenarioOption)) {
        for (const QString &name : value.split(u',', Qt::SkipEmptyParts)) {
            if (!scenarioByName(name))
                return usageError(QStringLiteral("unknown scenario '%1' (see --list)").arg(name.trimmed()));
            names.append(name.trimmed().toLower());
        }
    }

    bool ok = false;
    const uint portBase = parser.value(portBaseOption).toUInt(&ok);
    if (!ok || portBase > 65535)
        return usageError(QStringLiteral("--port-base needs a port number (0-65535)"));

    LabOptions options;
    if (parser.isSet(flakyOption)) {
        options.flakyDrops = parser.value(flakyOption).toInt(&ok);
        if (!ok || options.flakyDrops < 0)
            return usageError(QStringLiteral("--flaky-drops needs a non-negative number"));
    }
    if (parser.isSet(dripOption)) {
        options.dripIntervalMs = parser.value(dripOption).toInt(&ok);
        if (!ok || options.dripIntervalMs <= 0)
            return usageError(QStringLiteral("--drip-interval needs a positive number of milliseconds"));
    }

    TerminationSignals signalHandling;
    QString error;
    if (!signalHandling.install(&error)) {
        err() << "mailpulse-cli lab: " << error << '\n';
        return ExitSoftware;
    }

    SmtpLab lab;
    lab.setOptions(options);
    if (parser.isSet(caOutOption))
        lab.setCaCertificatePath(parser.value(caOutOption));
    if (!lab.start(names, quint16(portBase), &error)) {
        err() << "mailpulse-cli lab: " << error << '\n';
        return ExitSoftware;
    }

    const QString host = lab.address().toString();
    const QList<SmtpLab::Endpoint> endpoints = lab.endpoints();
    qsizetype nameWidth = 0;
    qsizetype addressWidth = 0;
    qsizetype descriptionWidth = 0;
    for (const SmtpLab::Endpoint &endpoint : endpoints) {
        nameWidth = qMax(nameWidth, endpoint.name.size());
        addressWidth = qMax(addressWidth, host.size() + 6);
        descriptionWidth = qMax(descriptionWidth, scenarioDescription(endpoint.server->scenario()).size());
    }
    for (const SmtpLab::Endpoint &endpoint : endpoints) {
        const Scenario scenario = endpoint.server->scenario();
        if (global.json) {
            QJsonObject object = scenarioJson(scenario, endpoint.name);
            object.insert(QStringLiteral("host"), host);
            object.insert(QStringLiteral("port"), int(endpoint.server->port()));
            object.insert(QStringLiteral("ca_file"), lab.caCertificatePath());
            printJson(object);
        } else {
            out() << padded(endpoint.name, nameWidth) << "  "
                  << padded(QStringLiteral("%1:%2").arg(host).arg(endpoint.server->port()), addressWidth) << "  "
                  << padded(scenarioDescription(scenario), descriptionWidth) << "  -> expect "
                  << scenarioExpectation(scenario) << '\n';
        }
    }
    if (global.json) {
        err() << "CA certificate: " << lab.caCertificatePath() << '\n';
    } else {
        out() << "\nCA certificate: " << lab.caCertificatePath() << "  (probe --ca-file)\n";
    }
    // Scripts read the ports while the lab runs: everything must be out before the loop starts.
    out().flush();
    err() << "Lab running on " << host << "; Ctrl+C to stop.\n";
    err().flush();

    QCoreApplication::exec();

    lab.stop();
    err() << "Lab stopped.\n";
    err().flush();
    return ExitOk;
}

} // namespace Mailpulse::Cli
