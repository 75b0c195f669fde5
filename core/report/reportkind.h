#pragma once

#include <optional>

#include <QString>
#include <QStringList>

namespace Mailpulse::Report
{

/// What `mailpulse-cli report KIND` exports.
enum class ReportKind { Probes, Bounces, Domains, Providers, Retries, Contacts };

QString reportKindName(ReportKind kind);
std::optional<ReportKind> reportKindFromName(QStringView name);
QStringList reportKindNames();

} // namespace Mailpulse::Report
