#include "store/storelogging.h"

namespace Mailpulse::Store
{

Q_LOGGING_CATEGORY(lcStore, "mailpulse.store", QtWarningMsg)

} // namespace Mailpulse::Store
