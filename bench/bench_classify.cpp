// Bounce-mail classification throughput on the real-world corpus (../shared/corpus/bounces), against Sisimai 4.25
// (Debian libsisimai-perl) over the same files in the same run. Prints mails/s, peak RSS and the ratio.
// Usage: bench_classify [REPEAT=20] [CORPUS_DIR]
#include <ctime>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

#include "bounce/dsnparser.h"
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

    QStringList files;
    QList<QByteArray> mails;
    qint64 bytes = 0;
    QDirIterator it(corpus, { QStringLiteral("*.eml") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        files.append(path);
        mails.append(f.readAll());
        bytes += mails.back().size();
    }
    if (mails.isEmpty()) {
        out << "bench_classify: no *.eml files under " << corpus << '\n';
        return 1;
    }
    out << "corpus: " << mails.size() << " mails, " << bytes / 1024 << " KiB, repeated " << repeat << "x\n";

    qint64 events = 0;
    QElapsedTimer timer;
    // CPU time as well as wall time: on a shared machine the wall clock also measures the neighbours.
    const std::clock_t cpuStart = std::clock();
    timer.start();
    for (int round = 0; round < repeat; ++round) {
        for (qsizetype i = 0; i < mails.size(); ++i)
            events += Bounce::DsnParser::parse(mails[i], files[i]).events.size();
    }
    const double ours = timer.nsecsElapsed() / 1e9;
    const double oursCpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const double oursRate = mails.size() * repeat / ours;
    const double oursCpuRate = mails.size() * repeat / oursCpu;
    out << QStringLiteral("mailpulse: %1 mails in %2 s = %3 mails/s (CPU %4 s = %5 mails/s; %6 records); peak RSS "
                          "%7 MiB\n")
               .arg(mails.size() * repeat)
               .arg(ours, 0, 'f', 3)
               .arg(oursRate, 0, 'f', 0)
               .arg(oursCpu, 0, 'f', 3)
               .arg(oursCpuRate, 0, 'f', 0)
               .arg(events)
               .arg(peakResidentKiB() / 1024.0, 0, 'f', 1);
    out.flush();

    // Sisimai is far slower: by default it gets one pass, and its rate is per mail.
    const int sisimaiRepeat = qMax(1, args.value(3, QStringLiteral("1")).toInt());
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
    const double theirs = result[1].toDouble();
    const double theirsCpu = result[2].toDouble();
    const double theirRate = mails.size() * sisimaiRepeat / theirs;
    const double theirCpuRate = mails.size() * sisimaiRepeat / theirsCpu;
    out << QStringLiteral("sisimai 4.25: %1 mails in %2 s = %3 mails/s (CPU %4 s = %5 mails/s; %6 records)\n")
               .arg(mails.size() * sisimaiRepeat)
               .arg(theirs, 0, 'f', 3)
               .arg(theirRate, 0, 'f', 0)
               .arg(theirsCpu, 0, 'f', 3)
               .arg(theirCpuRate, 0, 'f', 0)
               .arg(result[0].trimmed());
    out << QStringLiteral("ratio: %1x Sisimai's throughput (wall), %2x (CPU); target 50x\n")
               .arg(oursRate / theirRate, 0, 'f', 1)
               .arg(oursCpuRate / theirCpuRate, 0, 'f', 1);
    return 0;
}
