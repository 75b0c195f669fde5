#include "queue/retryladder.h"

#include <QHostAddress>

#include "smtp/hostport.h"

namespace Mailpulse::Queue
{

using Smtp::IpFamily;
using Smtp::ProbeConfig;
using Smtp::TlsMode;

namespace
{

bool overrideIsAddress(const ProbeConfig &base)
{
    if (base.mxOverride.isEmpty())
        return false;
    const auto hostPort = Smtp::HostPort::parse(base.mxOverride);
    return hostPort && !QHostAddress(hostPort->host).isNull();
}

void appendUnique(QList<RetrySettings> &list, const RetrySettings &settings)
{
    for (const RetrySettings &s : std::as_const(list)) {
        if (s.sameChoice(settings))
            return;
    }
    list.append(settings);
}

} // namespace

bool RetryLadder::isConnectionClass(const Bounce::Classification &c)
{
    return c.cls == Bounce::DeliveryClass::Soft
        && (c.status.startsWith(QLatin1String("4.4.")) || c.status == u"4.7.4" || c.status == u"4.7.5");
}

QList<RetrySettings> RetryLadder::alternates(const ProbeConfig &base)
{
    const RetrySettings origin = RetrySettings::of(base);
    QList<RetrySettings> rungs;
    if (base.mxOverride.isEmpty()) {
        RetrySettings s = origin;
        s.mxSkip = base.mxSkip + 1;
        rungs.append(s);
    }
    if (!base.portPinned) {
        // RFC 8314: 465 speaks TLS from the first byte; 587 and 25 speak STARTTLS.
        for (const quint16 port : { quint16(587), quint16(465), quint16(25) }) {
            if (port == base.port)
                continue;
            RetrySettings s = origin;
            s.port = port;
            if (port == 465)
                s.tlsMode = TlsMode::Implicit;
            else if (base.tlsMode == TlsMode::Implicit)
                s.tlsMode = TlsMode::StartTls;
            if (base.tlsPinned && s.tlsMode != base.tlsMode)
                continue;
            rungs.append(s);
        }
    }
    if (!base.tlsPinned && base.tlsMode != TlsMode::Implicit) {
        RetrySettings s = origin;
        // A broken STARTTLS is cured by plain SMTP, a plain session refused for policy by STARTTLS.
        s.tlsMode = base.tlsMode == TlsMode::None ? TlsMode::StartTls : TlsMode::None;
        rungs.append(s);
    }
    if (base.ipFamily == IpFamily::Any && !overrideIsAddress(base)) {
        for (const IpFamily family : { IpFamily::IPv4, IpFamily::IPv6 }) {
            RetrySettings s = origin;
            s.ipFamily = family;
            rungs.append(s);
        }
    }
    return rungs;
}

QList<RetrySettings> RetryLadder::cycle(const ProbeConfig &base, const std::optional<RetrySettings> &remembered)
{
    const RetrySettings origin = RetrySettings::of(base);
    QList<RetrySettings> list;
    if (remembered) {
        // Take from what worked before only what this probe leaves free.
        RetrySettings s = origin;
        if (base.mxOverride.isEmpty())
            s.mxSkip = remembered->mxSkip;
        if (!base.portPinned)
            s.port = remembered->port;
        if (!base.tlsPinned)
            s.tlsMode = remembered->tlsMode;
        if (base.ipFamily == IpFamily::Any && !overrideIsAddress(base))
            s.ipFamily = remembered->ipFamily;
        if (s.port == 465 && base.tlsPinned && base.tlsMode != TlsMode::Implicit)
            s.port = origin.port;
        if (!s.sameChoice(origin))
            list.append(s);
    }
    for (const RetrySettings &s : alternates(base))
        appendUnique(list, s);
    appendUnique(list, origin);
    return list;
}

RetrySettings RetryLadder::settingsForStep(
    const ProbeConfig &base, int step, const std::optional<RetrySettings> &remembered)
{
    const QList<RetrySettings> list = cycle(base, remembered);
    return list.at(qsizetype(std::max(0, step)) % list.size());
}

bool RetryLadder::isAlternate(const ProbeConfig &base, const RetrySettings &settings)
{
    return !settings.sameChoice(RetrySettings::of(base));
}

} // namespace Mailpulse::Queue
