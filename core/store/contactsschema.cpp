#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration contactsMigration()
{
    // Filled by the statistics and contacts work (issue 5).
    return Migration { 4, {} };
}

} // namespace Mailpulse::Store
