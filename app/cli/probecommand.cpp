#include <cmath>

#include <QCoreApplication>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonObject>
#include <QSslCertificate>

#include "cli.h"
#include "common/clock.h"
#include "smtp/hostport.h"
#include "smtp/probeengine.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Smtp;

namespace
{

struct TimeoutOption {
    const char *name;
    int Timeouts::*field;
    const char *help;
};

const TimeoutOption kTimeoutOptions[] = {
    { "connect-timeout", &Timeouts::connectMs, "TCP connect timeout in seconds (default 10)." },
    { "greeting-timeout", &Timeouts::greetingMs, "Time to the complete 220 greeting in seconds (default 30)." },
    { "command-timeout", &Timeouts::commandMs,
        "Time from each command to its complete reply in seconds (default 30)." },
    { "tls-timeout", &Timeouts::tlsMs, "TLS handshake timeout in seconds (default 15)." },
    { "timeout", &Timeouts::totalMs, "The whole probe, DNS and all MX hosts, in seconds (default 120)." },
    { "dns-timeout", &Timeouts::dnsMs, "Each DNS query, in seconds (default 10)." },
};

bool validMailbox(const QString &text)
{
    if (text == u"<>")
        return true;
    for (QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c == u'<' || c == u'>')
            return false;
    }
    return text.contains(u'@') && !text.startsWith(u'@') && !text.endsWith(u'@');
}

QString dirMarker(char dir)
{
    switch (dir) {
    case 'S':
        return QStringLiteral("<-  ");
    case 'C':
        return QStringLiteral(" -> ");
    default:
        return QStringLiteral("=== ");
    }
}

void printHuman(const ProbeResult &r, bool verbose)
{
    QTextStream &o = out();
    const QString where
        = r.host.isEmpty() ? QStringLiteral("-") : QStringLiteral("%1[%2]:%3").arg(r.host, r.address).arg(r.port);
    o << r.target << "  " << r.classification.status << ' ' << Bounce::deliveryClassName(r.classification.cls) << ' '
      << r.classification.reason << "  phase=" << phaseName(r.phase) << "  " << where << "  " << r.timings.total
      << " ms\n";
    if (!r.detail.isEmpty())
        o << "    " << r.detail << '\n';
    if (r.tls) {
        o << "    TLS " << r.tls->protocol << ' ' << r.tls->cipher << (r.tls->verified ? " verified" : " not verified");
        if (!r.tls->subject.isEmpty())
            o << "; subject " << r.tls->subject;
        o << '\n';
    }
    for (const RecipientResult &rcpt : r.recipients) {
        o << "    RCPT " << rcpt.address << "  " << rcpt.classification.status << ' '
          << Bounce::deliveryClassName(rcpt.classification.cls) << ' ' << rcpt.classification.reason << '\n';
    }
    for (const Finding &f : r.findings)
        o << "    [" << f.severity << "] " << f.code << ": " << f.text << '\n';
    if (verbose && r.hostsTried.size() > 1)
        o << "    hosts tried: " << r.hostsTried.join(QStringLiteral(", ")) << '\n';
    o.flush();
}

} // namespace

