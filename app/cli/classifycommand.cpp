#include "cli.h"

namespace Mailpulse::Cli
{

// Placeholder until the command lands; replaced by its owner.
int runClassify(const QStringList &)
{
    err() << "mailpulse-cli: 'classify' is not available in this build yet\n";
    return ExitSoftware;
}

} // namespace Mailpulse::Cli
