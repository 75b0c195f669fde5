#pragma once

#include <QHash>
#include <QWidget>

#include "smtp/probeconfig.h"
#include "smtp/proberesult.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTextEdit;
class QThread;
class QTimer;

namespace Mailpulse
{
class Clock;
namespace Smtp
{
class ProbeEngine;
}
namespace Tracking
{
class OutcomeRecorder;
}
} // namespace Mailpulse

namespace Mailpulse::Ui
{

/// Manual probes: targets, settings, Run; the transcript streams live, then the classified result.
///
/// The probe engine (sockets, TLS, reply parsing) runs on its own thread, so that a batch of a thousand targets
/// leaves the UI thread free; results are stored from the UI thread, in the order they finish. Transcript lines and
/// results are shown at most ten times a second, however fast they come.
class ProbeView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeView)

public:
    ProbeView(Tracking::OutcomeRecorder *recorder, const Clock *clock, QWidget *parent = nullptr);
    ~ProbeView() override;

    /// The settings' defaults: port, TLS mode, timeouts, HELO name and MAIL FROM for the form, and the engine's
    /// concurrency limits. Called at start and whenever the settings change.
    void setDefaults(const Smtp::ProbeConfig &config, int maxConcurrent, int maxPerDomain);

    /// Fills the form, e.g. from the lab view: targets, MX override and an extra CA file.
    void prepare(const QString &targets, const QString &mx, const QString &caFile);
    /// Starts probing what the form says. Returns false (and shows why) when the form is invalid.
    bool run();
    void cancel();

    QString transcriptText() const;
    QString resultText() const;
    bool isRunning() const;

Q_SIGNALS:
    /// A probe finished and was stored.
    void probeRecorded(const Mailpulse::Smtp::ProbeResult &result);
    void batchFinished();

private:
    void onTranscriptLine(quint64 id, const Smtp::TranscriptEntry &entry);
    void onProbeFinished(quint64 id, const Smtp::ProbeResult &result);
    void onProgress(int finished, int total);
    std::optional<Smtp::ProbeConfig> configFromForm(QString *error) const;
    void showResult(const Smtp::ProbeResult &result);
    /// Shows the transcript lines and the latest result that arrived since the last flush.
    void flush();

    Tracking::OutcomeRecorder *m_recorder;
    QThread *m_engineThread;
    Smtp::ProbeEngine *m_engine; // lives on m_engineThread: reached through queued calls only
    bool m_running = false;
    QTimer *m_flushTimer;
    QList<std::pair<char, QString>> m_pendingLines; // direction ('S', 'C', …) and text
    std::optional<Smtp::ProbeResult> m_pendingResult;
    Smtp::ProbeConfig m_defaults; // HELO name and MAIL FROM come from here; the form shows the rest
    Smtp::ProbeConfig m_config; // of the running batch
    bool m_multiple = false;

    QPlainTextEdit *m_targets;
    QSpinBox *m_port;
    QComboBox *m_tls;
    QDoubleSpinBox *m_connectTimeout;
    QDoubleSpinBox *m_greetingTimeout;
    QDoubleSpinBox *m_commandTimeout;
    QDoubleSpinBox *m_tlsTimeout;
    QLineEdit *m_mx;
    QLineEdit *m_caFile;
    QCheckBox *m_verify;
    QPushButton *m_runButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QTextEdit *m_transcript;
    QLabel *m_result;
};

} // namespace Mailpulse::Ui
