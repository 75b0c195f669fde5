#include "labview.h"

#include <QCoreApplication>
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

// The scenarios' texts come from core in English (the CLI and the README share them); the lab view shows them in the
// user's language. Listed here for lupdate, under the context the view looks them up in.
[[maybe_unused]] constexpr const char *kScenarioTexts[] = {
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Well-behaved ESMTP server, STARTTLS with the lab-CA certificate"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "success accepted (2.1.5 at RCPT); TLS verified with --ca-file <lab CA>"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Well-behaved ESMTP server without STARTTLS"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab",
        "success accepted with a no-STARTTLS finding; 4.7.4 soft securityerror with --tls starttls-required"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "STARTTLS with a self-signed certificate"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.7.5 soft securityerror (phase tls); success with --no-verify"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "STARTTLS with a certificate signed by the lab CA"),
    QT_TRANSLATE_NOOP(
        "Mailpulse::Lab", "success with --ca-file <lab CA>; 4.7.5 soft securityerror (phase tls) without it"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "TLS from the first byte (port 465 style), lab-CA certificate"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab",
        "success with --tls implicit --ca-file <lab CA>; 4.4.2 soft networkerror (phase greeting) in plain"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Accepts, then closes at once"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase greeting)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Sends 220 then closes"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase ehlo)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Greets, closes on EHLO without a reply"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase ehlo)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Accepts STARTTLS, reads the ClientHello, closes without a TLS alert"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase tls)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Accepts and never sends a byte"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase greeting) when the greeting timeout fires"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Nothing listens on this port"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.1 soft networkerror (phase connect)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Sends the greeting one byte at a time (every 2 s by default)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.4.2 soft networkerror (phase greeting) when the greeting deadline fires"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "RCPT TO answered 451 4.7.1 greylisted"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.7.1 soft greylisted (phase rcpt)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "RCPT TO answered 550 5.1.1 user unknown"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "5.1.1 hard userunknown (phase rcpt)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "RCPT TO answered 452 4.2.2 mailbox full"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.2.2 soft mailboxfull (phase rcpt)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Greets with 421 4.3.2 then closes"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.3.2 soft systemerror (phase greeting), from the 421 reply"),
    QT_TRANSLATE_NOOP(
        "Mailpulse::Lab", "Sends two extra 250 lines in the same write as the 220 to STARTTLS, then behaves"),
    QT_TRANSLATE_NOOP(
        "Mailpulse::Lab", "success with a critical starttls-injection finding; the injected lines are discarded"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Streams bytes without a line end (64 KiB chunks, up to 64 MiB)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "4.5.0 soft systemerror (phase greeting): oversized reply"),
    QT_TRANSLATE_NOOP(
        "Mailpulse::Lab", "Drops the first connections (2 by default) right after connect, then behaves like healthy"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab",
        "4.4.2 soft networkerror (phase greeting) for the dropped ones, then success (a retry recovers)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Greets with 554 5.7.1 (client blocked by policy), waits for QUIT"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "5.7.1 hard blocked (phase greeting)"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "Answers EHLO with 502 5.5.1; HELO works"),
    QT_TRANSLATE_NOOP("Mailpulse::Lab", "success accepted via the HELO fallback (no ESMTP, so no STARTTLS)"),
};

QString translated(const QString &scenarioText)
{
    return QCoreApplication::translate("Mailpulse::Lab", scenarioText.toUtf8().constData());
}
} // namespace

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
        m_table->setItem(row, Description, new QTableWidgetItem(translated(Lab::scenarioDescription(s))));
        m_table->setItem(row, Expectation, new QTableWidgetItem(translated(Lab::scenarioExpectation(s))));
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
