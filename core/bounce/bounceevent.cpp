#include "bounceevent.h"

namespace Mailpulse::Bounce
{

QString bounceSourceName(BounceSource source)
{
    switch (source) {
    case BounceSource::Probe:
        return QStringLiteral("probe");
    case BounceSource::Dsn:
        return QStringLiteral("dsn");
    case BounceSource::Log:
        return QStringLiteral("log");
    }
    return {};
}

std::optional<BounceSource> bounceSourceFromName(QStringView name)
{
    for (BounceSource s : { BounceSource::Probe, BounceSource::Dsn, BounceSource::Log }) {
        if (name == bounceSourceName(s))
            return s;
    }
    return std::nullopt;
}

} // namespace Mailpulse::Bounce
