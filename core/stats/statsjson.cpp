#include "stats/statsjson.h"

#include <cmath>

#include <QJsonArray>

#include "smtp/proberesultjson.h"

namespace Mailpulse::Stats
{

namespace
{

QJsonValue msJson(const std::optional<qint64> &ms) { return ms ? QJsonValue(double(*ms)) : QJsonValue(); }

QJsonObject percentilesJson(const Percentiles &p)
{
    return { { QStringLiteral("p50"), msJson(p.p50) }, { QStringLiteral("p95"), msJson(p.p95) } };
}

QJsonObject countsJson(const QMap<QString, qint64> &counts)
{
    QJsonObject object;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        object.insert(it.key(), double(it.value()));
    return object;
}

} // namespace

QJsonValue rateJson(std::optional<double> rate)
{
    if (!rate)
        return QJsonValue();
    return std::round(*rate * 10000.0) / 10000.0;
}

QJsonObject toJson(const GroupStats &s, GroupKind kind)
{
    QJsonObject o;
    if (kind == GroupKind::Domain) {
        o.insert(QStringLiteral("domain"), s.key);
    } else {
        o.insert(QStringLiteral("provider"), s.key);
        o.insert(QStringLiteral("domains"), QJsonArray::fromStringList(s.domains));
    }
    o.insert(QStringLiteral("probes"), double(s.probes));
    o.insert(QStringLiteral("successes"), double(s.successes));
    o.insert(QStringLiteral("failures"), double(s.failures()));
    o.insert(QStringLiteral("success_rate"), rateJson(s.successRate()));
    o.insert(QStringLiteral("failures_by_status"), countsJson(s.failuresByStatus));
    o.insert(QStringLiteral("failures_by_phase"), countsJson(s.failuresByPhase));
    o.insert(QStringLiteral("connect_ms"), percentilesJson(s.connectMs));
    o.insert(QStringLiteral("greeting_ms"), percentilesJson(s.greetingMs));
    o.insert(QStringLiteral("tls_ms"), percentilesJson(s.tlsMs));
    o.insert(QStringLiteral("retries"), double(s.retries));
    o.insert(QStringLiteral("recovered"), double(s.recovered));
    o.insert(QStringLiteral("recovery_rate"), rateJson(s.recoveryRate()));
    o.insert(QStringLiteral("flagged"), s.flagged);
    o.insert(
        QStringLiteral("dominant_status"), s.dominantStatus.isEmpty() ? QJsonValue() : QJsonValue(s.dominantStatus));
    return o;
}

QJsonObject toJson(const TrendPoint &p)
{
    return { { QStringLiteral("start"), Smtp::toIsoUtc(p.start) }, { QStringLiteral("probes"), double(p.probes) },
        { QStringLiteral("successes"), double(p.successes) }, { QStringLiteral("failures"), double(p.failures()) },
        { QStringLiteral("success_rate"),
            rateJson(p.probes > 0 ? std::optional<double>(double(p.successes) / double(p.probes)) : std::nullopt) } };
}

} // namespace Mailpulse::Stats
