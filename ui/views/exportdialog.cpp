#include "exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>

#include "common/clock.h"
#include "report/reportexporter.h"
#include "stats/timewindow.h"

namespace Mailpulse::Ui
{

ExportDialog::ExportDialog(Store::Database *database, const Clock *clock, QWidget *parent)
    : QDialog(parent)
    , m_database(database)
    , m_clock(clock)
    , m_kind(new QComboBox(this))
    , m_since(new QComboBox(this))
    , m_domain(new QLineEdit(this))
    , m_excel(new QCheckBox(tr("For spreadsheets (Excel): byte order mark, local separator and decimal point"), this))
{
    setWindowTitle(tr("Export CSV"));
    const std::pair<Report::ReportKind, QString> kinds[] = {
        { Report::ReportKind::Probes, tr("Probes") },
        { Report::ReportKind::Bounces, tr("Bounces") },
        { Report::ReportKind::Domains, tr("Domain statistics") },
        { Report::ReportKind::Providers, tr("Provider statistics") },
        { Report::ReportKind::Retries, tr("Retry queue") },
        { Report::ReportKind::Contacts, tr("Contacts") },
    };
    for (const auto &[kind, label] : kinds)
        m_kind->addItem(label, int(kind));
    // Editable: the list offers the usual windows, and anything `report --since` accepts can be typed.
    m_since->setEditable(true);
    m_since->addItem(tr("All time"), QString());
    m_since->addItem(tr("Last 24 hours"), QStringLiteral("24h"));
    m_since->addItem(tr("Last 7 days"), QStringLiteral("7d"));
    m_since->addItem(tr("Last 30 days"), QStringLiteral("30d"));
    m_since->setToolTip(tr("A window, or a start such as 2026-11-01, 2026-11-01T08:00:00Z, 90m, 2w"));
    m_domain->setPlaceholderText(tr("All domains"));
    m_domain->setClearButtonEnabled(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Export…"), QDialogButtonBox::AcceptRole);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Report:"), m_kind);
    form->addRow(tr("Since:"), m_since);
    form->addRow(tr("Domain:"), m_domain);
    form->addRow(m_excel);
    form->addRow(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::chooseFile);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void ExportDialog::setKind(Report::ReportKind kind) { m_kind->setCurrentIndex(m_kind->findData(int(kind))); }

Report::ReportKind ExportDialog::kind() const { return Report::ReportKind(m_kind->currentData().toInt()); }

void ExportDialog::setSince(const QString &since)
{
    const int index = m_since->findData(since);
    if (index >= 0)
        m_since->setCurrentIndex(index);
    else
        m_since->setEditText(since);
}

void ExportDialog::setDomain(const QString &domain) { m_domain->setText(domain); }

void ExportDialog::setExcel(bool excel) { m_excel->setChecked(excel); }

QString ExportDialog::sinceText() const
{
    // The shown text of a listed item maps to its value; typed text is taken as it is.
    const int index = m_since->findText(m_since->currentText());
    return index >= 0 ? m_since->itemData(index).toString() : m_since->currentText().trimmed();
}

bool ExportDialog::exportTo(const QString &path, qint64 *rows, QString *error)
{
    Report::ReportExporter::Options options;
    if (!Stats::TimeWindow::parse(sinceText(), QString(), *m_clock, &options.window, error))
        return false;
    options.domain = m_domain->text().trimmed();
    if (m_excel->isChecked())
        options.format = Report::CsvFormat::excel(QLocale());
    const QString userRules = Stats::ProviderRules::defaultUserFilePath();
    if (QFile::exists(userRules)) {
        QString ignored;
        options.rules.loadUserFile(userRules, &ignored);
    }

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    Report::ReportExporter exporter(*m_database);
    if (!exporter.write(kind(), options, &file, rows, error)) {
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

void ExportDialog::chooseFile()
{
    // A non-modal file dialog (open(), not exec()): no nested event loop while the user picks a file.
    auto *dialog = new QFileDialog(this, tr("Export CSV"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(tr("CSV files (*.csv)"));
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    dialog->selectFile(Report::reportKindName(kind()) + QStringLiteral(".csv"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        qint64 rows = 0;
        QString error;
        if (!exportTo(path, &rows, &error)) {
            auto *box = new QMessageBox(
                QMessageBox::Warning, tr("Export CSV"), tr("The export failed: %1").arg(error), QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        Q_EMIT exported(path, rows);
        accept();
    });
    dialog->open();
}

} // namespace Mailpulse::Ui
