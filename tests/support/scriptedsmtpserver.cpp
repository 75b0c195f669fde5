#include "scriptedsmtpserver.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace Mailpulse::Test
{

QList<ScriptedSmtpServer::Step> ScriptedSmtpServer::parse(const QStringList &script)
{
    QList<Step> steps;
    for (const QString &line : script) {
        const QByteArray text = line.mid(3).toUtf8();
        if (line.startsWith(u"S: "))
            steps.append(Step { Step::Send, text + "\r\n" });
        else if (line.startsWith(u"R: "))
            steps.append(Step { Step::Send, QByteArray(text).replace("\\r", "\r").replace("\\n", "\n") });
        else if (line.startsWith(u"C: "))
            steps.append(Step { Step::Expect, text });
        else if (line == u"X")
            steps.append(Step { Step::Close, QByteArray() });
        else
            qFatal("bad script line: %s", qPrintable(line));
    }
    return steps;
}

ScriptedSmtpServer::ScriptedSmtpServer(QList<Step> steps, QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
    , m_steps(std::move(steps))
{
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        qFatal("cannot listen on loopback");
    connect(m_server, &QTcpServer::newConnection, this, &ScriptedSmtpServer::onConnection);
}

ScriptedSmtpServer::~ScriptedSmtpServer() = default;

quint16 ScriptedSmtpServer::port() const { return m_server->serverPort(); }

void ScriptedSmtpServer::onConnection()
{
    QTcpSocket *socket = m_server->nextPendingConnection();
    if (m_client) { // one dialogue per server
        socket->abort();
        socket->deleteLater();
        return;
    }
    m_client = socket;
    connect(m_client, &QTcpSocket::readyRead, this, [this] {
        m_buffer += m_client->readAll();
        advance();
    });
    advance();
}

void ScriptedSmtpServer::advance()
{
    while (m_client && m_next < m_steps.size()) {
        const Step &step = m_steps.at(m_next);
        if (step.kind == Step::Send) {
            m_client->write(step.data);
        } else if (step.kind == Step::Close) {
            m_client->disconnectFromHost();
        } else {
            const qsizetype eol = m_buffer.indexOf("\r\n");
            if (eol < 0)
                return; // wait for the client's line
            const QByteArray line = m_buffer.left(eol);
            m_buffer.remove(0, eol + 2);
            m_received << line;
            if (!line.startsWith(step.data))
                m_errors << QStringLiteral("expected '%1…', got '%2'")
                                .arg(QString::fromUtf8(step.data), QString::fromUtf8(line));
        }
        ++m_next;
    }
}

} // namespace Mailpulse::Test
