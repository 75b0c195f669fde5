#include "store/statement.h"

#include <algorithm>

#include <QStringEncoder>

#include <sqlite3.h>

#include "store/database.h"

namespace Mailpulse::Store
{

Statement::Statement(Database &database, QString sql)
    : m_database(database)
    , m_sql(std::move(sql))
{
}

Statement::~Statement() { release(); }

void Statement::release()
{
    if (!m_statement)
        return;
    sqlite3_finalize(m_statement);
    m_statement = nullptr;
    m_database.forget(this);
}

bool Statement::ready(QString *error)
{
    if (m_statement)
        return true;
    sqlite3 *handle = m_database.handle();
    if (!handle) {
        if (error)
            *error = QStringLiteral("the store is not open");
        return false;
    }
    const QByteArray sql = m_sql.toUtf8();
    if (sqlite3_prepare_v3(handle, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
        != SQLITE_OK) {
        if (error)
            *error = QString::fromUtf8(sqlite3_errmsg(handle));
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
        return false;
    }
    m_database.remember(this);
    return true;
}

void Statement::bindText(int index, QStringView text, bool null)
{
    if (null) {
        sqlite3_bind_null(m_statement, index + 1);
        return;
    }
    if (text.isEmpty()) {
        sqlite3_bind_text(m_statement, index + 1, "", 0, SQLITE_STATIC);
        return;
    }
    // The store is UTF-8: encoded here (Qt's encoder is fast on ASCII) into a buffer kept per placeholder, which
    // SQLite reads in place (SQLITE_STATIC) until the placeholder is bound again. Binding UTF-16 instead costs
    // SQLite a copy and a conversion of its own, each with an allocation.
    if (index >= m_texts.size())
        m_texts.resize(index + 1);
    QByteArray &buffer = m_texts[index];
    const qsizetype needed = text.size() * 3;
    if (buffer.size() < needed)
        buffer.resize(needed);
    char *const start = buffer.data();
    const char *end = nullptr;
    // Most of what an import stores is ASCII: narrowed in two loops the compiler vectorizes, without setting up
    // an encoder (that took half of the time of binding the texts of a bounce row).
    const char16_t *const chars = text.utf16();
    char16_t all = 0;
    for (qsizetype i = 0; i < text.size(); ++i)
        all |= chars[i];
    if (all < 0x80) {
        for (qsizetype i = 0; i < text.size(); ++i)
            start[i] = char(chars[i]);
        end = start + text.size();
    } else {
        QStringEncoder encoder(QStringEncoder::Utf8);
        end = encoder.appendToBuffer(start, text);
    }
    sqlite3_bind_text(m_statement, index + 1, start, int(end - start), SQLITE_STATIC);
}

void Statement::bindInt(int index, qint64 value) { sqlite3_bind_int64(m_statement, index + 1, value); }

void Statement::bindNull(int index) { sqlite3_bind_null(m_statement, index + 1); }

void Statement::bindBlob(int index, QByteArrayView bytes)
{
    if (index >= m_texts.size())
        m_texts.resize(index + 1);
    QByteArray &buffer = m_texts[index];
    if (buffer.size() < bytes.size())
        buffer.resize(bytes.size());
    std::copy_n(bytes.data(), bytes.size(), buffer.data());
    sqlite3_bind_blob(m_statement, index + 1, buffer.constData(), int(bytes.size()), SQLITE_STATIC);
}

void Statement::bind(int index, const QVariant &value)
{
    if (value.isNull()) {
        bindNull(index);
        return;
    }
    switch (value.metaType().id()) {
    case QMetaType::QString:
        bindText(index, *static_cast<const QString *>(value.constData()));
        return;
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        bindInt(index, value.toLongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        sqlite3_bind_double(m_statement, index + 1, value.toDouble());
        return;
    default:
        bindText(index, value.toString());
        return;
    }
}

bool Statement::step(QString *error, bool *row)
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) {
        *row = true;
        return true;
    }
    *row = false;
    if (rc == SQLITE_DONE)
        return true;
    if (error)
        *error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
    sqlite3_reset(m_statement);
    return false;
}

bool Statement::exec(QString *error)
{
    bool row = false;
    if (!step(error, &row))
        return false;
    sqlite3 *handle = sqlite3_db_handle(m_statement);
    m_changes = sqlite3_changes(handle);
    m_lastInsertId = sqlite3_last_insert_rowid(handle);
    sqlite3_reset(m_statement);
    return true;
}

bool Statement::first(QString *error)
{
    if (error)
        error->clear();
    bool row = false;
    if (!step(error, &row) || !row) {
        sqlite3_reset(m_statement);
        return false;
    }
    return true;
}

bool Statement::next(QString *error) { return first(error); }

void Statement::reset()
{
    if (m_statement)
        sqlite3_reset(m_statement);
}

bool Statement::isNull(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

qint64 Statement::integer(int column) const { return sqlite3_column_int64(m_statement, column); }

QString Statement::text(int column) const
{
    const auto *data = static_cast<const char16_t *>(sqlite3_column_text16(m_statement, column));
    if (!data)
        return {};
    return QString::fromUtf16(data, sqlite3_column_bytes16(m_statement, column) / 2);
}

QVariant Statement::value(int column) const
{
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(m_statement, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(m_statement, column));
    case SQLITE_NULL:
        return QVariant(QMetaType::fromType<QString>());
    default:
        return QVariant(text(column));
    }
}

} // namespace Mailpulse::Store
