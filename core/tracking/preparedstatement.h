#pragma once

#include <optional>

#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Tracking
{

/// One SQL statement that a sink prepares on first use and keeps between record() calls: an import records
/// hundreds of thousands of outcomes, and preparing (parsing) the statement each time was most of its cost.
/// Values are bound by position and only when they changed (QSqlResult::bindValue() formats and hashes a
/// placeholder name each time). Prepared again by itself when the Database was closed and opened since: the old
/// statement dies with its connection's driver. Destroy it (or release()) before the Database is closed.
class PreparedStatement final
{
public:
    PreparedStatement(Store::Database &database, QString sql);
    ~PreparedStatement();
    Q_DISABLE_COPY_MOVE(PreparedStatement)

    /// Prepares if needed (first use, or the Database was reopened). On failure, `error` says why.
    bool ready(QString *error);
    /// Binds the `index`-th placeholder (from 0); the value stays bound for later executions.
    void bind(int index, const QVariant &value);
    /// Executes with the values bound; a SELECT then reads through query(). Call finish() once read.
    bool exec(QString *error);
    /// Lets go of a SELECT's result, so that the connection holds no read snapshot between calls.
    void finish();
    /// The statement, for reading results, numRowsAffected() and lastInsertId(). Valid after ready().
    QSqlQuery &query() { return *m_query; }
    /// Drops the statement; it is prepared again on next use.
    void release();

private:
    Store::Database &m_database;
    QString m_sql;
    std::optional<QSqlQuery> m_query;
    QList<QVariant> m_bound;
    QList<bool> m_isBound;
};

} // namespace Mailpulse::Tracking
