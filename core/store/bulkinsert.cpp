#include "store/bulkinsert.h"

#include <algorithm>

namespace Mailpulse::Store
{

namespace
{

// SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (Debian's build allows more; another build may not).
constexpr int MaxPlaceholders = 32766;

QString statementOf(const QString &head, const QString &row, const QString &tail, int rows)
{
    QString sql = head + QStringLiteral(" VALUES ") + row;
    sql.reserve(sql.size() + (rows - 1) * (row.size() + 2) + tail.size() + 1);
    for (int i = 1; i < rows; ++i)
        sql += QStringLiteral(", ") + row;
    if (!tail.isEmpty())
        sql += u' ' + tail;
    return sql;
}

} // namespace

BulkInsert::BulkInsert(
    Database &database, const QString &head, const QString &row, const QString &tail, int rowsPerStatement)
    : m_columns(int(row.count(u'?')))
{
    int rows = std::clamp(rowsPerStatement, 1, MaxPlaceholders / std::max(m_columns, 1));
    for (; rows > 1; rows /= 8)
        m_levels.push_back({ rows, std::make_unique<Statement>(database, statementOf(head, row, tail, rows)) });
    m_levels.push_back({ 1, std::make_unique<Statement>(database, statementOf(head, row, tail, 1)) });
}

BulkInsert::~BulkInsert() = default;

void BulkInsert::release()
{
    for (Level &level : m_levels)
        level.statement->release();
}

} // namespace Mailpulse::Store
