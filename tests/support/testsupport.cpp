#include "testsupport.h"

#include <QSignalSpy>
#include <QTimeZone>

#include "smtp/probeengine.h"

namespace Mailpulse::Test
{

Smtp::ProbeResult runProbe(const Clock *clock, const QString &target, const Smtp::ProbeConfig &config, int timeoutMs)
{
    Smtp::ProbeEngine engine(clock);
    QSignalSpy finished(&engine, &Smtp::ProbeEngine::probeFinished);
    const auto parsed = Smtp::ProbeTarget::parse(target);
    if (!parsed)
        qFatal("bad target in test: %s", qPrintable(target));
    engine.enqueue(*parsed, config);
    if (!finished.wait(timeoutMs) && finished.isEmpty())
        qFatal("probe of %s did not finish", qPrintable(target));
    return finished.first().at(1).value<Smtp::ProbeResult>();
}

QString cliPath() { return QStringLiteral(MAILPULSE_CLI_PATH); }

QString sourceDir() { return QStringLiteral(MAILPULSE_SOURCE_DIR); }

} // namespace Mailpulse::Test
