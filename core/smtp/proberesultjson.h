#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringView>
#include <optional>

#include "smtp/proberesult.h"

/// Probe JSON (DESIGN.md "Probe JSON"): the one serialization of a ProbeResult, used by the CLI's --json output
/// and by the store's result_json column. Absent data is written as JSON null, never omitted.
/// Additive fields beyond DESIGN.md: `hosts_tried` (array of "host[address]:port") and `reply.lines` (the reply's
/// individual lines, so that multi-line replies survive a round trip; `reply.text` is them joined with spaces).
/// SmtpReply::raw is not serialized: the wire form of every reply is in `transcript`.
namespace Mailpulse::Smtp
{

/// Serializes every field of `result`.
QJsonObject toJson(const ProbeResult &result);

/// Parses what toJson() wrote. Fields missing from the object are taken as null (older writers); a field of the
/// wrong type or an unknown enum name is an error: returns nullopt and sets `error` (naming the field).
std::optional<ProbeResult> probeResultFromJson(const QJsonObject &object, QString *error = nullptr);

/// One JSON Lines record: compact JSON plus '\n'.
QByteArray toJsonLine(const QJsonObject &object);

/// ISO 8601 UTC with milliseconds and a 'Z' ("2026-11-27T21:03:04.123Z"); empty for an invalid time.
/// The fixed width makes these strings sort chronologically (the store relies on it).
QString toIsoUtc(const QDateTime &time);
/// Parses an ISO 8601 time with or without milliseconds and with 'Z' or an offset; returns it in UTC.
/// Returns an invalid QDateTime for anything else.
QDateTime fromIsoUtc(QStringView text);

} // namespace Mailpulse::Smtp
