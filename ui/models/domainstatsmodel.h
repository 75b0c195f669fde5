#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "stats/groupstats.h"
#include "stats/statsjson.h"

namespace Mailpulse::Ui
{

/// Domain and provider statistics (Stats::StatsEngine) as a table, one row per group. Holds values refilled by the
/// dashboard; domains and providers can share one model (the flagged table), so each row carries its kind.
class DomainStatsModel final : public QAbstractTableModel
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

    struct Row {
        Stats::GroupKind kind = Stats::GroupKind::Domain;
        Stats::GroupStats stats;
    };

    explicit DomainStatsModel(QObject *parent = nullptr);

    void setRows(QList<Row> rows);
    void setGroups(const QList<Stats::GroupStats> &groups, Stats::GroupKind kind);
    const Row &row(int index) const { return m_rows.at(index); }
    QList<Row> rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

} // namespace Mailpulse::Ui
