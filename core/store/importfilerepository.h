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
    QString path; // absolute, canonical; the name the file had when last read
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

    /// The state of the file with this identity (whatever its name was), or for device = inode = 0 the state
    /// stored under `path`. nullopt if none (error stays empty) or on failure (error set).
    std::optional<ImportFileState> find(
        qint64 device, qint64 inode, const QString &path, QString *error = nullptr) const;
    /// Inserts or replaces the state of the file (by identity, or by path without one), recording its current
    /// path. Runs in the caller's transaction.
    bool save(const ImportFileState &state, QString *error = nullptr);

private:
    Database &m_database;
};

} // namespace Mailpulse::Store
