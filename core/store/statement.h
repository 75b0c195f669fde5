#pragma once

#include <memory>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringView>
#include <QVariant>

struct sqlite3_stmt;

namespace Mailpulse::Store
{

class Database;

/// One prepared SQL statement run through SQLite's own API on the Database's connection, for the loops that run a
/// statement hundreds of thousands of times (imports): QtSql's QSqlQuery costs more per execution than the SQL
/// itself there (QVariant and QSqlRecord copies, UTF-16 conversions, a placeholder name hashed for each bind).
/// It takes part in whatever transaction the connection has open (Transaction works as for QSqlQuery).
///
/// Prepared on first use and kept; the Database finalizes it when it closes (and it is prepared again on the next
/// use after a reopen), so it may outlive a close. Values stay bound between executions; bind only what changes.
/// One thread, the Database's.
class Statement final
{
public:
    Statement(Database &database, QString sql);
    ~Statement();
    Q_DISABLE_COPY_MOVE(Statement)

    /// Prepares if needed (first use, or the Database was reopened). On failure, `error` says why.
    bool ready(QString *error = nullptr);

    // Binding, by index from 0. A null QString binds NULL, an empty one ''.
    void bindText(int index, QStringView text, bool null = false);
    void bindText(int index, const QString &text) { bindText(index, QStringView(text), text.isNull()); }
    /// NULL for an empty (or null) text.
    void bindTextOrNull(int index, const QString &text) { bindText(index, QStringView(text), text.isEmpty()); }
    /// Text that is UTF-8 already (copied into the placeholder's buffer).
    void bindUtf8(int index, QByteArrayView utf8);
    /// The store's time text (IsoTime::toText()), written straight into the placeholder's buffer;
    /// NULL for an invalid time.
    void bindTime(int index, const QDateTime &time);
    void bindInt(int index, qint64 value);
    void bindNull(int index);
    /// Bytes as a BLOB (copied into a buffer kept per placeholder, as texts are).
    void bindBlob(int index, QByteArrayView bytes);
    /// Strings, integers, booleans, doubles and nulls of any type.
    void bind(int index, const QVariant &value);

    /// Runs a statement that returns no rows (or whose rows are not read) and resets it.
    bool exec(QString *error = nullptr);
    /// Runs a query and moves to its first row: true with a row, false at the end or on an error (`error` set).
    /// Read columns, then next() or reset().
    bool first(QString *error = nullptr);
    /// The next row; false at the end or on an error.
    bool next(QString *error = nullptr);
    /// Lets go of a query's result (no read snapshot is held between calls).
    void reset();

    bool isNull(int column) const;
    qint64 integer(int column) const;
    QString text(int column) const;
    /// Text, integer, real or null (a null QVariant of type QString, as QtSql reads a NULL text column).
    QVariant value(int column) const;

    /// Rows changed by the last exec().
    int changes() const { return m_changes; }
    /// The rowid of the last row an exec() inserted.
    qint64 lastInsertId() const { return m_lastInsertId; }

    /// Finalizes the statement (Database::close() does this for every statement of its connection).
    void release();

private:
    bool step(QString *error, bool *row);
    /// The placeholder's buffer, at least `size` bytes. Inline for the usual case, a buffer large enough already.
    char *buffer(int index, qsizetype size)
    {
        if (size_t(index) < m_slots.size() && m_slots[size_t(index)].capacity >= size)
            return m_slots[size_t(index)].bytes.get();
        return grow(index, size);
    }
    char *grow(int index, qsizetype size);
    /// Binds the first `size` bytes of the placeholder's buffer as text, unless they are bound already: `same`
    /// says that the bytes are those of the last bind (see Slot::bound).
    void bindBuffered(int index, qsizetype size, bool same);
    /// Whatever the placeholder is bound to next is not the text in its buffer.
    void unbuffer(int index)
    {
        if (size_t(index) < m_slots.size())
            m_slots[size_t(index)].bound = -1;
    }

    // A placeholder's buffer: the UTF-8 of a bound text or the bytes of a bound blob, which SQLite reads in place
    // (SQLITE_STATIC). `bound` is the size of the text SQLite reads from it, -1 for none: a text bound again with
    // the same bytes (an import's source, class, action, the same status or reason as the row before) is left
    // bound, as sqlite3_bind_text() costs more than the narrowing that finds the bytes unchanged. (A plain vector:
    // QList's detach checks on every access cost a few per cent of a large import.)
    struct Slot {
        std::unique_ptr<char[]> bytes;
        qsizetype capacity = 0;
        qsizetype bound = -1;
    };

    Database &m_database;
    QString m_sql;
    sqlite3_stmt *m_statement = nullptr;
    std::vector<Slot> m_slots; // by placeholder
    int m_changes = 0;
    qint64 m_lastInsertId = 0;
};

} // namespace Mailpulse::Store
