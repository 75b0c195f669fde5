#pragma once

#include "models/keyedtablemodel.h"
#include "stats/groupstats.h"
#include "stats/statsjson.h"

namespace Mailpulse::Ui
{

/// One group's row: domains and providers can share one model (the flagged table), so each row carries its kind.
struct DomainStatsRow {
    Stats::GroupKind kind = Stats::GroupKind::Domain;
    Stats::GroupStats stats;
};

/// Domain and provider statistics (Stats::StatsEngine) as a table, one row per group. Holds values refilled by the
/// dashboard, merged by group (see KeyedTableModel): a refresh after a few probes touches only the rows whose figures
/// changed, so the sort proxy over 10,000 domains has little to do.
class DomainStatsModel final : public KeyedTableModel<DomainStatsRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DomainStatsModel)

public:
    enum Column {
        Key,
        Kind,
        Probes,
        Failures,
        SuccessRate,
        DominantStatus,
        Flagged,
        Retries,
        Recovered,
        RecoveryRate,
        ConnectP50,
        ConnectP95,
        ColumnCount
    };
    /// Raw value for sorting (numbers sort as numbers; absent rates sort first), alongside the display text.
    static constexpr int SortRole = Qt::UserRole + 1;

    using Row = DomainStatsRow;

    explicit DomainStatsModel(QObject *parent = nullptr);

    void setRows(QList<Row> rows);
    void setGroups(const QList<Stats::GroupStats> &groups, Stats::GroupKind kind);
    QList<Row> rows() const { return m_rows; }

    /// The order of SortRole, without building QVariants: sorting 10,000 domains through data() took tens of
    /// milliseconds of the UI thread at every dashboard refresh.
    bool lessThan(int left, int right, int column) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace Mailpulse::Ui
