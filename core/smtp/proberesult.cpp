#include "smtp/proberesult.h"

#include <array>
#include <utility>

namespace Mailpulse::Smtp
{

namespace
{

// The names are part of the JSON and CSV contracts (DESIGN.md "Probe JSON"): change only additively.
constexpr std::array<std::pair<Phase, QStringView>, 10> PhaseNames { {
    { Phase::Dns, u"dns" },
    { Phase::Connect, u"connect" },
    { Phase::Greeting, u"greeting" },
    { Phase::Ehlo, u"ehlo" },
    { Phase::StartTls, u"starttls" },
    { Phase::Tls, u"tls" },
    { Phase::Mail, u"mail" },
    { Phase::Rcpt, u"rcpt" },
    { Phase::Quit, u"quit" },
    { Phase::Done, u"done" },
} };

} // namespace

QString phaseName(Phase phase)
{
    for (const auto &[value, name] : PhaseNames) {
        if (value == phase)
            return name.toString();
    }
    return QStringLiteral("done");
}

std::optional<Phase> phaseFromName(QStringView name)
{
    for (const auto &[value, phaseText] : PhaseNames) {
        if (name.compare(phaseText, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

} // namespace Mailpulse::Smtp
