#pragma once

#include <functional>

#include <QStringList>
#include <QWidget>

#include "views/importworker.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTextEdit;
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

/// Imports bounce mails, mbox files, Maildir folders and MTA logs, dropped on the view or chosen with a button.
/// Big logs take seconds, so the Importer runs in a worker thread with its own store connection; the view shows
/// progress and then a summary with every problem.
class ImportView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportView)

public:
    /// Asks for paths to import; empty when the user cancels. Default: file and folder dialogs.
    using PathChooser = std::function<QStringList()>;

    ImportView(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    /// Waits for a running import: the importer cannot be interrupted mid-file without losing the file's work.
    ~ImportView() override;

    /// How imported outcomes feed the retry queue and the contact list (from the settings).
    void setRules(const Queue::RetryPolicy &policy, const Contacts::ContactRules &rules);
    void setFileChooser(PathChooser chooser) { m_chooseFiles = std::move(chooser); }
    void setFolderChooser(PathChooser chooser) { m_chooseFolder = std::move(chooser); }

    /// Starts importing in the background. False (and says why) when an import is running or nothing was given.
    bool startImport(const QStringList &paths);
    bool isRunning() const { return m_running; }
    QString summaryText() const;

Q_SIGNALS:
    void importFinished(const Mailpulse::Ui::ImportReport &report);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void onProgressed(int done, int total, const QString &path);
    void onFinished(const ImportReport &report);

    QString m_databasePath;
    const Clock *m_clock;
    Queue::RetryPolicy m_policy;
    Contacts::ContactRules m_rules;
    PathChooser m_chooseFiles;
    PathChooser m_chooseFolder;
    QThread *m_thread = nullptr;
    ImportWorker *m_worker = nullptr;
    bool m_running = false;

    QComboBox *m_format;
    QPushButton *m_filesButton;
    QPushButton *m_folderButton;
    QLabel *m_dropHint;
    QProgressBar *m_progress;
    QLabel *m_summary;
    QTextEdit *m_problems;
};

} // namespace Mailpulse::Ui
