#include "contacts/contactlist.h"

#include <QHash>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "common/clock.h"
#include "report/csvparser.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"
#include "store/transaction.h"

namespace Mailpulse::Contacts
{

namespace
{

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QDateTime timeOf(const QVariant &value) { return value.isNull() ? QDateTime() : Smtp::fromIsoUtc(value.toString()); }

bool sqlFail(QString *error, const QString &what, const QSqlQuery &query)
{
    if (error)
        *error = QStringLiteral("contacts: %1: %2").arg(what, query.lastError().text());
    return false;
}

// A mailbox as RFC 5321 roughly allows: something@domain, no spaces or angle brackets.
bool plausibleAddress(const QString &text)
{
    const qsizetype at = text.lastIndexOf(u'@');
    if (at <= 0 || at == text.size() - 1)
        return false;
    for (QChar c : text) {
        if (c.isSpace() || c == u'<' || c == u'>' || c == u',' || c == u';' || c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

// "Alt E-Mail" → "alt_email"
QString headerKey(const QString &name)
{
    QString key = name.trimmed().toLower();
    key.replace(u' ', u'_');
    key.replace(u'-', u'_');
    if (key == u"email" || key == u"e_mail" || key == u"recipient")
        return QStringLiteral("address");
    if (key == u"alternate_email" || key == u"alt_e_mail" || key == u"alternate_e_mail" || key == u"alternative_email")
        return QStringLiteral("alt_email");
    return key;
}

const QString kSelect
    = QStringLiteral("SELECT c.address, c.domain, c.status, c.rule, c.failures, c.last_status, c.last_class, c.reason,"
                     " c.first_failed_at, c.last_failed_at, c.last_success_at, c.opened_at, c.status_changed_at,"
                     " d.name, d.phone, d.alt_email"
                     " FROM contacts c LEFT JOIN contact_details d ON d.address = c.address");

} // namespace

ContactList::ContactList(Store::Database &database, const Clock &clock)
    : m_database(database)
    , m_clock(clock)
{
}

QString ContactList::listQuery(const Filter &filter)
{
    // Only the conditions of the filter's set fields: a condition such as "(:status IS NULL OR status = :status)"
    // is the same for every filter, but SQLite then plans one query for all of them and uses no index.
    QStringList where;
    if (filter.status)
        where << QStringLiteral("c.status = :status");
    if (!filter.domain.isEmpty())
        where << QStringLiteral("c.domain = :domain");
    if (!filter.address.isEmpty())
        where << QStringLiteral("c.address = :address");
    return kSelect + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")))
        + QStringLiteral(" ORDER BY c.last_failed_at DESC, c.address");
}

QString ContactList::notesQuery(const Filter &filter)
{
    return filter.address.isEmpty()
        ? QStringLiteral("SELECT address, at, status, author, text FROM contact_notes ORDER BY at, id")
        : QStringLiteral("SELECT address, at, status, author, text FROM contact_notes WHERE address = :address"
                         " ORDER BY at, id");
}

bool ContactList::list(const Filter &filter, QList<ContactEntry> *entries, QString *error) const
{
    entries->clear();
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(listQuery(filter));
    if (filter.status)
        query.bindValue(QStringLiteral(":status"), contactStatusName(*filter.status));
    if (!filter.domain.isEmpty())
        query.bindValue(QStringLiteral(":domain"), filter.domain.toLower());
    if (!filter.address.isEmpty())
        query.bindValue(QStringLiteral(":address"), normalizedAddress(filter.address));
    if (!query.exec())
        return sqlFail(error, QStringLiteral("cannot list contacts"), query);
    QHash<QString, qsizetype> index;
    while (query.next()) {
        ContactEntry e;
        e.address = query.value(0).toString();
        e.domain = query.value(1).toString();
        e.status = contactStatusFromName(query.value(2).toString()).value_or(ContactStatus::New);
        e.rule = query.value(3).toString();
        e.failures = query.value(4).toLongLong();
        e.lastStatus = query.value(5).toString();
        e.lastClass = query.value(6).toString();
        e.reason = query.value(7).toString();
        e.firstFailedAt = timeOf(query.value(8));
        e.lastFailedAt = timeOf(query.value(9));
        e.lastSuccessAt = timeOf(query.value(10));
        e.openedAt = timeOf(query.value(11));
        e.statusChangedAt = timeOf(query.value(12));
        e.details.address = e.address;
        e.details.name = query.value(13).toString();
        e.details.phone = query.value(14).toString();
        e.details.altEmail = query.value(15).toString();
        index.insert(e.address, entries->size());
        entries->append(e);
    }
    if (entries->isEmpty())
        return true;

    // Notes of the listed entries in one pass (one entry's only, when asked for one address) rather than a query per
    // entry.
    QSqlQuery notes(m_database.connection());
    notes.setForwardOnly(true);
    notes.prepare(notesQuery(filter));
    if (!filter.address.isEmpty())
        notes.bindValue(QStringLiteral(":address"), normalizedAddress(filter.address));
    if (!notes.exec())
        return sqlFail(error, QStringLiteral("cannot read contact notes"), notes);
    while (notes.next()) {
        const auto it = index.constFind(notes.value(0).toString());
        if (it == index.cend())
            continue;
        (*entries)[*it].notes.append({ timeOf(notes.value(1)), notes.value(2).toString(), notes.value(3).toString(),
            notes.value(4).toString() });
    }
    return true;
}

std::optional<ContactEntry> ContactList::find(const QString &address, QString *error) const
{
    if (error)
        error->clear();
    Filter filter;
    filter.address = address;
    QList<ContactEntry> entries;
    if (!list(filter, &entries, error) || entries.isEmpty())
        return std::nullopt;
    return entries.first();
}

ContactList::Change ContactList::setStatus(
    const QString &address, ContactStatus status, const QString &note, QString *error)
{
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return Change::Failed;
    const QString now = Smtp::toIsoUtc(m_clock.now());
    const QString name = contactStatusName(status);
    QSqlQuery query(m_database.connection());
    query.prepare(
        QStringLiteral("UPDATE contacts SET status = :status, status_changed_at = :now WHERE address = :address"));
    query.bindValue(QStringLiteral(":status"), name);
    query.bindValue(QStringLiteral(":now"), now);
    query.bindValue(QStringLiteral(":address"), normalizedAddress(address));
    if (!query.exec()) {
        sqlFail(error, QStringLiteral("cannot change the status"), query);
        return Change::Failed;
    }
    if (query.numRowsAffected() == 0) {
        if (error)
            *error = QStringLiteral("%1 is not on the contact list").arg(address);
        return Change::NotListed;
    }
    QSqlQuery insert(m_database.connection());
    insert.prepare(QStringLiteral("INSERT INTO contact_notes (address, at, status, author, text)"
                                  " VALUES (:address, :at, :status, 'user', :text)"));
    insert.bindValue(QStringLiteral(":address"), normalizedAddress(address));
    insert.bindValue(QStringLiteral(":at"), now);
    insert.bindValue(QStringLiteral(":status"), name);
    insert.bindValue(QStringLiteral(":text"), textOrNull(note));
    if (!insert.exec()) {
        sqlFail(error, QStringLiteral("cannot add the note"), insert);
        return Change::Failed;
    }
    return transaction.commit(error) ? Change::Done : Change::Failed;
}

ContactList::Change ContactList::addNote(const QString &address, const QString &note, QString *error)
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("INSERT INTO contact_notes (address, at, status, author, text)"
                                 " SELECT address, :at, status, 'user', :text FROM contacts WHERE address = :address"));
    query.bindValue(QStringLiteral(":at"), Smtp::toIsoUtc(m_clock.now()));
    query.bindValue(QStringLiteral(":text"), note);
    query.bindValue(QStringLiteral(":address"), normalizedAddress(address));
    if (!query.exec()) {
        sqlFail(error, QStringLiteral("cannot add the note"), query);
        return Change::Failed;
    }
    if (query.numRowsAffected() == 0) {
        if (error)
            *error = QStringLiteral("%1 is not on the contact list").arg(address);
        return Change::NotListed;
    }
    return Change::Done;
}

std::optional<ContactDetails> ContactList::details(const QString &address, QString *error) const
{
    if (error)
        error->clear();
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT address, name, phone, alt_email FROM contact_details WHERE address = :address"));
    query.bindValue(QStringLiteral(":address"), normalizedAddress(address));
    if (!query.exec()) {
        sqlFail(error, QStringLiteral("cannot read contact details"), query);
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return ContactDetails { query.value(0).toString(), query.value(1).toString(), query.value(2).toString(),
        query.value(3).toString() };
}

bool ContactList::storeDetails(const ContactDetails &details, const QString &now, QString *error)
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("INSERT INTO contact_details (address, name, phone, alt_email, updated_at)"
                                 " VALUES (:address, :name, :phone, :alt, :now)"
                                 " ON CONFLICT (address) DO UPDATE SET name = excluded.name, phone = excluded.phone,"
                                 " alt_email = excluded.alt_email, updated_at = excluded.updated_at"));
    query.bindValue(QStringLiteral(":address"), normalizedAddress(details.address));
    query.bindValue(QStringLiteral(":name"), textOrNull(details.name));
    query.bindValue(QStringLiteral(":phone"), textOrNull(details.phone));
    query.bindValue(QStringLiteral(":alt"), textOrNull(details.altEmail));
    query.bindValue(QStringLiteral(":now"), now);
    if (!query.exec())
        return sqlFail(error, QStringLiteral("cannot store details of %1").arg(details.address), query);
    return true;
}

bool ContactList::setDetails(const ContactDetails &details, QString *error)
{
    if (!plausibleAddress(details.address)) {
        if (error)
            *error = QStringLiteral("'%1' is not an e-mail address").arg(details.address);
        return false;
    }
    if (!details.altEmail.isEmpty() && !plausibleAddress(details.altEmail)) {
        if (error)
            *error = QStringLiteral("alternate e-mail '%1' is not an e-mail address").arg(details.altEmail);
        return false;
    }
    return storeDetails(details, Smtp::toIsoUtc(m_clock.now()), error);
}

std::optional<QList<ContactDetails>> ContactList::parseDetailsCsv(const QByteArray &csv, QString *error)
{
    Report::CsvParser::Options options;
    options.separator = Report::CsvParser::sniffSeparator(csv);
    options.requireCrlf = false; // address books come from every kind of editor
    // Trailing blank lines are what editors leave behind, not records.
    QByteArray data = csv;
    while (data.endsWith("\r\n\r\n") || data.endsWith("\n\n"))
        data.chop(data.endsWith("\r\n\r\n") ? 2 : 1);
    Report::CsvParser::Error parseError;
    QList<qint64> lines;
    const auto records = Report::CsvParser::parse(data, options, &parseError, &lines);
    const auto fail = [error](qint64 line, const QString &message) {
        if (error)
            *error = QStringLiteral("line %1: %2").arg(line).arg(message);
        return std::nullopt;
    };
    if (!records)
        return fail(parseError.line, parseError.message);
    if (records->isEmpty())
        return fail(1, QStringLiteral("empty file: expected a header row with address, name, phone, alt_email"));

    int addressColumn = -1;
    int nameColumn = -1;
    int phoneColumn = -1;
    int altColumn = -1;
    const QStringList header = records->first();
    for (int i = 0; i < header.size(); ++i) {
        const QString key = headerKey(header.at(i));
        int *column = key == u"address" ? &addressColumn
            : key == u"name"            ? &nameColumn
            : key == u"phone"           ? &phoneColumn
            : key == u"alt_email"       ? &altColumn
                                        : nullptr;
        if (!column)
            return fail(lines.first(),
                QStringLiteral("unknown column '%1' (expected address, name, phone, alt_email)").arg(header.at(i)));
        if (*column >= 0)
            return fail(lines.first(), QStringLiteral("column '%1' appears twice").arg(header.at(i)));
        *column = i;
    }
    if (addressColumn < 0)
        return fail(lines.first(), QStringLiteral("no 'address' column in the header"));

    QList<ContactDetails> rows;
    QSet<QString> seen;
    for (qsizetype r = 1; r < records->size(); ++r) {
        const QStringList &record = records->at(r);
        const qint64 line = lines.at(r);
        const auto cell = [&record](int column) { return column >= 0 ? record.at(column).trimmed() : QString(); };
        ContactDetails d;
        d.address = cell(addressColumn);
        d.name = cell(nameColumn);
        d.phone = cell(phoneColumn);
        d.altEmail = cell(altColumn);
        if (!plausibleAddress(d.address))
            return fail(line, QStringLiteral("'%1' is not an e-mail address").arg(d.address));
        if (!d.altEmail.isEmpty() && !plausibleAddress(d.altEmail))
            return fail(line, QStringLiteral("alternate e-mail '%1' is not an e-mail address").arg(d.altEmail));
        d.address = normalizedAddress(d.address);
        const QString key = d.address.toLower();
        if (seen.contains(key))
            return fail(line, QStringLiteral("%1 appears more than once").arg(d.address));
        seen.insert(key);
        rows.append(d);
    }
    return rows;
}

bool ContactList::importDetails(const QByteArray &csv, int *imported, QString *error)
{
    const auto rows = parseDetailsCsv(csv, error);
    if (!rows)
        return false;
    Store::Transaction transaction(m_database);
    if (!transaction.begin(error))
        return false;
    const QString now = Smtp::toIsoUtc(m_clock.now());
    for (const ContactDetails &d : *rows) {
        if (!storeDetails(d, now, error))
            return false; // rolled back: nothing of the file stays
    }
    if (!transaction.commit(error))
        return false;
    if (imported)
        *imported = int(rows->size());
    return true;
}

} // namespace Mailpulse::Contacts
