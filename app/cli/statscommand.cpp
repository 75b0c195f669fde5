#include <QFileInfo>
#include <QJsonObject>

#include "cli.h"
#include "common/clock.h"
#include "smtp/proberesultjson.h"
#include "stats/statsengine.h"
#include "stats/statsjson.h"
#include "store/database.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Stats;

namespace
{

QString msText(const Percentiles &p)
{
    const auto one = [](const std::optional<qint64> &v) { return v ? QString::number(*v) : QStringLiteral("-"); };
    return one(p.p50) + u'/' + one(p.p95);
}

QString percentText(std::optional<double> rate)
{
    return rate ? QString::number(*rate * 100.0, 'f', 1) + u'%' : QStringLiteral("-");
}

void printTable(const QList<GroupStats> &groups, GroupKind kind)
{
    QTextStream &o = out();
    const QString keyTitle = kind == GroupKind::Domain ? QStringLiteral("DOMAIN") : QStringLiteral("PROVIDER");
    int width = int(keyTitle.size());
    for (const GroupStats &g : groups)
        width = std::max(width, int(g.key.size()));
    width = std::min(width, 48);
    o << keyTitle.leftJustified(width) << "  " << QStringLiteral("PROBES").rightJustified(7) << "  "
      << QStringLiteral("SUCCESS").rightJustified(7) << "  " << QStringLiteral("CONNECT ms").rightJustified(11) << "  "
      << QStringLiteral("GREETING ms").rightJustified(11) << "  " << QStringLiteral("TLS ms").rightJustified(11) << "  "
      << QStringLiteral("RETRIED").rightJustified(7) << "  " << QStringLiteral("RECOV").rightJustified(6)
      << "  FLAG  TOP FAILURES\n";
    for (const GroupStats &g : groups) {
        QStringList top;
        for (auto it = g.failuresByStatus.cbegin(); it != g.failuresByStatus.cend(); ++it)
            top << QStringLiteral("%1×%2").arg(it.key()).arg(it.value());
        o << g.key.leftJustified(width) << "  " << QString::number(g.probes).rightJustified(7) << "  "
          << percentText(g.successRate()).rightJustified(7) << "  " << msText(g.connectMs).rightJustified(11) << "  "
          << msText(g.greetingMs).rightJustified(11) << "  " << msText(g.tlsMs).rightJustified(11) << "  "
          << QString::number(g.retries).rightJustified(7) << "  " << QString::number(g.recovered).rightJustified(6)
          << "  " << (g.flagged ? QStringLiteral("YES ") : QStringLiteral("    ")) << "  "
          << top.join(QStringLiteral(" ")) << '\n';
        if (kind == GroupKind::Provider)
            o << "    domains: " << g.domains.join(QStringLiteral(", ")) << '\n';
    }
    o.flush();
}

} // namespace

