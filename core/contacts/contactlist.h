#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include "contacts/contactentry.h"

namespace Mailpulse
{
class Clock;
}

namespace Mailpulse::Store
{
class Database;
}

namespace Mailpulse::Contacts
{

/// The contact list as users see and work it: listing, the status workflow with notes, and contact details (typed in
/// or imported from CSV). Entries themselves are opened and updated by ContactTracker as outcomes arrive.
class ContactList final
{
public:
    ContactList(Store::Database &database, const Clock &clock);

    struct Filter {
        std::optional<ContactStatus> status;
        QString domain;
        QString address;
    };
    /// Entries with their details and notes, most recently failed first. False and `error` on a store failure.
    bool list(const Filter &filter, QList<ContactEntry> *entries, QString *error) const;
    /// The SQL list() runs for `filter`'s entries and their notes (with the placeholders of its set fields).
    static QString listQuery(const Filter &filter);
    static QString notesQuery(const Filter &filter);
    /// One entry; nullopt if the address is not listed (error stays empty) or on failure (error set).
    std::optional<ContactEntry> find(const QString &address, QString *error) const;

    enum class Change { Done, NotListed, Failed };
    /// Moves an entry to `status` (any status may follow any other: the user decides) and records it with the note
    /// (may be empty) and the time, in one transaction.
    Change setStatus(const QString &address, ContactStatus status, const QString &note, QString *error);
    /// Adds a note without changing the status.
    Change addNote(const QString &address, const QString &note, QString *error);

    /// The stored details of an address, listed or not; nullopt if none are stored (error stays empty) or on failure.
    std::optional<ContactDetails> details(const QString &address, QString *error) const;
    /// Stores details for `details.address` (listed or not); empty fields clear what was stored.
    bool setDetails(const ContactDetails &details, QString *error);
    /// Parses contact details CSV: a header row naming `address` and any of `name`, `phone`, `alt_email`
    /// (case-insensitive; "alternate email", "alt-email" and "email" for address are accepted), then one row per
    /// address. Comma or semicolon separated, UTF-8 (BOM allowed), CRLF or LF. Every problem is an error naming its
    /// line; nothing is returned for a file with any error.
    static std::optional<QList<ContactDetails>> parseDetailsCsv(const QByteArray &csv, QString *error);
    /// parseDetailsCsv() and setDetails() for every row in one transaction: all rows or, on any error, none.
    bool importDetails(const QByteArray &csv, int *imported, QString *error);

private:
    bool storeDetails(const ContactDetails &details, const QString &now, QString *error);

    Store::Database &m_database;
    const Clock &m_clock;
};

} // namespace Mailpulse::Contacts
