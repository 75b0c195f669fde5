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

} // namespace

DomainStatsModel::DomainStatsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DomainStatsModel::setRows(QList<Row> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void DomainStatsModel::setGroups(const QList<Stats::GroupStats> &groups, Stats::GroupKind kind)
{
    QList<Row> rows;
    rows.reserve(groups.size());
    for (const Stats::GroupStats &g : groups)
        rows.append({ kind, g });
    setRows(std::move(rows));
}

int DomainStatsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

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
