#include "labview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "lab/labscenario.h"
#include "lab/smtplab.h"

namespace Mailpulse::Ui
{

namespace
{
enum Column { Name, Port, Description, Expectation, ColumnCount };
}

LabView::LabView(QWidget *parent)
    : QWidget(parent)
    , m_start(new QPushButton(tr("&Start the lab"), this))
    , m_probe(new QPushButton(tr("&Probe selected scenario"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(this))
{
    m_status->setWordWrap(true);
    m_status->setText(tr("The lab runs SMTP servers on 127.0.0.1 that play named failure scenarios. Start it, then "
                         "probe a scenario (double-click) to see how Mailpulse classifies it."));
    m_probe->setEnabled(false);
    m_table->setColumnCount(ColumnCount);
    m_table->setHorizontalHeaderLabels(
        { tr("Scenario"), tr("Port"), tr("What the server does"), tr("Expected result") });
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QList<Lab::Scenario> scenarios = Lab::allScenarios();
    m_table->setRowCount(int(scenarios.size()));
    for (int row = 0; row < scenarios.size(); ++row) {
        const Lab::Scenario s = scenarios.at(row);
        m_table->setItem(row, Name, new QTableWidgetItem(Lab::scenarioName(s)));
        m_table->setItem(row, Port, new QTableWidgetItem(QStringLiteral("—")));
        m_table->setItem(row, Description, new QTableWidgetItem(Lab::scenarioDescription(s)));
        m_table->setItem(row, Expectation, new QTableWidgetItem(Lab::scenarioExpectation(s)));
    }
    m_table->resizeColumnsToContents();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_probe);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);

    connect(m_start, &QPushButton::clicked, this, &LabView::startLab);
    connect(m_probe, &QPushButton::clicked, this, [this] { requestProbe(m_table->currentRow()); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { requestProbe(row); });
}

LabView::~LabView() = default;

bool LabView::isRunning() const { return m_lab != nullptr; }

bool LabView::startLab()
{
    if (m_lab)
        return true;
    auto *lab = new Lab::SmtpLab(this);
    QString error;
    if (!lab->start({}, 0, &error)) {
        delete lab;
        m_status->setText(tr("<b>The lab could not start:</b> %1").arg(error.toHtmlEscaped()));
        return false;
    }
    m_lab = lab;
    for (int row = 0; row < m_table->rowCount(); ++row)
        m_table->item(row, Port)->setText(QString::number(m_lab->port(m_table->item(row, Name)->text())));
    m_status->setText(tr("The lab is running on 127.0.0.1. Its CA certificate: %1").arg(m_lab->caCertificatePath()));
    m_start->setEnabled(false);
    m_probe->setEnabled(true);
    return true;
}

void LabView::requestProbe(int row)
{
    if (row < 0 || !m_lab)
        return;
    const QString name = m_table->item(row, Name)->text();
    Q_EMIT probeRequested(QStringLiteral("postmaster@%1.lab.test").arg(name),
        QStringLiteral("127.0.0.1:%1").arg(m_lab->port(name)), m_lab->caCertificatePath());
}

} // namespace Mailpulse::Ui
