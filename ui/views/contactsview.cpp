#include "contactsview.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextEdit>
#include <QUrl>
#include <QVBoxLayout>

#include "common/clock.h"
#include "contacts/contactlist.h"
#include "models/contactsmodel.h"
#include "store/database.h"
#include "views/storereader.h"
#include "widgets/tableheaders.h"

namespace Mailpulse::Ui
{

namespace
{
// Between two automatic re-reads of the list: a batch records many probes a second.
constexpr int kRefreshIntervalMs = 500;

constexpr Contacts::ContactStatus kStatuses[] = { Contacts::ContactStatus::New, Contacts::ContactStatus::Contacted,
    Contacts::ContactStatus::Resolved, Contacts::ContactStatus::Ignored };

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}
} // namespace

ContactsView::ContactsView(Store::Database *database, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_list(std::make_unique<Contacts::ContactList>(*database, *clock))
    , m_clock(clock)
    , m_reader(new StoreReader(database->path(), QStringLiteral("contacts view"), this))
    , m_gate(new RefreshGate(
          kRefreshIntervalMs, [this] { load(); }, this))
    , m_openUrl([](const QUrl &url) { return QDesktopServices::openUrl(url); })
    , m_model(new ContactsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_statusFilter(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_why(new QLabel(this))
    , m_status(new QComboBox(this))
    , m_note(new QLineEdit(this))
    , m_name(new QLineEdit(this))
    , m_phone(new QLineEdit(this))
    , m_altEmail(new QLineEdit(this))
    , m_language(new QComboBox(this))
    , m_notes(new QTextEdit(this))
    , m_statusLine(new QLabel(this))
    , m_detail(new QWidget(this))
{
    m_chooseFile = [this] {
        return QFileDialog::getOpenFileName(
            this, tr("Import contacts"), QString(), tr("CSV files (*.csv *.txt);;All files (*)"));
    };
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ContactsModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_statusFilter->addItem(tr("All statuses"), QString());
    for (const Contacts::ContactStatus s : kStatuses) {
        m_statusFilter->addItem(ContactsModel::statusText(s), Contacts::contactStatusName(s));
        m_status->addItem(ContactsModel::statusText(s), Contacts::contactStatusName(s));
    }
    m_search->setPlaceholderText(tr("Filter: address, domain, status, reason…"));
    m_search->setClearButtonEnabled(true);
    m_language->addItem(tr("English"), int(Contacts::ContactMessage::Language::English));
    m_language->addItem(tr("German"), int(Contacts::ContactMessage::Language::German));
    // The message goes to the recipient's own side: start from the user's language, which they can switch.
    if (Contacts::ContactMessage::languageFromName(QLocale().name()) == Contacts::ContactMessage::Language::German)
        m_language->setCurrentIndex(1);
    m_note->setPlaceholderText(tr("Note (optional)"));
    m_altEmail->setPlaceholderText(tr("Where to reach them when their mail server fails"));
    m_why->setWordWrap(true);
    m_why->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->setReadOnly(true);

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ContactsModel::LastFailed, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    fitColumnsToHeaders(m_table);
    m_table->verticalHeader()->hide();

    auto *applyStatus = new QPushButton(tr("Set status"), m_detail);
    auto *saveDetailsButton = new QPushButton(tr("Save details"), m_detail);
    auto *composeButton = new QPushButton(tr("Compose…"), m_detail);
    composeButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    auto *importButton = new QPushButton(tr("Import contacts CSV…"), this);

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status);
    statusRow->addWidget(m_note, 1);
    statusRow->addWidget(applyStatus);
    auto *composeRow = new QHBoxLayout;
    composeRow->addWidget(m_language);
    composeRow->addWidget(composeButton);
    composeRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("Status:"), statusRow);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Phone:"), m_phone);
    form->addRow(tr("Alternate e-mail:"), m_altEmail);
    form->addRow(QString(), saveDetailsButton);
    form->addRow(tr("Message:"), composeRow);
    auto *detailLayout = new QVBoxLayout(m_detail);
    detailLayout->addWidget(m_why);
    detailLayout->addLayout(form);
    detailLayout->addWidget(m_notes, 1);

    auto *top = new QHBoxLayout;
    top->addWidget(m_statusFilter);
    top->addWidget(m_search, 1);
    top->addWidget(importButton);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_statusLine);

    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &ContactsView::refresh);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ContactsView::showDetail);
    connect(applyStatus, &QPushButton::clicked, this, [this] {
        if (const auto s = Contacts::contactStatusFromName(m_status->currentData().toString()))
            changeStatus(*s, m_note->text().trimmed());
    });
    connect(saveDetailsButton, &QPushButton::clicked, this,
        [this] { saveDetails(m_name->text(), m_phone->text(), m_altEmail->text()); });
    connect(composeButton, &QPushButton::clicked, this,
        [this] { compose(Contacts::ContactMessage::Language(m_language->currentData().toInt())); });
    connect(importButton, &QPushButton::clicked, this, &ContactsView::importContacts);
    connect(m_reader, &StoreReader::failed, this, [this](const QString &error) {
        m_statusLine->setText(tr("Cannot read the contact list: %1").arg(error));
        m_gate->finished();
    });
    refresh();
}

