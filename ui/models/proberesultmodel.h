#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "smtp/proberesult.h"

namespace Mailpulse::Ui
{

/// Probe results as a table (newest first), one row per probe. Holds values, not store rows: refilled by the view.
class ProbeResultModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeResultModel)

public:
    enum Column { Time, Target, Domain, Host, Status, Class, Reason, Phase, TotalMs, ColumnCount };
    /// Raw value for sorting (numbers and ISO times sort correctly), alongside the display text.
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit ProbeResultModel(QObject *parent = nullptr);

    void setResults(QList<Smtp::ProbeResult> results);
    /// Adds a new result at the top, dropping the oldest rows beyond `maxRows`.
    void prepend(const Smtp::ProbeResult &result, int maxRows);
    const Smtp::ProbeResult &result(int row) const { return m_results.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Smtp::ProbeResult> m_results;
};

} // namespace Mailpulse::Ui
