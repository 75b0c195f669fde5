#include "queue/queuelogging.h"

namespace Mailpulse::Queue
{

Q_LOGGING_CATEGORY(lcQueue, "mailpulse.queue", QtWarningMsg)

} // namespace Mailpulse::Queue