ContactsView::~ContactsView() = default;

void ContactsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

struct ContactsView::Loaded {
    std::optional<Contacts::ContactStatus> status;
    QList<Contacts::ContactEntry> entries;
    QString error;
};

void ContactsView::refresh() { m_gate->requestNow(); }

void ContactsView::refreshLater()
{
    // A hidden view re-reads when it is shown again.
    if (isVisible())
        m_gate->request();
}

bool ContactsView::isRefreshing() const { return m_gate->isBusy(); }

void ContactsView::load()
{
    Contacts::ContactList::Filter filter;
    filter.status = Contacts::contactStatusFromName(m_statusFilter->currentData().toString());
    m_reader->read<Loaded>(
        [filter, clock = m_clock](Store::Database &database) {
            Loaded loaded;
            loaded.status = filter.status;
            Contacts::ContactList(database, *clock).list(filter, &loaded.entries, &loaded.error);
            return loaded;
        },
        [this](const Loaded &loaded) {
            m_gate->finished();
            present(loaded);
        });
}

void ContactsView::refreshNow()
{
    Loaded loaded;
    Contacts::ContactList::Filter filter;
    filter.status = Contacts::contactStatusFromName(m_statusFilter->currentData().toString());
    loaded.status = filter.status;
    m_list->list(filter, &loaded.entries, &loaded.error);
    present(loaded);
}

void ContactsView::present(const Loaded &loaded)
{
    if (!loaded.error.isEmpty()) {
        m_statusLine->setText(tr("Cannot read the contact list: %1").arg(loaded.error));
        return;
    }
    // The status filter changed while this was read: the follow-up read is already asked for.
    if (loaded.status == Contacts::contactStatusFromName(m_statusFilter->currentData().toString())) {
        m_model->setEntries(loaded.entries);
        showDetail();
    }
    if (!m_gate->isBusy())
        Q_EMIT refreshed();
}

void ContactsView::reloadEntry(const QString &address)
{
    QString error;
    if (std::optional<Contacts::ContactEntry> entry = m_list->find(address, &error))
        m_model->updateEntry(std::move(*entry));
    showDetail();
    refresh();
}

