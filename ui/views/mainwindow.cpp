#include "mainwindow.h"

#include <QCoreApplication>
#include <QLabel>

namespace Mailpulse::Ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Mailpulse"));
    auto *label = new QLabel(tr("Mailpulse %1\n\nRun probes with mailpulse-cli probe; start the SMTP lab with "
                                "mailpulse-cli lab.\nThe desktop views are being built.")
                                 .arg(QCoreApplication::applicationVersion()),
                             this);
    label->setMargin(24);
    setCentralWidget(label);
    resize(720, 360);
}

} // namespace Mailpulse::Ui
