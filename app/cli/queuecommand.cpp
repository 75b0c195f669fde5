#include <QCoreApplication>
#include <QJsonObject>

#include "cli.h"
#include "common/clock.h"
#include "queue/retryentry.h"
#include "queue/retryqueue.h"
#include "queue/retryscheduler.h"
#include "smtp/probeengine.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Queue;

namespace
{

const QString kDescription = QStringLiteral(
    "The retry queue: every soft failure (from a probe or an imported bounce) waits here for its next attempt.\n"
    "\n"
    "  list [--state S]              Entries (S: pending, paused, running, succeeded, expired, failed, cancelled)\n"
    "  run                           Run the scheduler: each entry when it is due, until none is pending\n"
    "  run --due                     Run the entries that are due now, then exit\n"
    "  run --all                     Run every pending entry now, regardless of schedule\n"
    "  run --id N                    Retry entry N now\n"
    "  pause ID | resume ID | cancel ID\n"
    "\n"
    "Exit codes: 0 done (every attempt succeeded), 75 some attempt failed softly, 69 some failed hard,\n"
    "64 usage error, 65 the entry is in a state that does not allow the action, 66 no such entry, 70 store error.");

QTextStream &fail(const QString &message) { return err() << "mailpulse-cli queue: " << message << '\n'; }

QString timeText(const QDateTime &time) { return time.isValid() ? Smtp::toIsoUtc(time) : QStringLiteral("-"); }

void printEntry(const RetryEntry &e, bool json)
{
    if (json) {
        out() << QString::fromUtf8(Smtp::toJsonLine(toJson(e)));
        return;
    }
    out() << '#' << e.id << "  " << entryStateName(e.state) << "  " << e.target << "  "
          << (e.classification.status.isEmpty() ? QStringLiteral("-") : e.classification.status) << ' '
          << Bounce::deliveryClassName(e.classification.cls) << ' ' << e.classification.reason
          << "  attempts=" << e.attempts << "  next=" << timeText(e.nextAttemptAt)
          << "  settings: " << e.settings.describe() << '\n';
}

std::optional<qint64> parseId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

int actionExit(RetryQueue::ActionResult result)
{
    switch (result) {
    case RetryQueue::ActionResult::Done:
        return ExitOk;
    case RetryQueue::ActionResult::NotFound:
        return ExitNoInput;
    case RetryQueue::ActionResult::NotAllowed:
        return ExitDataErr;
    case RetryQueue::ActionResult::Failed:
        return ExitSoftware;
    }
    return ExitSoftware;
}

int runList(RetryQueue &queue, const QCommandLineParser &parser, const GlobalOptions &global)
{
    std::optional<EntryState> state;
    if (parser.isSet(QStringLiteral("state"))) {
        state = entryStateFromName(parser.value(QStringLiteral("state")));
        if (!state) {
            fail(QStringLiteral("--state must be pending, paused, running, succeeded, expired, failed or cancelled"));
            return ExitUsage;
        }
    }
    QString error;
    const QList<RetryEntry> entries = queue.entries(state, true, &error);
    if (!error.isEmpty()) {
        fail(error);
        return ExitSoftware;
    }
    for (const RetryEntry &e : entries)
        printEntry(e, global.json);
    if (!global.json && entries.isEmpty())
        out() << "The retry queue is empty" << (state ? QStringLiteral(" (%1)").arg(entryStateName(*state)) : QString())
              << ".\n";
    out().flush();
    return ExitOk;
}

int runAttempts(Tracking::TrackingPipeline &pipeline, const QCommandLineParser &parser, const GlobalOptions &global)
{
    const bool all = parser.isSet(QStringLiteral("all"));
    const bool due = parser.isSet(QStringLiteral("due"));
    const bool byId = parser.isSet(QStringLiteral("id"));
    if (int(all) + int(due) + int(byId) > 1) {
        fail(QStringLiteral("use only one of --id, --all and --due"));
        return ExitUsage;
    }
    std::optional<qint64> id;
    if (byId) {
        id = parseId(parser.value(QStringLiteral("id")));
        if (!id) {
            fail(QStringLiteral("--id must be an entry number"));
            return ExitUsage;
        }
    }
    Smtp::ProbeEngine::Limits limits;
    for (const auto &[name, field] :
        { std::pair { QStringLiteral("concurrency"), &Smtp::ProbeEngine::Limits::maxConcurrent },
            std::pair { QStringLiteral("per-domain"), &Smtp::ProbeEngine::Limits::maxPerDomain } }) {
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const int n = parser.value(name).toInt(&ok);
        if (!ok || n < 1 || n > 1000) {
            fail(QStringLiteral("--%1 must be 1-1000").arg(name));
            return ExitUsage;
        }
        limits.*field = n;
    }

    SystemClock clock;
    // Every attempt is a probe and its outcome goes where a probe's goes (bounce events, the queue, contacts);
    // the queue sees it as its own attempt.
    RetryQueue &queue = pipeline.retryQueue();
    Tracking::OutcomeRecorder &recorder = pipeline.recorder();
    Smtp::ProbeEngine engine(&clock);
    engine.setLimits(limits);
    RetryScheduler scheduler(queue, recorder, engine, &clock);

    int soft = 0;
    int hard = 0;
    bool storeFailed = false;
    QObject::connect(&scheduler, &RetryScheduler::attemptFinished, &scheduler, [&](const RetryAttemptReport &r) {
        const Bounce::Classification &c = r.result.classification;
        soft += c.cls == Bounce::DeliveryClass::Soft ? 1 : 0;
        hard += c.cls == Bounce::DeliveryClass::Hard ? 1 : 0;
        if (!r.stored) {
            storeFailed = true;
            fail(QStringLiteral("could not record the attempt for entry %1: %2").arg(r.entryId).arg(r.error));
        }
        if (global.json) {
            QJsonObject object = r.entry ? toJson(*r.entry) : QJsonObject { { QStringLiteral("id"), r.entryId } };
            object.insert(QStringLiteral("attempt"),
                QJsonObject {
                    { QStringLiteral("settings"), r.settings.toJson() },
                    { QStringLiteral("alternate"), r.alternate },
                    { QStringLiteral("status"), c.status },
                    { QStringLiteral("class"), Bounce::deliveryClassName(c.cls) },
                    { QStringLiteral("reason"), c.reason },
                    { QStringLiteral("phase"), Smtp::phaseName(r.result.phase) },
                    { QStringLiteral("host"), r.result.host },
                    { QStringLiteral("address"), r.result.address },
                    { QStringLiteral("port"), int(r.result.port) },
                    { QStringLiteral("detail"), r.result.detail },
                });
            out() << QString::fromUtf8(Smtp::toJsonLine(object));
        } else {
            out() << '#' << r.entryId << "  " << r.target << "  " << c.status << ' ' << Bounce::deliveryClassName(c.cls)
                  << ' ' << c.reason << "  with " << r.settings.describe() << (r.alternate ? " (alternate)" : "")
                  << "  -> " << (r.entry ? entryStateName(r.entry->state) : QStringLiteral("?"));
            if (r.entry && r.entry->state == EntryState::Pending)
                out() << ", next " << timeText(r.entry->nextAttemptAt);
            if (r.entry && r.entry->recoveredWithAlternate)
                out() << "; the domain now remembers these settings";
            out() << '\n';
        }
        out().flush();
    });

    QString error;
    if (id) {
        const std::optional<RetryEntry> entry = queue.entry(*id, false, &error);
        if (!error.isEmpty()) {
            fail(error);
            return ExitSoftware;
        }
        if (!entry) {
            fail(QStringLiteral("no queue entry %1").arg(*id));
            return ExitNoInput;
        }
        if (!scheduler.recover(&error)) {
            fail(error);
            return ExitSoftware;
        }
        if (queue.retryNow(*id, &error) != RetryQueue::ActionResult::Done) {
            fail(error);
            return ExitDataErr;
        }
    } else if (!scheduler.recover(&error)) {
        fail(error);
        return ExitSoftware;
    }

    // One-shot modes end when the scheduler drains; the automatic mode when nothing is left pending.
    const bool automatic = !all && !due && !id;
    QObject::connect(&scheduler, &RetryScheduler::drained, &scheduler, [&] {
        if (!automatic || queue.count(EntryState::Pending) <= 0)
            QCoreApplication::exit(0);
    });
    if (automatic) {
        if (!scheduler.start(&error)) {
            fail(error);
            return ExitSoftware;
        }
        if (!scheduler.isBusy() && queue.count(EntryState::Pending) <= 0) {
            if (!global.json)
                out() << "Nothing pending in the retry queue.\n";
            return ExitOk;
        }
        if (!global.json && !scheduler.isBusy())
            out() << "Waiting for the next entry, due " << timeText(queue.nextDueAt()) << '\n';
        out().flush();
    } else {
        const int queued = id ? scheduler.runEntries({ *id }) : all ? scheduler.runAll() : scheduler.runDue();
        if (!scheduler.isBusy()) {
            if (!global.json)
                out() << (queued == 0 ? "Nothing to run.\n" : "");
            out().flush();
            return ExitOk;
        }
    }
    QCoreApplication::exec();

    if (storeFailed)
        return ExitSoftware;
    if (hard > 0)
        return ExitUnavailable;
    if (soft > 0)
        return ExitTempFail;
    return ExitOk;
}

} // namespace

