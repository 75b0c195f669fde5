#include "store/migrations.h"

namespace Mailpulse::Store
{

QList<Migration> schemaMigrations()
{
    QList<Migration> migrations;

    // v1: probes. The columns are what stats and reports filter and aggregate on; result_json holds the whole
    // ProbeResult (transcript, TLS details, findings, recipients) so that nothing is lost. No CHECK constraints on
    // names such as tls_mode or phase: SQLite cannot alter a constraint, and those vocabularies may grow.
    migrations.append(Migration { 1,
        {
            QStringLiteral("PRAGMA application_id = %1").arg(ApplicationId),
            QStringLiteral("CREATE TABLE probes ("
                           " id INTEGER PRIMARY KEY,"
                           " started_at TEXT,"
                           " target TEXT NOT NULL,"
                           " domain TEXT,"
                           " host TEXT,"
                           " address TEXT,"
                           " port INTEGER,"
                           " tls_mode TEXT NOT NULL,"
                           " status TEXT,"
                           " class TEXT NOT NULL,"
                           " reason TEXT,"
                           " phase TEXT NOT NULL,"
                           " reply_code INTEGER,"
                           " reply_enhanced TEXT,"
                           " reply_text TEXT,"
                           " detail TEXT,"
                           " dns_ms INTEGER,"
                           " connect_ms INTEGER,"
                           " greeting_ms INTEGER,"
                           " ehlo_ms INTEGER,"
                           " tls_ms INTEGER,"
                           " mail_ms INTEGER,"
                           " rcpt_ms INTEGER,"
                           " total_ms INTEGER,"
                           " tls_protocol TEXT,"
                           " tls_cipher TEXT,"
                           " tls_verified INTEGER,"
                           " result_json TEXT NOT NULL"
                           ")"),
            QStringLiteral("CREATE INDEX probes_domain_started ON probes (domain, started_at)"),
            QStringLiteral("CREATE INDEX probes_started ON probes (started_at)"),
            QStringLiteral("CREATE INDEX probes_status ON probes (status)"),
        } });

    // Later steps belong to the feature that owns the tables, each in its own file, in this order.
    migrations.append(bouncesMigration()); // v2: bounce events and import state (bouncesschema.cpp)
    migrations.append(retryQueueMigration()); // v3: retry queue entries and attempts (retryqueueschema.cpp)
    migrations.append(contactsMigration()); // v4: contacts, provider rules, stats support (contactsschema.cpp)
    migrations.append(bounceKeysMigration()); // v5: 16-byte bounce fingerprint keys (bounceskeyschema.cpp)
    migrations.append(bounceLookupMigration()); // v6: bounce recipient and domain keys (bouncelookupschema.cpp)
    migrations.append(retryOpenTargetMigration()); // v7: open-target index without IN (retryopentargetschema.cpp)
    migrations.append(bounceRecipientIndexMigration()); // v8: no recipient index (bouncerecipientschema.cpp)
    migrations.append(bounceProbeDeferredMigration()); // v9: the probe link checked at commit (bounceprobeschema.cpp)
    return migrations;
}

} // namespace Mailpulse::Store
