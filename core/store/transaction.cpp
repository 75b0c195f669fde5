#include "store/transaction.h"

#include "store/database.h"
#include "store/storelogging.h"

namespace Mailpulse::Store
{

Transaction::Transaction(Database &database)
    : m_database(database)
{
}

Transaction::~Transaction()
{
    if (m_active)
        rollback();
}

bool Transaction::begin(QString *error)
{
    if (m_active) {
        if (error)
            *error = QStringLiteral("transaction already active");
        return false;
    }
    m_active = m_database.exec(QStringLiteral("BEGIN IMMEDIATE"), error);
    return m_active;
}

bool Transaction::commit(QString *error)
{
    if (!m_active) {
        if (error)
            *error = QStringLiteral("no active transaction");
        return false;
    }
    if (!m_database.exec(QStringLiteral("COMMIT"), error)) {
        rollback();
        return false;
    }
    m_active = false;
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    QString error;
    // Fails harmlessly when SQLite already rolled back by itself (e.g. after SQLITE_FULL).
    if (!m_database.exec(QStringLiteral("ROLLBACK"), &error))
        qCDebug(lcStore) << "rollback:" << error;
}

} // namespace Mailpulse::Store
