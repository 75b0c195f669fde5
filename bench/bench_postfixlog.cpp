// Postfix log import benchmark (issue 3): generates realistic Postfix log lines (mixed sent/deferred/bounced,
// many domains, the reply texts real servers send) into a temporary file and imports them into a temporary store
// the way `mailpulse-cli import` does: the real importer feeding the whole tracking pipeline (bounce events, retry
// queue, contact list). Prints lines/s, wall and CPU seconds and peak memory. Not a test.
//
// Usage: bench_postfixlog [LINES] [--status-only] [--no-successes] [--keep DIR] [--log FILE] [--once] [--old]
//                         [--bounces-only | --sinks LIST]
//   --status-only   every line is a delivery line (the worst case; real logs have about 4 other lines for each)
//   --no-successes  leave status=sent lines out (by default they close retry entries and end failure runs)
//   --log FILE      import FILE instead of generating one (e.g. a real mail.log, or one kept with --keep)
//   --once          only the first import (for profiling)
//   --old           a log of a month ago (its failures are past the retry queue's lifetime); by default the log
//                   covers the last hours, as a current mail.log does
//   --bounces-only  only the bounce-event sink (no retry queue, no contact list)
//   --sinks LIST    the bounce-event sink plus some of the others, comma-separated: queue, contacts (to see what
//                   each one costs; the default is --sinks queue,contacts, `--sinks none` is --bounces-only)
//   --all-sinks     the default (kept for old scripts)

#include <cstdio>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <sys/resource.h>
#include <unistd.h>

#include "bounce/importer.h"
#include "common/clock.h"
#include "common/resourceusage.h"
#include "store/bouncerepository.h"
#include "store/database.h"
#include "tracking/bounceeventsink.h"
#include "tracking/trackingpipeline.h"

using namespace Mailpulse;

namespace
{

// CPU seconds of this process (user + system): on a shared machine the wall time depends on the neighbours.
double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto secs = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return secs(usage.ru_utime) + secs(usage.ru_stime);
}

const char *const Months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
const char *const Names[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "info", "sales", "support",
    "j.smith", "maria.garcia", "noreply", "m.mueller", "li.wei" };
const char *const Tlds[] = { "com", "net", "org", "de", "fr", "co.uk", "nl", "example", "io", "it" };

struct Generator {
    QRandomGenerator rng { 20261127 };
    QDateTime start; // UTC, the first line's time
    qint64 msecs = 0; // since start
    int queueCounter = 0x10000;
    int pid = 4000;

