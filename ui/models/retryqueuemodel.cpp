#include "retryqueuemodel.h"

#include <limits>

#include "common/clock.h"

namespace Mailpulse::Ui
{

RetryQueueModel::RetryQueueModel(const Clock *clock, QObject *parent)
    : KeyedTableModel(parent)
    , m_clock(clock)
{
}

namespace
{
qint64 idOf(const Queue::RetryEntry &entry) { return entry.id; }
} // namespace

void RetryQueueModel::setEntries(QList<Queue::RetryEntry> entries) { setRows(std::move(entries), idOf); }

bool RetryQueueModel::updateEntry(Queue::RetryEntry entry) { return updateRow(std::move(entry), idOf); }

int RetryQueueModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return int(i);
    }
    return -1;
}

void RetryQueueModel::tick()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, NextAttempt), index(rowCount() - 1, NextAttempt), { Qt::DisplayRole });
}

int RetryQueueModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString RetryQueueModel::stateText(Queue::EntryState state)
{
    switch (state) {
    case Queue::EntryState::Pending:
        return tr("pending");
    case Queue::EntryState::Paused:
        return tr("paused");
    case Queue::EntryState::Running:
        return tr("running");
    case Queue::EntryState::Succeeded:
        return tr("succeeded");
    case Queue::EntryState::Expired:
        return tr("expired");
    case Queue::EntryState::Failed:
        return tr("failed");
    case Queue::EntryState::Cancelled:
        return tr("cancelled");
    }
    return {};
}

QString RetryQueueModel::settingsText(const Queue::RetrySettings &settings)
{
    const QString family
        = settings.ipFamily == Smtp::IpFamily::Any ? tr("any IP version") : Smtp::ipFamilyName(settings.ipFamily);
    QString text = tr("port %1, %2, %3").arg(settings.port).arg(Smtp::tlsModeName(settings.tlsMode), family);
    if (settings.mxSkip > 0)
        text += tr(", MX host %1 onwards").arg(settings.mxSkip + 1);
    if (!settings.host.isEmpty())
        text.prepend(settings.host + u' ');
    return text;
}

QString RetryQueueModel::countdown(qint64 secs)
{
    if (secs <= 0)
        return tr("due now");
    if (secs < 3600)
        return tr("in %1:%2").arg(secs / 60).arg(secs % 60, 2, 10, QLatin1Char('0'));
    if (secs < 86400)
        return tr("in %1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QLatin1Char('0'));
    return tr("in %1 d %2 h").arg(secs / 86400).arg((secs % 86400) / 3600);
}

QVariant RetryQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const Queue::RetryEntry &e = m_rows.at(index.row());
    if (role == IdRole)
        return e.id;
    const bool open = Queue::isOpen(e.state);
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Target:
            return e.target;
        case State:
            return stateText(e.state);
        case Attempts:
            return e.attempts;
        case LastStatus:
            return e.classification.status;
        case Reason:
            return e.classification.reason;
        case NextAttempt:
            if (e.state == Queue::EntryState::Running)
                return tr("now");
            if (e.state != Queue::EntryState::Pending || !e.nextAttemptAt.isValid())
                return QString();
            return countdown(m_clock->now().secsTo(e.nextAttemptAt));
        case Settings:
            return open ? settingsText(e.settings) : QString();
        case FirstFailed:
            return e.firstFailedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == SortRole) {
        switch (Column(index.column())) {
        case Attempts:
            return e.attempts;
        case NextAttempt:
            // Closed entries sort after every open one, whatever their stale times.
            return e.state == Queue::EntryState::Pending && e.nextAttemptAt.isValid()
                ? e.nextAttemptAt.toMSecsSinceEpoch()
                : std::numeric_limits<qint64>::max();
        case FirstFailed:
            return e.firstFailedAt.toMSecsSinceEpoch();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == NextAttempt && e.nextAttemptAt.isValid() && open)
        return e.nextAttemptAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (role == Qt::TextAlignmentRole && index.column() == Attempts)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RetryQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Target:
        return tr("Target");
    case State:
        return tr("State");
    case Attempts:
        return tr("Attempts");
    case LastStatus:
        return tr("Last status");
    case Reason:
        return tr("Reason");
    case NextAttempt:
        return tr("Next attempt");
    case Settings:
        return tr("Next settings");
    case FirstFailed:
        return tr("First failure");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Mailpulse::Ui
