#include "queueview.h"

#include <algorithm>

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextEdit>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "common/clock.h"
#include "models/retryqueuemodel.h"
#include "queue/retryscheduler.h"
#include "store/database.h"
#include "views/storereader.h"
#include "widgets/tableheaders.h"

namespace Mailpulse::Ui
{

namespace
{
// Between two automatic re-reads of the list: a batch records many probes a second.
constexpr int kRefreshIntervalMs = 500;

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}
} // namespace

QueueView::QueueView(Store::Database *database, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_queue(std::make_unique<Queue::RetryQueue>(*database, clock))
    , m_database(database)
    , m_clock(clock)
    , m_reader(new StoreReader(database->path(), QStringLiteral("queue view"), this))
    , m_gate(new RefreshGate(
          kRefreshIntervalMs, [this] { load(); }, this))
    , m_model(new RetryQueueModel(clock, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filterCombo(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_detail(new QTextEdit(this))
    , m_status(new QLabel(this))
    , m_countdown(new QTimer(this))
    , m_poll(new QTimer(this))
    , m_retryNow(new QAction(tr("Retry &now"), this))
    , m_pause(new QAction(tr("&Pause"), this))
    , m_resume(new QAction(tr("&Resume"), this))
    , m_cancel(new QAction(tr("&Cancel entry"), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RetryQueueModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filterCombo->addItem(tr("Open entries"), int(Filter::Open));
    m_filterCombo->addItem(tr("All entries"), int(Filter::All));
    m_search->setPlaceholderText(tr("Filter: target, state, status, reason…"));
    m_search->setClearButtonEnabled(true);

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RetryQueueModel::NextAttempt, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setStretchLastSection(true);
    fitColumnsToHeaders(m_table);
    m_table->verticalHeader()->hide();
    m_detail->setReadOnly(true);
    m_detail->setFontFamily(QStringLiteral("monospace"));

    // Shortcuts work anywhere in the view, not only with the table focused, and never leak into other tabs.
    m_retryNow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_resume->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_cancel->setShortcut(QKeySequence::Delete);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_filterCombo);
    buttons->addWidget(m_search, 1);
    for (QAction *action : { m_retryNow, m_pause, m_resume, m_cancel }) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(
            action->text().remove(u'&'), action->shortcut().toString(QKeySequence::NativeText)));
        addAction(action);
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        buttons->addWidget(button);
    }

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    connect(m_retryNow, &QAction::triggered, this, &QueueView::retryNowSelected);
    connect(m_pause, &QAction::triggered, this, &QueueView::pauseSelected);
    connect(m_resume, &QAction::triggered, this, &QueueView::resumeSelected);
    connect(m_cancel, &QAction::triggered, this, &QueueView::cancelSelected);
    connect(m_filterCombo, &QComboBox::currentIndexChanged, this,
        [this](int index) { setFilter(Filter(m_filterCombo->itemData(index).toInt())); });
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        showDetail();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &QueueView::updateActions);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (!m_table->indexAt(pos).isValid())
            return;
        auto *menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addActions({ m_retryNow, m_pause, m_resume, m_cancel });
        menu->popup(m_table->viewport()->mapToGlobal(pos));
    });
    // The countdown is the only thing that changes by itself; everything else changes through refresh(). Both run
    // only while the view is shown.
    m_countdown->setInterval(1000);
    connect(m_countdown, &QTimer::timeout, m_model, &RetryQueueModel::tick);
    // The CLI (`queue run`, `queue cancel`) and other windows change the shared store too; nothing signals those,
    // so a visible view re-reads now and then.
    m_poll->setInterval(30'000);
    connect(m_poll, &QTimer::timeout, this, &QueueView::refreshLater);
    connect(m_reader, &StoreReader::failed, this, [this](const QString &error) {
        m_status->setText(tr("Cannot read the retry queue: %1").arg(error));
        m_gate->finished();
    });
    refresh();
}

void QueueView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_poll->start();
    m_countdown->start();
}

void QueueView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    // A hidden tab needs neither: showing it re-reads everything.
    m_poll->stop();
    m_countdown->stop();
}

QueueView::~QueueView() = default;

void QueueView::setScheduler(Queue::RetryScheduler *scheduler)
{
    if (m_scheduler)
        disconnect(m_scheduler, nullptr, this, nullptr);
    m_scheduler = scheduler;
    if (!m_scheduler)
        return;
    connect(m_scheduler, &Queue::RetryScheduler::attemptStarted, this, &QueueView::refreshLater);
    connect(m_scheduler, &Queue::RetryScheduler::attemptFinished, this, &QueueView::onAttemptFinished);
}

void QueueView::setFilter(Filter filter)
{
    m_filter = filter;
    m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(filter)));
    refresh();
}

void QueueView::refresh() { m_gate->requestNow(); }

void QueueView::refreshLater()
{
    // A hidden view re-reads when it is shown again.
    if (isVisible())
        m_gate->request();
}

bool QueueView::isRefreshing() const { return m_gate->isBusy(); }

namespace
{
QueueView::Loaded loadEntries(Store::Database &database, const Clock *clock, QueueView::Filter filter)
{
    QueueView::Loaded loaded;
    loaded.filter = filter;
    const Queue::RetryQueue queue(database, clock);
    if (filter == QueueView::Filter::All) {
        loaded.entries = queue.entries(std::nullopt, false, &loaded.error);
        return loaded;
    }
    // Three narrow queries beat loading every closed entry of months of monitoring.
    for (const Queue::EntryState state :
        { Queue::EntryState::Running, Queue::EntryState::Pending, Queue::EntryState::Paused }) {
        loaded.entries += queue.entries(state, false, &loaded.error);
        if (!loaded.error.isEmpty())
            break;
    }
    return loaded;
}
} // namespace