int runProbe(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Probe SMTP delivery to each TARGET: user@domain (a conversation up to RCPT TO, never DATA), "
        "a@domain,b@domain (several recipients in one conversation) or domain (up to EHLO and TLS).\n"
        "Each result is classified to an enhanced status code, a soft/hard class and a reason, stored, and printed."));
    addGlobalOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("TARGET"), QStringLiteral("user@domain or domain"), QStringLiteral("TARGET…"));
    parser.addOption(
        { QStringLiteral("port"), QStringLiteral("TCP port (default 25; e.g. 587, 465, 2525)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("tls"),
        QStringLiteral("TLS mode: none, starttls (opportunistic, default), starttls-required, implicit."),
        QStringLiteral("MODE") });
    for (const TimeoutOption &t : kTimeoutOptions)
        parser.addOption({ QString::fromLatin1(t.name), QString::fromLatin1(t.help), QStringLiteral("S") });
    parser.addOption({ QStringLiteral("helo"),
        QStringLiteral("EHLO/HELO name (default: this host's FQDN or "
                       "address literal)."),
        QStringLiteral("NAME") });
    parser.addOption({ QStringLiteral("from"),
        QStringLiteral("MAIL FROM address (default postmaster@HELO; <> for "
                       "the null sender)."),
        QStringLiteral("ADDR") });
    parser.addOption({ QStringLiteral("mx"), QStringLiteral("Skip DNS and connect to HOST (optionally :PORT)."),
        QStringLiteral("HOST[:PORT]") });
    parser.addOption({ QStringLiteral("nameserver"),
        QStringLiteral("DNS server address (IPv4; Qt 6.4 ignores IPv6 nameservers)."), QStringLiteral("ADDR") });
    parser.addOption(
        { QStringLiteral("ip-family"), QStringLiteral("any (default), ipv4 or ipv6."), QStringLiteral("FAMILY") });
    parser.addOption(
        { QStringLiteral("no-verify"), QStringLiteral("Record certificate problems without failing the probe.") });
    parser.addOption(
        { QStringLiteral("ca-file"), QStringLiteral("Extra CA certificates (PEM) to trust."), QStringLiteral("FILE") });
    parser.addOption(
        { QStringLiteral("concurrency"), QStringLiteral("Probes at once (default 16)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("per-domain"), QStringLiteral("Probes at once per domain (default 2)."),
        QStringLiteral("N") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    ProbeConfig config;
    if (parser.isSet(QStringLiteral("port"))) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("port")).toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return usageError(QStringLiteral("--port must be 1-65535"));
        config.port = quint16(port);
        config.portPinned = true;
    }
    if (parser.isSet(QStringLiteral("tls"))) {
        const auto mode = tlsModeFromName(parser.value(QStringLiteral("tls")));
        if (!mode)
            return usageError(QStringLiteral("--tls must be none, starttls, starttls-required or implicit"));
        config.tlsMode = *mode;
        config.tlsPinned = true;
    } else if (config.port == 465) {
        config.tlsMode = TlsMode::Implicit; // RFC 8314 submissions port: TLS from the first byte
    }
    for (const TimeoutOption &t : kTimeoutOptions) {
        const QString name = QString::fromLatin1(t.name);
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const double seconds = parser.value(name).toDouble(&ok);
        if (!ok || !std::isfinite(seconds) || seconds <= 0 || seconds > 3600)
            return usageError(QStringLiteral("--%1 must be a number of seconds between 0 and 3600").arg(name));
        config.timeouts.*(t.field) = std::max(1, int(std::lround(seconds * 1000)));
    }
    if (parser.isSet(QStringLiteral("helo"))) {
        config.heloName = parser.value(QStringLiteral("helo"));
        if (config.heloName.isEmpty() || std::any_of(config.heloName.cbegin(), config.heloName.cend(), [](QChar c) {
                return c.isSpace() || c.category() == QChar::Other_Control;
            }))
            return usageError(QStringLiteral("--helo must be a host name or address literal without spaces"));
    }
    if (parser.isSet(QStringLiteral("from"))) {
        config.mailFrom = parser.value(QStringLiteral("from"));
        if (!validMailbox(config.mailFrom))
            return usageError(QStringLiteral("--from must be an address like user@example.org, or <>"));
    }
    if (parser.isSet(QStringLiteral("mx"))) {
        QString error;
        const auto mx = HostPort::parse(parser.value(QStringLiteral("mx")), &error);
        if (!mx)
            return usageError(QStringLiteral("--mx: %1").arg(error));
        config.mxOverride = parser.value(QStringLiteral("mx")).trimmed();
        if (mx->port != 0) {
            config.port = mx->port;
            config.portPinned = true;
        }
    }
    if (parser.isSet(QStringLiteral("nameserver"))) {
        config.nameserver = parser.value(QStringLiteral("nameserver"));
        if (QHostAddress(config.nameserver).isNull())
            return usageError(QStringLiteral("--nameserver must be an IP address"));
    }
    if (parser.isSet(QStringLiteral("ip-family"))) {
        const auto family = ipFamilyFromName(parser.value(QStringLiteral("ip-family")));
        if (!family)
            return usageError(QStringLiteral("--ip-family must be any, ipv4 or ipv6"));
        config.ipFamily = *family;
    }
    config.verifyCertificate = !parser.isSet(QStringLiteral("no-verify"));
    if (parser.isSet(QStringLiteral("ca-file"))) {
        config.caFile = parser.value(QStringLiteral("ca-file"));
        if (!QFileInfo(config.caFile).isReadable()) {
            err() << "mailpulse-cli probe: cannot read --ca-file " << config.caFile << '\n';
            return ExitNoInput;
        }
        if (QSslCertificate::fromPath(config.caFile, QSsl::Pem).isEmpty()) {
            err() << "mailpulse-cli probe: --ca-file " << config.caFile << " holds no PEM certificate\n";
            return ExitDataErr;
        }
    }
    ProbeEngine::Limits limits;
    for (const auto &[name, field] : { std::pair { QStringLiteral("concurrency"), &ProbeEngine::Limits::maxConcurrent },
             std::pair { QStringLiteral("per-domain"), &ProbeEngine::Limits::maxPerDomain } }) {
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const int n = parser.value(name).toInt(&ok);
        if (!ok || n < 1 || n > 1000)
            return usageError(QStringLiteral("--%1 must be 1-1000").arg(name));
        limits.*field = n;
    }

    QList<ProbeTarget> targets;
    for (const QString &input : parser.positionalArguments()) {
        QString error;
        const auto target = ProbeTarget::parse(input, &error);
        if (!target)
            return usageError(QStringLiteral("invalid target '%1': %2").arg(input, error));
        targets << *target;
    }
    if (targets.isEmpty())
        return usageError(QStringLiteral("no TARGET given (user@domain or domain)"));

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        err() << "mailpulse-cli probe: cannot open the store " << global.dbPath << ": " << error << '\n';
        return ExitSoftware;
    }
    // Every result goes to the store, and its outcomes to whatever learns from them (bounce events, the retry
    // queue, contacts), in one transaction per result.
    SystemClock clock;
    Tracking::TrackingPipeline pipeline(db, clock);
    Tracking::OutcomeRecorder &recorder = pipeline.recorder();
    ProbeEngine engine(&clock);
    engine.setLimits(limits);
    int soft = 0;
    int hard = 0;
    bool storeFailed = false;
    const bool multiple = targets.size() > 1;

    if (global.verbose && !global.json) {
        QObject::connect(
            &engine, &ProbeEngine::transcriptLine, &engine, [multiple](quint64 id, const TranscriptEntry &entry) {
                QTextStream &e = err();
                if (multiple)
                    e << '#' << id << ' ';
                e << QString::number(double(entry.tMs) / 1000.0, 'f', 3).rightJustified(8) << ' '
                  << dirMarker(entry.dir) << entry.line << '\n';
                e.flush();
            });
    }
    QObject::connect(&engine, &ProbeEngine::probeFinished, &engine, [&](quint64, const ProbeResult &result) {
        if (result.classification.cls == Bounce::DeliveryClass::Soft)
            ++soft;
        else if (result.classification.cls == Bounce::DeliveryClass::Hard)
            ++hard;
        QString storeError;
        if (!recorder.recordProbe(result, config, nullptr, &storeError)) {
            storeFailed = true;
            err() << "mailpulse-cli probe: could not store the result for " << result.target << ": " << storeError
                  << '\n';
            err().flush();
        }
        if (global.json) {
            out() << QString::fromUtf8(toJsonLine(toJson(result)));
            out().flush();
        } else {
            printHuman(result, global.verbose);
        }
    });
    QObject::connect(&engine, &ProbeEngine::idle, &engine, [] { QCoreApplication::exit(0); });

    for (const ProbeTarget &target : std::as_const(targets))
        engine.enqueue(target, config);
    QCoreApplication::exec();

    if (storeFailed)
        return ExitSoftware;
    if (hard > 0)
        return ExitUnavailable;
    if (soft > 0)
        return ExitTempFail;
    return ExitOk;
}

} // namespace Mailpulse::Cli
