#pragma once

#include <QSortFilterProxyModel>

namespace Mailpulse::Ui
{

/// Sorts a DomainStatsModel through its lessThan(), which compares the values themselves instead of the QVariants
/// of SortRole (the same order, a fraction of the time on thousands of domains).
class DomainStatsProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DomainStatsProxy)

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace Mailpulse::Ui
