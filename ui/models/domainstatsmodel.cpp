#include "domainstatsmodel.h"

#include <QLocale>

namespace Mailpulse::Ui
{

namespace
{

QString percentText(std::optional<double> rate)
{
    return rate ? QLocale().toString(*rate * 100.0, 'f', 1) + QLatin1Char('%') : QString();
}

QVariant optionalValue(std::optional<qint64> value) { return value ? QVariant(*value) : QVariant(); }

QString keyOf(const DomainStatsRow &row)
{
    return (row.kind == Stats::GroupKind::Domain ? QStringLiteral("d:") : QStringLiteral("p:")) + row.stats.key;
}

// Everything a row shows (the provider's domains in its tooltip).
bool sameFigures(const DomainStatsRow &a, const DomainStatsRow &b)
{
    const Stats::GroupStats &x = a.stats;
    const Stats::GroupStats &y = b.stats;
    return x.probes == y.probes && x.successes == y.successes && x.retries == y.retries && x.recovered == y.recovered
        && x.flagged == y.flagged && x.dominantStatus == y.dominantStatus && x.connectMs.p50 == y.connectMs.p50
        && x.connectMs.p95 == y.connectMs.p95 && x.domains == y.domains;
}

// A column's sort value as a number; absent rates and timings sort first, as their SortRole does.
double sortNumber(const Stats::GroupStats &s, int column)
{
    switch (column) {
    case DomainStatsModel::Probes:
        return double(s.probes);
    case DomainStatsModel::Failures:
        return double(s.failures());
    case DomainStatsModel::SuccessRate:
        return s.successRate().value_or(-1.0);
    case DomainStatsModel::Flagged:
        return s.flagged ? 1.0 : 0.0;
    case DomainStatsModel::Retries:
        return double(s.retries);
    case DomainStatsModel::Recovered:
        return double(s.recovered);
    case DomainStatsModel::RecoveryRate:
        return s.recoveryRate().value_or(-1.0);
    case DomainStatsModel::ConnectP50:
        return double(s.connectMs.p50.value_or(-1));
    case DomainStatsModel::ConnectP95:
        return double(s.connectMs.p95.value_or(-1));
    default:
        return 0.0;
    }
}

} // namespace

DomainStatsModel::DomainStatsModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

void DomainStatsModel::setRows(QList<Row> rows) { KeyedTableModel::setRows(std::move(rows), keyOf, sameFigures); }

void DomainStatsModel::setGroups(const QList<Stats::GroupStats> &groups, Stats::GroupKind kind)
{
    QList<Row> rows;
    rows.reserve(groups.size());
    for (const Stats::GroupStats &g : groups)
        rows.append({ kind, g });
    // One kind: the group's name is the key as it is (no string to build for each of 10,000 rows).
    KeyedTableModel::setRows(
        std::move(rows), [](const Row &row) { return row.stats.key; }, sameFigures);
}

bool DomainStatsModel::lessThan(int left, int right, int column) const
{
    const Row &a = m_rows.at(left);
    const Row &b = m_rows.at(right);
    switch (Column(column)) {
    case Key:
        return a.stats.key < b.stats.key;
    case Kind:
        return a.kind < b.kind;
    case DominantStatus:
        return a.stats.dominantStatus < b.stats.dominantStatus;
    default:
        return sortNumber(a.stats, column) < sortNumber(b.stats, column);
    }
}

int DomainStatsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DomainStatsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Stats::GroupStats &s = row.stats;

    if (role == Qt::TextAlignmentRole) {
        const bool text = index.column() == Key || index.column() == Kind || index.column() == DominantStatus;
        return QVariant::fromValue(
            text ? Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter) : Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == Key && row.kind == Stats::GroupKind::Provider)
        return s.domains.join(QStringLiteral(", "));
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool display = role == Qt::DisplayRole;

    switch (Column(index.column())) {
    case Key:
        return s.key;
    case Kind:
        return row.kind == Stats::GroupKind::Domain ? tr("domain") : tr("provider");
    case Probes:
        return s.probes;
    case Failures:
        return s.failures();
    case SuccessRate:
        if (display)
            return percentText(s.successRate());
        return s.successRate() ? QVariant(*s.successRate()) : QVariant(-1.0);
    case DominantStatus:
        return s.dominantStatus;
    case Flagged:
        if (display)
            return s.flagged ? tr("yes") : QString();
        return s.flagged;
    case Retries:
        return s.retries;
    case Recovered:
        return s.recovered;
    case RecoveryRate:
        if (display)
            return percentText(s.recoveryRate());
        return s.recoveryRate() ? QVariant(*s.recoveryRate()) : QVariant(-1.0);
    case ConnectP50:
        return optionalValue(s.connectMs.p50);
    case ConnectP95:
        return optionalValue(s.connectMs.p95);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant DomainStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Key:
        return tr("Name");
    case Kind:
        return tr("Kind");
    case Probes:
        return tr("Probes");
    case Failures:
        return tr("Failures");
    case SuccessRate:
        return tr("Success");
    case DominantStatus:
        return tr("Dominant status");
    case Flagged:
        return tr("Flagged");
    case Retries:
        return tr("Retried");
    case Recovered:
        return tr("Recovered");
    case RecoveryRate:
        return tr("Recovery");
    case ConnectP50:
        return tr("Connect p50 (ms)");
    case ConnectP95:
        return tr("Connect p95 (ms)");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Mailpulse::Ui
