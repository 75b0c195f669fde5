#pragma once

#include <QString>

#include "report/csvformat.h"
#include "report/reportkind.h"
#include "stats/groupstats.h"
#include "stats/providerrules.h"
#include "stats/timewindow.h"

class QIODevice;

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Report
{

/// Writes the CSV reports: probes, bounces and retries straight from the store, row by row as the query steps
/// (forward-only: a million rows keep memory flat); domains and providers from Stats::StatsEngine; contacts from
/// Contacts::ContactList. Times are ISO 8601 UTC.
///
/// The window applies to probes.started_at, bounces.occurred_at, retry entries' first failure, the stats window,
/// and contacts' last failure. `domain` restricts every kind to one domain (providers: the provider that domain
/// belongs to).
class ReportExporter final
{
public:
    struct Options {
        Stats::TimeWindow window;
        QString domain;
        CsvFormat format;
        Stats::ProviderRules rules = Stats::ProviderRules::defaultRules();
        Stats::StatsOptions stats;
    };

    explicit ReportExporter(Store::Database &database);

    /// Writes header and rows to `device`; `rows` receives the number of data rows. False and `error` on a store or
    /// write failure (the device then holds a partial report).
    bool write(ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error);

    /// The header of each kind (the CSV contract).
    static QStringList columns(ReportKind kind);

private:
    bool writeQuery(ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error);
    bool writeStats(ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error);
    bool writeContacts(const Options &options, QIODevice *device, qint64 *rows, QString *error);

    Store::Database &m_database;
};

} // namespace Mailpulse::Report