void QueueView::load()
{
    m_reader->read<Loaded>([filter = m_filter, clock = m_clock](
                               Store::Database &database) { return loadEntries(database, clock, filter); },
        [this](const Loaded &loaded) {
            m_gate->finished();
            present(loaded);
        });
}

void QueueView::refreshNow() { present(loadEntries(*m_database, m_clock, m_filter)); }

void QueueView::present(const Loaded &loaded)
{
    if (!loaded.error.isEmpty()) {
        m_status->setText(tr("Cannot read the retry queue: %1").arg(loaded.error));
        return;
    }
    // The filter changed while this was read: the follow-up read is already asked for.
    if (loaded.filter == m_filter) {
        m_model->setEntries(loaded.entries);
        updateActions();
        showDetail();
    }
    if (!m_gate->isBusy())
        Q_EMIT refreshed();
}

bool QueueView::select(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

qint64 QueueView::selectedId() const
{
    const QModelIndex index = m_table->currentIndex();
    return index.isValid() ? index.data(RetryQueueModel::IdRole).toLongLong() : 0;
}

bool QueueView::retryNowSelected()
{
    const qint64 id = selectedId();
    if (!act(&Queue::RetryQueue::retryNow, tr("Retrying %1 now.")))
        return false;
    // Without a scheduler (screenshots, tests) the entry simply became due; with one, it runs at once.
    if (m_scheduler)
        m_scheduler->runEntries({ id });
    return true;
}

bool QueueView::pauseSelected() { return act(&Queue::RetryQueue::pause, tr("Paused %1.")); }

bool QueueView::resumeSelected() { return act(&Queue::RetryQueue::resume, tr("Resumed %1.")); }

bool QueueView::cancelSelected() { return act(&Queue::RetryQueue::cancel, tr("Cancelled %1.")); }

QString QueueView::statusText() const { return m_status->text(); }

bool QueueView::act(
    Queue::RetryQueue::ActionResult (Queue::RetryQueue::*action)(qint64, QString *), const QString &done)
{
    const qint64 id = selectedId();
    if (id == 0) {
        m_status->setText(tr("Select an entry first."));
        return false;
    }
    const QString target = m_model->entry(m_model->rowOf(id)).target;
    QString error;
    const Queue::RetryQueue::ActionResult result = (m_queue.get()->*action)(id, &error);
    switch (result) {
    case Queue::RetryQueue::ActionResult::Done:
        m_status->setText(done.arg(target));
        // The row shows the new state at once (one indexed read); the whole list follows in the background.
        if (std::optional<Queue::RetryEntry> changed = m_queue->entry(id, false, &error))
            m_model->updateEntry(std::move(*changed));
        updateActions();
        showDetail();
        break;
    case Queue::RetryQueue::ActionResult::NotFound:
        m_status->setText(tr("%1 is no longer in the queue.").arg(target));
        break;
    case Queue::RetryQueue::ActionResult::NotAllowed:
        m_status->setText(tr("Not possible while %1 is %2.")
                              .arg(target, RetryQueueModel::stateText(m_model->entry(m_model->rowOf(id)).state)));
        break;
    case Queue::RetryQueue::ActionResult::Failed:
        m_status->setText(tr("Cannot change %1: %2").arg(target, error));
        break;
    }
    refresh();
    return result == Queue::RetryQueue::ActionResult::Done;
}

void QueueView::onAttemptFinished(const Queue::RetryAttemptReport &report)
{
    const Bounce::Classification &c = report.result.classification;
    m_status->setText(report.stored
            ? tr("Retried %1 (%2): %3 %4")
                  .arg(report.target, RetryQueueModel::settingsText(report.settings), c.status, c.reason)
            : tr("Retry of %1 not recorded: %2").arg(report.target, report.error));
    refreshLater();
}

void QueueView::updateActions()
{
    const int row = m_model->rowOf(selectedId());
    const std::optional<Queue::EntryState> state = row >= 0 ? std::optional(m_model->entry(row).state) : std::nullopt;
    m_retryNow->setEnabled(state == Queue::EntryState::Pending);
    m_pause->setEnabled(state == Queue::EntryState::Pending || state == Queue::EntryState::Running);
    m_resume->setEnabled(state == Queue::EntryState::Paused);
    m_cancel->setEnabled(state && Queue::isOpen(*state));
}

void QueueView::showDetail()
{
    const qint64 id = selectedId();
    if (id == 0) {
        m_detail->clear();
        return;
    }
    QString error;
    const std::optional<Queue::RetryEntry> e = m_queue->entry(id, true, &error);
    if (!e) {
        m_detail->setPlainText(error);
        return;
    }
    QString text = tr("%1  %2  first %3 (%4) from %5, %6 attempts, expires %7\n")
                       .arg(e->target, RetryQueueModel::stateText(e->state), e->firstStatus, e->firstReason, e->source)
                       .arg(e->attempts)
                       .arg(timeText(e->expiresAt));
    if (Queue::isOpen(e->state))
        text += tr("Next attempt %1 with %2\n")
                    .arg(timeText(e->nextAttemptAt), RetryQueueModel::settingsText(e->settings));
    else if (e->resolvedAt.isValid())
        text += tr("Closed %1 by %2\n").arg(timeText(e->resolvedAt), e->resolvedBy);
    for (const Queue::RetryAttempt &a : e->history) {
        text += QStringLiteral("%1  %2 %3 %4 %5  %6\n")
                    .arg(timeText(a.at), a.kind, a.source, a.classification.status, a.classification.reason,
                        a.settings ? RetryQueueModel::settingsText(*a.settings) : QString());
    }
    m_detail->setPlainText(text);
}

} // namespace Mailpulse::Ui
