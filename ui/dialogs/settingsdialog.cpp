#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Mailpulse::Ui
{

namespace
{
// Keys are spelled once, here: the readers and the dialog must agree.
const QString kPort = QStringLiteral("probe/port");
const QString kTls = QStringLiteral("probe/tlsMode");
const QString kConnect = QStringLiteral("probe/connectTimeoutMs");
const QString kGreeting = QStringLiteral("probe/greetingTimeoutMs");
const QString kCommand = QStringLiteral("probe/commandTimeoutMs");
const QString kTlsTimeout = QStringLiteral("probe/tlsTimeoutMs");
const QString kTotal = QStringLiteral("probe/totalTimeoutMs");
const QString kHelo = QStringLiteral("probe/heloName");
const QString kMailFrom = QStringLiteral("probe/mailFrom");
const QString kFirstRetry = QStringLiteral("retry/firstDelayMinutes");
const QString kRetryCap = QStringLiteral("retry/maxDelayMinutes");
const QString kLifetime = QStringLiteral("retry/lifetimeDays");
const QString kConsecutive = QStringLiteral("contacts/consecutiveFailures");
const QString kHardBounce = QStringLiteral("contacts/hardBounce");
const QString kMaxConcurrent = QStringLiteral("engine/maxConcurrent");
const QString kMaxPerDomain = QStringLiteral("engine/maxPerDomain");
const QString kLanguage = QStringLiteral("ui/language");

int intValue(const QSettings &settings, const QString &key, int fallback, int min, int max)
{
    bool ok = false;
    const int value = settings.value(key, fallback).toInt(&ok);
    // A hand-edited or stale file must not yield a zero timeout or a negative port.
    return ok && value >= min && value <= max ? value : fallback;
}

QDoubleSpinBox *secondsBox(QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0.5, 3600);
    box->setDecimals(1);
    box->setSuffix(QObject::tr(" s"));
    return box;
}

QSpinBox *intBox(int min, int max, const QString &suffix, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setSuffix(suffix);
    return box;
}

} // namespace

Smtp::ProbeConfig defaultProbeConfig(const QSettings &settings)
{
    Smtp::ProbeConfig config;
    config.port = quint16(intValue(settings, kPort, config.port, 1, 65535));
    if (const auto mode = Smtp::tlsModeFromName(settings.value(kTls).toString()))
        config.tlsMode = *mode;
    Smtp::Timeouts &t = config.timeouts;
    t.connectMs = intValue(settings, kConnect, t.connectMs, 500, 3'600'000);
    t.greetingMs = intValue(settings, kGreeting, t.greetingMs, 500, 3'600'000);
    t.commandMs = intValue(settings, kCommand, t.commandMs, 500, 3'600'000);
    t.tlsMs = intValue(settings, kTlsTimeout, t.tlsMs, 500, 3'600'000);
    t.totalMs = intValue(settings, kTotal, t.totalMs, 500, 3'600'000);
    config.heloName = settings.value(kHelo).toString().trimmed();
    config.mailFrom = settings.value(kMailFrom).toString().trimmed();
    return config;
}

Queue::RetryPolicy retryPolicy(const QSettings &settings)
{
    Queue::RetryPolicy policy;
    Queue::RetryPolicy::Rule rule = policy.defaultRule();
    rule.firstDelaySecs = qint64(intValue(settings, kFirstRetry, int(rule.firstDelaySecs / 60), 1, 24 * 60)) * 60;
    rule.maxDelaySecs = qint64(intValue(settings, kRetryCap, int(rule.maxDelaySecs / 60), 1, 7 * 24 * 60)) * 60;
    rule.maxDelaySecs = std::max(rule.maxDelaySecs, rule.firstDelaySecs);
    policy.setDefaultRule(rule);
    policy.setLifetimeSecs(qint64(intValue(settings, kLifetime, int(policy.lifetimeSecs() / 86400), 1, 30)) * 86400);
    return policy;
}

Contacts::ContactRules contactRules(const QSettings &settings)
{
    Contacts::ContactRules rules;
    rules.consecutiveFailures = intValue(settings, kConsecutive, rules.consecutiveFailures, 0, 1000);
    rules.hardBounce = settings.value(kHardBounce, rules.hardBounce).toBool();
    return rules;
}

