// The settings dialog over a scratch QSettings file: defaults equal core's when nothing is stored, saved values
// come back through the readers the rest of the app uses, and nonsense in the file falls back to the defaults.
#include <QApplication>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "dialogs/settingsdialog.h"

using namespace Mailpulse;

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_count = 0;

    std::unique_ptr<QSettings> scratch()
    {
        return std::make_unique<QSettings>(
            m_dir.filePath(QStringLiteral("s%1.ini").arg(++m_count)), QSettings::IniFormat);
    }

private Q_SLOTS:
    void defaultsAreCoreDefaults()
    {
        const auto settings = scratch();
        const Smtp::ProbeConfig config = Ui::defaultProbeConfig(*settings);
        const Smtp::ProbeConfig core;
        QCOMPARE(config.port, core.port);
        QCOMPARE(config.tlsMode, core.tlsMode);
        QCOMPARE(config.timeouts.connectMs, core.timeouts.connectMs);
        QCOMPARE(config.timeouts.totalMs, core.timeouts.totalMs);
        QCOMPARE(Ui::retryPolicy(*settings).defaultRule().firstDelaySecs, qint64(30 * 60));
        QCOMPARE(Ui::retryPolicy(*settings).lifetimeSecs(), qint64(5 * 86400));
        QCOMPARE(Ui::contactRules(*settings).consecutiveFailures, 3);
        QCOMPARE(Ui::concurrencyLimits(*settings).maxConcurrent, 16);
    }

    void savedValuesComeBack()
    {
        const auto settings = scratch();
        // What the dialog writes when the user changes nothing is what it read.
        Ui::SettingsDialog untouched(settings.get());
        untouched.save();
        QCOMPARE(Ui::defaultProbeConfig(*settings).timeouts.greetingMs, Smtp::Timeouts().greetingMs);

        settings->setValue(QStringLiteral("probe/port"), 587);
        settings->setValue(QStringLiteral("probe/tlsMode"), QStringLiteral("starttls-required"));
        settings->setValue(QStringLiteral("probe/connectTimeoutMs"), 2500);
        settings->setValue(QStringLiteral("probe/heloName"), QStringLiteral("probe.example.test"));
        settings->setValue(QStringLiteral("probe/mailFrom"), QStringLiteral("monitor@example.test"));
        settings->setValue(QStringLiteral("retry/firstDelayMinutes"), 10);
        settings->setValue(QStringLiteral("retry/maxDelayMinutes"), 90);
        settings->setValue(QStringLiteral("contacts/consecutiveFailures"), 5);
        Ui::SettingsDialog dialog(settings.get());
        dialog.save(); // round trip through the form
        const Smtp::ProbeConfig config = Ui::defaultProbeConfig(*settings);
        QCOMPARE(config.port, quint16(587));
        QCOMPARE(config.tlsMode, Smtp::TlsMode::StartTlsRequired);
        QCOMPARE(config.timeouts.connectMs, 2500);
        QCOMPARE(config.heloName, QStringLiteral("probe.example.test"));
        QCOMPARE(config.mailFrom, QStringLiteral("monitor@example.test"));
        const Queue::RetryPolicy policy = Ui::retryPolicy(*settings);
        QCOMPARE(policy.defaultRule().firstDelaySecs, qint64(600));
        QCOMPARE(policy.defaultRule().maxDelaySecs, qint64(5400));
        QCOMPARE(Ui::contactRules(*settings).consecutiveFailures, 5);
    }

    void nonsenseFallsBack()
    {
        const auto settings = scratch();
        settings->setValue(QStringLiteral("probe/port"), 0);
        settings->setValue(QStringLiteral("probe/tlsMode"), QStringLiteral("sometimes"));
        settings->setValue(QStringLiteral("probe/commandTimeoutMs"), QStringLiteral("soon"));
        const Smtp::ProbeConfig config = Ui::defaultProbeConfig(*settings);
        QCOMPARE(config.port, quint16(25));
        QCOMPARE(config.tlsMode, Smtp::TlsMode::StartTls);
        QCOMPARE(config.timeouts.commandMs, Smtp::Timeouts().commandMs);
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
