#include "lablogging.h"

namespace Mailpulse::Lab
{

// Quiet by default: hostile or test clients would otherwise flood the log with per-connection chatter.
Q_LOGGING_CATEGORY(lcLab, "mailpulse.lab", QtWarningMsg)

} // namespace Mailpulse::Lab
