// Helpers for the tests of the desktop views (tests/ui).
#pragma once

#include <memory>

#include <QSignalSpy>

#include "common/clock.h"
#include "smtp/proberesult.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"

namespace Mailpulse::Test
{

/// Asks a view that reads the store on a worker thread (dashboard, retry queue, contacts) to re-read it, and waits
/// until its refreshed() says the table shows the store as it is now.
template <typename View> bool reloaded(View &view, int timeoutMs = 10000)
{
    QSignalSpy spy(&view, &View::refreshed);
    view.refresh();
    return spy.wait(timeoutMs);
}

/// A store as the views show it after a few probes: one soft failure (a retry entry) and one hard failure (a listed
/// contact), recorded through the standard pipeline.
class SeededStore final
{
public:
    SeededStore(const QString &path, const Clock &clock)
    {
        if (!database.open(path, &error))
            return;
        pipeline = std::make_unique<Tracking::TrackingPipeline>(database, clock);
        for (const auto &[target, status, cls] :
            { std::tuple { QStringLiteral("soft@grey.test"), QStringLiteral("4.7.1"), Bounce::DeliveryClass::Soft },
                std::tuple {
                    QStringLiteral("hard@unknown.test"), QStringLiteral("5.1.1"), Bounce::DeliveryClass::Hard } }) {
            Smtp::ProbeResult r;
            r.target = target;
            r.domain = target.section(u'@', -1);
            r.classification = { status, cls, QStringLiteral("rejected") };
            r.startedAt = clock.now();
            r.phase = Smtp::Phase::Rcpt;
            r.recipients.append({ target, r.classification, std::nullopt });
            if (!pipeline->recorder().recordProbe(r, {}, nullptr, &error))
                return;
        }
        ok = true;
    }

    Store::Database database;
    std::unique_ptr<Tracking::TrackingPipeline> pipeline;
    bool ok = false;
    QString error;
};

} // namespace Mailpulse::Test
