#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace Mailpulse::Store
{

class Database;

/// How far one log file was read, for incremental import (table `import_files`, schema v2).
struct ImportFileState {
    QString path; // absolute, canonical
    qint64 device = 0; // 0 where the platform does not tell
    qint64 inode = 0;
    qint64 size = 0; // the file's size when it was read
    qint64 readOffset = 0; // plain files: where the next read starts; compressed files: their size (read whole)
    qint64 readLines = 0; // lines before readOffset: line numbers in source references continue from here
    qint64 headLength = 0; // how many leading bytes headHash covers (at most 4 KiB)
    QByteArray headHash;
    bool compressed = false;
    QDateTime updatedAt;
};

/// The read positions of imported log files. Holds no QSqlQuery between calls.
class ImportFileRepository final
{
public:
    explicit ImportFileRepository(Database &database);

    /// The state stored for `path`; nullopt if none (error stays empty) or on failure (error set).
    std::optional<ImportFileState> find(const QString &path, QString *error = nullptr) const;
    /// The most recently updated state of another path with the same file identity: a log that was renamed by
    /// rotation (mail.log → mail.log.1) continues where it was read to under its old name.
    std::optional<ImportFileState> findByIdentity(
        qint64 device, qint64 inode, const QString &exceptPath, QString *error = nullptr) const;
    /// Inserts or replaces the state of `state.path`. Runs in the caller's transaction.
    bool save(const ImportFileState &state, QString *error = nullptr);

private:
    Database &m_database;
};

} // namespace Mailpulse::Store
