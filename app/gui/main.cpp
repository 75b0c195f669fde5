#include <QApplication>

#include "views/mainwindow.h"

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Mailpulse"));
    QApplication::setOrganizationName(QStringLiteral("Mailpulse"));
    QApplication::setApplicationVersion(QStringLiteral(MAILPULSE_VERSION));

    Mailpulse::Ui::MainWindow window;
    window.show();
    return app.exec();
}
