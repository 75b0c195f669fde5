#pragma once

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include "store/migrations.h"

struct sqlite3;

namespace Mailpulse::Store
{

class Statement;

/// One SQLite store file opened through QtSql, with its schema migrated to the latest version.
/// Each instance owns its own uniquely named connection, so several instances (in one thread each, or in several
/// processes such as the GUI and the CLI) can use the same file at once: WAL, busy_timeout and short write
/// transactions let them take turns. A connection belongs to the thread that called open(); use it there only.
class Database final
{
public:
    Database();
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    /// Opens (creating the file and its parent directories if needed) and migrates to the latest schema.
    /// Refuses, without touching the file, anything that is not SQLite, an SQLite file of another program, and
    /// a store whose schema is newer than this build knows. An already open database is closed first.
    bool open(const QString &path, QString *error = nullptr);
    /// As open(), with an explicit migration list: lets tests exercise the migration mechanism itself.
    bool open(const QString &path, const QList<Migration> &migrations, QString *error = nullptr);
    /// Closes the connection and removes it from QSqlDatabase's registry. Callers must have let go of every
    /// QSqlQuery on it (repositories keep none between calls).
    void close();

    bool isOpen() const { return m_db.isOpen(); }
    QString path() const { return m_path; }
    /// PRAGMA user_version after open(); 0 when closed.
    int schemaVersion() const { return m_schemaVersion; }
    /// The connection for QSqlQuery. Valid while open.
    QSqlDatabase connection() const { return m_db; }

    /// SQLite's handle of the connection, for Statement (the import's hot loops); nullptr when closed.
    sqlite3 *handle() const { return m_handle; }

    /// Executes one statement that carries no data (DDL, PRAGMA). Data always goes through bound values.
    bool exec(const QString &sql, QString *error = nullptr);

    /// Process-wide SQLite settings: call once from main(), before any thread opens a store. Turns off SQLite's
    /// memory statistics, which take a global lock around every allocation of every connection (Mailpulse never
    /// reads them; a 1M-line import ran 3-4% faster without). Returns false when SQLite was already in use, and
    /// then changes nothing.
    static bool prepareProcess();
    /// <AppDataLocation>/mailpulse.sqlite
    static QString defaultPath();
    /// The latest schema version this build knows.
    static int latestSchemaVersion();

private:
    friend class Statement;
    // The Statements prepared on the connection: close() finalizes them first (SQLite does not close a connection
    // with statements left).
    void remember(Statement *statement) { m_statements.insert(statement); }
    void forget(Statement *statement) { m_statements.remove(statement); }

    bool inspectHeader(const QString &path, int latestVersion, QString *error);
    bool verify(int latestVersion, QString *error);
    static QString judge(const QString &path, qint64 version, qint64 applicationId, qint64 objects, int latestVersion);
    bool migrate(const QList<Migration> &migrations, QString *error);
    bool fail(QString *error, const QString &message);

    QString m_connectionName;
    QSqlDatabase m_db;
    QString m_path;
    int m_schemaVersion = 0;
    sqlite3 *m_handle = nullptr;
    QSet<Statement *> m_statements;
};

} // namespace Mailpulse::Store
