#include "probeengine.h"

#include <algorithm>

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTimer>

#include "bounce/classifier.h"
#include "dns/mxresolver.h"
#include "smtp/hostport.h"
#include "smtp/smtpprobe.h"

Q_DECLARE_LOGGING_CATEGORY(lcSmtp)

namespace Mailpulse::Smtp
{

using Bounce::Classifier;
using Bounce::Failure;

namespace
{

bool isConnectionClass(const Bounce::Classification &c) { return c.status.startsWith(QLatin1String("4.4.")); }

} // namespace

/// One probe from DNS to the last MX host tried. Owns the resolver and the current SmtpProbe.
class ProbeEngine::Task final : public QObject
{
public:
    Task(ProbeEngine *engine, quint64 id, const ProbeTarget &target, const ProbeConfig &config)
        : QObject(engine)
        , m_engine(engine)
        , m_id(id)
        , m_target(target)
        , m_config(config)
    {
        m_result.target = target.input;
        m_result.domain = target.domain;
        m_result.port = config.port;
        m_result.tlsMode = config.tlsMode;
        m_result.recipients.clear();
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, &Task::onDeadline);
    }

    quint64 id() const { return m_id; }
    const QString &domain() const { return m_target.domain; }

    void start()
    {
        m_result.startedAt = m_engine->m_clock->now();
        m_clock.start();
        m_deadline.start(m_config.timeouts.totalMs);
        Q_EMIT m_engine->probeStarted(m_id, m_target.input);

        // The CLI validated --mx; an unparsable override from elsewhere is treated as a host name.
        const HostPort mx = HostPort::parse(m_config.mxOverride).value_or(HostPort { m_config.mxOverride, 0 });
        if (mx.port != 0)
            m_config.port = mx.port;
        m_result.port = m_config.port;

        QString host = mx.host;
        if (host.isEmpty() && m_target.domain.startsWith(u'['))
            host = m_target.domain.mid(1, m_target.domain.size() - 2); // user@[127.0.0.1]: an address literal
        QHostAddress literal(host);
        // RFC 6761 §6.3: "localhost" names are loopback without asking DNS (QDnsLookup never reads /etc/hosts).
        if (host.compare(u"localhost", Qt::CaseInsensitive) == 0 || host.endsWith(u".localhost", Qt::CaseInsensitive))
            literal = QHostAddress(QHostAddress::LocalHost);
        if (!host.isEmpty() && !literal.isNull()) {
            info(QStringLiteral("Using %1 (no DNS)").arg(host));
            m_endpoints.append({ host, literal, m_config.port });
            tryNext();
            return;
        }

        m_resolver = new Dns::MxResolver(this);
        if (!m_config.nameserver.isEmpty())
            m_resolver->setNameserver(QHostAddress(m_config.nameserver));
        m_resolver->setTimeout(m_config.timeouts.dnsMs);
        connect(m_resolver, &Dns::MxResolver::finished, this, &Task::onResolved);
        if (!host.isEmpty()) {
            info(QStringLiteral("Resolving the addresses of %1").arg(host));
            m_resolver->resolveHost(host);
        } else {
            info(QStringLiteral("Resolving the MX hosts of %1").arg(m_target.domain));
            m_resolver->resolveDomain(m_target.domain);
        }
    }

