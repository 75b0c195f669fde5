#pragma once

#include <QJsonObject>

#include "stats/groupstats.h"

namespace Mailpulse::Stats
{

/// Which key a stats object carries: `domain` or `provider` (DESIGN.md "stats domains|providers").
enum class GroupKind { Domain, Provider };

/// One `stats domains|providers` JSON object. Rates are fractions 0..1 rounded to 4 decimals; absent figures are null.
/// Additive fields beyond DESIGN.md: `failures`, and for providers `domains` (the member domains).
QJsonObject toJson(const GroupStats &stats, GroupKind kind);
/// `{start, probes, successes, failures, success_rate}` for `stats trend`.
QJsonObject toJson(const TrendPoint &point);

/// A rate rounded to 4 decimals as JSON, or null.
QJsonValue rateJson(std::optional<double> rate);

} // namespace Mailpulse::Stats
