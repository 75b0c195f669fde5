#pragma once

#include <memory>
#include <utility>
#include <vector>

#include <QString>

#include "store/statement.h"

namespace Mailpulse::Store
{

class Database;

/// Inserts many rows of one shape with multi-row INSERTs: `INSERT … VALUES (row), (row), …` of rowsPerStatement()
/// rows, the rest with statements of an eighth as many rows (and so on), the last few one by one. A flush of an
/// import's kept rows (tens of thousands) pays SQLite's cost per statement (step, halt, reset: about a third of a
/// single-row insert) once per statement instead of once per row. Rows go in in the order given, so that their
/// rowids come out as when each is inserted on its own.
///
/// A statement of many rows that may fail halfway (ABORT, SQLite's default for a constraint) opens a statement
/// journal to undo its own rows: a copy of every page it changes, most of what it saves on a table with indexes in
/// random order. `INSERT OR FAIL` needs none (a failure keeps the statement's earlier rows, which the caller's
/// rolled-back transaction drops anyway); a foreign key or an upsert's update still needs one. The importer keeps
/// that journal in memory (temp_store), or it spills to a temporary file past 64 KiB.
///
/// The statements are prepared on first use and kept (see Statement); one of many rows only when that many rows
/// come (a large statement costs a few million instructions to prepare). One thread, the Database's.
class BulkInsert final
{
public:
    /// `head` is the statement up to VALUES ("INSERT INTO t (a, b, c)"), `row` one row's values ("(?, ?, 'x')"),
    /// `tail` what follows them (an ON CONFLICT clause, or nothing). `rowsPerStatement` is capped so that a
    /// statement stays within SQLite's default limit of placeholders.
    BulkInsert(Database &database, const QString &head, const QString &row, const QString &tail = {},
        int rowsPerStatement = DefaultRows);
    ~BulkInsert();
    Q_DISABLE_COPY_MOVE(BulkInsert)

    // More rows per statement share the statement journal's page copies (see above) and its end; the larger
    // statements cost more to prepare. 128 measured best of 8 … 1024 on a 100k-line import.
    static constexpr int DefaultRows = 128;
    /// The placeholders of one row.
    int columns() const { return m_columns; }
    int rowsPerStatement() const { return m_levels.front().rows; }

    /// Inserts rows 0 … count - 1: `bindRow(statement, first, i)` binds row i's placeholders, from `first` on,
    /// into `statement` (values stay bound between executions, as for Statement). Stops at the first failure
    /// (`error` says why; the rows of the failed statement are not inserted, those before it are).
    template <typename BindRow> bool insert(qsizetype count, BindRow &&bindRow, QString *error = nullptr)
    {
        return insert(
            count, std::forward<BindRow>(bindRow), [](const Statement &, qsizetype, int, QString *) { return true; },
            error);
    }
    /// The same, and after each statement `inserted(statement, first, rows, error)` learns that rows first …
    /// first + rows - 1 went through it (statement.changes() says how many of them it stored, where a conflict
    /// clause skips rows); returning false stops the insert (with `error` set).
    template <typename BindRow, typename Inserted>
    bool insert(qsizetype count, BindRow &&bindRow, Inserted &&inserted, QString *error)
    {
        qsizetype i = 0;
        for (Level &level : m_levels) {
            if (count - i < level.rows)
                continue;
            if (!level.statement->ready(error))
                return false;
            while (count - i >= level.rows) {
                const qsizetype first = i;
                for (int r = 0; r < level.rows; ++r, ++i)
                    bindRow(*level.statement, r * m_columns, i);
                if (!level.statement->exec(error) || !inserted(*level.statement, first, level.rows, error))
                    return false;
            }
        }
        return true;
    }

    /// The single-row statement (for callers that insert one row at a time too).
    Statement &single() { return *m_levels.back().statement; }

    /// Finalizes the statements (they are prepared again on the next insert()).
    void release();

private:
    struct Level {
        int rows;
        std::unique_ptr<Statement> statement;
    };
    int m_columns;
    std::vector<Level> m_levels; // by rows, the most first, 1 last
};

} // namespace Mailpulse::Store
