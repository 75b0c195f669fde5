#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "smtp/proberesult.h"

class QSqlQuery;

namespace Mailpulse::Store
{

class Database;

/// Probe results in the `probes` table: the queried columns plus the full Probe JSON in result_json.
/// Holds no QSqlQuery between calls, so the Database can be closed at any time.
class ProbeRepository final
{
public:
    explicit ProbeRepository(Database &database);

    /// Stores one result; `id` (optional) receives its row id.
    bool insert(const Smtp::ProbeResult &result, qint64 *id = nullptr, QString *error = nullptr);
    /// Stores all results in one transaction: all of them or, on any failure, none.
    bool insertAll(const QList<Smtp::ProbeResult> &results, QString *error = nullptr);

    /// The result stored under `id`; nullopt if there is none (error stays empty) or on failure (error set).
    std::optional<Smtp::ProbeResult> find(qint64 id, QString *error = nullptr) const;
    /// Most recent first (by started_at, then insertion order). `limit` <= 0 means all; an empty `domain` means
    /// every domain. Rows that cannot be read are skipped and logged.
    QList<Smtp::ProbeResult> recent(int limit, const QString &domain = {}) const;
    /// Number of stored probes; -1 on failure.
    qint64 count() const;

private:
    bool prepareInsert(QSqlQuery &query, QString *error) const;
    static bool insertOne(QSqlQuery &query, const Smtp::ProbeResult &result, qint64 *id, QString *error);

    Database &m_database;
};

} // namespace Mailpulse::Store
