#include "store/storelogging.h"

namespace Mailpulse::Store
{

Q_LOGGING_CATEGORY(lcStore, "mailpulse.store")

} // namespace Mailpulse::Store
