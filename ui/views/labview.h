#pragma once

#include <QWidget>

class QPushButton;
class QTableWidget;
class QLabel;

namespace Mailpulse::Lab
{
class SmtpLab;
}

namespace Mailpulse::Ui
{

/// The built-in SMTP lab: start the loopback scenario servers and probe them, so a newcomer without internet
/// sees every outcome for real.
class LabView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabView)

public:
    explicit LabView(QWidget *parent = nullptr);
    ~LabView() override;

    bool startLab();
    bool isRunning() const;
    Lab::SmtpLab *lab() const { return m_lab; }

Q_SIGNALS:
    /// The user wants to probe a scenario: a target, the MX override and the lab CA for --ca-file.
    void probeRequested(const QString &target, const QString &mx, const QString &caFile);

private:
    void requestProbe(int row);

    Lab::SmtpLab *m_lab = nullptr;
    QPushButton *m_start;
    QPushButton *m_probe;
    QLabel *m_status;
    QTableWidget *m_table;
};

} // namespace Mailpulse::Ui
