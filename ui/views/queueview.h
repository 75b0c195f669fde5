#pragma once

#include <memory>

#include <QWidget>

#include "queue/retryqueue.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTextEdit;
class QTimer;

namespace Mailpulse
{
class Clock;
namespace Queue
{
class RetryScheduler;
struct RetryAttemptReport;
} // namespace Queue
namespace Store
{
class Database;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

class RefreshGate;
class RetryQueueModel;
class StoreReader;

/// The retry queue: entries with a live countdown to their next attempt, and the manual actions (retry now,
/// pause, resume, cancel) as buttons, context menu and shortcuts. Acts through its own RetryQueue over the shared
/// store, so it works with or without a running scheduler; the list itself is read on a worker thread and merged
/// into the table row by row.
class QueueView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueView)

public:
    QueueView(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    ~QueueView() override;

    /// Refreshes after every attempt of the scheduler; "retry now" asks it to run the entry at once.
    void setScheduler(Queue::RetryScheduler *scheduler);

    enum class Filter { Open, All };
    void setFilter(Filter filter);

    RetryQueueModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    /// Selects the entry's row; false when it is not shown.
    bool select(qint64 id);
    /// The selected entry, 0 when none.
    qint64 selectedId() const;

    // The actions on the selected entry (what the buttons, menu and shortcuts do). False, with the reason shown in
    // the status line, when the entry's state does not allow it.
    bool retryNowSelected();
    bool pauseSelected();
    bool resumeSelected();
    bool cancelSelected();

    QString statusText() const;

    bool isRefreshing() const;
    /// Reads the list on the calling (UI) thread and shows it at once: for `--screenshot`, which renders and exits.
    void refreshNow();

    /// One read of the list (public for the reader; not an API).
    struct Loaded {
        Filter filter = Filter::Open;
        QList<Queue::RetryEntry> entries;
        QString error;
    };

public Q_SLOTS:
    /// Re-reads the list in the background (at once, or after the read in flight); refreshed() follows.
    void refresh();
    /// The store changed (a probe was recorded, a retry ran): re-reads when shown, at most every half second, so a
    /// batch of probes costs a bounded share of the UI thread.
    void refreshLater();

Q_SIGNALS:
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void load();
    void present(const Loaded &loaded);
    bool act(Queue::RetryQueue::ActionResult (Queue::RetryQueue::*action)(qint64, QString *), const QString &done);
    void onAttemptFinished(const Queue::RetryAttemptReport &report);
    void updateActions();
    void showDetail();

    std::unique_ptr<Queue::RetryQueue> m_queue;
    Store::Database *m_database;
    const Clock *m_clock;
    StoreReader *m_reader;
    RefreshGate *m_gate;
    Queue::RetryScheduler *m_scheduler = nullptr;
    Filter m_filter = Filter::Open;
    RetryQueueModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_filterCombo;
    QLineEdit *m_search;
    QTableView *m_table;
    QTextEdit *m_detail;
    QLabel *m_status;
    QTimer *m_countdown;
    QTimer *m_poll;
    QAction *m_retryNow;
    QAction *m_pause;
    QAction *m_resume;
    QAction *m_cancel;
};

} // namespace Mailpulse::Ui
