#include "dns/mxresolver.h"

#include <algorithm>
#include <functional>
#include <utility>

#include <QDnsLookup>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace Mailpulse::Dns
{

namespace
{

// Debug output (every query) only on request: QT_LOGGING_RULES="mailpulse.dns.debug=true".
Q_LOGGING_CATEGORY(lcDns, "mailpulse.dns", QtInfoMsg)

// glibc never reports a timeout sooner than one second (its smallest per-try timeout), so an "invalid reply"
// faster than this is a real answer without records (NODATA) or an unreachable server, never a timeout.
constexpr qint64 kFastReplyMs = 1000;
// RFC 1035 §2.3.4: 253 characters in the presentation form without the trailing dot.
constexpr qsizetype kMaxNameLength = 253;

/// What one query told us, reduced to what the resolution needs to decide.
enum class Outcome {
    Records, // NoError with records
    NoData, // the name exists without records of this type
    Ambiguous, // Qt 6.4 "invalid reply" in under a second: NODATA, or a server that refused the packet (ICMP)
    NxDomain, // the name does not exist
    Failed, // SERVFAIL, REFUSED, a resolver timeout, an undecodable reply
};

/// Qt 6.4 folds NODATA into InvalidReplyError: res_nquery() returns -1 for an answer without records and Qt then
/// rejects the (complete) reply as too short. A timed-out or refused query gives the same error, so the error
/// alone cannot tell "this name has no MX" from "the server did not answer"; time and a liveness check can.
Outcome outcomeOf(const QDnsLookup &lookup, qint64 elapsedMs)
{
    switch (lookup.error()) {
    case QDnsLookup::NoError: {
        const bool empty = lookup.mailExchangeRecords().isEmpty() && lookup.hostAddressRecords().isEmpty()
            && lookup.textRecords().isEmpty() && lookup.canonicalNameRecords().isEmpty();
        return empty ? Outcome::NoData : Outcome::Records;
    }
    case QDnsLookup::NotFoundError:
        return Outcome::NxDomain;
    case QDnsLookup::InvalidReplyError:
        return elapsedMs < kFastReplyMs ? Outcome::Ambiguous : Outcome::Failed;
    default:
        return Outcome::Failed;
    }
}

/// Lower-case ACE form without the trailing dot; empty when the name is not a valid domain name.
QString normalizeName(const QString &name)
{
    QString n = name.trimmed().toLower();
    if (n.endsWith(u'.'))
        n.chop(1);
    if (n.isEmpty())
        return {};
    const QString ace = QString::fromLatin1(QUrl::toAce(n));
    if (ace.isEmpty() || ace.size() > kMaxNameLength || ace.startsWith(u'.') || ace.contains(QLatin1String("..")))
        return {};
    return ace;
}

/// An address literal as given to resolveHost/resolveDomain ("192.0.2.1", "::1", "[::1]"); null otherwise.
QHostAddress literalAddress(const QString &text)
{
    QString t = text.trimmed();
    if (t.startsWith(u'[') && t.endsWith(u']'))
        t = t.mid(1, t.size() - 2);
    if (t.startsWith(QLatin1String("IPv6:"), Qt::CaseInsensitive)) // RFC 5321 §4.1.3 address literal tag
        t = t.mid(5);
    return QHostAddress(t);
}

QString errorText(const QDnsLookup &lookup)
{
    return lookup.errorString().isEmpty() ? QStringLiteral("error %1").arg(int(lookup.error())) : lookup.errorString();
}

/// One resolution: its queries, its timer, its results. The QDnsLookups are its children, so deleting it (after
/// abort(), a new resolve call or the resolver's destruction) drops every query at once, including the late result
/// of a query that Qt 6.4 keeps running in its thread pool: a queued result for a deleted QDnsLookup is discarded.
class Resolution final : public QObject
{
public:
    using Done = std::function<void(const MxResolution &)>;

    Resolution(const QHostAddress &nameserver, int timeoutMs, int maxHosts, Done done, QObject *parent)
        : QObject(parent)
        , m_nameserver(nameserver)
        , m_timeoutMs(std::max(1, timeoutMs))
        , m_maxHosts(std::max(1, maxHosts))
        , m_done(std::move(done))
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Resolution::onTimeout);
    }

    void startDomain(const QString &domain)
    {
        const QHostAddress literal = literalAddress(domain);
        if (!literal.isNull()) {
            finishLiteral(literal);
            return;
        }
        m_name = normalizeName(domain);
        if (m_name.isEmpty()) {
            finishLater(
                MxResolution::Status::NxDomain, QStringLiteral("\"%1\" is not a valid domain name").arg(domain));
            return;
        }
        m_stage = Stage::Mx;
        m_timer.start(m_timeoutMs);
        query(QDnsLookup::MX, m_name, [this](QDnsLookup *lookup, Outcome outcome) { onMx(lookup, outcome); });
    }

    void startHost(const QString &host)
    {
        const QHostAddress literal = literalAddress(host);
        if (!literal.isNull()) {
            finishLiteral(literal);
            return;
        }
        m_name = normalizeName(host);
        if (m_name.isEmpty()) {
            finishLater(MxResolution::Status::NxDomain, QStringLiteral("\"%1\" is not a valid host name").arg(host));
            return;
        }
        m_stage = Stage::Host;
        MxHost target;
        target.name = m_name;
        resolveAddresses({ target });
    }

    /// After this nothing is reported any more; pending queries are dropped with this object.
    void cancel()
    {
        m_finished = true;
        m_timer.stop();
    }

private:
    enum class Stage { Idle, Mx, MxHosts, Implicit, Host, Liveness };

    /// Addresses of one candidate host, and what its A and AAAA queries said.
    struct Target {
        MxHost host;
        QList<QHostAddress> v4;
        QList<QHostAddress> v6;
        QList<Outcome> outcomes;
        QStringList errors;
    };

    void query(QDnsLookup::Type type, const QString &name, std::function<void(QDnsLookup *, Outcome)> handler)
    {
        auto *lookup = new QDnsLookup(type, name, m_nameserver, this);
        const qint64 started = m_clock.elapsed();
        connect(lookup, &QDnsLookup::finished, this, [this, lookup, started, handler = std::move(handler)] {
            lookup->deleteLater();
            if (m_finished)
                return;
            const Outcome outcome = outcomeOf(*lookup, m_clock.elapsed() - started);
            if (outcome == Outcome::Records || outcome == Outcome::NoData || outcome == Outcome::NxDomain)
                m_serverAnswered = true;
            handler(lookup, outcome);
        });
        qCDebug(lcDns).noquote() << "query" << type << name << "via"
                                 << (m_nameserver.isNull() ? QStringLiteral("system resolver")
                                                           : m_nameserver.toString());
        lookup->lookup();
    }

    void onMx(QDnsLookup *lookup, Outcome outcome)
    {
        switch (outcome) {
        case Outcome::NxDomain:
            finish(MxResolution::Status::NxDomain, QStringLiteral("%1 does not exist (NXDOMAIN)").arg(m_name));
            return;
        case Outcome::Failed:
            // A slow "invalid reply" is a resolver timeout, or an empty answer that waited behind a slow recursion
            // or in Qt's small lookup thread pool. One more query tells them apart: by now a recursive resolver has
            // the answer cached and a real NODATA comes back fast, while a dead path stays slow.
            // The retry runs on what is left of the MX query's timeout, so a dead server costs no extra time.
            if (lookup->error() == QDnsLookup::InvalidReplyError && !m_mxRetried) {
                m_mxRetried = true;
                query(QDnsLookup::MX, m_name, [this](QDnsLookup *retry, Outcome again) { onMx(retry, again); });
                return;
            }
            finish(MxResolution::Status::TempFail,
                QStringLiteral("MX lookup for %1 failed: %2").arg(m_name, errorText(*lookup)));
            return;
        case Outcome::NoData:
        case Outcome::Ambiguous: {
            // RFC 5321 §5.1: without MX records the domain itself is the host (an "implicit MX").
            m_stage = Stage::Implicit;
            MxHost target;
            target.name = m_name;
            target.implicitMx = true;
            resolveAddresses({ target });
            return;
        }
        case Outcome::Records:
            break;
        }

        QList<MxHost> hosts;
        bool nullMx = false;
        for (const QDnsMailExchangeRecord &record : lookup->mailExchangeRecords()) {
            // Qt hands the exchange back through QUrl::fromAce(); the root "." arrives as "" (or ".").
            const QString exchange = record.exchange();
            if (exchange.isEmpty() || exchange == QLatin1String(".")) {
                nullMx = true;
                continue;
            }
            const QString name = normalizeName(exchange);
            if (name.isEmpty()) {
                qCDebug(lcDns).noquote() << "ignoring the unusable MX target" << exchange << "of" << m_name;
                continue;
            }
            auto same = std::find_if(hosts.begin(), hosts.end(), [&](const MxHost &h) { return h.name == name; });
            if (same != hosts.end()) {
                same->preference = std::min(same->preference, record.preference());
                continue;
            }
            MxHost host;
            host.name = name;
            host.preference = record.preference();
            hosts.append(host);
        }
        if (hosts.isEmpty()) {
            if (nullMx) {
                finish(MxResolution::Status::NullMx,
                    QStringLiteral("%1 does not accept mail (null MX, RFC 7505)").arg(m_name));
            } else {
                finish(MxResolution::Status::NoHosts, QStringLiteral("%1 has no usable MX records").arg(m_name));
            }
            return;
        }
        if (nullMx) // RFC 7505 §3 forbids mixing; the real hosts are the better guess of what the owner meant
            qCInfo(lcDns).noquote() << m_name << "publishes a null MX next to other MX records; ignoring the null MX";

        // RFC 5321 §5.1: equal preferences are tried in random order, so shuffle first and sort stably.
        std::shuffle(hosts.begin(), hosts.end(), *QRandomGenerator::global());
        std::stable_sort(
            hosts.begin(), hosts.end(), [](const MxHost &a, const MxHost &b) { return a.preference < b.preference; });
        if (hosts.size() > m_maxHosts)
            hosts.resize(m_maxHosts);
        m_stage = Stage::MxHosts;
        resolveAddresses(hosts);
    }

    void resolveAddresses(const QList<MxHost> &hosts)
    {
        m_targets.clear();
        for (const MxHost &host : hosts)
            m_targets.append(Target { host, {}, {}, {}, {} });
        m_pending = 2 * m_targets.size();
        m_timer.start(m_timeoutMs);
        for (qsizetype i = 0; i < m_targets.size(); ++i) {
            for (const QDnsLookup::Type type : { QDnsLookup::A, QDnsLookup::AAAA }) {
                query(type, m_targets.at(i).host.name,
                    [this, i](QDnsLookup *lookup, Outcome outcome) { onAddress(i, lookup, outcome); });
            }
        }
    }

    void onAddress(qsizetype index, QDnsLookup *lookup, Outcome outcome)
    {
        Target &target = m_targets[index];
        target.outcomes.append(outcome);
        if (outcome == Outcome::Failed)
            target.errors.append(
                QStringLiteral("%1 %2: %3")
                    .arg(lookup->type() == QDnsLookup::A ? QStringLiteral("A") : QStringLiteral("AAAA"),
                        target.host.name, errorText(*lookup)));
        for (const QDnsHostAddressRecord &record : lookup->hostAddressRecords()) {
            const QHostAddress address = record.value();
            QList<QHostAddress> &list = address.protocol() == QAbstractSocket::IPv6Protocol ? target.v6 : target.v4;
            if (!list.contains(address))
                list.append(address);
        }
        if (--m_pending == 0)
            addressesDone(false);
    }

    /// All A/AAAA queries answered (or the timer ran out: `timedOut`). Decides the outcome of the resolution.
    void addressesDone(bool timedOut)
    {
        QList<MxHost> usable;
        bool anyFailed = timedOut;
        bool anyNxDomain = false;
        bool allDefinitive = !timedOut;
        QStringList errors;
        for (Target &target : m_targets) {
            // IPv4 before IPv6: IPv6 paths to MX hosts are still more often broken than IPv4 ones, and receivers
            // judge IPv6 senders more strictly (PTR, reputation); the probe's IP family setting can exclude either.
            target.host.addresses = target.v4 + target.v6;
            if (!target.host.addresses.isEmpty())
                usable.append(target.host);
            for (const Outcome o : std::as_const(target.outcomes)) {
                anyFailed = anyFailed || o == Outcome::Failed;
                anyNxDomain = anyNxDomain || o == Outcome::NxDomain;
                allDefinitive = allDefinitive && o != Outcome::Ambiguous;
            }
            errors += target.errors;
        }
        if (!usable.isEmpty()) {
            if (usable.size() < m_targets.size())
                qCInfo(lcDns).noquote() << m_name << ":" << m_targets.size() - usable.size()
                                        << "MX host(s) without an address dropped" << (timedOut ? "(timed out)" : "");
            finish(MxResolution::Status::Ok, {}, usable);
            return;
        }

        QString what = m_stage == Stage::MxHosts ? QStringLiteral("no MX host of %1 has an address").arg(m_name)
                                                 : QStringLiteral("%1 has no address").arg(m_name);
        if (anyFailed) {
            finish(MxResolution::Status::TempFail,
                timedOut ? QStringLiteral("address lookup for %1 timed out").arg(m_name)
                         : QStringLiteral("%1: %2").arg(what, errors.join(QLatin1String("; "))));
            return;
        }
        // The domain itself (implicit MX or --mx host) without records: NXDOMAIN if any query said so.
        if (m_stage != Stage::MxHosts && anyNxDomain) {
            finish(MxResolution::Status::NxDomain, QStringLiteral("%1 does not exist (NXDOMAIN)").arg(m_name));
            return;
        }
        if (m_stage == Stage::Implicit)
            what = QStringLiteral("%1 has no MX records and no address").arg(m_name);
        if (allDefinitive || m_serverAnswered) {
            finish(MxResolution::Status::NoHosts, what);
            return;
        }
        checkLiveness(what);
    }

    /// Every answer was an ambiguous "invalid reply": ask for a name that cannot exist. A server that answers it
    /// (NXDOMAIN, or records from a wildcard) is alive, so the empty answers were real; otherwise it is a TempFail.
    /// Erring this way keeps a dead nameserver from turning into a hard "host unknown".
    void checkLiveness(const QString &what)
    {
        const QString probe = QStringLiteral("mailpulse-check-%1.%2")
                                  .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'))
                                  .arg(m_name);
        if (probe.size() > kMaxNameLength) {
            finish(
                MxResolution::Status::TempFail, QStringLiteral("%1 (no usable answer from the nameserver)").arg(what));
            return;
        }
        m_stage = Stage::Liveness;
        m_timer.start(m_timeoutMs);
        query(QDnsLookup::A, probe, [this, what](QDnsLookup *lookup, Outcome outcome) {
            if (outcome == Outcome::NxDomain || outcome == Outcome::Records || outcome == Outcome::NoData) {
                finish(MxResolution::Status::NoHosts, what);
            } else {
                finish(MxResolution::Status::TempFail,
                    QStringLiteral("%1, and the nameserver does not answer reliably: %2")
                        .arg(what, errorText(*lookup)));
            }
        });
    }

    void onTimeout()
    {
        if (m_finished)
            return;
        switch (m_stage) {
        case Stage::MxHosts:
        case Stage::Implicit:
        case Stage::Host:
            addressesDone(true);
            return;
        case Stage::Mx:
            finish(MxResolution::Status::TempFail,
                QStringLiteral("MX lookup for %1 timed out after %2 ms").arg(m_name).arg(m_timeoutMs));
            return;
        case Stage::Liveness:
        case Stage::Idle:
            finish(MxResolution::Status::TempFail,
                QStringLiteral("the nameserver did not answer within %1 ms").arg(m_timeoutMs));
            return;
        }
    }

    void finishLiteral(const QHostAddress &address)
    {
        MxHost host;
        host.name = address.toString();
        host.addresses = { address };
        m_name = host.name;
        finishLater(MxResolution::Status::Ok, {}, { host });
    }

    /// Keeps finished() asynchronous even when no query is needed: callers connect after calling resolve*().
    void finishLater(MxResolution::Status status, const QString &error, const QList<MxHost> &hosts = {})
    {
        QTimer::singleShot(0, this, [this, status, error, hosts] { finish(status, error, hosts); });
    }

    void finish(MxResolution::Status status, const QString &error, const QList<MxHost> &hosts = {})
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        MxResolution resolution;
        resolution.status = status;
        resolution.hosts = hosts;
        resolution.error = error;
        resolution.elapsedMs = m_clock.elapsed();
        qCDebug(lcDns).noquote() << m_name << "resolved:" << int(status) << hosts.size() << "host(s)" << error
                                 << resolution.elapsedMs << "ms";
        m_done(resolution); // may delete this (deferred) and start a new resolution; nothing may follow
    }

    QHostAddress m_nameserver;
    int m_timeoutMs;
    int m_maxHosts;
    Done m_done;
    QElapsedTimer m_clock;
    QTimer m_timer;
    Stage m_stage = Stage::Idle;
    QString m_name;
    QList<Target> m_targets;
    qsizetype m_pending = 0;
    bool m_serverAnswered = false; // some query got a definitive answer: the nameserver is alive
    bool m_mxRetried = false;
    bool m_finished = false;
};

} // namespace

