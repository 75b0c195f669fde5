#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace Mailpulse::Lab
{

/// A named failure (or success) a lab server plays; see scenarioDescription() and scenarioExpectation().
enum class Scenario {
    Healthy,
    HealthyPlain,
    StartTlsSelfSigned,
    StartTlsCa,
    ImplicitTls,
    DropAfterConnect,
    DropAfterGreeting,
    DropAfterEhlo,
    DropDuringTls,
    Silent,
    Refused,
    Drip,
    Greylist,
    UserUnknown,
    MailboxFull,
    Shutdown421,
    StartTlsInjection,
    OversizedLine,
    Flaky,
    Greeting5xx,
    HeloOnly,
};

/// How a scenario offers TLS.
enum class LabTls { None, StartTls, Implicit };

/// All scenarios, in the documented order (the order `--port-base` assigns ports in).
QList<Scenario> allScenarios();
/// Canonical names of allScenarios(), same order. Aliases are not listed.
QStringList scenarioNames();
/// Canonical name, e.g. "drop-after-greeting".
QString scenarioName(Scenario scenario);
/// Accepts canonical names and aliases ("no-starttls" is `healthy-plain`), case-insensitively.
std::optional<Scenario> scenarioByName(QStringView name);
/// One line: what the server does.
QString scenarioDescription(Scenario scenario);
/// One line: what a client (a Mailpulse probe) should report. Documentation only; tests assert independently.
QString scenarioExpectation(Scenario scenario);
LabTls scenarioTls(Scenario scenario);
/// "none", "starttls" or "implicit".
QString labTlsName(LabTls tls);
/// True for scenarios that present the self-signed certificate instead of the lab-CA-signed one.
bool scenarioUsesSelfSignedCertificate(Scenario scenario);

} // namespace Mailpulse::Lab
