// Probe throughput against the loopback lab: N probes, plain and with STARTTLS, at a given concurrency.
// Prints probes per second, per-probe latency percentiles and peak RSS. Usage: bench_probe_engine [N] [CONCURRENCY]
#include <algorithm>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include "common/clock.h"
#include "common/resourceusage.h"
#include "lab/smtplab.h"
#include "smtp/probeengine.h"

using namespace Mailpulse;

namespace
{

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int count = args.value(1, QStringLiteral("1000")).toInt();
    const int concurrency = args.value(2, QStringLiteral("16")).toInt();
    QTextStream out(stdout);

    Lab::SmtpLab lab;
    QString error;
    if (!lab.start({ QStringLiteral("healthy-plain"), QStringLiteral("healthy") }, 0, &error)) {
        out << "lab: " << error << '\n';
        return 1;
    }
    SystemClock clock;
    const QList<std::pair<QString, Smtp::TlsMode>> runs = { { QStringLiteral("healthy-plain"), Smtp::TlsMode::None },
        { QStringLiteral("healthy"), Smtp::TlsMode::StartTls } };
    qsizetype runIndex = 0;
    Smtp::ProbeEngine engine(&clock);
    engine.setLimits({ concurrency, concurrency });
    QElapsedTimer wall;
    QList<qint64> latencies;
    int failures = 0;

    std::function<void()> startRun = [&] {
        if (runIndex >= runs.size()) {
            out << "peak RSS " << peakResidentKiB() / 1024 << " MiB\n";
            out.flush();
            QCoreApplication::quit();
            return;
        }
        const auto &[scenario, tls] = runs.at(runIndex);
        Smtp::ProbeConfig config;
        config.mxOverride = QStringLiteral("127.0.0.1:%1").arg(lab.port(scenario));
        config.tlsMode = tls;
        config.caFile = lab.caCertificatePath();
        config.heloName = QStringLiteral("bench.mailpulse.test");
        latencies.clear();
        failures = 0;
        wall.start();
        for (int i = 0; i < count; ++i)
            engine.enqueue(*Smtp::ProbeTarget::parse(QStringLiteral("user%1@bench.test").arg(i)), config);
    };
    QObject::connect(&engine, &Smtp::ProbeEngine::probeFinished, &engine, [&](quint64, const Smtp::ProbeResult &r) {
        latencies << r.timings.total;
        failures += r.succeeded() ? 0 : 1;
    });
    QObject::connect(&engine, &Smtp::ProbeEngine::idle, &engine, [&] {
        const double seconds = double(wall.elapsed()) / 1000.0;
        std::sort(latencies.begin(), latencies.end());
        const auto pct = [&](double p) { return latencies.value(qsizetype(p * double(latencies.size() - 1))); };
        out << runs.at(runIndex).first << " (" << Smtp::tlsModeName(runs.at(runIndex).second) << "): " << count
            << " probes, concurrency " << concurrency << ", " << QString::number(count / seconds, 'f', 0)
            << " probes/s, latency p50 " << pct(0.5) << " ms p95 " << pct(0.95) << " ms, failures " << failures << '\n';
        out.flush();
        ++runIndex;
        QTimer::singleShot(0, &engine, startRun);
    });
    QTimer::singleShot(0, &engine, startRun);
    return QCoreApplication::exec();
}
