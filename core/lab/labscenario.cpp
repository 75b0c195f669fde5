#include "labscenario.h"

#include <array>

namespace Mailpulse::Lab
{

namespace
{

struct ScenarioRow {
    Scenario scenario;
    const char *name;
    LabTls tls;
    const char *description;
    const char *expectation;
};

// One table so that names, order, descriptions and the README cannot drift apart.
constexpr std::array kScenarios {
    ScenarioRow { Scenario::Healthy, "healthy", LabTls::StartTls,
        "Well-behaved ESMTP server, STARTTLS with the lab-CA certificate",
        "success accepted (2.1.5 at RCPT); TLS verified with --ca-file <lab CA>" },
    ScenarioRow { Scenario::HealthyPlain, "healthy-plain", LabTls::None, "Well-behaved ESMTP server without STARTTLS",
        "success accepted with a no-STARTTLS finding; 4.7.4 soft securityerror with --tls starttls-required" },
    ScenarioRow { Scenario::StartTlsSelfSigned, "starttls-selfsigned", LabTls::StartTls,
        "STARTTLS with a self-signed certificate", "4.7.5 soft securityerror (phase tls); success with --no-verify" },
    ScenarioRow { Scenario::StartTlsCa, "starttls-ca", LabTls::StartTls,
        "STARTTLS with a certificate signed by the lab CA",
        "success with --ca-file <lab CA>; 4.7.5 soft securityerror (phase tls) without it" },
    ScenarioRow { Scenario::ImplicitTls, "implicit-tls", LabTls::Implicit,
        "TLS from the first byte (port 465 style), lab-CA certificate",
        "success with --tls implicit --ca-file <lab CA>; 4.4.2 soft networkerror (phase greeting) in plain" },
    ScenarioRow { Scenario::DropAfterConnect, "drop-after-connect", LabTls::None, "Accepts, then closes at once",
        "4.4.2 soft networkerror (phase greeting)" },
    ScenarioRow { Scenario::DropAfterGreeting, "drop-after-greeting", LabTls::None, "Sends 220 then closes",
        "4.4.2 soft networkerror (phase ehlo)" },
    ScenarioRow { Scenario::DropAfterEhlo, "drop-after-ehlo", LabTls::None, "Greets, closes on EHLO without a reply",
        "4.4.2 soft networkerror (phase ehlo)" },
    ScenarioRow { Scenario::DropDuringTls, "drop-during-tls", LabTls::StartTls,
        "Accepts STARTTLS, reads the ClientHello, closes without a TLS alert", "4.4.2 soft networkerror (phase tls)" },
    ScenarioRow { Scenario::Silent, "silent", LabTls::None, "Accepts and never sends a byte",
        "4.4.2 soft networkerror (phase greeting) when the greeting timeout fires" },
    ScenarioRow { Scenario::Refused, "refused", LabTls::None, "Nothing listens on this port",
        "4.4.1 soft networkerror (phase connect)" },
    ScenarioRow { Scenario::Drip, "drip", LabTls::None, "Sends the greeting one byte at a time (every 2 s by default)",
        "4.4.2 soft networkerror (phase greeting) when the greeting deadline fires" },
    ScenarioRow { Scenario::Greylist, "greylist", LabTls::None, "RCPT TO answered 451 4.7.1 greylisted",
        "4.7.1 soft greylisted (phase rcpt)" },
    ScenarioRow { Scenario::UserUnknown, "user-unknown", LabTls::None, "RCPT TO answered 550 5.1.1 user unknown",
        "5.1.1 hard userunknown (phase rcpt)" },
    ScenarioRow { Scenario::MailboxFull, "mailbox-full", LabTls::None, "RCPT TO answered 452 4.2.2 mailbox full",
        "4.2.2 soft mailboxfull (phase rcpt)" },
    ScenarioRow { Scenario::Shutdown421, "shutdown-421", LabTls::None, "Greets with 421 4.3.2 then closes",
        "4.3.2 soft systemerror (phase greeting), from the 421 reply" },
    ScenarioRow { Scenario::StartTlsInjection, "starttls-injection", LabTls::StartTls,
        "Sends two extra 250 lines in the same write as the 220 to STARTTLS, then behaves",
        "success with a critical starttls-injection finding; the injected lines are discarded" },
    ScenarioRow { Scenario::OversizedLine, "oversized-line", LabTls::None,
        "Streams bytes without a line end (64 KiB chunks, up to 64 MiB)",
        "4.5.0 soft systemerror (phase greeting): oversized reply" },
    ScenarioRow { Scenario::Flaky, "flaky", LabTls::StartTls,
        "Drops the first connections (2 by default) right after connect, then behaves like healthy",
        "4.4.2 soft networkerror (phase greeting) for the dropped ones, then success (a retry recovers)" },
    ScenarioRow { Scenario::Greeting5xx, "greeting-5xx", LabTls::None,
        "Greets with 554 5.7.1 (client blocked by policy), waits for QUIT", "5.7.1 hard blocked (phase greeting)" },
    ScenarioRow { Scenario::HeloOnly, "helo-only", LabTls::None, "Answers EHLO with 502 5.5.1; HELO works",
        "success accepted via the HELO fallback (no ESMTP, so no STARTTLS)" },
};

const ScenarioRow &row(Scenario scenario)
{
    for (const ScenarioRow &r : kScenarios) {
        if (r.scenario == scenario)
            return r;
    }
    Q_UNREACHABLE();
    return kScenarios.front();
}

} // namespace

QList<Scenario> allScenarios()
{
    QList<Scenario> scenarios;
    scenarios.reserve(qsizetype(kScenarios.size()));
    for (const ScenarioRow &r : kScenarios)
        scenarios.append(r.scenario);
    return scenarios;
}

QStringList scenarioNames()
{
    QStringList names;
    names.reserve(qsizetype(kScenarios.size()));
    for (const ScenarioRow &r : kScenarios)
        names.append(QString::fromLatin1(r.name));
    return names;
}

QString scenarioName(Scenario scenario) { return QString::fromLatin1(row(scenario).name); }

std::optional<Scenario> scenarioByName(QStringView name)
{
    const QStringView trimmed = name.trimmed();
    if (trimmed.compare(u"no-starttls", Qt::CaseInsensitive) == 0)
        return Scenario::HealthyPlain;
    for (const ScenarioRow &r : kScenarios) {
        if (trimmed.compare(QLatin1String(r.name), Qt::CaseInsensitive) == 0)
            return r.scenario;
    }
    return std::nullopt;
}

QString scenarioDescription(Scenario scenario) { return QString::fromLatin1(row(scenario).description); }

QString scenarioExpectation(Scenario scenario) { return QString::fromLatin1(row(scenario).expectation); }

LabTls scenarioTls(Scenario scenario) { return row(scenario).tls; }

QString labTlsName(LabTls tls)
{
    switch (tls) {
    case LabTls::None:
        return QStringLiteral("none");
    case LabTls::StartTls:
        return QStringLiteral("starttls");
    case LabTls::Implicit:
        return QStringLiteral("implicit");
    }
    Q_UNREACHABLE();
    return {};
}

bool scenarioUsesSelfSignedCertificate(Scenario scenario) { return scenario == Scenario::StartTlsSelfSigned; }

} // namespace Mailpulse::Lab
