#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bouncesMigration()
{
    // Filled by the bounce-tracking work (issue 3).
    return Migration { 2, {} };
}

} // namespace Mailpulse::Store
