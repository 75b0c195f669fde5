#include "queue/retryentry.h"

#include <QJsonArray>
#include <QJsonValue>

#include "smtp/proberesultjson.h"

namespace Mailpulse::Queue
{

namespace
{

struct StateName {
    EntryState state;
    const char16_t *name;
};

constexpr StateName kStateNames[] = {
    { EntryState::Pending, u"pending" },
    { EntryState::Paused, u"paused" },
    { EntryState::Running, u"running" },
    { EntryState::Succeeded, u"succeeded" },
    { EntryState::Expired, u"expired" },
    { EntryState::Failed, u"failed" },
    { EntryState::Cancelled, u"cancelled" },
};

QJsonValue textOrNull(const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); }

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(Smtp::toIsoUtc(time)) : QJsonValue();
}

} // namespace

QString entryStateName(EntryState state)
{
    for (const StateName &s : kStateNames) {
        if (s.state == state)
            return QString::fromUtf16(s.name);
    }
    return {};
}

std::optional<EntryState> entryStateFromName(QStringView name)
{
    for (const StateName &s : kStateNames) {
        if (name.compare(QStringView(s.name), Qt::CaseInsensitive) == 0)
            return s.state;
    }
    return std::nullopt;
}

bool isOpen(EntryState state)
{
    return state == EntryState::Pending || state == EntryState::Paused || state == EntryState::Running;
}

QJsonObject toJson(const RetryEntry &e)
{
    QJsonArray history;
    for (const RetryAttempt &a : e.history) {
        history.append(QJsonObject {
            { QStringLiteral("at"), timeOrNull(a.at) },
            { QStringLiteral("status"), textOrNull(a.classification.status) },
            { QStringLiteral("class"), Bounce::deliveryClassName(a.classification.cls) },
            { QStringLiteral("reason"), textOrNull(a.classification.reason) },
            { QStringLiteral("settings"), a.settings ? QJsonValue(a.settings->toJson()) : QJsonValue() },
            { QStringLiteral("kind"), a.kind },
            { QStringLiteral("source"), a.source },
            { QStringLiteral("alternate"), a.alternate },
            { QStringLiteral("probe_id"), a.probeId > 0 ? QJsonValue(a.probeId) : QJsonValue() },
        });
    }
    return QJsonObject {
        { QStringLiteral("id"), e.id },
        { QStringLiteral("target"), e.target },
        { QStringLiteral("recipient"), textOrNull(e.recipient) },
        { QStringLiteral("domain"), e.domain },
        { QStringLiteral("state"), entryStateName(e.state) },
        { QStringLiteral("status"), textOrNull(e.classification.status) },
        { QStringLiteral("class"), Bounce::deliveryClassName(e.classification.cls) },
        { QStringLiteral("reason"), textOrNull(e.classification.reason) },
        { QStringLiteral("first_status"), textOrNull(e.firstStatus) },
        { QStringLiteral("source"), e.source },
        { QStringLiteral("attempts"), e.attempts },
        { QStringLiteral("first_failed_at"), timeOrNull(e.firstFailedAt) },
        { QStringLiteral("last_attempt_at"), timeOrNull(e.lastAttemptAt) },
        { QStringLiteral("next_attempt_at"), timeOrNull(e.nextAttemptAt) },
        { QStringLiteral("expires_at"), timeOrNull(e.expiresAt) },
        { QStringLiteral("resolved_at"), timeOrNull(e.resolvedAt) },
        { QStringLiteral("resolved_by"), textOrNull(e.resolvedBy) },
        { QStringLiteral("recovered"), e.recovered },
        { QStringLiteral("recovered_with_alternate"), e.recoveredWithAlternate },
        { QStringLiteral("settings"), e.settings.toJson() },
        { QStringLiteral("history"), history },
    };
}

} // namespace Mailpulse::Queue
