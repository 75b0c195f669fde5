#include "report/reportexporter.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

#include "common/clock.h"
#include "contacts/contactlist.h"
#include "report/csvwriter.h"
#include "smtp/proberesultjson.h"
#include "stats/statsengine.h"
#include "store/database.h"
#include "store/lookupkey.h"

namespace Mailpulse::Report
{

namespace
{

// Columns read from the store as they are; the SQL below selects exactly these, in this order.
const QStringList kProbeColumns = { QStringLiteral("id"), QStringLiteral("started_at"), QStringLiteral("target"),
    QStringLiteral("domain"), QStringLiteral("host"), QStringLiteral("address"), QStringLiteral("port"),
    QStringLiteral("tls_mode"), QStringLiteral("status"), QStringLiteral("class"), QStringLiteral("reason"),
    QStringLiteral("phase"), QStringLiteral("reply_code"), QStringLiteral("reply_enhanced"),
    QStringLiteral("reply_text"), QStringLiteral("detail"), QStringLiteral("dns_ms"), QStringLiteral("connect_ms"),
    QStringLiteral("greeting_ms"), QStringLiteral("ehlo_ms"), QStringLiteral("tls_ms"), QStringLiteral("mail_ms"),
    QStringLiteral("rcpt_ms"), QStringLiteral("total_ms"), QStringLiteral("tls_protocol"), QStringLiteral("tls_cipher"),
    QStringLiteral("tls_verified") };

const QStringList kBounceColumns = { QStringLiteral("id"), QStringLiteral("occurred_at"), QStringLiteral("recipient"),
    QStringLiteral("domain"), QStringLiteral("status"), QStringLiteral("class"), QStringLiteral("reason"),
    QStringLiteral("action"), QStringLiteral("source"), QStringLiteral("reply_code"), QStringLiteral("remote_mta"),
    QStringLiteral("diagnostic"), QStringLiteral("source_ref"), QStringLiteral("probe_id") };

const QStringList kRetryColumns = { QStringLiteral("id"), QStringLiteral("target"), QStringLiteral("recipient"),
    QStringLiteral("domain"), QStringLiteral("state"), QStringLiteral("status"), QStringLiteral("class"),
    QStringLiteral("reason"), QStringLiteral("first_status"), QStringLiteral("first_reason"), QStringLiteral("source"),
    QStringLiteral("attempts"), QStringLiteral("failures"), QStringLiteral("first_failed_at"),
    QStringLiteral("last_attempt_at"), QStringLiteral("next_attempt_at"), QStringLiteral("expires_at"),
    QStringLiteral("resolved_at"), QStringLiteral("resolved_by"), QStringLiteral("recovered"),
    QStringLiteral("recovered_with_alternate") };

const QStringList kStatsColumns = { QStringLiteral("probes"), QStringLiteral("successes"), QStringLiteral("failures"),
    QStringLiteral("success_rate"), QStringLiteral("connect_ms_p50"), QStringLiteral("connect_ms_p95"),
    QStringLiteral("greeting_ms_p50"), QStringLiteral("greeting_ms_p95"), QStringLiteral("tls_ms_p50"),
    QStringLiteral("tls_ms_p95"), QStringLiteral("retries"), QStringLiteral("recovered"),
    QStringLiteral("recovery_rate"), QStringLiteral("flagged"), QStringLiteral("dominant_status"),
    QStringLiteral("failures_by_status"), QStringLiteral("failures_by_phase") };

const QStringList kContactColumns = { QStringLiteral("address"), QStringLiteral("domain"), QStringLiteral("status"),
    QStringLiteral("rule"), QStringLiteral("failures"), QStringLiteral("last_status"), QStringLiteral("reason"),
    QStringLiteral("first_failed_at"), QStringLiteral("last_failed_at"), QStringLiteral("last_success_at"),
    QStringLiteral("name"), QStringLiteral("phone"), QStringLiteral("alt_email"), QStringLiteral("notes") };

// Which columns hold booleans stored as 0/1, so the CSV says true/false.
bool isBooleanColumn(const QString &name)
{
    return name == u"tls_verified" || name == u"recovered" || name == u"recovered_with_alternate";
}

QVariant optionalMs(const std::optional<qint64> &ms) { return ms ? QVariant(*ms) : QVariant(); }
QVariant optionalRate(const std::optional<double> &rate) { return rate ? QVariant(*rate) : QVariant(); }
QVariant optionalTime(const QDateTime &t) { return t.isValid() ? QVariant(t) : QVariant(); }

// "4.4.2=3 5.1.1=1": one cell that still sorts and filters in a spreadsheet.
QString countsCell(const QMap<QString, qint64> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    return parts.join(u' ');
}

bool finishWriter(CsvWriter &writer, qint64 *rows, QString *error)
{
    if (!writer.flush()) {
        if (error)
            *error = QStringLiteral("cannot write the report: %1").arg(writer.errorString());
        return false;
    }
    if (rows)
        *rows = writer.rowsWritten();
    return true;
}

} // namespace

ReportExporter::ReportExporter(Store::Database &database)
    : m_database(database)
{
}

QStringList ReportExporter::columns(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Probes:
        return kProbeColumns;
    case ReportKind::Bounces:
        return kBounceColumns;
    case ReportKind::Retries:
        return kRetryColumns;
    case ReportKind::Domains:
        return QStringList { QStringLiteral("domain") } + kStatsColumns;
    case ReportKind::Providers:
        return QStringList { QStringLiteral("provider"), QStringLiteral("domains") } + kStatsColumns;
    case ReportKind::Contacts:
        return kContactColumns;
    }
    return {};
}

