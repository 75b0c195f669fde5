#include "importview.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QTextEdit>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

#include "store/database.h"

namespace Mailpulse::Ui
{

namespace
{
QStringList localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}
} // namespace

ImportView::ImportView(Store::Database *database, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_databasePath(database->path())
    , m_clock(clock)
    , m_format(new QComboBox(this))
    , m_filesButton(new QPushButton(tr("Import &files…"), this))
    , m_folderButton(new QPushButton(tr("Import &Maildir folder…"), this))
    , m_dropHint(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_summary(new QLabel(this))
    , m_problems(new QTextEdit(this))
{
    m_chooseFiles = [this] {
        return QFileDialog::getOpenFileNames(this, tr("Import bounces and logs"), QString(),
            tr("Mails and logs (*.eml *.msg *.mbox *.log *.gz *.txt);;All files (*)"));
    };
    m_chooseFolder = [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import a Maildir folder"));
        return dir.isEmpty() ? QStringList() : QStringList { dir };
    };
    setAcceptDrops(true);
    for (const Bounce::ImportFormat format :
        { Bounce::ImportFormat::Auto, Bounce::ImportFormat::Dsn, Bounce::ImportFormat::Mbox,
            Bounce::ImportFormat::Maildir, Bounce::ImportFormat::Postfix, Bounce::ImportFormat::Exim }) {
        m_format->addItem(
            format == Bounce::ImportFormat::Auto ? tr("Recognize the format") : Bounce::importFormatName(format),
            int(format));
    }
    m_dropHint->setText(tr("Drop bounce mails, mbox files, Maildir folders or Postfix and Exim logs here."));
    m_dropHint->setAlignment(Qt::AlignCenter);
    m_dropHint->setMinimumHeight(120);
    m_dropHint->setFrameShape(QFrame::StyledPanel);
    m_dropHint->setWordWrap(true);
    m_progress->setVisible(false);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setReadOnly(true);
    m_problems->setPlaceholderText(tr("Problems of the last import appear here."));

    auto *top = new QHBoxLayout;
    top->addWidget(m_format);
    top->addStretch(1);
    top->addWidget(m_filesButton);
    top->addWidget(m_folderButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_dropHint);
    layout->addWidget(m_progress);
    layout->addWidget(m_summary);
    layout->addWidget(m_problems, 1);

    connect(m_filesButton, &QPushButton::clicked, this, [this] {
        if (m_chooseFiles)
            startImport(m_chooseFiles());
    });
    connect(m_folderButton, &QPushButton::clicked, this, [this] {
        if (m_chooseFolder)
            startImport(m_chooseFolder());
    });
}

ImportView::~ImportView()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

void ImportView::setRules(const Queue::RetryPolicy &policy, const Contacts::ContactRules &rules)
{
    m_policy = policy;
    m_rules = rules;
}

bool ImportView::startImport(const QStringList &paths)
{
    if (paths.isEmpty())
        return false;
    if (m_running) {
        m_summary->setText(tr("An import is running; add more when it has finished."));
        return false;
    }
    if (!m_thread) {
        // One long-lived worker thread: imports run one at a time, and the thread is torn down with the view.
        m_thread = new QThread(this);
        m_thread->setObjectName(QStringLiteral("mailpulse-import"));
        m_worker = new ImportWorker(m_clock);
        m_worker->moveToThread(m_thread);
        connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &ImportWorker::progressed, this, &ImportView::onProgressed, Qt::QueuedConnection);
        connect(m_worker, &ImportWorker::finished, this, &ImportView::onFinished, Qt::QueuedConnection);
        m_thread->start();
    }
    ImportJob job;
    job.databasePath = m_databasePath;
    job.paths = paths;
    job.options.format = Bounce::ImportFormat(m_format->currentData().toInt());
    job.policy = m_policy;
    job.rules = m_rules;
    m_running = true;
    m_filesButton->setEnabled(false);
    m_folderButton->setEnabled(false);
    m_progress->setVisible(true);
    // A single path (a big log, a Maildir) gives no progress of its own: show a busy bar instead of a stuck one.
    m_progress->setRange(0, paths.size() > 1 ? int(paths.size()) : 0);
    m_progress->setValue(0);
    m_summary->setText(tr("Importing %n path(s)…", nullptr, int(paths.size())));
    m_problems->clear();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job] { worker->run(job); }, Qt::QueuedConnection);
    return true;
}

QString ImportView::summaryText() const
{
    return m_problems->toPlainText().isEmpty() ? m_summary->text()
                                               : m_summary->text() + u'\n' + m_problems->toPlainText();
}

void ImportView::dragEnterEvent(QDragEnterEvent *event)
{
    if (!m_running && !localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ImportView::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPaths(event->mimeData());
    if (startImport(paths))
        event->acceptProposedAction();
}

void ImportView::onProgressed(int done, int total, const QString &path)
{
    if (total > 1)
        m_progress->setValue(done);
    m_summary->setText(tr("Imported %1 (%2 of %3)…").arg(QDir::toNativeSeparators(path)).arg(done).arg(total));
}

void ImportView::onFinished(const ImportReport &report)
{
    m_running = false;
    m_filesButton->setEnabled(true);
    m_folderButton->setEnabled(true);
    m_progress->setVisible(false);
    if (!report.error.isEmpty()) {
        m_summary->setText(tr("Nothing imported: cannot open the store: %1").arg(report.error));
        Q_EMIT importFinished(report);
        return;
    }
    const Bounce::ImportSummary &s = report.summary;
    m_summary->setText(tr("New bounce events: %1, already known: %2, successful deliveries: %3; from %4 files (%5 "
                          "mails, %6 log lines) in %7 s.")
                           .arg(s.records)
                           .arg(s.duplicates)
                           .arg(s.deliveries)
                           .arg(s.files)
                           .arg(s.messages)
                           .arg(s.lines)
                           .arg(double(report.elapsedMs) / 1000.0, 0, 'f', 1));
    QStringList problems;
    for (const QString &path : s.missing)
        problems.append(tr("Not found: %1").arg(QDir::toNativeSeparators(path)));
    for (const Bounce::ImportProblem &p : s.skipped) {
        problems.append(
            (p.error ? tr("Error: %1: %2") : tr("Note: %1: %2")).arg(QDir::toNativeSeparators(p.file), p.reason));
    }
    if (s.storeFailed)
        problems.append(tr("The store refused some files; they were not imported and can be imported again."));
    m_problems->setPlainText(problems.join(u'\n'));
    Q_EMIT importFinished(report);
}

} // namespace Mailpulse::Ui
