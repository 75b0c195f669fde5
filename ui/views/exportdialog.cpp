#include "exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QThread>

#include "common/clock.h"
#include "report/reportexporter.h"
#include "stats/timewindow.h"
#include "store/database.h"

namespace Mailpulse::Ui
{

ExportDialog::ExportDialog(Store::Database *database, const Clock *clock, QWidget *parent)
    : QDialog(parent)
    , m_database(database)
    , m_clock(clock)
    , m_kind(new QComboBox(this))
    , m_since(new QComboBox(this))
    , m_domain(new QLineEdit(this))
    , m_progress(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
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

    m_buttons->addButton(tr("Export…"), QDialogButtonBox::AcceptRole);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Report:"), m_kind);
    form->addRow(tr("Since:"), m_since);
    form->addRow(tr("Domain:"), m_domain);
    form->addRow(m_excel);
    form->addRow(m_progress);
    form->addRow(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::chooseFile);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
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

namespace
{

// Writes atomically: a failed export leaves no half file.
bool writeReport(Store::Database &database, Report::ReportKind kind, const Report::ReportExporter::Options &options,
    const QString &path, qint64 *rows, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = ExportDialog::tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    Report::ReportExporter exporter(database);
    if (!exporter.write(kind, options, &file, rows, error)) {
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = ExportDialog::tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

} // namespace

ExportDialog::~ExportDialog()
{
    // A running export writes through its own connection and into its own file; let it finish rather than tear the
    // file down under it (QSaveFile keeps the target intact either way).
    if (m_thread)
        m_thread->wait();
}

bool ExportDialog::options(Report::ReportExporter::Options *options, QString *error) const
{
    if (!Stats::TimeWindow::parse(sinceText(), QString(), *m_clock, &options->window, error))
        return false;
    options->domain = m_domain->text().trimmed();
    if (m_excel->isChecked())
        options->format = Report::CsvFormat::excel(QLocale());
    const QString userRules = Stats::ProviderRules::defaultUserFilePath();
    if (QFile::exists(userRules)) {
        QString ignored;
        options->rules.loadUserFile(userRules, &ignored);
    }
    return true;
}

bool ExportDialog::exportTo(const QString &path, qint64 *rows, QString *error)
{
    Report::ReportExporter::Options o;
    return options(&o, error) && writeReport(*m_database, kind(), o, path, rows, error);
}

bool ExportDialog::startExport(const QString &path)
{
    Report::ReportExporter::Options o;
    QString error;
    if (m_thread || !options(&o, &error)) {
        if (!m_thread)
            showFailure(error);
        return false;
    }
    // A million probes take seconds to write: the UI thread only waits for the result. The thread opens its own
    // connection (a connection belongs to the thread that opened it).
    m_buttons->setEnabled(false);
    m_progress->setText(tr("Exporting…"));
    m_thread = QThread::create([this, databasePath = m_database->path(), kind = kind(), o, path] {
        Store::Database database;
        qint64 rows = 0;
        QString error;
        const bool ok = database.open(databasePath, &error) && writeReport(database, kind, o, path, &rows, &error);
        QMetaObject::invokeMethod(this, [this, ok, path, rows, error] { finishExport(ok, path, rows, error); });
    });
    m_thread->setParent(this);
    m_thread->start(QThread::LowPriority);
    return true;
}

void ExportDialog::finishExport(bool ok, const QString &path, qint64 rows, const QString &error)
{
    m_thread->wait();
    m_thread->deleteLater();
    m_thread = nullptr;
    m_buttons->setEnabled(true);
    m_progress->clear();
    if (!ok) {
        showFailure(error);
        return;
    }
    Q_EMIT exported(path, rows);
    accept();
}

void ExportDialog::showFailure(const QString &error)
{
    Q_EMIT exportFailed(error);
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Export CSV"), tr("The export failed: %1").arg(error), QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
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
    connect(dialog, &QFileDialog::fileSelected, this, &ExportDialog::startExport);
    dialog->open();
}

} // namespace Mailpulse::Ui
