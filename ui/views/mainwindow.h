#pragma once

#include <QMainWindow>

namespace Mailpulse::Ui {

/// The main window. Views (dashboard, probe, history, queue, contacts) arrive with the desktop-app issue.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace Mailpulse::Ui