ConcurrencyLimits concurrencyLimits(const QSettings &settings)
{
    ConcurrencyLimits limits;
    limits.maxConcurrent = intValue(settings, kMaxConcurrent, limits.maxConcurrent, 1, 1000);
    limits.maxPerDomain = intValue(settings, kMaxPerDomain, limits.maxPerDomain, 1, 100);
    return limits;
}

QString uiLanguage(const QSettings &settings)
{
    const QString language = settings.value(kLanguage).toString();
    // Anything else (a hand-edited file, a language that was dropped) means the system's.
    return language == QLatin1String("en") || language == QLatin1String("de") ? language : QString();
}

SettingsDialog::SettingsDialog(QSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_port(intBox(1, 65535, {}, this))
    , m_tls(new QComboBox(this))
    , m_connectTimeout(secondsBox(this))
    , m_greetingTimeout(secondsBox(this))
    , m_commandTimeout(secondsBox(this))
    , m_tlsTimeout(secondsBox(this))
    , m_totalTimeout(secondsBox(this))
    , m_helo(new QLineEdit(this))
    , m_mailFrom(new QLineEdit(this))
    , m_firstRetry(intBox(1, 24 * 60, tr(" min"), this))
    , m_retryCap(intBox(1, 7 * 24 * 60, tr(" min"), this))
    , m_lifetime(intBox(1, 30, tr(" days"), this))
    , m_consecutive(intBox(0, 1000, {}, this))
    , m_hardBounce(new QCheckBox(tr("List a recipient at its first hard bounce"), this))
    , m_maxConcurrent(intBox(1, 1000, {}, this))
    , m_maxPerDomain(intBox(1, 100, {}, this))
    , m_language(new QComboBox(this))
{
    setWindowTitle(tr("Settings"));
    m_tls->addItem(tr("None"), Smtp::tlsModeName(Smtp::TlsMode::None));
    m_tls->addItem(tr("STARTTLS when offered"), Smtp::tlsModeName(Smtp::TlsMode::StartTls));
    m_tls->addItem(tr("STARTTLS required"), Smtp::tlsModeName(Smtp::TlsMode::StartTlsRequired));
    m_tls->addItem(tr("Implicit TLS"), Smtp::tlsModeName(Smtp::TlsMode::Implicit));
    m_helo->setPlaceholderText(tr("This machine's host name"));
    m_mailFrom->setPlaceholderText(tr("postmaster@<HELO name>"));
    m_consecutive->setSpecialValueText(tr("Off"));

    auto *probe = new QGroupBox(tr("Probe defaults"), this);
    auto *probeForm = new QFormLayout(probe);
    probeForm->addRow(tr("Port:"), m_port);
    probeForm->addRow(tr("TLS:"), m_tls);
    probeForm->addRow(tr("Connect timeout:"), m_connectTimeout);
    probeForm->addRow(tr("Greeting timeout:"), m_greetingTimeout);
    probeForm->addRow(tr("Command timeout:"), m_commandTimeout);
    probeForm->addRow(tr("TLS handshake timeout:"), m_tlsTimeout);
    probeForm->addRow(tr("Whole probe timeout:"), m_totalTimeout);
    probeForm->addRow(tr("HELO name:"), m_helo);
    probeForm->addRow(tr("MAIL FROM:"), m_mailFrom);

    auto *retry = new QGroupBox(tr("Retry schedule"), this);
    auto *retryForm = new QFormLayout(retry);
    retryForm->addRow(tr("First retry after:"), m_firstRetry);
    retryForm->addRow(tr("Longest interval:"), m_retryCap);
    retryForm->addRow(tr("Give up after:"), m_lifetime);

    auto *contacts = new QGroupBox(tr("Contact rules"), this);
    auto *contactsForm = new QFormLayout(contacts);
    contactsForm->addRow(tr("Consecutive failures:"), m_consecutive);
    contactsForm->addRow(QString(), m_hardBounce);

    auto *limits = new QGroupBox(tr("Concurrency"), this);
    auto *limitsForm = new QFormLayout(limits);
    limitsForm->addRow(tr("Probes at once:"), m_maxConcurrent);
    limitsForm->addRow(tr("Probes per domain:"), m_maxPerDomain);

    // Each language is named in itself, so that a user who cannot read the current one still finds theirs.
    m_language->addItem(tr("System"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    auto *language = new QGroupBox(tr("Language"), this);
    auto *languageForm = new QFormLayout(language);
    languageForm->addRow(tr("Interface language:"), m_language);
    languageForm->addRow(new QLabel(tr("The language changes at the next start of Mailpulse."), language));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(probe);
    layout->addWidget(retry);
    layout->addWidget(contacts);
    layout->addWidget(limits);
    layout->addWidget(language);
    layout->addWidget(new QLabel(tr("Retry and contact rules apply from the next start."), this));
    layout->addWidget(buttons);
    load();
}

void SettingsDialog::load()
{
    const Smtp::ProbeConfig config = defaultProbeConfig(*m_settings);
    m_port->setValue(config.port);
    m_tls->setCurrentIndex(std::max(0, m_tls->findData(Smtp::tlsModeName(config.tlsMode))));
    m_connectTimeout->setValue(config.timeouts.connectMs / 1000.0);
    m_greetingTimeout->setValue(config.timeouts.greetingMs / 1000.0);
    m_commandTimeout->setValue(config.timeouts.commandMs / 1000.0);
    m_tlsTimeout->setValue(config.timeouts.tlsMs / 1000.0);
    m_totalTimeout->setValue(config.timeouts.totalMs / 1000.0);
    m_helo->setText(config.heloName);
    m_mailFrom->setText(config.mailFrom);

    const Queue::RetryPolicy policy = retryPolicy(*m_settings);
    m_firstRetry->setValue(int(policy.defaultRule().firstDelaySecs / 60));
    m_retryCap->setValue(int(policy.defaultRule().maxDelaySecs / 60));
    m_lifetime->setValue(int(policy.lifetimeSecs() / 86400));

    const Contacts::ContactRules rules = contactRules(*m_settings);
    m_consecutive->setValue(rules.consecutiveFailures);
    m_hardBounce->setChecked(rules.hardBounce);

    const ConcurrencyLimits limits = concurrencyLimits(*m_settings);
    m_maxConcurrent->setValue(limits.maxConcurrent);
    m_maxPerDomain->setValue(limits.maxPerDomain);

    m_language->setCurrentIndex(std::max(0, m_language->findData(uiLanguage(*m_settings))));
}

void SettingsDialog::save()
{
    const auto ms = [](const QDoubleSpinBox *box) { return qRound(box->value() * 1000); };
    m_settings->setValue(kPort, m_port->value());
    m_settings->setValue(kTls, m_tls->currentData().toString());
    m_settings->setValue(kConnect, ms(m_connectTimeout));
    m_settings->setValue(kGreeting, ms(m_greetingTimeout));
    m_settings->setValue(kCommand, ms(m_commandTimeout));
    m_settings->setValue(kTlsTimeout, ms(m_tlsTimeout));
    m_settings->setValue(kTotal, ms(m_totalTimeout));
    m_settings->setValue(kHelo, m_helo->text().trimmed());
    m_settings->setValue(kMailFrom, m_mailFrom->text().trimmed());
    m_settings->setValue(kFirstRetry, m_firstRetry->value());
    m_settings->setValue(kRetryCap, std::max(m_retryCap->value(), m_firstRetry->value()));
    m_settings->setValue(kLifetime, m_lifetime->value());
    m_settings->setValue(kConsecutive, m_consecutive->value());
    m_settings->setValue(kHardBounce, m_hardBounce->isChecked());
    m_settings->setValue(kMaxConcurrent, m_maxConcurrent->value());
    m_settings->setValue(kMaxPerDomain, m_maxPerDomain->value());
    m_settings->setValue(kLanguage, m_language->currentData().toString());
    m_settings->sync();
}

void SettingsDialog::accept()
{
    save();
    QDialog::accept();
}

} // namespace Mailpulse::Ui
