// Bounce-mail classification throughput on the real-world corpus (../shared/corpus/bounces), against Sisimai 4.25
// (Debian libsisimai-perl) over the same files in the same run. Prints mails/s, peak RSS and the ratio; the parallel
// run is timed before and after Sisimai's, and the ratio takes their mean.
// Usage: bench_classify [REPEAT=20] [CORPUS_DIR] [SISIMAI_REPEAT=REPEAT]
#include <ctime>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

#include "bounce/mailbatchparser.h"
#include "bounce/mailsource.h"
#include "common/resourceusage.h"

using namespace Mailpulse;

namespace
{

// Sisimai reads each file itself (its own mbox/Maildir reader, then its parsers), as a user would run it; the
// time is taken inside Perl so that interpreter and module start-up do not count against it.
const char *const SisimaiScript = R"perl(
use strict; use warnings; use Sisimai; use Time::HiRes qw(time);
my @files = <STDIN>; chomp @files;
my $repeat = shift @ARGV;
my ($records, $start, $cpu) = (0, time, (times)[0] + (times)[1]);
for my $round (1 .. $repeat) {
    for my $file (@files) {
        my $data = Sisimai->make($file, delivered => 1);
        $records += scalar @$data if $data;
    }
}
printf "%d %.6f %.6f\n", $records, time - $start, (times)[0] + (times)[1] - $cpu;
)perl";

} // namespace

