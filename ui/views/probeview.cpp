#include "probeview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextEdit>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include "smtp/hostport.h"
#include "smtp/probeengine.h"
#include "tracking/outcomerecorder.h"

namespace Mailpulse::Ui
{

namespace
{

// How often streamed transcript lines and batch results reach the widgets.
constexpr int kFlushIntervalMs = 100;
// Transcript chunks kept in a batch (each holds the lines of one flush); every probe's own transcript is in History.
constexpr int kMaxTranscriptBlocks = 2000;

QDoubleSpinBox *secondsBox(int defaultMs, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0.1, 3600);
    box->setDecimals(1);
    box->setSuffix(QStringLiteral(" s"));
    box->setValue(defaultMs / 1000.0);
    return box;
}

QString colorFor(char dir)
{
    switch (dir) {
    case 'S':
        return QStringLiteral("#1565c0");
    case 'C':
        return QStringLiteral("#2e7d32");
    case '!':
        return QStringLiteral("#c62828");
    default:
        return QStringLiteral("#757575");
    }
}

} // namespace

ProbeView::ProbeView(Tracking::OutcomeRecorder *recorder, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_recorder(recorder)
    , m_engineThread(new QThread(this))
    , m_engine(new Smtp::ProbeEngine(clock))
    , m_flushTimer(new QTimer(this))
{
    m_engineThread->setObjectName(QStringLiteral("probes"));
    m_engine->moveToThread(m_engineThread);
    connect(m_engineThread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_engineThread->start();
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(kFlushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, this, &ProbeView::flush);
    const Smtp::Timeouts defaults;
    m_targets = new QPlainTextEdit(this);
    m_targets->setPlaceholderText(tr("user@example.org or example.org, one per line"));
    m_targets->setMaximumHeight(80);
    m_port = new QSpinBox(this);
    m_port->setRange(1, 65535);
    m_port->setValue(25);
    m_tls = new QComboBox(this);
    for (Smtp::TlsMode mode :
        { Smtp::TlsMode::StartTls, Smtp::TlsMode::StartTlsRequired, Smtp::TlsMode::Implicit, Smtp::TlsMode::None })
        m_tls->addItem(Smtp::tlsModeName(mode), int(mode));
    m_connectTimeout = secondsBox(defaults.connectMs, this);
    m_greetingTimeout = secondsBox(defaults.greetingMs, this);
    m_commandTimeout = secondsBox(defaults.commandMs, this);
    m_tlsTimeout = secondsBox(defaults.tlsMs, this);
    m_mx = new QLineEdit(this);
    m_mx->setPlaceholderText(tr("HOST[:PORT] — skip DNS"));
    m_caFile = new QLineEdit(this);
    m_caFile->setPlaceholderText(tr("extra CA certificates (PEM file)"));
    m_verify = new QCheckBox(tr("Verify certificates"), this);
    m_verify->setChecked(true);
    m_runButton = new QPushButton(tr("&Run"), this);
    m_runButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    m_transcript = new QTextEdit(this);
    m_transcript->setReadOnly(true);
    m_transcript->setFontFamily(QStringLiteral("monospace"));
    m_transcript->document()->setMaximumBlockCount(kMaxTranscriptBlocks);
    m_result = new QLabel(this);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Targets"), m_targets);
    auto *portRow = new QHBoxLayout;
    portRow->addWidget(m_port);
    portRow->addWidget(new QLabel(tr("TLS"), this));
    portRow->addWidget(m_tls);
    portRow->addWidget(m_verify);
    portRow->addStretch();
    form->addRow(tr("Port"), portRow);
    auto *timeoutRow = new QHBoxLayout;
    for (const auto &[label, box] :
        { std::pair { tr("connect"), m_connectTimeout }, { tr("greeting"), m_greetingTimeout },
            { tr("command"), m_commandTimeout }, { tr("TLS"), m_tlsTimeout } }) {
        timeoutRow->addWidget(new QLabel(label, this));
        timeoutRow->addWidget(box);
    }
    timeoutRow->addStretch();
    form->addRow(tr("Timeouts"), timeoutRow);
    form->addRow(tr("MX override"), m_mx);
    form->addRow(tr("CA file"), m_caFile);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_progress, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_transcript, 1);
    layout->addWidget(m_result);

    connect(m_runButton, &QPushButton::clicked, this, &ProbeView::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &ProbeView::cancel);
    connect(m_engine, &Smtp::ProbeEngine::transcriptLine, this, &ProbeView::onTranscriptLine);
    connect(m_engine, &Smtp::ProbeEngine::probeFinished, this, &ProbeView::onProbeFinished);
    connect(m_engine, &Smtp::ProbeEngine::progressChanged, this, &ProbeView::onProgress);
    connect(m_engine, &Smtp::ProbeEngine::idle, this, [this] {
        flush();
        m_running = false;
        m_runButton->setEnabled(true);
        m_cancelButton->setEnabled(false);
        Q_EMIT batchFinished();
    });
}

ProbeView::~ProbeView()
{
    // Running probes end with their partial results, which nobody records any more.
    QMetaObject::invokeMethod(m_engine, &Smtp::ProbeEngine::cancelAll);
    m_engineThread->quit();
    m_engineThread->wait();
}

void ProbeView::setDefaults(const Smtp::ProbeConfig &config, int maxConcurrent, int maxPerDomain)
{
    m_defaults = config;
    m_port->setValue(config.port);
    const int tls = m_tls->findData(int(config.tlsMode));
    if (tls >= 0)
        m_tls->setCurrentIndex(tls);
    m_connectTimeout->setValue(config.timeouts.connectMs / 1000.0);
    m_greetingTimeout->setValue(config.timeouts.greetingMs / 1000.0);
    m_commandTimeout->setValue(config.timeouts.commandMs / 1000.0);
    m_tlsTimeout->setValue(config.timeouts.tlsMs / 1000.0);
    m_verify->setChecked(config.verifyCertificate);
    const Smtp::ProbeEngine::Limits limits { maxConcurrent, maxPerDomain };
    QMetaObject::invokeMethod(m_engine, [engine = m_engine, limits] { engine->setLimits(limits); });
}

void ProbeView::prepare(const QString &targets, const QString &mx, const QString &caFile)
{
    m_targets->setPlainText(targets);
    m_mx->setText(mx);
    m_caFile->setText(caFile);
}

std::optional<Smtp::ProbeConfig> ProbeView::configFromForm(QString *error) const
{
    Smtp::ProbeConfig config = m_defaults; // whole-probe and DNS timeouts, HELO name, MAIL FROM
    config.port = quint16(m_port->value());
    config.portPinned = config.port != m_defaults.port;
    config.tlsMode = Smtp::TlsMode(m_tls->currentData().toInt());
    config.tlsPinned = config.tlsMode != m_defaults.tlsMode;
    config.timeouts.connectMs = int(m_connectTimeout->value() * 1000);
    config.timeouts.greetingMs = int(m_greetingTimeout->value() * 1000);
    config.timeouts.commandMs = int(m_commandTimeout->value() * 1000);
    config.timeouts.tlsMs = int(m_tlsTimeout->value() * 1000);
    config.verifyCertificate = m_verify->isChecked();
    config.caFile = m_caFile->text().trimmed();
    const QString mx = m_mx->text().trimmed();
    if (!mx.isEmpty()) {
        const auto hostPort = Smtp::HostPort::parse(mx, error);
        if (!hostPort)
            return std::nullopt;
        config.mxOverride = mx;
        if (hostPort->port != 0) {
            config.port = hostPort->port;
            config.portPinned = true;
        }
    }
    return config;
}

bool ProbeView::run()
{
    QString error;
    const auto config = configFromForm(&error);
    QList<Smtp::ProbeTarget> targets;
    if (config) {
        const QStringList lines = m_targets->toPlainText().split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            if (line.trimmed().isEmpty())
                continue;
            const auto target = Smtp::ProbeTarget::parse(line.trimmed(), &error);
            if (!target) {
                error = tr("'%1': %2").arg(line.trimmed(), error);
                break;
            }
            targets << *target;
        }
        if (targets.isEmpty() && error.isEmpty())
            error = tr("Enter at least one target.");
    }
    if (!error.isEmpty()) {
        m_result->setText(tr("<b>Cannot run:</b> %1").arg(error.toHtmlEscaped()));
        return false;
    }
    m_config = *config;
    m_multiple = targets.size() > 1;
    m_pendingLines.clear();
    m_pendingResult.reset();
    m_transcript->clear();
    m_result->clear();
    m_running = true;
    m_runButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setVisible(m_multiple);
    QMetaObject::invokeMethod(m_engine, [engine = m_engine, targets, config = m_config] {
        for (const Smtp::ProbeTarget &target : targets)
            engine->enqueue(target, config);
    });
    return true;
}

