#include "cli.h"

namespace Mailpulse::Cli
{

// Placeholder until the command lands; replaced by its owner.
int runQueue(const QStringList &)
{
    err() << "mailpulse-cli: 'queue' is not available in this build yet\n";
    return ExitSoftware;
}

} // namespace Mailpulse::Cli
