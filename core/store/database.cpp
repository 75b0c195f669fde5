#include "store/database.h"

#include <atomic>
#include <utility>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <sqlite3.h>

#include "store/fingerprintkey.h"
#include "store/lookupkey.h"
#include "store/statement.h"
#include "store/storelogging.h"
#include "store/transaction.h"

namespace Mailpulse::Store
{

namespace
{

constexpr int BusyTimeoutMs = 5000;
constexpr int NewPageSize = 16384; // see open()
const auto Driver = QStringLiteral("QSQLITE");

QString uniqueConnectionName()
{
    // Addresses are reused after destruction; a process-wide counter is not, and Qt's connection registry
    // is process-wide too.
    static std::atomic<quint64> counter { 0 };
    return QStringLiteral("mailpulse.store.%1").arg(++counter);
}

// mailpulse_fingerprint_key(fingerprint): FingerprintKey::of() in SQL, for the v5 migration that converts the
// stored fingerprint texts with the very function that keys new rows. A blob (already a key) stays as it is.
void fingerprintKeyFunction(sqlite3_context *context, int, sqlite3_value **arguments)
{
    switch (sqlite3_value_type(arguments[0])) {
    case SQLITE_NULL:
        sqlite3_result_null(context);
        return;
    case SQLITE_BLOB:
        sqlite3_result_value(context, arguments[0]);
        return;
    default:
        break;
    }
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(arguments[0]));
    const QString fingerprint = QString::fromUtf8(text, sqlite3_value_bytes(arguments[0]));
    const FingerprintKey::Bytes key = FingerprintKey::of(fingerprint);
    sqlite3_result_blob(context, key.data(), FingerprintKey::Size, SQLITE_TRANSIENT);
}

// mailpulse_lookup_key(text): LookupKey::of() in SQL, for the v6 migration that keys the rows stored before it.
void lookupKeyFunction(sqlite3_context *context, int, sqlite3_value **arguments)
{
    if (sqlite3_value_type(arguments[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto *text = static_cast<const QChar *>(sqlite3_value_text16(arguments[0]));
    const qint64 key = LookupKey::of(QStringView(text, sqlite3_value_bytes16(arguments[0]) / 2));
    if (key == 0)
        sqlite3_result_null(context);
    else
        sqlite3_result_int64(context, key);
}

QString sqlError(const QSqlQuery &query) { return query.lastError().text(); }

// Reads a one-row, one-column integer PRAGMA.
bool readPragma(const QSqlDatabase &db, const QString &pragma, qint64 *value, QString *error)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("PRAGMA ") + pragma) || !query.next()) {
        if (error)
            *error = sqlError(query);
        return false;
    }
    *value = query.value(0).toLongLong();
    return true;
}

} // namespace

Database::Database()
    : m_connectionName(uniqueConnectionName())
{
}

Database::~Database() { close(); }

bool Database::fail(QString *error, const QString &message)
{
    qCWarning(lcStore).noquote() << message;
    if (error)
        *error = message;
    return false;
}

bool Database::open(const QString &path, QString *error) { return open(path, schemaMigrations(), error); }

