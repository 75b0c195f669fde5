#include "domainstatsproxy.h"

#include "models/domainstatsmodel.h"

namespace Mailpulse::Ui
{

bool DomainStatsProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (const auto *model = qobject_cast<const DomainStatsModel *>(sourceModel()))
        return model->lessThan(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace Mailpulse::Ui