    QByteArray domain(int n) const
    {
        static const char *const Providers[]
            = { "gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de", "icloud.com", "orange.fr", "t-online.de" };
        if (n < 8)
            return Providers[n];
        return "corp" + QByteArray::number(n) + '.' + Tlds[n % 10];
    }
    int pickDomain()
    {
        // A few providers take most mail; a long tail of 20,000 company domains takes the rest.
        return rng.bounded(100) < 45 ? int(rng.bounded(8)) : 8 + int(rng.bounded(20000));
    }
    QByteArray stamp()
    {
        msecs += rng.bounded(40);
        const QDateTime t = start.addMSecs(msecs);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d", Months[t.date().month() - 1], t.date().day(),
            t.time().hour(), t.time().minute(), t.time().second());
        return buf;
    }
    QByteArray prefix(const char *program)
    {
        return stamp() + " mail1 postfix/" + program + '[' + QByteArray::number(pid + int(rng.bounded(50))) + "]: ";
    }
    QByteArray queueId() { return QByteArray::number(++queueCounter * 2654435761u % 0xFFFFFFFFu, 16).toUpper(); }
    QByteArray ip() const
    {
        return "192.0." + QByteArray::number(queueCounter % 250) + '.' + QByteArray::number(queueCounter % 199 + 1);
    }

    QByteArray deliveryLine(const QByteArray &qid, const QByteArray &rcpt, const QByteArray &dom, int kind)
    {
        const QByteArray mx = "mx" + QByteArray::number(rng.bounded(3)) + '.' + dom;
        const QByteArray relay = mx + '[' + ip() + "]:25";
        const QByteArray delays = "delay=" + QByteArray::number(rng.bounded(900) / 100.0) + ", delays=0.0"
            + QByteArray::number(rng.bounded(9)) + "/0.01/0." + QByteArray::number(rng.bounded(99)) + "/0."
            + QByteArray::number(rng.bounded(99));
        QByteArray dsn;
        QByteArray status;
        QByteArray text;
        const QByteArray host = "host " + mx + '[' + ip() + "] said: ";
        switch (kind) {
        case 0: { // sent
            static const char *const Ok[] = { "250 2.0.0 OK  1764237601 a640c23a62f3a-b76b%1si1234567 - gsmtp",
                "250 2.0.0 Ok: queued as %1", "250 OK id=1rABCD-%1-AB",
                "250 2.6.0 <%1@mail1.example> [InternalId=1] Queued mail for delivery" };
            dsn = "2.0.0";
            status = "sent";
            text = QByteArray(Ok[rng.bounded(4)]).replace("%1", qid);
            break;
        }
        case 1: { // deferred
            dsn = "4.4.1";
            status = "deferred";
            switch (rng.bounded(6)) {
            case 0:
                dsn = "4.7.1";
                text = host + "450 4.7.1 <" + rcpt
                    + ">: Recipient address rejected: Greylisted, see "
                      "https://postgrey.schweikert.ch/help/"
                    + dom + ".html (in reply to RCPT TO command)";
                break;
            case 1:
                text = "connect to " + mx + '[' + ip() + "]:25: Connection timed out";
                break;
            case 2:
                dsn = "4.4.2";
                text = "lost connection with " + mx + '[' + ip() + "] while receiving the initial server greeting";
                break;
            case 3:
                dsn = "4.2.2";
                text = host
                    + "452 4.2.2 The email account that you tried to reach is over quota. Please direct the "
                      "recipient to https://support.example/answer/6558 (in reply to RCPT TO command)";
                break;
            case 4:
                dsn = "4.7.0";
                text = host + "421 4.7.0 Try again later, closing connection. (in reply to MAIL FROM command)";
                break;
            default:
                text = "delivery temporarily suspended: connect to " + mx + '[' + ip() + "]:25: Connection refused";
                break;
            }
            break;
        }
        default: { // bounced
            status = "bounced";
            switch (rng.bounded(5)) {
            case 0:
                dsn = "5.1.1";
                text = host + "550 5.1.1 <" + rcpt
                    + ">: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO "
                      "command)";
                break;
            case 1:
                dsn = "5.4.4";
                text = "Host or domain name not found. Name service error for name=" + dom
                    + " type=MX: Host not found, try again";
                break;
            case 2:
                dsn = "5.2.2";
                text = host + "552 5.2.2 <" + rcpt + ">: Mailbox full (in reply to RCPT TO command)";
                break;
            case 3:
                dsn = "5.7.1";
                text = host
                    + "554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using "
                      "zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.7 (in reply to RCPT TO command)";
                break;
            default:
                dsn = "5.0.0";
                text = host + "550 Requested action not taken: mailbox unavailable (in reply to RCPT TO command)";
                break;
            }
            break;
        }
        }
        return prefix("smtp") + qid + ": to=<" + rcpt + ">, relay=" + (text.startsWith("Host or") ? "none" : relay)
            + ", " + delays + ", dsn=" + dsn + ", status=" + status + " (" + text + ")\n";
    }

    // One message's lines: pickup, cleanup, qmgr, one or more delivery attempts, removal.
    void message(QList<QByteArray> &lines, bool statusOnly)
    {
        const QByteArray qid = queueId();
        const int d = pickDomain();
        const QByteArray dom = domain(d);
        const QByteArray rcpt = QByteArray(Names[rng.bounded(27)]) + QByteArray::number(rng.bounded(500)) + '@' + dom;
        if (!statusOnly) {
            lines << prefix("pickup") + qid + ": uid=1000 from=<newsletter@mail1.example>\n";
            lines << prefix("cleanup") + qid + ": message-id=<" + qid.toLower() + ".20261127@mail1.example>\n";
            lines << prefix("qmgr") + qid + ": from=<newsletter@mail1.example>, size="
                    + QByteArray::number(2000 + rng.bounded(40000)) + ", nrcpt=1 (queue active)\n";
        }
        const quint32 r = rng.bounded(100);
        if (r < 72) {
            lines << deliveryLine(qid, rcpt, dom, 0);
        } else if (r < 90) {
            const int attempts = 1 + int(rng.bounded(3));
            for (int i = 0; i < attempts; ++i) {
                lines << deliveryLine(qid, rcpt, dom, 1);
                if (!statusOnly && i + 1 < attempts)
                    lines << prefix("qmgr") + qid
                            + ": from=<newsletter@mail1.example>, size=12345, nrcpt=1 (queue active)\n";
            }
            if (rng.bounded(2) == 0)
                lines << deliveryLine(qid, rcpt, dom, 0);
        } else {
            lines << deliveryLine(qid, rcpt, dom, 2);
            if (!statusOnly)
                lines << prefix("bounce") + qid + ": sender non-delivery notification: " + queueId() + '\n';
        }
        if (!statusOnly)
            lines << prefix("qmgr") + qid + ": removed\n";
    }
};

} // namespace

