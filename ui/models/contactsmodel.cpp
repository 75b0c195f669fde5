#include "contactsmodel.h"

namespace Mailpulse::Ui
{

namespace
{
QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QString addressOf(const Contacts::ContactEntry &entry) { return entry.address; }
} // namespace

ContactsModel::ContactsModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

void ContactsModel::setEntries(QList<Contacts::ContactEntry> entries) { setRows(std::move(entries), addressOf); }

bool ContactsModel::updateEntry(Contacts::ContactEntry entry) { return updateRow(std::move(entry), addressOf); }

int ContactsModel::rowOf(const QString &address) const
{
    const QString wanted = Contacts::normalizedAddress(address);
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).address == wanted)
            return int(i);
    }
    return -1;
}

int ContactsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ContactsModel::statusText(Contacts::ContactStatus status)
{
    switch (status) {
    case Contacts::ContactStatus::New:
        return tr("new");
    case Contacts::ContactStatus::Contacted:
        return tr("contacted");
    case Contacts::ContactStatus::Resolved:
        return tr("resolved");
    case Contacts::ContactStatus::Ignored:
        return tr("ignored");
    }
    return {};
}

QString ContactsModel::ruleText(const QString &rule)
{
    if (rule == Contacts::Rule::consecutiveFailures())
        return tr("consecutive failures");
    if (rule == Contacts::Rule::hardBounce())
        return tr("hard bounce");
    return rule;
}

QVariant ContactsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const Contacts::ContactEntry &e = m_rows.at(index.row());
    if (role == AddressRole)
        return e.address;
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (Column(index.column())) {
        case Address:
            return e.address;
        case Status:
            // Sorting by status follows the workflow, not the alphabet of a translation.
            return sort ? QVariant(int(e.status)) : QVariant(statusText(e.status));
        case Rule:
            return ruleText(e.rule);
        case Failures:
            return e.failures;
        case LastStatus:
            return e.lastStatus;
        case Reason:
            return e.reason;
        case FirstFailed:
            return sort ? QVariant(e.firstFailedAt.toMSecsSinceEpoch()) : QVariant(timeText(e.firstFailedAt));
        case LastFailed:
            return sort ? QVariant(e.lastFailedAt.toMSecsSinceEpoch()) : QVariant(timeText(e.lastFailedAt));
        case Name:
            return e.details.name;
        case Phone:
            return e.details.phone;
        case AltEmail:
            return e.details.altEmail;
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() == Failures)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ContactsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Address:
        return tr("Address");
    case Status:
        return tr("Status");
    case Rule:
        return tr("Listed for");
    case Failures:
        return tr("Failures");
    case LastStatus:
        return tr("Last status");
    case Reason:
        return tr("Reason");
    case FirstFailed:
        return tr("First failure");
    case LastFailed:
        return tr("Last failure");
    case Name:
        return tr("Name");
    case Phone:
        return tr("Phone");
    case AltEmail:
        return tr("Alternate e-mail");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Mailpulse::Ui