int runQueue(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(kDescription);
    addGlobalOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("ACTION"), QStringLiteral("list, run, pause, resume or cancel"), QStringLiteral("ACTION [ID]"));
    parser.addOption(
        { QStringLiteral("state"), QStringLiteral("list: only entries in this state."), QStringLiteral("S") });
    parser.addOption({ QStringLiteral("id"), QStringLiteral("run: retry this entry now."), QStringLiteral("N") });
    parser.addOption(
        { QStringLiteral("all"), QStringLiteral("run: every pending entry now, regardless of schedule.") });
    parser.addOption({ QStringLiteral("due"), QStringLiteral("run: the entries due now, then exit.") });
    parser.addOption(
        { QStringLiteral("concurrency"), QStringLiteral("run: probes at once (default 16)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("per-domain"), QStringLiteral("run: probes at once per domain (default 2)."),
        QStringLiteral("N") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    static const QStringList kActions = { QStringLiteral("list"), QStringLiteral("run"), QStringLiteral("pause"),
        QStringLiteral("resume"), QStringLiteral("cancel") };
    if (!kActions.contains(action)) {
        fail(action.isEmpty() ? QStringLiteral("no ACTION given") : QStringLiteral("unknown action '%1'").arg(action))
            << '\n'
            << helpText(parser);
        return ExitUsage;
    }
    const bool needsId = action == u"pause" || action == u"resume" || action == u"cancel";
    std::optional<qint64> id;
    if (needsId) {
        id = parseId(positional.value(1));
        if (!id || positional.size() != 2) {
            fail(QStringLiteral("%1 needs exactly one entry ID").arg(action));
            return ExitUsage;
        }
    } else if (positional.size() > 1) {
        fail(QStringLiteral("%1 takes no further arguments").arg(action));
        return ExitUsage;
    }

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        fail(QStringLiteral("cannot open the store %1: %2").arg(global.dbPath, error));
        return ExitSoftware;
    }
    SystemClock clock;
    Tracking::TrackingPipeline pipeline(db, clock);
    RetryQueue &queue = pipeline.retryQueue();

    if (action == u"list")
        return runList(queue, parser, global);
    if (action == u"run")
        return runAttempts(pipeline, parser, global);

    RetryQueue::ActionResult result = RetryQueue::ActionResult::Failed;
    if (action == u"pause")
        result = queue.pause(*id, &error);
    else if (action == u"resume")
        result = queue.resume(*id, &error);
    else
        result = queue.cancel(*id, &error);
    if (result != RetryQueue::ActionResult::Done) {
        fail(error);
        return actionExit(result);
    }
    const std::optional<RetryEntry> entry = queue.entry(*id, true, &error);
    if (entry)
        printEntry(*entry, global.json);
    out().flush();
    return ExitOk;
}

} // namespace Mailpulse::Cli
