#pragma once

#include <QString>
#include <QTimeZone>

#include "common/clock.h"
#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

namespace Mailpulse::Test
{

/// A clock the test moves by hand.
class FakeClock final : public Clock
{
public:
    explicit FakeClock(QDateTime start = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC))
        : m_now(std::move(start))
    {
    }
    QDateTime now() const override { return m_now; }
    void advanceSecs(qint64 secs) { m_now = m_now.addSecs(secs); }
    void set(const QDateTime &t) { m_now = t; }

private:
    QDateTime m_now;
};

/// Runs one probe on a fresh ProbeEngine and waits for its result while the event loop runs (so a lab in the test
/// process can answer). A probe that does not finish within `timeoutMs` is a test failure (qFatal).
Smtp::ProbeResult runProbe(
    const Clock *clock, const QString &target, const Smtp::ProbeConfig &config, int timeoutMs = 40000);

/// Path of the built mailpulse-cli.
QString cliPath();
/// Source tree root.
QString sourceDir();

} // namespace Mailpulse::Test