bool Database::open(const QString &path, const QList<Migration> &migrations, QString *error)
{
    close();
    if (path.isEmpty())
        return fail(error, QStringLiteral("no database path given"));
    for (qsizetype i = 0; i < migrations.size(); ++i) {
        if (migrations.at(i).version != i + 1)
            return fail(error,
                QStringLiteral("migration list is not numbered 1..N (entry %1 says %2)")
                    .arg(i)
                    .arg(migrations.at(i).version));
    }
    const int latest = int(migrations.size());

    if (!inspectHeader(path, latest, error))
        return false;

    const QFileInfo info(path);
    if (!info.exists() && !QDir().mkpath(info.absolutePath()))
        return fail(error, QStringLiteral("%1: cannot create directory %2").arg(path, info.absolutePath()));

    m_path = path;
    m_db = QSqlDatabase::addDatabase(Driver, m_connectionName);
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        const QString message = QStringLiteral("%1: cannot open: %2").arg(path, m_db.lastError().text());
        close();
        return fail(error, message);
    }
    // Statement runs SQLite's API on the driver's own handle: that needs the driver to use the libsqlite3 we link
    // (as Debian's libqt6sql6-sqlite and Qt builds with -system-sqlite do), not a copy of SQLite built into it.
    const QVariant handle = m_db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    if (!m_handle) {
        close();
        return fail(error, QStringLiteral("%1: the SQLite driver gives no connection handle").arg(path));
    }
    if (sqlite3_create_function_v2(m_handle, "mailpulse_fingerprint_key", 1,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, &fingerprintKeyFunction, nullptr, nullptr,
            nullptr)
            != SQLITE_OK
        || sqlite3_create_function_v2(m_handle, "mailpulse_lookup_key", 1,
               SQLITE_UTF16 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, &lookupKeyFunction, nullptr, nullptr,
               nullptr)
            != SQLITE_OK) {
        const QString message = QString::fromUtf8(sqlite3_errmsg(m_handle));
        close();
        return fail(error, QStringLiteral("%1: cannot register SQL functions: %2").arg(path, message));
    }

    // busy_timeout first: everything after it may have to wait for another process's write.
    // WAL lets readers (the GUI) run while one writer (the CLI) commits; NORMAL is durable enough under WAL
    // (a power cut may lose the last commits, never corrupt). foreign_keys is per connection and off by default.
    QString pragmaError;
    if (!exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(BusyTimeoutMs), &pragmaError)) {
        close();
        return fail(error, QStringLiteral("%1: %2").arg(path, pragmaError));
    }
    // Before the first write (the switch to WAL rewrites the header): a file that is not ours stays as it was.
    QString verifyError;
    if (!verify(latest, &verifyError)) {
        close();
        return fail(error, verifyError);
    }
    // A new store gets 16 KiB pages (SQLite's default is 4 KiB; it ignores this for an existing file, whose pages
    // keep their size). Measured on a 1M-line Postfix import: a fifth less time, from fewer, shallower b-tree pages
    // and a quarter of the page writes to the log and back. A probe's small commit writes a few pages more.
    if (!exec(QStringLiteral("PRAGMA page_size = %1").arg(NewPageSize), &pragmaError)) {
        close();
        return fail(error, QStringLiteral("%1: %2").arg(path, pragmaError));
    }
    {
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !query.next()) {
            const QString message = QStringLiteral("%1: cannot set WAL mode: %2").arg(path, sqlError(query));
            query = QSqlQuery();
            close();
            return fail(error, message);
        }
        const QString mode = query.value(0).toString();
        if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
            // E.g. on file systems without shared memory: still correct, only less concurrent.
            qCWarning(lcStore).noquote() << path << "journal mode is" << mode << "instead of WAL";
        }
    }
    if (!exec(QStringLiteral("PRAGMA synchronous = NORMAL"), &pragmaError)
        || !exec(QStringLiteral("PRAGMA foreign_keys = ON"), &pragmaError)) {
        close();
        return fail(error, QStringLiteral("%1: %2").arg(path, pragmaError));
    }

    QString migrateError;
    if (!migrate(migrations, &migrateError)) {
        close();
        return fail(error, QStringLiteral("%1: %2").arg(path, migrateError));
    }
    return true;
}

// Reads the 100-byte SQLite header (https://www.sqlite.org/fileformat.html#the_database_header) without any
// SQLite connection: a file we must refuse is never opened by SQLite, so no -wal/-shm appears next to it and no
// hot journal is rolled back into it.
bool Database::inspectHeader(const QString &path, int latestVersion, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists())
        return true;
    if (!info.isFile())
        return fail(error, QStringLiteral("%1: not a regular file").arg(path));
    if (info.size() == 0)
        return true; // SQLite treats an empty file as an empty database

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray header = file.read(100);
    static constexpr char Magic[] = "SQLite format 3"; // 16 bytes with the terminating NUL, as in the file
    if (header.size() < 100 || !header.startsWith(QByteArrayView(Magic, sizeof Magic)))
        return fail(error, QStringLiteral("%1: not an SQLite database").arg(path));

    const auto u8 = [&header](int offset) { return quint32(quint8(header.at(offset))); };
    const auto be32 = [&u8](int offset) {
        return (u8(offset) << 24) | (u8(offset + 1) << 16) | (u8(offset + 2) << 8) | u8(offset + 3);
    };
    const quint32 pageSize = (u8(16) << 8) | u8(17);
    const bool validPageSize
        = pageSize == 1 || (pageSize >= 512 && pageSize <= 32768 && (pageSize & (pageSize - 1)) == 0);
    if (!validPageSize)
        return fail(
            error, QStringLiteral("%1: not an SQLite database or damaged (page size %2)").arg(path).arg(pageSize));

    // Under WAL the header may lag behind committed changes; verify() repeats these checks through SQLite.
    const QString message = judge(path, qint32(be32(60)), qint32(be32(68)), 0, latestVersion);
    return message.isEmpty() ? true : fail(error, message);
}