    void cancel()
    {
        if (m_done)
            return;
        if (!m_clock.isValid()) { // cancelled before it started
            m_clock.start();
            m_result.startedAt = m_engine->m_clock->now();
        }
        if (m_probe) {
            m_probe->abort(QStringLiteral("cancelled"));
            return;
        }
        fail(Failure::ConnectionLost, m_result.phase, QStringLiteral("cancelled"));
    }

private:
    void onResolved(const Dns::MxResolution &resolution)
    {
        m_result.timings.dns = resolution.elapsedMs;
        using Status = Dns::MxResolution::Status;
        switch (resolution.status) {
        case Status::NxDomain:
        case Status::NoHosts:
            fail(Failure::HostUnknown, Phase::Dns, resolution.error);
            return;
        case Status::NullMx:
            fail(Failure::NullMx, Phase::Dns, resolution.error);
            return;
        case Status::TempFail:
            fail(Failure::DnsError, Phase::Dns, resolution.error);
            return;
        case Status::Ok:
            break;
        }
        int hosts = 0;
        // The retry ladder's "next MX": start further down the list, but always keep the last host, so that a
        // domain with a single MX host is still probed.
        const qsizetype skip
            = std::clamp<qsizetype>(m_config.mxSkip, 0, std::max<qsizetype>(0, resolution.hosts.size() - 1));
        for (qsizetype i = 0; i < skip; ++i)
            info(QStringLiteral("Skipping MX %1 (retry with the next MX host)").arg(resolution.hosts.at(i).name));
        for (const Dns::MxHost &mx : resolution.hosts.mid(skip)) {
            if (hosts++ >= m_config.maxMxHosts)
                break;
            info(mx.implicitMx ? QStringLiteral("No MX records: using %1 itself").arg(mx.name)
                               : QStringLiteral("MX %1 %2").arg(mx.preference).arg(mx.name));
            for (const QHostAddress &address : mx.addresses) {
                const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
                if ((m_config.ipFamily == IpFamily::IPv4 && v6) || (m_config.ipFamily == IpFamily::IPv6 && !v6))
                    continue;
                m_endpoints.append({ mx.name, address, m_config.port });
            }
        }
        if (m_endpoints.isEmpty()) {
            fail(Failure::HostUnknown, Phase::Dns,
                QStringLiteral("no %1 address for any MX host").arg(ipFamilyName(m_config.ipFamily)));
            return;
        }
        tryNext();
    }

    void tryNext()
    {
        const qint64 remaining = m_config.timeouts.totalMs - m_clock.elapsed();
        if (m_next >= m_endpoints.size() || remaining <= 0) {
            finish();
            return;
        }
        const SmtpProbe::Endpoint endpoint = m_endpoints.at(m_next++);
        m_result.hostsTried
            << QStringLiteral("%1[%2]:%3").arg(endpoint.host, endpoint.address.toString()).arg(endpoint.port);
        m_probe = new SmtpProbe(m_config, endpoint, m_target.recipients, m_clock, int(remaining), this);
        connect(m_probe, &SmtpProbe::transcriptLine, this, &Task::record);
        connect(m_probe, &SmtpProbe::finished, this, &Task::onProbeFinished);
        m_probe->start();
    }

    void onProbeFinished(const ProbeResult &attempt)
    {
        m_probe->deleteLater();
        m_probe = nullptr;
        // Keep what belongs to the whole probe; take the connection's outcome from the attempt.
        m_result.host = attempt.host;
        m_result.address = attempt.address;
        m_result.port = attempt.port;
        m_result.classification = attempt.classification;
        m_result.phase = attempt.phase;
        m_result.reply = attempt.reply;
        m_result.detail = attempt.detail;
        m_result.tls = attempt.tls;
        m_result.findings += attempt.findings;
        m_result.recipients = attempt.recipients;
        const qint64 dns = m_result.timings.dns;
        m_result.timings = attempt.timings;
        m_result.timings.dns = dns;

        if (isConnectionClass(attempt.classification) && m_next < m_endpoints.size() && !m_cancelled) {
            info(QStringLiteral("%1 (%2): trying the next host").arg(attempt.classification.status, attempt.detail));
            tryNext();
            return;
        }
        finish();
    }

    void onDeadline()
    {
        m_cancelled = true;
        if (m_probe) {
            m_probe->abort(QStringLiteral("the whole-probe time limit ran out"));
            return;
        }
        fail(m_result.phase == Phase::Dns ? Failure::DnsError : Failure::ConnectionLost, m_result.phase,
            QStringLiteral("the whole-probe time limit ran out"));
    }

    void fail(Failure failure, Phase phase, const QString &detail)
    {
        m_result.classification = Classifier::classifyFailure(failure);
        m_result.phase = phase;
        m_result.detail = detail;
        info(detail);
        finish();
    }

