#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace Mailpulse::Ui
{

/// A table model over a list of value rows that each carry a unique key (an id, an address, a domain). setRows()
/// brings the list up to date with row-level signals instead of a reset: rows that went away are removed, rows still
/// there are updated in place (only those that changed, when the model can tell), new rows are appended. Views keep
/// their selection, current row and scroll position, and a sort proxy places single rows instead of sorting everything
/// again, so a refresh after each of a batch's probes stays cheap.
template <typename Row> class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    const Row &row(int index) const { return m_rows.at(index); }
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    /// `key(row)` identifies a row; keys are unique within `fresh`. `same(old, fresh)` tells that a row shows the
    /// same as before (no dataChanged for it); by default every kept row counts as changed.
    template <typename KeyOf, typename Same = bool (*)(const Row &, const Row &)>
    void setRows(
        QList<Row> fresh, KeyOf key, Same same = [](const Row &, const Row &) { return false; })
    {
        using Key = std::decay_t<decltype(key(fresh.first()))>;
        QHash<Key, qsizetype> wanted;
        wanted.reserve(fresh.size());
        for (qsizetype i = 0; i < fresh.size(); ++i)
            wanted.insert(key(fresh.at(i)), i);
        // Removals, from the back, one signal per run of adjacent rows.
        for (qsizetype last = m_rows.size() - 1; last >= 0;) {
            if (wanted.contains(key(m_rows.at(last)))) {
                --last;
                continue;
            }
            qsizetype first = last;
            while (first > 0 && !wanted.contains(key(m_rows.at(first - 1))))
                --first;
            beginRemoveRows({}, int(first), int(last));
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
            last = first - 1;
        }
        QList<bool> kept(fresh.size(), false);
        qsizetype changedFrom = -1; // the first row of the current run of changed rows
        const auto endRun = [&](qsizetype end) {
            if (changedFrom >= 0)
                Q_EMIT dataChanged(index(int(changedFrom), 0), index(int(end - 1), columnCount() - 1));
            changedFrom = -1;
        };
        for (qsizetype r = 0; r < m_rows.size(); ++r) {
            const qsizetype i = wanted.value(key(m_rows.at(r)));
            kept[i] = true;
            if (same(m_rows.at(r), fresh.at(i))) {
                endRun(r);
                continue;
            }
            m_rows[r] = std::move(fresh[i]);
            if (changedFrom < 0)
                changedFrom = r;
        }
        endRun(m_rows.size());
        QList<Row> added;
        for (qsizetype i = 0; i < fresh.size(); ++i) {
            if (!kept.at(i))
                added.append(std::move(fresh[i]));
        }
        if (added.isEmpty())
            return;
        beginInsertRows({}, rowCount(), int(rowCount() + added.size() - 1));
        m_rows.append(std::move(added));
        endInsertRows();
    }

    /// Replaces the row with `fresh`'s key (e.g. after an action on it); false when there is none.
    template <typename KeyOf> bool updateRow(Row fresh, KeyOf key)
    {
        for (qsizetype i = 0; i < m_rows.size(); ++i) {
            if (key(m_rows.at(i)) != key(fresh))
                continue;
            m_rows[i] = std::move(fresh);
            Q_EMIT dataChanged(index(int(i), 0), index(int(i), columnCount() - 1));
            return true;
        }
        return false;
    }

    QList<Row> m_rows;
};

} // namespace Mailpulse::Ui
