#include "store/proberepository.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "store/storelogging.h"
#include "store/transaction.h"

namespace Mailpulse::Store
{

namespace
{

// Empty means absent throughout ProbeResult; NULL keeps "absent" distinct from a value in SQL aggregates.
QVariant textOrNull(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

QVariant msOrNull(qint64 ms) { return ms < 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(ms); }

std::optional<Smtp::ProbeResult> parseStored(qint64 id, const QString &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error)
            *error = QStringLiteral("probe %1: damaged result_json: %2").arg(id).arg(parseError.errorString());
        return std::nullopt;
    }
    QString jsonError;
    std::optional<Smtp::ProbeResult> result = Smtp::probeResultFromJson(document.object(), &jsonError);
    if (!result && error)
        *error = QStringLiteral("probe %1: unreadable result_json: %2").arg(id).arg(jsonError);
    return result;
}

} // namespace

ProbeRepository::ProbeRepository(Database &database)
    : m_database(database)
{
}

bool ProbeRepository::prepareInsert(QSqlQuery &query, QString *error) const
{
    const bool ok = query.prepare(QStringLiteral(
        "INSERT INTO probes (started_at, target, domain, host, address, port, tls_mode, status, class, reason, phase,"
        " reply_code, reply_enhanced, reply_text, detail, dns_ms, connect_ms, greeting_ms, ehlo_ms, tls_ms, mail_ms,"
        " rcpt_ms, total_ms, tls_protocol, tls_cipher, tls_verified, result_json)"
        " VALUES (:started_at, :target, :domain, :host, :address, :port, :tls_mode, :status, :class, :reason, :phase,"
        " :reply_code, :reply_enhanced, :reply_text, :detail, :dns_ms, :connect_ms, :greeting_ms, :ehlo_ms, :tls_ms,"
        " :mail_ms, :rcpt_ms, :total_ms, :tls_protocol, :tls_cipher, :tls_verified, :result_json)"));
    if (!ok && error)
        *error = QStringLiteral("cannot prepare probe insert: %1").arg(query.lastError().text());
    return ok;
}

bool ProbeRepository::insertOne(QSqlQuery &query, const Smtp::ProbeResult &result, qint64 *id, QString *error)
{
    const QString startedAt = Smtp::toIsoUtc(result.startedAt);
    query.bindValue(QStringLiteral(":started_at"), textOrNull(startedAt));
    // An empty target binds NULL and trips NOT NULL: a probe without a target is a caller bug worth refusing.
    query.bindValue(QStringLiteral(":target"), textOrNull(result.target));
    query.bindValue(QStringLiteral(":domain"), textOrNull(result.domain));
    query.bindValue(QStringLiteral(":host"), textOrNull(result.host));
    query.bindValue(QStringLiteral(":address"), textOrNull(result.address));
    query.bindValue(
        QStringLiteral(":port"), result.port == 0 ? QVariant(QMetaType::fromType<int>()) : QVariant(int(result.port)));
    query.bindValue(QStringLiteral(":tls_mode"), Smtp::tlsModeName(result.tlsMode));
    query.bindValue(QStringLiteral(":status"), textOrNull(result.classification.status));
    query.bindValue(QStringLiteral(":class"), Bounce::deliveryClassName(result.classification.cls));
    query.bindValue(QStringLiteral(":reason"), textOrNull(result.classification.reason));
    query.bindValue(QStringLiteral(":phase"), Smtp::phaseName(result.phase));
    if (result.reply) {
        query.bindValue(QStringLiteral(":reply_code"), result.reply->code);
        query.bindValue(QStringLiteral(":reply_enhanced"), textOrNull(result.reply->enhanced));
        query.bindValue(QStringLiteral(":reply_text"), result.reply->text());
    } else {
        query.bindValue(QStringLiteral(":reply_code"), QVariant(QMetaType::fromType<int>()));
        query.bindValue(QStringLiteral(":reply_enhanced"), QVariant(QMetaType::fromType<QString>()));
        query.bindValue(QStringLiteral(":reply_text"), QVariant(QMetaType::fromType<QString>()));
    }
    query.bindValue(QStringLiteral(":detail"), textOrNull(result.detail));
    const Smtp::PhaseTimings &t = result.timings;
    query.bindValue(QStringLiteral(":dns_ms"), msOrNull(t.dns));
    query.bindValue(QStringLiteral(":connect_ms"), msOrNull(t.connect));
    query.bindValue(QStringLiteral(":greeting_ms"), msOrNull(t.greeting));
    query.bindValue(QStringLiteral(":ehlo_ms"), msOrNull(t.ehlo));
    query.bindValue(QStringLiteral(":tls_ms"), msOrNull(t.tls));
    query.bindValue(QStringLiteral(":mail_ms"), msOrNull(t.mail));
    query.bindValue(QStringLiteral(":rcpt_ms"), msOrNull(t.rcpt));
    query.bindValue(QStringLiteral(":total_ms"), msOrNull(t.total));
    if (result.tls) {
        query.bindValue(QStringLiteral(":tls_protocol"), textOrNull(result.tls->protocol));
        query.bindValue(QStringLiteral(":tls_cipher"), textOrNull(result.tls->cipher));
        query.bindValue(QStringLiteral(":tls_verified"), result.tls->verified ? 1 : 0);
    } else {
        query.bindValue(QStringLiteral(":tls_protocol"), QVariant(QMetaType::fromType<QString>()));
        query.bindValue(QStringLiteral(":tls_cipher"), QVariant(QMetaType::fromType<QString>()));
        query.bindValue(QStringLiteral(":tls_verified"), QVariant(QMetaType::fromType<int>()));
    }
    const QByteArray json = QJsonDocument(Smtp::toJson(result)).toJson(QJsonDocument::Compact);
    query.bindValue(QStringLiteral(":result_json"), QString::fromUtf8(json));

    if (!query.exec()) {
        if (error)
            *error = QStringLiteral("cannot store probe of \"%1\": %2").arg(result.target, query.lastError().text());
        return false;
    }
    if (id)
        *id = query.lastInsertId().toLongLong();
    return true;
}

