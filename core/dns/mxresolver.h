#pragma once

#include <memory>

#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace Mailpulse::Dns
{

/// One host to deliver to, with its addresses in the order they should be tried: IPv4 (A) before IPv6 (AAAA), each
/// family in the order of the answer. Literal addresses given to resolveHost() come back as a host named after them.
struct MxHost {
    QString name;
    quint16 preference = 0;
    QList<QHostAddress> addresses;
    bool implicitMx = false; // RFC 5321 §5.1: no MX records, the domain's own A/AAAA used
};

/// The outcome of one resolution. Failures are data here, as in ProbeResult.
struct MxResolution {
    enum class Status {
        Ok, // hosts non-empty, each with at least one address
        NxDomain, // the domain does not exist
        NoHosts, // no MX and no address (or no MX host has an address)
        NullMx, // RFC 7505 "MX 0 ."
        TempFail, // timeout, SERVFAIL, or another temporary resolver error
    };
    Status status = Status::TempFail;
    QList<MxHost> hosts; // sorted by preference (ties in random order, RFC 5321 §5.1)
    QString error; // human-readable detail for non-Ok outcomes
    qint64 elapsedMs = 0;
};

/// Asynchronous MX resolution over QDnsLookup: MX records by preference, A/AAAA of each MX host,
/// implicit MX fallback, null MX and NXDOMAIN. One resolution at a time per object: a resolve call abandons the
/// running one. finished() comes exactly once per resolve call that is not abandoned or aborted, always from the
/// event loop (never from inside the call). Never blocks the calling thread.
class MxResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MxResolver)

public:
    explicit MxResolver(QObject *parent = nullptr);
    ~MxResolver() override;

    /// DNS server to ask (IPv4 recommended; Qt 6.4 silently ignores IPv6 nameservers). Null: the system's.
    void setNameserver(const QHostAddress &nameserver);
    /// Per-query timeout; an unanswered query becomes TempFail. Queries that run in parallel (A and AAAA of every
    /// MX host) share one timeout, so a resolution takes at most about three of them (MX, addresses, a check).
    void setTimeout(int ms);
    /// At most this many MX hosts (the most preferred) get their addresses resolved. Default 10.
    void setMaxHosts(int count);

    QHostAddress nameserver() const;
    int timeout() const;
    int maxHosts() const;
    /// True between a resolve call and its finished() (or abort()).
    bool isRunning() const;

    /// Resolve the delivery hosts of `domain` (MX, then fallback).
    void resolveDomain(const QString &domain);
    /// Resolve one host name (or literal address) to its addresses, e.g. for --mx HOST.
    void resolveHost(const QString &host);
    /// Abandon the current resolution; finished() will not be emitted for it.
    void abort();

Q_SIGNALS:
    void finished(const Mailpulse::Dns::MxResolution &resolution);

private:
    void onResolutionDone(const Mailpulse::Dns::MxResolution &resolution);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Mailpulse::Dns

Q_DECLARE_METATYPE(Mailpulse::Dns::MxResolution)
