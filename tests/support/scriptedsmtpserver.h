#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>

class QTcpServer;
class QTcpSocket;

namespace Mailpulse::Test
{

/// A loopback server that replays one scripted SMTP dialogue per connection: steps that send bytes, wait for a
/// client line with a given prefix, or close. Mismatches are collected in errors() for the test to check.
class ScriptedSmtpServer final : public QObject
{
    Q_OBJECT

public:
    struct Step {
        enum Kind { Send, Expect, Close } kind;
        QByteArray data; // bytes to send, or the prefix the client line must start with
    };
    /// Parses a compact script: lines "S: text" (sent with CRLF), "R: raw" (sent as is, \r \n escapes allowed),
    /// "C: prefix" (expect a client line starting with prefix), "X" (close).
    static QList<Step> parse(const QStringList &script);

    explicit ScriptedSmtpServer(QList<Step> steps, QObject *parent = nullptr);
    ~ScriptedSmtpServer() override;

    quint16 port() const;
    QStringList errors() const { return m_errors; }
    QByteArrayList received() const { return m_received; }

private:
    void onConnection();
    void advance();

    QTcpServer *m_server;
    QTcpSocket *m_client = nullptr;
    QList<Step> m_steps;
    qsizetype m_next = 0;
    QByteArray m_buffer;
    QStringList m_errors;
    QByteArrayList m_received;
};

} // namespace Mailpulse::Test
