#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration retryQueueMigration()
{
    // Filled by the retry-queue work (issue 4).
    return Migration { 3, {} };
}

} // namespace Mailpulse::Store