bool ContactsView::select(const QString &address)
{
    const int row = m_model->rowOf(address);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

QString ContactsView::selectedAddress() const
{
    const QModelIndex index = m_table->currentIndex();
    return index.isValid() ? index.data(ContactsModel::AddressRole).toString() : QString();
}

std::optional<Contacts::ContactEntry> ContactsView::selectedEntry() const
{
    const int row = m_model->rowOf(selectedAddress());
    return row >= 0 ? std::optional(m_model->entry(row)) : std::nullopt;
}

bool ContactsView::changeStatus(Contacts::ContactStatus status, const QString &note)
{
    const QString address = selectedAddress();
    if (address.isEmpty()) {
        m_statusLine->setText(tr("Select a recipient first."));
        return false;
    }
    QString error;
    switch (m_list->setStatus(address, status, note, &error)) {
    case Contacts::ContactList::Change::Done:
        m_statusLine->setText(tr("%1 is now %2.").arg(address, ContactsModel::statusText(status)));
        m_note->clear();
        reloadEntry(address);
        select(address);
        return true;
    case Contacts::ContactList::Change::NotListed:
        m_statusLine->setText(tr("%1 is no longer listed.").arg(address));
        break;
    case Contacts::ContactList::Change::Failed:
        m_statusLine->setText(tr("Cannot change %1: %2").arg(address, error));
        break;
    }
    refresh();
    return false;
}

bool ContactsView::saveDetails(const QString &name, const QString &phone, const QString &altEmail)
{
    const QString address = selectedAddress();
    if (address.isEmpty()) {
        m_statusLine->setText(tr("Select a recipient first."));
        return false;
    }
    const Contacts::ContactDetails details { address, name.trimmed(), phone.trimmed(), altEmail.trimmed() };
    QString error;
    if (!m_list->setDetails(details, &error)) {
        m_statusLine->setText(tr("Cannot save the details of %1: %2").arg(address, error));
        return false;
    }
    m_statusLine->setText(tr("Saved the details of %1.").arg(address));
    m_shownAddress.clear();
    reloadEntry(address);
    return true;
}

QString ContactsView::compose(Contacts::ContactMessage::Language language)
{
    const std::optional<Contacts::ContactEntry> entry = selectedEntry();
    if (!entry) {
        m_statusLine->setText(tr("Select a recipient first."));
        return {};
    }
    const Contacts::ContactMessage message = Contacts::ContactMessage::compose(*entry, language, m_sender);
    const QString url = message.mailtoUrl();
    if (url.isEmpty()) {
        // Their own mailbox is the one failing: the message needs another way in.
        m_statusLine->setText(tr("Enter an alternate e-mail for %1 first.").arg(entry->address));
        m_altEmail->setFocus();
        return {};
    }
    if (!m_openUrl(QUrl(url, QUrl::StrictMode))) {
        m_statusLine->setText(tr("No mail program opened the message to %1.").arg(message.to));
        return {};
    }
    m_statusLine->setText(tr("Message to %1 opened in the mail program.").arg(message.to));
    return url;
}

bool ContactsView::importContacts()
{
    const QString path = m_chooseFile ? m_chooseFile() : QString();
    if (path.isEmpty())
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_statusLine->setText(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    int imported = 0;
    QString error;
    if (!m_list->importDetails(file.readAll(), &imported, &error)) {
        m_statusLine->setText(tr("Nothing imported from %1: %2").arg(path, error));
        return false;
    }
    m_statusLine->setText(tr("Imported the details of %n address(es).", nullptr, imported));
    m_shownAddress.clear();
    refresh();
    return true;
}

QString ContactsView::statusText() const { return m_statusLine->text(); }

void ContactsView::showDetail()
{
    const std::optional<Contacts::ContactEntry> e = selectedEntry();
    m_detail->setEnabled(e.has_value());
    if (!e) {
        m_shownAddress.clear();
        m_why->clear();
        m_notes->clear();
        m_name->clear();
        m_phone->clear();
        m_altEmail->clear();
        return;
    }
    m_why->setText(tr(
        "<b>%1</b>: listed for %2, %n failure(s), the last %3 (%4) at %5; failing since %6.", nullptr, int(e->failures))
                       .arg(e->address.toHtmlEscaped(), ContactsModel::ruleText(e->rule), e->lastStatus,
                           e->reason.toHtmlEscaped(), timeText(e->lastFailedAt), timeText(e->firstFailedAt)));
    m_status->setCurrentIndex(m_status->findData(Contacts::contactStatusName(e->status)));
    if (e->address != m_shownAddress) {
        m_shownAddress = e->address;
        m_name->setText(e->details.name);
        m_phone->setText(e->details.phone);
        m_altEmail->setText(e->details.altEmail);
    }
    QString notes;
    for (const Contacts::ContactNote &n : e->notes) {
        notes += QStringLiteral("%1  %2  %3  %4\n").arg(timeText(n.at), n.status, n.author, n.text);
    }
    m_notes->setPlainText(notes);
}

} // namespace Mailpulse::Ui
