// Builds a store with 1,000,000 probe rows across 10,000 domains (realistic mix of providers, outcomes and timings
// over 30 days) and times the statistics on it. Prints figures; not a test.
//
//   bench_stats [--rows N] [--domains N] [--db PATH] [--runs N]
// With --db, an existing store of the right size is reused (building one takes a few minutes).
#include <algorithm>
#include <ctime>

#include <QBuffer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>

#include "common/resourceusage.h"
#include "probestore.h"
#include "report/reportexporter.h"
#include "smtp/proberesultjson.h"
#include "stats/statsengine.h"
#include "store/database.h"
#include "store/proberepository.h"

using namespace Mailpulse;

namespace
{

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct Timing {
    QList<qint64> wallMs; // sorted
    QList<qint64> cpuMs; // sorted; CPU time of this process (the machine may be busy with other work)
};

template <typename F> Timing timeRuns(int runs, F &&f)
{
    Timing timing;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        const std::clock_t cpu = std::clock();
        t.start();
        f();
        timing.wallMs << t.elapsed();
        timing.cpuMs << qint64(double(std::clock() - cpu) * 1000.0 / CLOCKS_PER_SEC);
    }
    std::sort(timing.wallMs.begin(), timing.wallMs.end());
    std::sort(timing.cpuMs.begin(), timing.cpuMs.end());
    return timing;
}

void print(const char *what, const Timing &timing, const QString &extra = {})
{
    const QList<qint64> &ms = timing.wallMs;
    out() << QString::fromLatin1(what).leftJustified(40) << " wall min "
          << QString::number(ms.first()).rightJustified(5) << " median "
          << QString::number(ms.at(ms.size() / 2)).rightJustified(5) << " ms   cpu median "
          << QString::number(timing.cpuMs.at(timing.cpuMs.size() / 2)).rightJustified(5) << " ms";
    if (!extra.isEmpty())
        out() << "   " << extra;
    out() << '\n';
    out().flush();
}

} // namespace

int main(int argc, char *argv[])
{
    Store::Database::prepareProcess(); // as the app does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const auto option = [&args](const QString &name, const QString &fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const qint64 rows = option(QStringLiteral("--rows"), QStringLiteral("1000000")).toLongLong();
    const int domains = option(QStringLiteral("--domains"), QStringLiteral("10000")).toInt();
    const int runs = std::max(1, option(QStringLiteral("--runs"), QStringLiteral("5")).toInt());
    QTemporaryDir dir;
    const QString path = option(QStringLiteral("--db"), dir.filePath(QStringLiteral("bench.sqlite")));

    Store::Database db;
    QString error;
    if (!db.open(path, &error)) {
        out() << "cannot open " << path << ": " << error << '\n';
        return 1;
    }
    const qint64 existing = Store::ProbeRepository(db).count();
    out() << "store " << path << ": " << existing << " probe rows\n";
    if (existing != rows) {
        if (existing != 0) {
            out() << "the store has a different number of rows; use another --db\n";
            return 1;
        }
        out() << "building " << rows << " rows across " << domains << " domains\n";
        if (!Bench::buildProbeStore(
                db, rows, domains, QDateTime(QDate(2026, 10, 28), QTime(0, 0), Qt::UTC), out(), &error)) {
            out() << "build failed: " << error << '\n';
            return 1;
        }
        db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    out() << "file size " << QFileInfo(path).size() / (1024 * 1024) << " MiB\n";

    // --only domains|providers: just that (for profiling).
    const QString only = option(QStringLiteral("--only"), {});
    const bool onlyDomains = only == u"domains";
    const Stats::StatsEngine engine(db);
    QList<Stats::GroupStats> groups;
    qint64 flagged = 0;
    print("stats domains (all 30 days)", timeRuns(runs, [&] { engine.domainStats({}, &groups, &error); }),
        QStringLiteral("%1 domains").arg(groups.size()));
    for (const Stats::GroupStats &g : std::as_const(groups))
        flagged += g.flagged ? 1 : 0;
    out() << "  flagged: " << flagged << " domains; first: " << groups.value(0).key << " probes "
          << groups.value(0).probes << " connect p50/p95 " << groups.value(0).connectMs.p50.value_or(-1) << '/'
          << groups.value(0).connectMs.p95.value_or(-1) << '\n';

    if (only == u"providers") {
        print("stats providers (all)", timeRuns(runs, [&] { engine.providerStats({}, &groups, &error); }),
            QStringLiteral("%1 providers").arg(groups.size()));
        return 0;
    }
    Stats::StatsOptions singleThread;
    singleThread.threads = 1;
    const Stats::StatsEngine single(db, Stats::ProviderRules::defaultRules(), singleThread);
    print("stats domains (all, one thread)", timeRuns(runs, [&] { single.domainStats({}, &groups, &error); }));
    if (onlyDomains)
        return 0;
    Stats::TimeWindow week;
    week.since = QDateTime(QDate(2026, 11, 20), QTime(0, 0), Qt::UTC);
    print("stats domains (last 7 days)", timeRuns(runs, [&] { engine.domainStats(week, &groups, &error); }),
        QStringLiteral("%1 domains").arg(groups.size()));
    print("stats domains --domain (one domain)",
        timeRuns(runs, [&] { engine.domainStats({}, &groups, &error, QStringLiteral("domain4242.example")); }));
    print("stats providers (all)", timeRuns(runs, [&] { engine.providerStats({}, &groups, &error); }),
        QStringLiteral("%1 providers").arg(groups.size()));
    QList<Stats::TrendPoint> points;
    print("trend per day (all probes)",
        timeRuns(runs, [&] { engine.trend({}, Stats::Granularity::Day, &points, &error); }));
    print("trend per hour (one domain)", timeRuns(runs, [&] {
        engine.trend({}, Stats::Granularity::Hour, &points, &error, QStringLiteral("domain4242.example"));
    }));
    print("trend per day (provider Google)", timeRuns(runs, [&] {
        engine.trend({}, Stats::Granularity::Day, &points, &error, {}, QStringLiteral("Google"));
    }));

    // A full probes export into a counting device: time and peak memory while 1M rows stream.
    class Sink final : public QIODevice
    {
    public:
        Sink() { open(QIODevice::WriteOnly); }
        qint64 bytes = 0;

    protected:
        qint64 readData(char *, qint64) override { return -1; }
        qint64 writeData(const char *, qint64 len) override
        {
            bytes += len;
            return len;
        }
    };
    const qint64 rssBefore = Mailpulse::peakResidentKiB();
    Sink sink;
    qint64 exported = 0;
    QElapsedTimer t;
    t.start();
    Report::ReportExporter(db).write(Report::ReportKind::Probes, {}, &sink, &exported, &error);
    out() << QStringLiteral("report probes (CSV, streamed)").leftJustified(44) << "      "
          << QString::number(t.elapsed()).rightJustified(5) << " ms   " << exported << " rows, "
          << sink.bytes / (1024 * 1024) << " MiB; peak RSS " << rssBefore / 1024 << " → "
          << Mailpulse::peakResidentKiB() / 1024 << " MiB\n";
    if (!error.isEmpty())
        out() << "error: " << error << '\n';
    return 0;
}
