#include "tracking/preparedstatement.h"

#include <QSqlDriver>
#include <QSqlError>

#include "store/database.h"

namespace Mailpulse::Tracking
{

namespace
{

// QVariant's operator== holds a null and an empty string equal, but they bind NULL and '' respectively.
bool sameValue(const QVariant &a, const QVariant &b)
{
    if (a.metaType() != b.metaType() || a.isNull() != b.isNull())
        return false;
    if (a.metaType() == QMetaType::fromType<QString>()) {
        const QString &x = *static_cast<const QString *>(a.constData());
        const QString &y = *static_cast<const QString *>(b.constData());
        return x.isNull() == y.isNull() && x == y;
    }
    return a == b;
}

} // namespace

PreparedStatement::PreparedStatement(Store::Database &database, QString sql)
    : m_database(database)
    , m_sql(std::move(sql))
{
}

PreparedStatement::~PreparedStatement() = default;

void PreparedStatement::release()
{
    m_query.reset();
    m_bound.clear();
    m_isBound.clear();
}

bool PreparedStatement::ready(QString *error)
{
    const QSqlDatabase db = m_database.connection();
    // A statement of a closed connection has lost its driver (QSqlResult tracks it with a QPointer): the Database
    // was closed, and maybe opened again, since it was prepared.
    if (m_query && m_query->driver() == db.driver() && m_query->driver())
        return true;
    release();
    m_query.emplace(db);
    m_query->setForwardOnly(true);
    if (!m_query->prepare(m_sql)) {
        if (error)
            *error = m_query->lastError().text();
        release();
        return false;
    }
    return true;
}

void PreparedStatement::bind(int index, const QVariant &value)
{
    if (index >= m_bound.size()) {
        m_bound.resize(index + 1);
        m_isBound.resize(index + 1);
    }
    QVariant &last = m_bound[index];
    if (m_isBound.at(index) && sameValue(last, value))
        return;
    m_query->bindValue(index, value);
    last = value;
    m_isBound[index] = true;
}

bool PreparedStatement::exec(QString *error)
{
    if (m_query->exec())
        return true;
    if (error)
        *error = m_query->lastError().text();
    return false;
}

void PreparedStatement::finish()
{
    if (m_query)
        m_query->finish();
}

} // namespace Mailpulse::Tracking