bool ReportExporter::write(ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error)
{
    switch (kind) {
    case ReportKind::Probes:
    case ReportKind::Bounces:
    case ReportKind::Retries:
        return writeQuery(kind, options, device, rows, error);
    case ReportKind::Domains:
    case ReportKind::Providers:
        return writeStats(kind, options, device, rows, error);
    case ReportKind::Contacts:
        return writeContacts(options, device, rows, error);
    }
    return false;
}

bool ReportExporter::writeQuery(
    ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error)
{
    const QStringList names = columns(kind);
    QString table;
    QString timeColumn;
    switch (kind) {
    case ReportKind::Probes:
        table = QStringLiteral("probes");
        timeColumn = QStringLiteral("started_at");
        break;
    case ReportKind::Bounces:
        table = QStringLiteral("bounces");
        timeColumn = QStringLiteral("occurred_at");
        break;
    default:
        table = QStringLiteral("retry_entries");
        timeColumn = QStringLiteral("first_failed_at");
        break;
    }
    // Identifiers come from the fixed tables above, never from input; the values are bound.
    QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 >= :since AND %3 < :until")
                      .arg(names.join(QStringLiteral(", ")), table, timeColumn);
    // Bounces are indexed by their domain's key (Store::LookupKey), the other tables by the domain itself.
    const bool domainKey = kind == ReportKind::Bounces;
    if (!options.domain.isEmpty())
        sql += domainKey ? QStringLiteral(" AND domain_key = :key AND domain = :domain")
                         : QStringLiteral(" AND domain = :domain");
    sql += QStringLiteral(" ORDER BY %1, id").arg(timeColumn);

    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true); // rows are not cached: memory stays flat however many there are
    if (!query.prepare(sql)) {
        if (error)
            *error = QStringLiteral("cannot export %1: %2").arg(reportKindName(kind), query.lastError().text());
        return false;
    }
    query.bindValue(QStringLiteral(":since"), options.window.sinceKey());
    query.bindValue(QStringLiteral(":until"), options.window.untilKey());
    if (!options.domain.isEmpty()) {
        if (domainKey)
            query.bindValue(QStringLiteral(":key"), Store::LookupKey::of(options.domain.toLower()));
        query.bindValue(QStringLiteral(":domain"), options.domain.toLower());
    }
    if (!query.exec()) {
        if (error)
            *error = QStringLiteral("cannot export %1: %2").arg(reportKindName(kind), query.lastError().text());
        return false;
    }

    CsvWriter writer(device, options.format);
    writer.writeHeader(names);
    QList<QVariant> cells(names.size());
    QList<bool> booleans;
    for (const QString &name : names)
        booleans.append(isBooleanColumn(name));
    while (query.next()) {
        for (qsizetype i = 0; i < names.size(); ++i) {
            const QVariant value = query.value(int(i));
            cells[i] = booleans.at(i) && !value.isNull() ? QVariant(value.toLongLong() != 0) : value;
        }
        if (!writer.writeRow(cells))
            break;
    }
    if (query.lastError().isValid()) {
        if (error)
            *error = QStringLiteral("cannot export %1: %2").arg(reportKindName(kind), query.lastError().text());
        return false;
    }
    return finishWriter(writer, rows, error);
}

