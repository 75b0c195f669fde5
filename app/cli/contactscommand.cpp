#include "cli.h"

namespace Mailpulse::Cli
{

// Placeholder until the command lands; replaced by its owner.
int runContacts(const QStringList &)
{
    err() << "mailpulse-cli: 'contacts' is not available in this build yet\n";
    return ExitSoftware;
}

} // namespace Mailpulse::Cli
