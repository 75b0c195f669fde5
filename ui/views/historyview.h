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

/// Every stored probe, newest first: filter, sort, and a detail pane with the transcript and TLS details.
class HistoryView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryView)

public:
    explicit HistoryView(Store::Database *database, QWidget *parent = nullptr);

    /// Reloads the newest probes from the store.
    void refresh();
    /// Shows a result that was just stored, without re-reading the store (a batch records many per second).
    void add(const Smtp::ProbeResult &result);
    /// Shows only rows that contain `text` (visible in the filter box, so the user can clear it).
    void setFilterText(const QString &text);
    ProbeResultModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

private:
    void showDetail();

    Store::Database *m_database;
    ProbeResultModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QTextEdit *m_detail;
};

} // namespace Mailpulse::Ui
