#pragma once

#include "models/keyedtablemodel.h"
#include "queue/retryentry.h"

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Ui
{

/// Retry queue entries as a table, one row per entry. Holds values, not store rows: refilled by the view. The
/// next-attempt column is a countdown against the injected clock; tick() repaints only that column.
class RetryQueueModel final : public KeyedTableModel<Queue::RetryEntry>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetryQueueModel)

public:
    enum Column { Target, State, Attempts, LastStatus, Reason, NextAttempt, Settings, FirstFailed, ColumnCount };
    /// Raw value for sorting (numbers and ISO times sort correctly), alongside the display text.
    static constexpr int SortRole = Qt::UserRole + 1;
    /// The entry id of a row (any column).
    static constexpr int IdRole = Qt::UserRole + 2;

    explicit RetryQueueModel(const Clock *clock, QObject *parent = nullptr);

    /// Brings the rows up to date without a reset (see KeyedTableModel): selections and scroll positions survive.
    void setEntries(QList<Queue::RetryEntry> entries);
    /// One entry changed (an action on it): its row updates at once. False when it is not shown.
    bool updateEntry(Queue::RetryEntry entry);
    const Queue::RetryEntry &entry(int row) const { return m_rows.at(row); }
    /// -1 when the entry is not shown.
    int rowOf(qint64 id) const;
    /// The countdown moved on: repaints the next-attempt column.
    void tick();

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(Queue::EntryState state);
    /// RetrySettings::describe() in the user's language: "port 587, starttls, any, MX host 2 onwards".
    static QString settingsText(const Queue::RetrySettings &settings);
    /// "in 29:59", "in 1 h 05 min", "due now", or empty for closed entries.
    static QString countdown(qint64 secs);

private:
    const Clock *m_clock;
};

} // namespace Mailpulse::Ui
