#include "historyview.h"

#include <algorithm>

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextEdit>
#include <QVBoxLayout>

#include "models/proberesultmodel.h"
#include "store/database.h"
#include "store/proberepository.h"
#include "views/storereader.h"
#include "widgets/tableheaders.h"

namespace Mailpulse::Ui
{

namespace
{
// The history shows the newest probes; older ones stay in the store and in CSV reports.
constexpr int kHistoryRows = 2000;
} // namespace

HistoryView::HistoryView(Store::Database *database, QWidget *parent)
    : QWidget(parent)
    , m_database(database)
    , m_reader(new StoreReader(database->path(), QStringLiteral("history view"), this))
    , m_gate(new RefreshGate(
          0, [this] { load(); }, this))
    , m_model(new ProbeResultModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_detail(new QTextEdit(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ProbeResultModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter: domain, status, reason, phase…"));
    m_filter->setClearButtonEnabled(true);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProbeResultModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    fitColumnsToHeaders(m_table);
    m_table->verticalHeader()->hide();
    m_detail->setReadOnly(true);
    m_detail->setFontFamily(QStringLiteral("monospace"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryView::showDetail);
    connect(m_reader, &StoreReader::failed, this, [this] { m_gate->finished(); });
    refresh();
}

void HistoryView::refresh() { m_gate->requestNow(); }

bool HistoryView::isRefreshing() const { return m_gate->isBusy(); }

void HistoryView::refreshNow() { present(Store::ProbeRepository(*m_database).recent(kHistoryRows)); }

void HistoryView::load()
{
    m_addedDuringLoad.clear();
    m_reader->read<QList<Smtp::ProbeResult>>(
        [](Store::Database &database) { return Store::ProbeRepository(database).recent(kHistoryRows); },
        [this](QList<Smtp::ProbeResult> results) {
            m_gate->finished();
            present(std::move(results));
            if (!m_gate->isBusy())
                Q_EMIT refreshed();
        });
}

void HistoryView::present(QList<Smtp::ProbeResult> results)
{
    // Probes recorded while the read ran may or may not be in what it read: add those it missed, newest first.
    const auto same = [](const Smtp::ProbeResult &a, const Smtp::ProbeResult &b) {
        return a.startedAt == b.startedAt && a.target == b.target && a.phase == b.phase
            && a.classification.status == b.classification.status;
    };
    for (const Smtp::ProbeResult &added : std::as_const(m_addedDuringLoad)) {
        if (std::none_of(results.cbegin(), results.cend(), [&](const Smtp::ProbeResult &r) { return same(r, added); }))
            results.prepend(added);
    }
    m_addedDuringLoad.clear();
    if (results.size() > kHistoryRows)
        results.resize(kHistoryRows);
    m_model->setResults(std::move(results));
}

void HistoryView::add(const Smtp::ProbeResult &result)
{
    if (m_gate->isBusy())
        m_addedDuringLoad.append(result);
    m_model->prepend(result, kHistoryRows);
}

void HistoryView::setFilterText(const QString &text) { m_filter->setText(text); }

void HistoryView::showDetail()
{
    const QModelIndex index = m_proxy->mapToSource(m_table->currentIndex());
    if (!index.isValid()) {
        m_detail->clear();
        return;
    }
    const Smtp::ProbeResult &r = m_model->result(index.row());
    QString text = tr("%1  %2 %3 %4  phase %5\n%6\n")
                       .arg(r.target, r.classification.status, Bounce::deliveryClassName(r.classification.cls),
                           r.classification.reason, Smtp::phaseName(r.phase), r.detail);
    if (!r.hostsTried.isEmpty())
        text += tr("Hosts tried: %1\n").arg(r.hostsTried.join(QStringLiteral(", ")));
    if (r.tls) {
        text += tr("TLS: %1 %2, %3; subject %4; issuer %5; SAN %6; expires %7\n")
                    .arg(r.tls->protocol, r.tls->cipher, r.tls->verified ? tr("verified") : tr("not verified"),
                        r.tls->subject, r.tls->issuer, r.tls->san.join(QStringLiteral(", ")),
                        r.tls->notAfter.toString(Qt::ISODate));
        for (const QString &e : r.tls->errors)
            text += tr("  certificate problem: %1\n").arg(e);
    }
    for (const Smtp::Finding &f : r.findings)
        text += QStringLiteral("[%1] %2: %3\n").arg(f.severity, f.code, f.text);
    text += u'\n';
    for (const Smtp::TranscriptEntry &e : r.transcript)
        text += QStringLiteral("%1 %2 %3\n").arg(double(e.tMs) / 1000.0, 8, 'f', 3).arg(QLatin1Char(e.dir)).arg(e.line);
    m_detail->setPlainText(text);
}

} // namespace Mailpulse::Ui
