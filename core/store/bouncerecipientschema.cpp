#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bounceRecipientIndexMigration()
{
    // v8: bounces are no longer indexed by recipient. Nothing in the app or the CLI looks bounces up by recipient
    // (contacts keep their own failure runs, reports filter by domain and time), and the index cost every stored
    // event a descent into a b-tree in random order: a 1M-line Postfix log imported 0.45-0.6 s (about 12%) faster
    // without it. A view that needs it can bring it back. Dropping the column rewrites the table once.
    return Migration { 8,
        {
            QStringLiteral("DROP INDEX bounces_recipient_key"),
            QStringLiteral("ALTER TABLE bounces DROP COLUMN recipient_key"),
        } };
}

} // namespace Mailpulse::Store
