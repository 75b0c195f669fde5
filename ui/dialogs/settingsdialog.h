#pragma once

#include <QDialog>

#include "contacts/contactrules.h"
#include "queue/retrypolicy.h"
#include "smtp/probeconfig.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace Mailpulse::Ui
{

/// Concurrency limits of the probe engines (manual probes and retries).
struct ConcurrencyLimits {
    int maxConcurrent = 16;
    int maxPerDomain = 2;
};

// What the settings mean to the rest of the app. Every reader falls back to core's documented defaults for keys
// that were never written, so a fresh install behaves exactly like the CLI.
/// Port, TLS mode, timeouts, HELO name and MAIL FROM for new manual probes.
Smtp::ProbeConfig defaultProbeConfig(const QSettings &settings);
/// The retry schedule: first retry, cap and lifetime over core's default policy.
Queue::RetryPolicy retryPolicy(const QSettings &settings);
Contacts::ContactRules contactRules(const QSettings &settings);
ConcurrencyLimits concurrencyLimits(const QSettings &settings);
/// The interface language chosen in the settings (`ui/language`): empty for the system's, else "en" or "de".
/// Read once at start; main.cpp installs the matching translator.
QString uiLanguage(const QSettings &settings);

/// The settings dialog: probe defaults, retry schedule, contact rules and concurrency limits, kept in QSettings.
/// The settings object is injected so that tests use a scratch file.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(QSettings *settings, QWidget *parent = nullptr);

    /// Writes the form to the settings (what OK does).
    void save();
    void accept() override;

private:
    void load();

    QSettings *m_settings;
    QSpinBox *m_port;
    QComboBox *m_tls;
    QDoubleSpinBox *m_connectTimeout;
    QDoubleSpinBox *m_greetingTimeout;
    QDoubleSpinBox *m_commandTimeout;
    QDoubleSpinBox *m_tlsTimeout;
    QDoubleSpinBox *m_totalTimeout;
    QLineEdit *m_helo;
    QLineEdit *m_mailFrom;
    QSpinBox *m_firstRetry;
    QSpinBox *m_retryCap;
    QSpinBox *m_lifetime;
    QSpinBox *m_consecutive;
    QCheckBox *m_hardBounce;
    QSpinBox *m_maxConcurrent;
    QSpinBox *m_maxPerDomain;
    QComboBox *m_language;
};

} // namespace Mailpulse::Ui
