#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QStringList>

namespace Mailpulse::Test
{

/// What a finished mailpulse-cli run left behind. exitCode is -1 when it crashed or had to be killed.
struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs the built mailpulse-cli with `args` and waits for it while this process's event loop keeps running (so a
/// lab in the test process can answer). Killed after `timeoutMs`.
CliRun runCli(const QStringList &args,
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(), int timeoutMs = 60000);

/// The JSON objects of JSON Lines output; a line that is not an object is a test failure (qFatal).
QList<QJsonObject> jsonLines(const QByteArray &out);

} // namespace Mailpulse::Test
