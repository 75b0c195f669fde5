#pragma once

#include <functional>
#include <memory>

#include <QWidget>

#include "contacts/contactentry.h"
#include "contacts/contactmessage.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTextEdit;
class QUrl;

namespace Mailpulse
{
class Clock;
namespace Contacts
{
class ContactList;
}
namespace Store
{
class Database;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

class ContactsModel;
class RefreshGate;
class StoreReader;

/// The contact list: failing recipients with why they are listed, the status workflow with notes, contact details,
/// composing the message to the recipient's alternate address, and importing contact details from CSV. The list is
/// read on a worker thread and merged into the table row by row; the actions write through the UI thread's
/// connection (one row each).
class ContactsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContactsView)

public:
    /// Opens a URL (the mailto: of compose). Default: QDesktopServices::openUrl. Tests record instead.
    using UrlOpener = std::function<bool(const QUrl &)>;
    /// Asks for the CSV file to import; empty when the user cancels. Default: a file dialog.
    using FileChooser = std::function<QString()>;

    ContactsView(Store::Database *database, const Clock *clock, QWidget *parent = nullptr);
    ~ContactsView() override;

    void setUrlOpener(UrlOpener opener) { m_openUrl = std::move(opener); }
    void setFileChooser(FileChooser chooser) { m_chooseFile = std::move(chooser); }
    /// Signs composed messages (e.g. the MAIL FROM of the settings); empty: no signature.
    void setSender(const QString &sender) { m_sender = sender; }

    ContactsModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    /// Selects the address's row; false when it is not shown.
    bool select(const QString &address);
    QString selectedAddress() const;

    // What the detail pane's buttons do, on the selected entry. False, with the reason in the status line, when it
    // could not be done.
    bool changeStatus(Contacts::ContactStatus status, const QString &note);
    bool saveDetails(const QString &name, const QString &phone, const QString &altEmail);
    /// Builds the message in `language` and opens its mailto: URL; returns the URL (empty when none could be built).
    QString compose(Contacts::ContactMessage::Language language);
    /// Asks for a CSV file and imports its contact details, all rows or none.
    bool importContacts();

    QString statusText() const;
    bool isRefreshing() const;
    /// Reads the list on the calling (UI) thread and shows it at once: for `--screenshot`, which renders and exits.
    void refreshNow();

public Q_SLOTS:
    /// Re-reads the list in the background (at once, or after the read in flight); refreshed() follows.
    void refresh();
    /// The store changed (a probe was recorded): re-reads when shown, at most every half second.
    void refreshLater();

Q_SIGNALS:
    void refreshed();

protected:
    /// Re-reads the list: retries and the CLI change it without telling this view.
    void showEvent(QShowEvent *event) override;

private:
    struct Loaded;
    void load();
    void present(const Loaded &loaded);
    /// Shows the entry's stored state at once, after an action on it.
    void reloadEntry(const QString &address);
    void showDetail();
    std::optional<Contacts::ContactEntry> selectedEntry() const;

    std::unique_ptr<Contacts::ContactList> m_list;
    const Clock *m_clock;
    StoreReader *m_reader;
    RefreshGate *m_gate;
    UrlOpener m_openUrl;
    FileChooser m_chooseFile;
    QString m_sender;
    QString m_shownAddress; // whose details the form holds: a refresh must not wipe what the user is typing
    ContactsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_statusFilter;
    QLineEdit *m_search;
    QTableView *m_table;
    QLabel *m_why;
    QComboBox *m_status;
    QLineEdit *m_note;
    QLineEdit *m_name;
    QLineEdit *m_phone;
    QLineEdit *m_altEmail;
    QComboBox *m_language;
    QTextEdit *m_notes;
    QLabel *m_statusLine;
    QWidget *m_detail;
};

} // namespace Mailpulse::Ui
