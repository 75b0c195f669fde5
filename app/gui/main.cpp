#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QTranslator>

#include "common/clock.h"
#include "dialogs/settingsdialog.h"
#include "queue/retryscheduler.h"
#include "smtp/probeengine.h"
#include "store/database.h"
#include "tracking/trackingpipeline.h"
#include "views/mainwindow.h"
#include "views/queueview.h"

int main(int argc, char *argv[])
{
    Mailpulse::Store::Database::prepareProcess();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Mailpulse"));
    QApplication::setOrganizationName(QStringLiteral("Mailpulse"));
    QApplication::setApplicationVersion(QStringLiteral(MAILPULSE_VERSION));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral("mailpulse"), QIcon(QStringLiteral(":/icons/mailpulse.svg"))));

    // The language chosen in the settings, else the system's (its whole list of preferred languages); a language
    // without a translation falls back to the English source texts. Qt's own translations cover standard dialogs.
    const QString language = Mailpulse::Ui::uiLanguage(QSettings());
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QTranslator appTranslator;
    if (appTranslator.load(locale, QStringLiteral("mailpulse"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);
    QTranslator qtTranslator;
    if (qtTranslator.load(
            locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Mailpulse: SMTP deliverability monitor"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        { QStringLiteral("db"), QApplication::translate("main", "SQLite store path."), QStringLiteral("PATH") });
    parser.addOption({ QStringLiteral("screenshot"),
        QApplication::translate("main", "Render each main view with the current store to DIR/<view>.png and exit."),
        QStringLiteral("DIR") });
    parser.process(app);

    Mailpulse::Store::Database database;
    QString error;
    const QString path = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db"))
                                                            : Mailpulse::Store::Database::defaultPath();
    if (!database.open(path, &error)) {
        QMessageBox::critical(nullptr, QStringLiteral("Mailpulse"),
            QApplication::translate("main", "Cannot open the store %1:\n%2").arg(path, error));
        return 70;
    }
    Mailpulse::SystemClock clock;
    const QSettings settings;
    Mailpulse::Tracking::TrackingPipeline pipeline(
        database, clock, Mailpulse::Ui::retryPolicy(settings), Mailpulse::Ui::contactRules(settings));
    Mailpulse::Ui::MainWindow window(&database, &pipeline.recorder(), &clock);
    if (parser.isSet(QStringLiteral("screenshot")))
        return window.saveScreenshots(parser.value(QStringLiteral("screenshot")), &error) ? 0 : 73;

    // The retry queue works while the app is open: due entries run in the background, with their own engine so
    // that manual probes never wait behind retries.
    Mailpulse::Smtp::ProbeEngine retryEngine(&clock);
    const Mailpulse::Ui::ConcurrencyLimits limits = Mailpulse::Ui::concurrencyLimits(settings);
    retryEngine.setLimits({ limits.maxConcurrent, limits.maxPerDomain });
    Mailpulse::Queue::RetryScheduler scheduler(pipeline.retryQueue(), pipeline.recorder(), retryEngine, &clock);
    if (!scheduler.start(&error))
        qWarning("retry scheduler: %s", qPrintable(error));
    // The queue view refreshes after each attempt and hands "retry now" to the scheduler.
    window.queueView()->setScheduler(&scheduler);
    window.restoreLayout();
    window.show();
    return QApplication::exec();
}