int runStats(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Statistics over the stored probes.\n"
        "  domains    per domain: probes, success rate, failures by status and phase, connect/greeting/TLS p50/p95,\n"
        "             retry recovery, and a flag for consistent problems\n"
        "  providers  the same per mail provider (domains grouped by their MX hosts)\n"
        "  trend      probes and failures per hour or day (all, --domain D or --provider P)\n"
        "  rules      print the provider rules in use, in the JSON format of a rules file\n"
        "Times: ISO 8601 (2026-11-27T08:00:00Z), a date (2026-11-27), now, or a duration back from now (24h, 7d)."));
    addGlobalOptions(parser);
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("domains, providers, trend or rules"));
    parser.addOption({ QStringLiteral("since"), QStringLiteral("Window start (inclusive)."), QStringLiteral("T") });
    parser.addOption({ QStringLiteral("until"), QStringLiteral("Window end (exclusive)."), QStringLiteral("T") });
    parser.addOption({ QStringLiteral("domain"), QStringLiteral("Only this domain."), QStringLiteral("D") });
    parser.addOption({ QStringLiteral("provider"), QStringLiteral("trend: only this provider."), QStringLiteral("P") });
    parser.addOption(
        { QStringLiteral("by"), QStringLiteral("trend: hour or day (default day)."), QStringLiteral("UNIT") });
    parser.addOption({ QStringLiteral("flagged"), QStringLiteral("Only groups flagged as a consistent problem.") });
    parser.addOption({ QStringLiteral("flag-rate"),
        QStringLiteral("Failure rate above which a group is flagged, 0-1 (default 0.2)."), QStringLiteral("R") });
    parser.addOption({ QStringLiteral("flag-min"),
        QStringLiteral("Probes a group needs in the window to be flagged (default 10)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("rules"),
        QStringLiteral("Provider rules JSON file (default: %1 if it exists).")
            .arg(ProviderRules::defaultUserFilePath()),
        QStringLiteral("FILE") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(QStringLiteral("expected one of domains, providers, trend, rules"));
    const QString what = positional.first();
    if (what != u"domains" && what != u"providers" && what != u"trend" && what != u"rules")
        return usageError(QStringLiteral("unknown statistics '%1' (domains, providers, trend, rules)").arg(what));

    ProviderRules rules = ProviderRules::defaultRules();
    const QString rulesPath = parser.isSet(QStringLiteral("rules")) ? parser.value(QStringLiteral("rules"))
                                                                    : ProviderRules::defaultUserFilePath();
    if (parser.isSet(QStringLiteral("rules")) || QFileInfo::exists(rulesPath)) {
        QString rulesError;
        if (!QFileInfo::exists(rulesPath)) {
            err() << "mailpulse-cli stats: rules file " << rulesPath << " does not exist\n";
            return ExitNoInput;
        }
        if (!rules.loadUserFile(rulesPath, &rulesError)) {
            err() << "mailpulse-cli stats: " << rulesError << '\n';
            return ExitDataErr;
        }
    }
    if (what == u"rules") {
        out() << QString::fromUtf8(rules.toJson());
        out().flush();
        return ExitOk;
    }

    StatsOptions options;
    if (parser.isSet(QStringLiteral("flag-rate"))) {
        bool ok = false;
        options.flagFailureRate = parser.value(QStringLiteral("flag-rate")).toDouble(&ok);
        if (!ok || options.flagFailureRate < 0 || options.flagFailureRate > 1)
            return usageError(QStringLiteral("--flag-rate must be a number from 0 to 1"));
    }
    if (parser.isSet(QStringLiteral("flag-min"))) {
        bool ok = false;
        options.flagMinProbes = parser.value(QStringLiteral("flag-min")).toLongLong(&ok);
        if (!ok || options.flagMinProbes < 1)
            return usageError(QStringLiteral("--flag-min must be a positive number"));
    }
    const SystemClock clock;
    TimeWindow window;
    QString windowError;
    if (!TimeWindow::parse(
            parser.value(QStringLiteral("since")), parser.value(QStringLiteral("until")), clock, &window, &windowError))
        return usageError(windowError);
    Granularity granularity = Granularity::Day;
    if (parser.isSet(QStringLiteral("by"))) {
        const QString by = parser.value(QStringLiteral("by"));
        if (by == u"hour")
            granularity = Granularity::Hour;
        else if (by != u"day")
            return usageError(QStringLiteral("--by must be hour or day"));
    }

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        err() << "mailpulse-cli stats: cannot open the store " << global.dbPath << ": " << error << '\n';
        return ExitSoftware;
    }
    const StatsEngine engine(db, rules, options);

    if (what == u"trend") {
        QList<TrendPoint> points;
        if (!engine.trend(window, granularity, &points, &error, parser.value(QStringLiteral("domain")),
                parser.value(QStringLiteral("provider")))) {
            err() << "mailpulse-cli stats: " << error << '\n';
            return ExitSoftware;
        }
        for (const TrendPoint &p : std::as_const(points)) {
            if (global.json) {
                out() << QString::fromUtf8(Smtp::toJsonLine(toJson(p)));
            } else {
                out() << Smtp::toIsoUtc(p.start) << "  probes " << QString::number(p.probes).rightJustified(6)
                      << "  failures " << QString::number(p.failures()).rightJustified(6) << '\n';
            }
        }
        out().flush();
        return ExitOk;
    }

    const GroupKind kind = what == u"domains" ? GroupKind::Domain : GroupKind::Provider;
    QList<GroupStats> groups;
    const bool ok = kind == GroupKind::Domain
        ? engine.domainStats(window, &groups, &error, parser.value(QStringLiteral("domain")))
        : engine.providerStats(window, &groups, &error);
    if (!ok) {
        err() << "mailpulse-cli stats: " << error << '\n';
        return ExitSoftware;
    }
    if (parser.isSet(QStringLiteral("flagged")))
        groups.removeIf([](const GroupStats &g) { return !g.flagged; });
    if (kind == GroupKind::Provider && parser.isSet(QStringLiteral("domain"))) {
        const QString domain = parser.value(QStringLiteral("domain")).toLower();
        groups.removeIf([&domain](const GroupStats &g) { return !g.domains.contains(domain); });
    }
    if (global.json) {
        for (const GroupStats &g : std::as_const(groups))
            out() << QString::fromUtf8(Smtp::toJsonLine(toJson(g, kind)));
        out().flush();
    } else if (groups.isEmpty()) {
        out() << (parser.isSet(QStringLiteral("flagged")) ? "Nothing flagged in the window.\n"
                                                          : "No probes in the window.\n");
        out().flush();
    } else {
        printTable(groups, kind);
    }
    return ExitOk;
}

} // namespace Mailpulse::Cli
