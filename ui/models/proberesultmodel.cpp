#include "proberesultmodel.h"

#include <QBrush>
#include <QColor>

namespace Mailpulse::Ui
{

ProbeResultModel::ProbeResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ProbeResultModel::setResults(QList<Smtp::ProbeResult> results)
{
    beginResetModel();
    m_results = std::move(results);
    endResetModel();
}

void ProbeResultModel::prepend(const Smtp::ProbeResult &result, int maxRows)
{
    beginInsertRows({}, 0, 0);
    m_results.prepend(result);
    endInsertRows();
    if (m_results.size() > maxRows) {
        beginRemoveRows({}, maxRows, int(m_results.size()) - 1);
        m_results.resize(maxRows);
        endRemoveRows();
    }
}

int ProbeResultModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_results.size()); }

int ProbeResultModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ProbeResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Smtp::ProbeResult &r = m_results.at(index.row());
    if (role == Qt::ForegroundRole && (index.column() == Status || index.column() == Class)) {
        switch (r.classification.cls) {
        case Bounce::DeliveryClass::Success:
            return QBrush(QColor(0x2e, 0x7d, 0x32));
        case Bounce::DeliveryClass::Soft:
            return QBrush(QColor(0xc7, 0x7c, 0x02));
        case Bounce::DeliveryClass::Hard:
            return QBrush(QColor(0xc6, 0x28, 0x28));
        }
    }
    if (role == Qt::ToolTipRole)
        return r.detail;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case Time:
        return role == SortRole ? QVariant(r.startedAt)
                                : QVariant(r.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    case Target:
        return r.target;
    case Domain:
        return r.domain;
    case Host:
        return r.host;
    case Status:
        return r.classification.status;
    case Class:
        return Bounce::deliveryClassName(r.classification.cls);
    case Reason:
        return r.classification.reason;
    case Phase:
        return Smtp::phaseName(r.phase);
    case TotalMs:
        return r.timings.total;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ProbeResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Target:
        return tr("Target");
    case Domain:
        return tr("Domain");
    case Host:
        return tr("MX host");
    case Status:
        return tr("Status");
    case Class:
        return tr("Class");
    case Reason:
        return tr("Reason");
    case Phase:
        return tr("Phase");
    case TotalMs:
        return tr("Total ms");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Mailpulse::Ui