int main(int argc, char *argv[])
{
    Store::Database::prepareProcess(); // as mailpulse-cli does
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    qint64 target = 1000000;
    bool statusOnly = false;
    bool successes = true;
    QString keep;
    QString existing;
    bool once = false;
    bool old = false;
    bool withQueue = true; // the full pipeline, as `mailpulse-cli import`
    bool withContacts = true;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--status-only")
            statusOnly = true;
        else if (args[i] == u"--no-successes")
            successes = false;
        else if (args[i] == u"--keep" && i + 1 < args.size())
            keep = args[++i];
        else if (args[i] == u"--log" && i + 1 < args.size())
            existing = args[++i];
        else if (args[i] == u"--once")
            once = true;
        else if (args[i] == u"--old")
            old = true;
        else if (args[i] == u"--all-sinks")
            withQueue = withContacts = true;
        else if (args[i] == u"--bounces-only")
            withQueue = withContacts = false;
        else if (args[i] == u"--sinks" && i + 1 < args.size()) {
            const QStringList names = args[++i].split(u',', Qt::SkipEmptyParts);
            withQueue = names.contains(QStringLiteral("queue"));
            withContacts = names.contains(QStringLiteral("contacts"));
        } else
            target = args[i].toLongLong();
    }

    QTemporaryDir tmp;
    const QString dir = keep.isEmpty() ? tmp.path() : keep;
    const QString logPath = existing.isEmpty() ? dir + QStringLiteral("/mail.log") : existing;
    if (existing.isEmpty()) {
        QFile log(logPath);
        if (!log.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(logPath));
            return 1;
        }
        // A current log (1M lines span about 5.5 hours, ending about now): its soft failures open retry entries,
        // which later lines update and resolve. --old dates it a month back, past the queue's lifetime.
        Generator gen;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        gen.start = old ? now.addDays(-31) : now.addSecs(-6 * 3600);
        qint64 written = 0;
        qint64 deliveries = 0;
        QList<QByteArray> lines;
        while (written < target) {
            lines.clear();
            gen.message(lines, statusOnly);
            for (const QByteArray &line : std::as_const(lines)) {
                if (written == target)
                    break;
                log.write(line);
                deliveries += line.contains(" status=") ? 1 : 0;
                ++written;
            }
        }
        // A real log was written over hours and is on disk when it is imported. The 134 MB just written are flushed
        // before the clock starts: their writeback otherwise ran during the import and held up its own writes
        // (wall time up to a second above CPU time).
        log.flush();
        ::fdatasync(log.handle());
        log.close();
        std::printf("generated %lld lines (%lld delivery lines, %.0f%%), %.1f MB\n", written, deliveries,
            100.0 * double(deliveries) / double(written), double(QFile(logPath).size()) / 1e6);
    }

    Store::Database db;
    QString error;
    QFile::remove(dir + QStringLiteral("/bench.sqlite"));
    QFile::remove(dir + QStringLiteral("/bench.sqlite-wal"));
    QFile::remove(dir + QStringLiteral("/bench.sqlite-shm"));
    if (!db.open(dir + QStringLiteral("/bench.sqlite"), &error)) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    if (qEnvironmentVariableIsSet("BENCH_CACHE"))
        db.exec(QStringLiteral("PRAGMA cache_size = ") + qEnvironmentVariable("BENCH_CACHE"));
    Bounce::Importer::Options options;
    options.format = Bounce::ImportFormat::Postfix;
    options.logTimeZone = QTimeZone::utc();
    options.withSuccesses = successes;
    if (qEnvironmentVariableIsSet("BENCH_CACHE_KIB"))
        options.cacheKiB = qEnvironmentVariableIntValue("BENCH_CACHE_KIB");

    std::printf("sinks: bounce events%s%s; allocator %s\n", withQueue ? ", retry queue" : "",
        withContacts ? ", contacts" : "", qPrintable(heapAllocator()));
    const auto run = [&](const char *label, bool incremental, bool store = true) {
        Tracking::BounceEventSink sink(db);
        SystemClock clock;
        Tracking::TrackingPipeline pipeline(db, clock); // what `mailpulse-cli import` feeds
        Bounce::Importer importer(db);
        if (store && (withQueue || withContacts)) {
            // The pipeline's order: bounce events, retry queue, contacts.
            const QList<Tracking::OutcomeSink *> sinks = pipeline.sinks();
            importer.addSink(sinks.at(0));
            if (withQueue)
                importer.addSink(sinks.at(1));
            if (withContacts)
                importer.addSink(sinks.at(2));
        } else if (store) {
            importer.addSink(&sink);
        }
        options.incremental = incremental;
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = cpuSeconds();
        const Bounce::ImportSummary s = importer.import({ logPath }, options);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const double cpu = cpuSeconds() - cpuStart;
        std::printf("%-28s %9.0f lines/s  wall %6.2f s  CPU %5.2f s  records %lld  duplicates %lld  deliveries %lld  "
                    "problems %lld  peak RSS %.1f MB\n",
            label, double(s.lines) / seconds, seconds, cpu, s.records, s.duplicates, s.deliveries,
            qint64(s.skipped.size()), double(peakResidentKiB()) / 1024.0);
        for (const Bounce::ImportProblem &p : s.skipped)
            std::printf("  %s: %s\n", qPrintable(p.file), qPrintable(p.reason));
    };
    if (qEnvironmentVariableIsSet("BENCH_PARSE_ONLY"))
        run("parse only (no sink)", false, false);
    run("import (parse + store)", true);
    if (once)
        return 0;
    run("re-import (incremental)", true);
    run("re-import (all duplicates)", false);
    std::printf("stored events: %lld\n", Store::BounceRepository(db).count());
    return 0;
}