bool ReportExporter::writeStats(
    ReportKind kind, const Options &options, QIODevice *device, qint64 *rows, QString *error)
{
    const Stats::StatsEngine engine(m_database, options.rules, options.stats);
    QList<Stats::GroupStats> groups;
    const bool providers = kind == ReportKind::Providers;
    const bool ok = providers ? engine.providerStats(options.window, &groups, error)
                              : engine.domainStats(options.window, &groups, error, options.domain);
    if (!ok)
        return false;

    CsvWriter writer(device, options.format);
    writer.writeHeader(columns(kind));
    for (const Stats::GroupStats &g : std::as_const(groups)) {
        if (providers && !options.domain.isEmpty() && !g.domains.contains(options.domain.toLower()))
            continue;
        QList<QVariant> cells { g.key };
        if (providers)
            cells << g.domains.join(u' ');
        cells << g.probes << g.successes << g.failures() << optionalRate(g.successRate()) << optionalMs(g.connectMs.p50)
              << optionalMs(g.connectMs.p95) << optionalMs(g.greetingMs.p50) << optionalMs(g.greetingMs.p95)
              << optionalMs(g.tlsMs.p50) << optionalMs(g.tlsMs.p95) << g.retries << g.recovered
              << optionalRate(g.recoveryRate()) << g.flagged << g.dominantStatus << countsCell(g.failuresByStatus)
              << countsCell(g.failuresByPhase);
        if (!writer.writeRow(cells))
            break;
    }
    return finishWriter(writer, rows, error);
}

bool ReportExporter::writeContacts(const Options &options, QIODevice *device, qint64 *rows, QString *error)
{
    // The list itself needs no clock; ContactList takes one for its writes.
    const SystemClock clock;
    const Contacts::ContactList list(m_database, clock);
    Contacts::ContactList::Filter filter;
    filter.domain = options.domain;
    QList<Contacts::ContactEntry> entries;
    if (!list.list(filter, &entries, error))
        return false;

    CsvWriter writer(device, options.format);
    writer.writeHeader(kContactColumns);
    for (const Contacts::ContactEntry &e : std::as_const(entries)) {
        if (e.lastFailedAt.isValid() && !options.window.contains(e.lastFailedAt))
            continue;
        QStringList notes;
        for (const Contacts::ContactNote &n : e.notes) {
            notes << QStringLiteral("%1 [%2] %3%4")
                         .arg(Smtp::toIsoUtc(n.at), n.status, n.author,
                             n.text.isEmpty() ? QString() : QStringLiteral(": ") + n.text);
        }
        const QList<QVariant> cells { e.address, e.domain, Contacts::contactStatusName(e.status), e.rule, e.failures,
            e.lastStatus, e.reason, optionalTime(e.firstFailedAt), optionalTime(e.lastFailedAt),
            optionalTime(e.lastSuccessAt), e.details.name, e.details.phone, e.details.altEmail,
            notes.join(QStringLiteral("\n")) };
        if (!writer.writeRow(cells))
            break;
    }
    return finishWriter(writer, rows, error);
}

} // namespace Mailpulse::Report
