#pragma once

#include <QDialog>

#include "report/reportexporter.h"
#include "report/reportkind.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QThread;

namespace Mailpulse
{
class Clock;
namespace Store
{
class Database;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

/// "Export…": one of the CSV reports (probes, bounces, domains, providers, retries, contacts), optionally limited to a
/// window and a domain, in plain RFC 4180 or the spreadsheet (`--excel`) variant, written with Report::ReportExporter.
/// The file comes from a save dialog, or is given to exportTo() directly (tests, scripted use).
class ExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)

public:
    ExportDialog(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setKind(Report::ReportKind kind);
    Report::ReportKind kind() const;
    /// Since when: empty for all time, or anything `--since` takes ("24h", "7d", "2026-11-01").
    void setSince(const QString &since);
    void setDomain(const QString &domain);
    void setExcel(bool excel);

    /// Writes the chosen report to `path` (atomically: a failed export leaves no half file). False and `error`.
    bool exportTo(const QString &path, qint64 *rows, QString *error);
    /// As exportTo(), on a background thread with its own store connection: exported() or exportFailed() follows
    /// (false, and no signal, while another export runs). What the dialog does with the file the user picked.
    bool startExport(const QString &path);
    bool isExporting() const { return m_thread != nullptr; }

Q_SIGNALS:
    void exported(const QString &path, qint64 rows);
    void exportFailed(const QString &error);

private:
    void chooseFile();
    bool options(Report::ReportExporter::Options *options, QString *error) const;
    void finishExport(bool ok, const QString &path, qint64 rows, const QString &error);
    void showFailure(const QString &error);
    QString sinceText() const;

    Store::Database *m_database;
    const Clock *m_clock;
    QComboBox *m_kind;
    QComboBox *m_since;
    QLineEdit *m_domain;
    QLabel *m_progress;
    QDialogButtonBox *m_buttons;
    QCheckBox *m_excel;
    QThread *m_thread = nullptr;
};

} // namespace Mailpulse::Ui