    void finish()
    {
        if (m_done)
            return;
        m_done = true;
        m_deadline.stop();
        if (m_resolver)
            m_resolver->abort();
        m_result.timings.total = m_clock.elapsed();
        qCInfo(lcSmtp).noquote() << m_result.target << m_result.host << m_result.classification.status
                                 << m_result.classification.reason << phaseName(m_result.phase) << m_result.detail;
        m_engine->onTaskFinished(this, m_result);
    }

    void info(const QString &line) { record(TranscriptEntry { m_clock.elapsed(), 'I', line }); }

    void record(const TranscriptEntry &entry)
    {
        m_result.transcript.append(entry);
        Q_EMIT m_engine->transcriptLine(m_id, entry);
    }

    ProbeEngine *m_engine;
    quint64 m_id;
    ProbeTarget m_target;
    ProbeConfig m_config;
    ProbeResult m_result;
    QElapsedTimer m_clock;
    QTimer m_deadline;
    Dns::MxResolver *m_resolver = nullptr;
    SmtpProbe *m_probe = nullptr;
    QList<SmtpProbe::Endpoint> m_endpoints;
    qsizetype m_next = 0;
    bool m_cancelled = false;
    bool m_done = false;
};

ProbeEngine::ProbeEngine(const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    qRegisterMetaType<Mailpulse::Smtp::ProbeResult>();
    qRegisterMetaType<Mailpulse::Smtp::TranscriptEntry>();
}

ProbeEngine::~ProbeEngine()
{
    for (Task *task : m_queue)
        delete task;
    m_queue.clear();
}

void ProbeEngine::setLimits(Limits limits)
{
    m_limits = { std::max(1, limits.maxConcurrent), std::max(1, limits.maxPerDomain) };
    startMore();
}

quint64 ProbeEngine::enqueue(const ProbeTarget &target, const ProbeConfig &config)
{
    const quint64 id = m_nextId++;
    m_queue.push_back(new Task(this, id, target, config));
    ++m_total;
    Q_EMIT progressChanged(m_finished, m_total);
    // Start from the event loop so that callers can connect to signals after enqueue() and a batch is queued
    // whole before the per-domain limit picks the order.
    QTimer::singleShot(0, this, &ProbeEngine::startMore);
    return id;
}

void ProbeEngine::cancelAll()
{
    const std::deque<Task *> queued = std::exchange(m_queue, {});
    for (Task *task : queued) {
        // A queued probe never ran; it still gets a result, so every enqueue() sees exactly one probeFinished().
        m_running.append(task);
        ++m_runningPerDomain[task->domain()];
        task->cancel();
    }
    const QList<Task *> running = m_running;
    for (Task *task : running)
        task->cancel();
}

int ProbeEngine::queuedCount() const { return int(m_queue.size()); }

int ProbeEngine::runningCount() const { return int(m_running.size()); }

void ProbeEngine::startMore()
{
    for (auto it = m_queue.begin(); it != m_queue.end() && m_running.size() < m_limits.maxConcurrent;) {
        Task *task = *it;
        int &perDomain = m_runningPerDomain[task->domain()];
        if (perDomain >= m_limits.maxPerDomain) {
            ++it;
            continue;
        }
        ++perDomain;
        it = m_queue.erase(it);
        m_running.append(task);
        task->start();
    }
}

void ProbeEngine::onTaskFinished(Task *task, const ProbeResult &result)
{
    if (m_running.removeOne(task)) {
        auto it = m_runningPerDomain.find(task->domain());
        if (it != m_runningPerDomain.end() && --it.value() <= 0)
            m_runningPerDomain.erase(it);
    }
    ++m_finished;
    task->deleteLater();
    Q_EMIT probeFinished(task->id(), result);
    Q_EMIT progressChanged(m_finished, m_total);
    startMore();
    if (isIdle())
        Q_EMIT idle();
}

} // namespace Mailpulse::Smtp