bool ProbeRepository::insert(const Smtp::ProbeResult &result, qint64 *id, QString *error)
{
    // A single INSERT is its own (autocommit) transaction and waits for the write lock in busy_timeout.
    QSqlQuery query(m_database.connection());
    return prepareInsert(query, error) && insertOne(query, result, id, error);
}

bool ProbeRepository::insertAll(const QList<Smtp::ProbeResult> &results, QString *error)
{
    if (results.isEmpty())
        return true;
    Transaction transaction(m_database);
    if (!transaction.begin(error))
        return false;
    {
        QSqlQuery query(m_database.connection());
        if (!prepareInsert(query, error))
            return false;
        for (const Smtp::ProbeResult &result : results) {
            if (!insertOne(query, result, nullptr, error))
                return false; // the transaction rolls back on destruction: nothing of the batch stays
        }
    }
    return transaction.commit(error);
}

std::optional<Smtp::ProbeResult> ProbeRepository::find(qint64 id, QString *error) const
{
    if (error)
        error->clear();
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT result_json FROM probes WHERE id = :id"));
    query.bindValue(QStringLiteral(":id"), id);
    if (!query.exec()) {
        const QString message = QStringLiteral("cannot read probe %1: %2").arg(id).arg(query.lastError().text());
        qCWarning(lcStore).noquote() << message;
        if (error)
            *error = message;
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    QString parseError;
    std::optional<Smtp::ProbeResult> result = parseStored(id, query.value(0).toString(), &parseError);
    if (!result) {
        qCWarning(lcStore).noquote() << parseError;
        if (error)
            *error = parseError;
    }
    return result;
}

QList<Smtp::ProbeResult> ProbeRepository::recent(int limit, const QString &domain) const
{
    QList<Smtp::ProbeResult> results;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    // Two fixed statements rather than an assembled one: the filter value is bound, never spliced in.
    if (domain.isEmpty()) {
        query.prepare(QStringLiteral("SELECT id, result_json FROM probes"
                                     " ORDER BY started_at DESC, id DESC LIMIT :limit"));
    } else {
        query.prepare(QStringLiteral("SELECT id, result_json FROM probes WHERE domain IN (:domain, :ace)"
                                     " ORDER BY started_at DESC, id DESC LIMIT :limit"));
        // Stored domains are lower-case ACE (ProbeTarget::parse); also accept the Unicode form a user would type.
        const QString ace = QString::fromLatin1(QUrl::toAce(domain));
        query.bindValue(QStringLiteral(":domain"), domain);
        query.bindValue(QStringLiteral(":ace"), ace.isEmpty() ? domain.toLower() : ace);
    }
    query.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : -1); // SQLite: a negative LIMIT is no limit
    if (!query.exec()) {
        qCWarning(lcStore).noquote() << "cannot read recent probes:" << query.lastError().text();
        return results;
    }
    while (query.next()) {
        const qint64 id = query.value(0).toLongLong();
        QString parseError;
        if (std::optional<Smtp::ProbeResult> result = parseStored(id, query.value(1).toString(), &parseError))
            results.append(std::move(*result));
        else
            qCWarning(lcStore).noquote() << parseError;
    }
    return results;
}

qint64 ProbeRepository::count() const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM probes")) || !query.next()) {
        qCWarning(lcStore).noquote() << "cannot count probes:" << query.lastError().text();
        return -1;
    }
    return query.value(0).toLongLong();
}

} // namespace Mailpulse::Store