int main(int argc, char *argv[])
{
    keepFreedHeapForReuse(); // as mailpulse-cli does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int repeat = qMax(1, args.value(1, QStringLiteral("20")).toInt());
    QString corpus = args.value(2);
    if (corpus.isEmpty() && !qEnvironmentVariableIsEmpty("MAILPULSE_CORPUS"))
        corpus = qEnvironmentVariable("MAILPULSE_CORPUS") + QStringLiteral("/bounces/eml");
    // Else the corpus next to the source tree (<src>/../shared/corpus), found from the build directory upwards.
    for (QDir dir(QCoreApplication::applicationDirPath()); corpus.isEmpty();) {
        const QString candidate = dir.absoluteFilePath(QStringLiteral("../shared/corpus/bounces/eml"));
        if (QFileInfo::exists(candidate))
            corpus = candidate;
        else if (!dir.cdUp())
            break;
    }
    QTextStream out(stdout);

    // The files are only listed here (and read once, which also puts them in the page cache for both runs).
    QStringList files;
    qint64 bytes = 0;
    QDirIterator it(corpus, { QStringLiteral("*.eml") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        files.append(path);
        bytes += f.readAll().size();
    }
    if (files.isEmpty()) {
        out << "bench_classify: no *.eml files under " << corpus << '\n';
        return 1;
    }
    out << "corpus: " << files.size() << " mails, " << bytes / 1024 << " KiB, repeated " << repeat << "x; allocator "
        << heapAllocator() << '\n';

    // As `mailpulse-cli classify` does it: each file read with MailSource and classified by MailBatchParser, once
    // with one parsing thread and once with one per core; the calling thread reads the files meanwhile. Files are
    // read inside the timing, as Sisimai reads them inside its own.
    struct Run {
        double wall = 0;
        double cpu = 0;
        qint64 events = 0;
    };
    const auto classifyAll = [&](int threads) {
        Run run;
        Bounce::MailBatchParser batch(
            [&run](const Bounce::MailItem &, const Bounce::ParsedMail &parsed) { run.events += parsed.events.size(); },
            threads);
        batch.setFingerprints(Bounce::DsnParser::Fingerprints::Skip); // as classify, which does not print them
        QElapsedTimer timer;
        const std::clock_t cpuStart = std::clock();
        timer.start();
        for (int round = 0; round < repeat; ++round) {
            for (const QString &file : std::as_const(files)) {
                QString error;
                Bounce::MailSource::forEach(
                    file, Bounce::MailFormat::Eml, [&batch](const Bounce::MailItem &item) { batch.add(item); }, &error);
            }
        }
        batch.flush();
        run.wall = timer.nsecsElapsed() / 1e9;
        run.cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
        return run;
    };
    const Run single = classifyAll(1);
    const Run all = classifyAll(0);
    const int cores = Bounce::MailBatchParser([](const Bounce::MailItem &, const Bounce::ParsedMail &) {}).threads();
    const qint64 mailCount = files.size() * qint64(repeat);
    const double oursRate = mailCount / single.wall;
    const double oursCpuRate = mailCount / single.cpu;
    const double allRate = mailCount / all.wall;
    out << QStringLiteral(
        "mailpulse, 1 parsing thread: %1 mails in %2 s = %3 mails/s (CPU %4 s = %5 mails/s; %6 records)\n")
               .arg(mailCount)
               .arg(single.wall, 0, 'f', 3)
               .arg(oursRate, 0, 'f', 0)
               .arg(single.cpu, 0, 'f', 3)
               .arg(oursCpuRate, 0, 'f', 0)
               .arg(single.events);
    out << QStringLiteral("mailpulse, %1 parsing threads: %2 mails in %3 s = %4 mails/s (CPU %5 s; %6 records)\n")
               .arg(cores)
               .arg(mailCount)
               .arg(all.wall, 0, 'f', 3)
               .arg(allRate, 0, 'f', 0)
               .arg(all.cpu, 0, 'f', 3)
               .arg(all.events);
    out << QStringLiteral("peak RSS %1 MiB\n").arg(peakResidentKiB() / 1024.0, 0, 'f', 1);
    out.flush();

    // Sisimai gets as many passes as Mailpulse by default: its first pass loads its parser modules, and fewer passes
    // would charge that to its rate. A third argument sets fewer passes for a quicker run.
    const int sisimaiRepeat = qMax(1, args.value(3, QString::number(repeat)).toInt());
    QProcess perl;
    perl.start(QStringLiteral("perl"),
        { QStringLiteral("-e"), QString::fromUtf8(SisimaiScript), QString::number(sisimaiRepeat) });
    if (!perl.waitForStarted(10000)) {
        out << "sisimai: perl not available; no comparison\n";
        return 0;
    }
    perl.write(files.join(u'\n').toUtf8() + '\n');
    perl.closeWriteChannel();
    perl.waitForFinished(-1);
    const QStringList result = QString::fromUtf8(perl.readAllStandardOutput()).split(u' ', Qt::SkipEmptyParts);
    if (perl.exitCode() != 0 || result.size() != 3) {
        out << "sisimai: failed (install libsisimai-perl): " << QString::fromUtf8(perl.readAllStandardError()).left(300)
            << '\n';
        return 0;
    }
    // Mailpulse's own run again, after Sisimai's: a shared machine's speed drifts over the seconds Sisimai takes, and
    // the mean of a run before and one after weighs both sides of the ratio over the same stretch of time.
    const Run after = classifyAll(0);
    const double allAfterRate = mailCount / after.wall;
    out << QStringLiteral("mailpulse, %1 parsing threads, after Sisimai: %2 mails in %3 s = %4 mails/s (CPU %5 s)\n")
               .arg(cores)
               .arg(mailCount)
               .arg(after.wall, 0, 'f', 3)
               .arg(allAfterRate, 0, 'f', 0)
               .arg(after.cpu, 0, 'f', 3);
    const double allMeanRate = 2.0 * mailCount / (all.wall + after.wall);
    const double theirs = result[1].toDouble();
    const double theirsCpu = result[2].toDouble();
    const double theirRate = files.size() * sisimaiRepeat / theirs;
    const double theirCpuRate = files.size() * sisimaiRepeat / theirsCpu;
    out << QStringLiteral("sisimai 4.25: %1 mails in %2 s = %3 mails/s (CPU %4 s = %5 mails/s; %6 records)\n")
               .arg(files.size() * sisimaiRepeat)
               .arg(theirs, 0, 'f', 3)
               .arg(theirRate, 0, 'f', 0)
               .arg(theirsCpu, 0, 'f', 3)
               .arg(theirCpuRate, 0, 'f', 0)
               .arg(result[0].trimmed());
    out << QStringLiteral("ratio, 1 parsing thread: %1x Sisimai's throughput (wall), %2x (CPU)\n")
               .arg(oursRate / theirRate, 0, 'f', 1)
               .arg(oursCpuRate / theirCpuRate, 0, 'f', 1);
    out << QStringLiteral("ratio, %1 parsing threads: %2x Sisimai's throughput (wall; the runs before and after "
                          "Sisimai's: %3x and %4x; Sisimai uses one core); target 50x\n")
               .arg(cores)
               .arg(allMeanRate / theirRate, 0, 'f', 1)
               .arg(allRate / theirRate, 0, 'f', 1)
               .arg(allAfterRate / theirRate, 0, 'f', 1);
    return 0;
}
