#pragma once

#include "contacts/contactentry.h"
#include "models/keyedtablemodel.h"

namespace Mailpulse::Ui
{

/// The contact list as a table: each failing recipient with why it is listed, its workflow status and details.
/// Holds values, not store rows: refilled by the view, without a reset (see KeyedTableModel).
class ContactsModel final : public KeyedTableModel<Contacts::ContactEntry>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContactsModel)

public:
    enum Column {
        Address,
        Status,
        Rule,
        Failures,
        LastStatus,
        Reason,
        FirstFailed,
        LastFailed,
        Name,
        Phone,
        AltEmail,
        ColumnCount
    };
    /// Raw value for sorting (numbers and ISO times sort correctly), alongside the display text.
    static constexpr int SortRole = Qt::UserRole + 1;
    /// The entry's address (any column): rows are found by it after a refresh.
    static constexpr int AddressRole = Qt::UserRole + 2;

    explicit ContactsModel(QObject *parent = nullptr);

    void setEntries(QList<Contacts::ContactEntry> entries);
    /// One entry changed (an action on it): its row updates at once. False when it is not shown.
    bool updateEntry(Contacts::ContactEntry entry);
    const Contacts::ContactEntry &entry(int row) const { return m_rows.at(row); }
    /// -1 when the address is not shown.
    int rowOf(const QString &address) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(Contacts::ContactStatus status);
    static QString ruleText(const QString &rule);
};

} // namespace Mailpulse::Ui
