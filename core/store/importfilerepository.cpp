#include "store/importfilerepository.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "store/database.h"
#include "store/isotime.h"

namespace Mailpulse::Store
{

namespace
{

const QString Columns = QStringLiteral("SELECT path, device, inode, size, read_offset, read_lines, head_length, "
                                       "head_hash, compressed, updated_at FROM import_files");

ImportFileState readState(const QSqlQuery &query)
{
    ImportFileState s;
    s.path = query.value(0).toString();
    s.device = query.value(1).toLongLong();
    s.inode = query.value(2).toLongLong();
    s.size = query.value(3).toLongLong();
    s.readOffset = query.value(4).toLongLong();
    s.readLines = query.value(5).toLongLong();
    s.headLength = query.value(6).toLongLong();
    s.headHash = query.value(7).toString().toLatin1();
    s.compressed = query.value(8).toBool();
    s.updatedAt = QDateTime::fromString(query.value(9).toString(), Qt::ISODateWithMs);
    return s;
}

} // namespace

ImportFileRepository::ImportFileRepository(Database &database)
    : m_database(database)
{
}

std::optional<ImportFileState> ImportFileRepository::find(
    qint64 device, qint64 inode, const QString &path, QString *error) const
{
    const bool byIdentity = device != 0 || inode != 0;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(Columns
        + (byIdentity ? QStringLiteral(" WHERE device = :device AND inode = :inode")
                      : QStringLiteral(" WHERE device = 0 AND inode = 0 AND path = :path"))
        + QStringLiteral(" ORDER BY updated_at DESC, id DESC LIMIT 1"));
    if (byIdentity) {
        query.bindValue(QStringLiteral(":device"), device);
        query.bindValue(QStringLiteral(":inode"), inode);
    } else {
        query.bindValue(QStringLiteral(":path"), path);
    }
    if (!query.exec()) {
        if (error)
            *error = query.lastError().text();
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return readState(query);
}

bool ImportFileRepository::save(const ImportFileState &state, QString *error)
{
    const bool byIdentity = state.device != 0 || state.inode != 0;
    const auto bind = [&state](QSqlQuery &query) {
        query.bindValue(QStringLiteral(":path"), state.path);
        query.bindValue(QStringLiteral(":device"), state.device);
        query.bindValue(QStringLiteral(":inode"), state.inode);
        query.bindValue(QStringLiteral(":size"), state.size);
        query.bindValue(QStringLiteral(":offset"), state.readOffset);
        query.bindValue(QStringLiteral(":lines"), state.readLines);
        query.bindValue(QStringLiteral(":head_length"), state.headLength);
        query.bindValue(QStringLiteral(":head_hash"), QString::fromLatin1(state.headHash));
        query.bindValue(QStringLiteral(":compressed"), state.compressed ? 1 : 0);
        query.bindValue(QStringLiteral(":updated_at"),
            IsoTime::toText(state.updatedAt.isValid() ? state.updatedAt : QDateTime::currentDateTimeUtc()));
    };
    QSqlQuery update(m_database.connection());
    update.prepare(QStringLiteral("UPDATE import_files SET path = :path, size = :size, read_offset = :offset,"
                                  " read_lines = :lines, head_length = :head_length, head_hash = :head_hash,"
                                  " compressed = :compressed, updated_at = :updated_at"
                                  " WHERE device = :device AND inode = :inode")
        + (byIdentity ? QString() : QStringLiteral(" AND path = :path")));
    bind(update);
    if (!update.exec()) {
        if (error)
            *error = update.lastError().text();
        return false;
    }
    if (update.numRowsAffected() > 0)
        return true;
    QSqlQuery insert(m_database.connection());
    insert.prepare(QStringLiteral(
        "INSERT INTO import_files (path, device, inode, size, read_offset, read_lines, head_length, head_hash,"
        " compressed, updated_at) VALUES (:path, :device, :inode, :size, :offset, :lines, :head_length,"
        " :head_hash, :compressed, :updated_at)"));
    bind(insert);
    if (!insert.exec()) {
        if (error)
            *error = insert.lastError().text();
        return false;
    }
    return true;
}

} // namespace Mailpulse::Store
