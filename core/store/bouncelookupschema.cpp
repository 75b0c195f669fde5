#include "store/migrations.h"

namespace Mailpulse::Store
{

Migration bounceLookupMigration()
{
    // v6: bounces are found by recipient and by domain through integer keys (store/lookupkey.h) instead of indexes
    // on the texts. Rows stored before get their keys from mailpulse_lookup_key(), the function Database registers
    // on every connection, which is LookupKey::of() itself.
    return Migration { 6,
        {
            QStringLiteral("ALTER TABLE bounces ADD COLUMN recipient_key INTEGER"),
            QStringLiteral("ALTER TABLE bounces ADD COLUMN domain_key INTEGER"),
            QStringLiteral("UPDATE bounces SET recipient_key = mailpulse_lookup_key(recipient),"
                           " domain_key = mailpulse_lookup_key(domain)"),
            QStringLiteral("DROP INDEX bounces_domain_occurred"),
            QStringLiteral("DROP INDEX bounces_recipient_occurred"),
            QStringLiteral("CREATE INDEX bounces_domain_key ON bounces (domain_key, occurred_at)"),
            QStringLiteral("CREATE INDEX bounces_recipient_key ON bounces (recipient_key, occurred_at)"),
        } };
}

} // namespace Mailpulse::Store
