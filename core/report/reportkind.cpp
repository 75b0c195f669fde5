#include "report/reportkind.h"

namespace Mailpulse::Report
{

namespace
{

constexpr ReportKind kKinds[] = { ReportKind::Probes, ReportKind::Bounces, ReportKind::Domains, ReportKind::Providers,
    ReportKind::Retries, ReportKind::Contacts };

} // namespace

QString reportKindName(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Probes:
        return QStringLiteral("probes");
    case ReportKind::Bounces:
        return QStringLiteral("bounces");
    case ReportKind::Domains:
        return QStringLiteral("domains");
    case ReportKind::Providers:
        return QStringLiteral("providers");
    case ReportKind::Retries:
        return QStringLiteral("retries");
    case ReportKind::Contacts:
        return QStringLiteral("contacts");
    }
    return {};
}

std::optional<ReportKind> reportKindFromName(QStringView name)
{
    for (ReportKind kind : kKinds) {
        if (name.compare(reportKindName(kind), Qt::CaseInsensitive) == 0)
            return kind;
    }
    return std::nullopt;
}

QStringList reportKindNames()
{
    QStringList names;
    for (ReportKind kind : kKinds)
        names << reportKindName(kind);
    return names;
}

} // namespace Mailpulse::Report
