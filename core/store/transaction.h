#pragma once

#include <QString>

namespace Mailpulse::Store
{

class Database;

/// A write transaction on one Database, rolled back unless committed (early returns cannot leak one).
/// BEGIN IMMEDIATE takes the write lock up front, so a concurrent writer (the CLI while the GUI runs) waits
/// in busy_timeout at BEGIN instead of failing with SQLITE_BUSY halfway through.
class Transaction final
{
public:
    explicit Transaction(Database &database);
    ~Transaction();
    Q_DISABLE_COPY_MOVE(Transaction)

    bool begin(QString *error = nullptr);
    bool commit(QString *error = nullptr);
    void rollback();
    bool isActive() const { return m_active; }

private:
    Database &m_database;
    bool m_active = false;
};

} // namespace Mailpulse::Store