struct MxResolver::Private {
    QHostAddress nameserver;
    int timeoutMs = 10'000;
    int maxHosts = 10;
    QPointer<Resolution> current;

    void drop()
    {
        if (!current)
            return;
        current->cancel();
        current->deleteLater();
        current = nullptr;
    }
};

MxResolver::MxResolver(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<Mailpulse::Dns::MxResolution>();
}

MxResolver::~MxResolver()
{
    if (d->current)
        d->current->cancel(); // deleted with the other children by ~QObject
}

void MxResolver::setNameserver(const QHostAddress &nameserver)
{
    if (nameserver.protocol() == QAbstractSocket::IPv6Protocol)
        qCWarning(lcDns).noquote() << "Qt 6.4 ignores IPv6 nameservers such as" << nameserver.toString()
                                   << "and uses the system resolver instead; use an IPv4 nameserver";
    d->nameserver = nameserver;
}

void MxResolver::setTimeout(int ms) { d->timeoutMs = ms; }

void MxResolver::setMaxHosts(int count) { d->maxHosts = count; }

QHostAddress MxResolver::nameserver() const { return d->nameserver; }

int MxResolver::timeout() const { return d->timeoutMs; }

int MxResolver::maxHosts() const { return d->maxHosts; }

bool MxResolver::isRunning() const { return !d->current.isNull(); }

void MxResolver::resolveDomain(const QString &domain)
{
    d->drop();
    auto *resolution = new Resolution(
        d->nameserver, d->timeoutMs, d->maxHosts, [this](const MxResolution &result) { onResolutionDone(result); },
        this);
    d->current = resolution;
    resolution->startDomain(domain);
}

void MxResolver::resolveHost(const QString &host)
{
    d->drop();
    auto *resolution = new Resolution(
        d->nameserver, d->timeoutMs, d->maxHosts, [this](const MxResolution &result) { onResolutionDone(result); },
        this);
    d->current = resolution;
    resolution->startHost(host);
}

void MxResolver::abort() { d->drop(); }

void MxResolver::onResolutionDone(const MxResolution &resolution)
{
    d->drop(); // before emitting: a receiver may start the next resolution or delete this resolver
    Q_EMIT finished(resolution);
}

} // namespace Mailpulse::Dns
