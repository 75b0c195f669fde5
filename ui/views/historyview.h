#pragma once

#include <QWidget>

#include "smtp/proberesult.h"

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTextEdit;

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Ui
{

class ProbeResultModel;
class RefreshGate;
class StoreReader;

/// Every stored probe, newest first: filter, sort, and a detail pane with the transcript and TLS details. The newest
/// rows are read on a worker thread (2,000 probes with their transcripts); probes recorded here are added directly.
class HistoryView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryView)

public:
    explicit HistoryView(Store::Database *database, QWidget *parent = nullptr);

    /// Re-reads the newest probes in the background (at once, or after the read in flight); refreshed() follows.
    void refresh();
    /// Reads them on the calling (UI) thread and shows them at once: for `--screenshot`, which renders and exits.
    void refreshNow();
    bool isRefreshing() const;
    /// Shows a result that was just stored, without re-reading the store (a batch records many per second).
    void add(const Smtp::ProbeResult &result);
    /// Shows only rows that contain `text` (visible in the filter box, so the user can clear it).
    void setFilterText(const QString &text);
    ProbeResultModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

Q_SIGNALS:
    void refreshed();

private:
    void load();
    void present(QList<Smtp::ProbeResult> results);
    void showDetail();

    Store::Database *m_database;
    StoreReader *m_reader;
    RefreshGate *m_gate;
    QList<Smtp::ProbeResult> m_addedDuringLoad; // newest last: what add() showed while a read was in flight
    ProbeResultModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QTextEdit *m_detail;
};

} // namespace Mailpulse::Ui