void ProbeView::cancel() { QMetaObject::invokeMethod(m_engine, &Smtp::ProbeEngine::cancelAll); }

bool ProbeView::isRunning() const { return m_running; }

QString ProbeView::transcriptText() const { return m_transcript->toPlainText(); }

QString ProbeView::resultText() const { return m_result->text(); }

void ProbeView::onTranscriptLine(quint64 id, const Smtp::TranscriptEntry &entry)
{
    const QString prefix = m_multiple ? QStringLiteral("#%1 ").arg(id) : QString();
    m_pendingLines.append({ entry.dir,
        QStringLiteral("%1%2 %3 %4")
            .arg(prefix, QString::number(double(entry.tMs) / 1000.0, 'f', 3), QString(QLatin1Char(entry.dir)),
                entry.line) });
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void ProbeView::flush()
{
    m_flushTimer->stop();
    // Plain text with a colour per direction (no HTML to parse), in one edit block: one layout per flush.
    if (!m_pendingLines.isEmpty()) {
        QTextCursor cursor(m_transcript->document());
        cursor.movePosition(QTextCursor::End);
        cursor.beginEditBlock();
        for (const auto &[dir, text] : std::as_const(m_pendingLines)) {
            if (!m_transcript->document()->isEmpty())
                cursor.insertBlock();
            QTextCharFormat format;
            format.setForeground(QColor(colorFor(dir)));
            cursor.insertText(text, format);
        }
        cursor.endEditBlock();
        m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
    }
    m_pendingLines.clear();
    if (m_pendingResult)
        showResult(*std::exchange(m_pendingResult, std::nullopt));
}

void ProbeView::onProbeFinished(quint64, const Smtp::ProbeResult &result)
{
    QString error;
    if (!m_recorder->recordProbe(result, m_config, nullptr, &error))
        m_pendingLines.append({ '!', tr("Could not store the result: %1").arg(error) });
    m_pendingResult = result;
    // A single probe shows its whole transcript and result at once; a batch's come with the next flush.
    if (!m_multiple)
        flush();
    else if (!m_flushTimer->isActive())
        m_flushTimer->start();
    Q_EMIT probeRecorded(result);
}

void ProbeView::onProgress(int finished, int total)
{
    m_progress->setRange(0, total);
    m_progress->setValue(finished);
}

void ProbeView::showResult(const Smtp::ProbeResult &r)
{
    QString text
        = tr("<b>%1</b>: <b>%2</b> %3 %4 — phase %5, %6 ms<br>%7")
              .arg(r.target.toHtmlEscaped(), r.classification.status, Bounce::deliveryClassName(r.classification.cls),
                  r.classification.reason, Smtp::phaseName(r.phase))
              .arg(r.timings.total)
              .arg(r.detail.toHtmlEscaped());
    if (r.tls) {
        text += QStringLiteral("<br>TLS %1 %2, %3")
                    .arg(r.tls->protocol, r.tls->cipher, r.tls->verified ? tr("verified") : tr("not verified"));
    }
    for (const Smtp::Finding &f : r.findings)
        text += QStringLiteral("<br>[%1] %2: %3").arg(f.severity, f.code, f.text.toHtmlEscaped());
    m_result->setText(text);
}

} // namespace Mailpulse::Ui
