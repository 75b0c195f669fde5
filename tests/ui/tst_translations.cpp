// The German translation: it is embedded in the binary, loads for a German locale, and the real widgets show German
// text; every message in mailpulse_de.ts is translated, keeps its placeholders and has an accelerator when the
// English text has one. The settings dialog stores the language choice.
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QMenuBar>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include "common/clock.h"
#include "dialogs/settingsdialog.h"
#include "models/proberesultmodel.h"
#include "store/database.h"
#include "tracking/outcomerecorder.h"
#include "tracking/trackingpipeline.h"
#include "views/historyview.h"
#include "views/mainwindow.h"
#include "views/probeview.h"
#include "views/queueview.h"
#include "viewsupport.h"

using namespace Mailpulse;

namespace
{

/// What the user can click in a view: its buttons and its actions (toolbars, context menus).
QStringList buttonTexts(const QWidget *widget)
{
    QStringList texts;
    for (const QAbstractButton *button : widget->findChildren<QAbstractButton *>())
        texts << button->text();
    for (const QAction *action : widget->findChildren<QAction *>())
        texts << action->text();
    return texts;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(?:n|\\d+)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured();
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasAccelerator(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("&[^&\\s;]"));
    // Entities and "&&" aside: a single ampersand before a letter marks the accelerator.
    return re.match(QString(text).replace(QStringLiteral("&&"), QString())).hasMatch();
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Store::Database m_db;
    SystemClock m_clock;
    std::unique_ptr<Tracking::OutcomeRecorder> m_recorder;
    QTranslator m_german;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("i18n.sqlite")), &error), qPrintable(error));
        m_recorder = std::make_unique<Tracking::OutcomeRecorder>(m_db);
    }

    void embeddedTranslationsResolveByLocale()
    {
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/mailpulse_de.qm")));
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/mailpulse_en.qm")));
        // As main.cpp does: a German system (or the "Deutsch" setting) finds the German file, a French one none.
        QVERIFY(m_german.load(QLocale(QLocale::German, QLocale::Austria), QStringLiteral("mailpulse"),
            QStringLiteral("_"), QStringLiteral(":/i18n")));
        QCOMPARE(m_german.language(), QStringLiteral("de"));
        QTranslator french;
        QVERIFY(!french.load(
            QLocale(QLocale::French), QStringLiteral("mailpulse"), QStringLiteral("_"), QStringLiteral(":/i18n")));
    }

    void mainWindowShowsGerman()
    {
        QVERIFY(QCoreApplication::installTranslator(&m_german));
        Ui::MainWindow window(&m_db, m_recorder.get(), &m_clock);
        QCoreApplication::removeTranslator(&m_german);

        QStringList tabs;
        for (int i = 0; i < window.tabs()->count(); ++i)
            tabs << window.tabs()->tabText(i);
        QCOMPARE(tabs,
            QStringList({ QStringLiteral("Übersicht"), QStringLiteral("Prüfung"), QStringLiteral("Verlauf"),
                QStringLiteral("Wiederholungswarteschlange"), QStringLiteral("Kontakte"), QStringLiteral("Import"),
                QStringLiteral("Labor") }));

        QStringList menus;
        for (const QAction *action : window.menuBar()->actions())
            menus << action->text();
        QCOMPARE(menus, QStringList({ QStringLiteral("&Datei"), QStringLiteral("&Einstellungen") }));

        const QStringList queueButtons = buttonTexts(window.queueView());
        QVERIFY2(queueButtons.contains(QStringLiteral("Jetzt &wiederholen")), qPrintable(queueButtons.join(u'|')));
        QVERIFY(queueButtons.contains(QStringLiteral("&Anhalten")));
        QVERIFY(!queueButtons.contains(QStringLiteral("Retry &now")));
        const QStringList probeButtons = buttonTexts(window.probeView());
        QVERIFY2(probeButtons.contains(QStringLiteral("&Starten")), qPrintable(probeButtons.join(u'|')));
        QVERIFY(probeButtons.contains(QStringLiteral("Zertifikate prüfen")));

        // Models translate when asked, so headers follow the translator installed at that moment.
        QVERIFY(QCoreApplication::installTranslator(&m_german));
        const QVariant header = window.historyView()->model()->headerData(Ui::ProbeResultModel::Reason, Qt::Horizontal);
        QCoreApplication::removeTranslator(&m_german);
        QCOMPARE(header.toString(), QStringLiteral("Ursache"));
    }

    void germanHeadersFitAtTheDefaultSize()
    {
        // Every table of every view, shown in German at the default window size with rows in it: no column title
        // is clipped, also after a table re-read its rows (a reset once put the header back to default widths).
        Test::SeededStore store(m_dir.filePath(QStringLiteral("headers.sqlite")), m_clock);
        QVERIFY2(store.ok, qPrintable(store.error));
        QString error;
        QVERIFY(QCoreApplication::installTranslator(&m_german));
        const auto removeGerman = qScopeGuard([this] { QCoreApplication::removeTranslator(&m_german); });
        Ui::MainWindow window(&store.database, &store.pipeline->recorder(), &m_clock);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const auto check = [](QTableView *table) {
            QHeaderView *header = table->horizontalHeader();
            int lastShown = -1;
            for (int c = 0; c < header->count(); ++c)
                lastShown = header->isSectionHidden(c) ? lastShown : c;
            for (int c = 0; c < lastShown; ++c) { // the last one stretches
                const QString title = table->model()->headerData(c, Qt::Horizontal).toString();
                if (header->isSectionHidden(c))
                    continue;
                QVERIFY2(header->sectionSize(c) >= header->sectionSizeHint(c),
                    qPrintable(QStringLiteral("%1: %2 < %3")
                                   .arg(title)
                                   .arg(header->sectionSize(c))
                                   .arg(header->sectionSizeHint(c))));
            }
        };
        int tables = 0;
        for (int i = 0; i < window.tabs()->count(); ++i) {
            window.tabs()->setCurrentIndex(i);
            QTest::qWait(300); // shown views re-read their rows
            for (QTableView *table : window.tabs()->currentWidget()->findChildren<QTableView *>()) {
                if (!table->model() || !table->isVisible())
                    continue;
                check(table);
                ++tables;
            }
        }
        QVERIFY(tables >= 5);
        QVERIFY(Test::reloaded(*window.historyView())); // a reset of the history's model
        window.tabs()->setCurrentWidget(window.historyView());
        for (QTableView *table : window.historyView()->findChildren<QTableView *>())
            check(table);
    }

    void settingsDialogOffersTheLanguage()
    {
        QVERIFY(QCoreApplication::installTranslator(&m_german));
        QSettings settings(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        QCOMPARE(Ui::uiLanguage(settings), QString());
        {
            Ui::SettingsDialog dialog(&settings);
            QCOMPARE(dialog.windowTitle(), QStringLiteral("Einstellungen"));
            QComboBox *language = nullptr;
            for (QComboBox *box : dialog.findChildren<QComboBox *>()) {
                if (box->findData(QStringLiteral("de")) >= 0)
                    language = box;
            }
            QVERIFY(language);
            QCOMPARE(language->count(), 3);
            QCOMPARE(language->currentText(), QStringLiteral("System"));
            language->setCurrentIndex(language->findData(QStringLiteral("de")));
            QCOMPARE(language->currentText(), QStringLiteral("Deutsch"));
            dialog.save();
        }
        QCoreApplication::removeTranslator(&m_german);
        QCOMPARE(settings.value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
        QCOMPARE(Ui::uiLanguage(settings), QStringLiteral("de"));
        settings.setValue(QStringLiteral("ui/language"), QStringLiteral("xx"));
        QCOMPARE(Ui::uiLanguage(settings), QString());
    }

    void everyMessageIsTranslated()
    {
        QFile file(QStringLiteral(MAILPULSE_SOURCE_DIR "/resources/translations/mailpulse_de.ts"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        QXmlStreamReader xml(&file);
        QString context;
        QString source;
        QStringList forms;
        int messages = 0;
        QStringList problems;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            const auto name = xml.name();
            if (name == u"name") {
                context = xml.readElementText();
            } else if (name == u"message") {
                ++messages;
            } else if (name == u"source") {
                source = xml.readElementText();
            } else if (name == u"translation") {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                if (!type.isEmpty())
                    problems << QStringLiteral("%1 / %2: translation is %3").arg(context, source, type);
                forms.clear();
                // Either plain text or <numerusform> children.
                QString text;
                while (!(xml.isEndElement() && xml.name() == u"translation") && !xml.atEnd()) {
                    xml.readNext();
                    if (xml.isCharacters())
                        text += xml.text();
                    else if (xml.isStartElement() && xml.name() == u"numerusform")
                        forms << xml.readElementText();
                }
                if (forms.isEmpty())
                    forms << text;
                for (const QString &form : std::as_const(forms)) {
                    if (form.trimmed().isEmpty())
                        problems << QStringLiteral("%1 / %2: empty translation").arg(context, source);
                    else if (placeholders(form) != placeholders(source))
                        problems << QStringLiteral("%1 / %2: placeholders differ in %3").arg(context, source, form);
                    else if (hasAccelerator(source) && !hasAccelerator(form))
                        problems << QStringLiteral("%1 / %2: no accelerator in %3").arg(context, source, form);
                }
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        // lupdate found ~280 strings in ui/ and app/gui/; a much smaller file means it was truncated or emptied.
        QVERIFY2(messages > 250, qPrintable(QString::number(messages)));
    }

    void windowRemembersLayout()
    {
        // Geometry, state and tab go to the default QSettings; test mode keeps them out of the user's files.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MailpulseTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_translations"));
        QSettings().clear();
        QSize size;
        {
            Ui::MainWindow window(&m_db, m_recorder.get(), &m_clock);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            // Bigger than the default 1100×720 and than the views' minimum sizes, so the resize is taken as is.
            window.resize(1234, 777);
            size = window.size();
            QCOMPARE(size, QSize(1234, 777));
            window.tabs()->setCurrentIndex(3);
            QVERIFY(window.close());
        }
        Ui::MainWindow window(&m_db, m_recorder.get(), &m_clock);
        QCOMPARE(window.tabs()->currentIndex(), 0);
        window.restoreLayout();
        QCOMPARE(window.tabs()->currentIndex(), 3);
        QCOMPARE(window.size(), size);
        QSettings().clear();
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
