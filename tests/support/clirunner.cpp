#include "clirunner.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>

#include "testsupport.h"

namespace Mailpulse::Test
{

CliRun runCli(const QStringList &args, const QProcessEnvironment &environment, int timeoutMs)
{
    QProcess process;
    process.setProgram(cliPath());
    process.setArguments(args);
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start();
    if (!finished.wait(timeoutMs)) {
        process.kill();
        finished.wait(5000);
    }
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError() };
}

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qFatal("stdout line is not a JSON object: %s", line.constData());
        objects << doc.object();
    }
    return objects;
}

} // namespace Mailpulse::Test