// The one place that decides whether a file is a store this build may use. Empty when it may.
QString Database::judge(const QString &path, qint64 version, qint64 applicationId, qint64 objects, int latestVersion)
{
    if (applicationId != 0 && applicationId != ApplicationId)
        return QStringLiteral("%1: SQLite file of another program (application_id %2), not a Mailpulse store")
            .arg(path)
            .arg(applicationId);
    // Migration 1 sets application_id, so a file without it is ours only while it is still empty.
    if (applicationId == 0 && (version != 0 || objects != 0))
        return QStringLiteral("%1: SQLite file with other content, not a Mailpulse store").arg(path);
    if (version > latestVersion)
        return QStringLiteral("%1: store schema version %2 is newer than this Mailpulse supports (%3); "
                              "use a newer Mailpulse")
            .arg(path)
            .arg(version)
            .arg(latestVersion);
    return {};
}

// Only reads: in rollback-journal mode they leave no trace, in WAL mode the -wal/-shm files they need are removed
// again when the connection closes. (SQLite's own recovery of a crashed writer's hot journal is the one write a
// read may cause; that is what any SQLite reader of the file would do.)
bool Database::verify(int latestVersion, QString *error)
{
    qint64 version = 0;
    qint64 applicationId = 0;
    qint64 objects = 0;
    QString sqlMessage;
    if (!readPragma(m_db, QStringLiteral("user_version"), &version, &sqlMessage)
        || !readPragma(m_db, QStringLiteral("application_id"), &applicationId, &sqlMessage)) {
        if (error)
            *error = QStringLiteral("%1: not an SQLite database or damaged: %2").arg(m_path, sqlMessage);
        return false;
    }
    {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !query.next()) {
            if (error)
                *error = QStringLiteral("%1: not an SQLite database or damaged: %2").arg(m_path, sqlError(query));
            return false;
        }
        objects = query.value(0).toLongLong();
    }
    const QString message = judge(m_path, version, applicationId, objects, latestVersion);
    if (!message.isEmpty() && error)
        *error = message;
    return message.isEmpty();
}

bool Database::migrate(const QList<Migration> &migrations, QString *error)
{
    const int latest = int(migrations.size());
    qint64 current = 0;
    if (!readPragma(m_db, QStringLiteral("user_version"), &current, error))
        return false;

    for (const Migration &migration : migrations) {
        if (migration.version <= current)
            continue;
        Transaction transaction(*this);
        if (!transaction.begin(error))
            return false;
        // Another process may have migrated between our read and our write lock: look again under the lock.
        if (!readPragma(m_db, QStringLiteral("user_version"), &current, error))
            return false;
        if (current >= migration.version)
            continue; // the transaction rolls back; nothing was written
        for (const QString &statement : migration.statements) {
            QString statementError;
            if (!exec(statement, &statementError)) {
                if (error)
                    *error = QStringLiteral("migration %1 failed: %2 (in: %3)")
                                 .arg(migration.version)
                                 .arg(statementError, statement.left(80));
                return false;
            }
        }
        if (!exec(QStringLiteral("PRAGMA user_version = %1").arg(migration.version), error)
            || !transaction.commit(error))
            return false;
        qCInfo(lcStore).noquote() << m_path << "migrated to schema version" << migration.version;
        current = migration.version;
    }

    if (current > latest) {
        if (error)
            *error = QStringLiteral("store schema version %1 is newer than this Mailpulse supports (%2); "
                                    "use a newer Mailpulse")
                         .arg(current)
                         .arg(latest);
        return false;
    }
    m_schemaVersion = int(current);
    return true;
}

void Database::close()
{
    // Statements first: they hold on to the connection.
    const QSet<Statement *> statements = std::exchange(m_statements, {});
    for (Statement *statement : statements)
        statement->release();
    m_handle = nullptr;
    if (!m_db.isValid() && !QSqlDatabase::contains(m_connectionName))
        return;
    m_db.close();
    // removeDatabase() warns and leaks if any QSqlDatabase copy is still alive: drop ours first.
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_path.clear();
    m_schemaVersion = 0;
}

bool Database::exec(const QString &sql, QString *error)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql)) {
        if (error)
            *error = sqlError(query);
        return false;
    }
    return true;
}

bool Database::prepareProcess() { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }

QString Database::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/mailpulse.sqlite");
}

int Database::latestSchemaVersion() { return int(schemaMigrations().size()); }

} // namespace Mailpulse::Store
