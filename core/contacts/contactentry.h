#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QString>

namespace Mailpulse::Contacts
{

/// Where an entry is in the workflow: new → contacted → resolved or ignored. A resolved entry reopens (new) when the
/// recipient fails again; an ignored one stays ignored (its facts still update).
enum class ContactStatus { New, Contacted, Resolved, Ignored };
QString contactStatusName(ContactStatus status); // "new", "contacted", "resolved", "ignored"
std::optional<ContactStatus> contactStatusFromName(QStringView name);

/// The form addresses are stored in: the local part as given (it may be case-sensitive), the domain lower-cased.
QString normalizedAddress(const QString &address);

/// Why an entry was opened.
namespace Rule
{
inline QString consecutiveFailures() { return QStringLiteral("consecutive-failures"); }
inline QString hardBounce() { return QStringLiteral("hard-bounce"); }
} // namespace Rule

/// One line of an entry's history: a status change or a note. `author` is "user" or "mailpulse" (automatic).
struct ContactNote {
    QDateTime at;
    QString status; // the status after this note
    QString author;
    QString text; // may be empty for a bare status change
};

/// Details a user entered or imported for a recipient.
struct ContactDetails {
    QString address;
    QString name;
    QString phone;
    QString altEmail;
};

/// One recipient on the contact list (DESIGN.md "contacts list").
struct ContactEntry {
    QString address;
    QString domain;
    ContactStatus status = ContactStatus::New;
    QString rule;
    qint64 failures = 0; // failures since the entry was (re)opened
    QString lastStatus;
    QString lastClass;
    QString reason;
    QDateTime firstFailedAt;
    QDateTime lastFailedAt;
    QDateTime lastSuccessAt; // invalid: no success since the recipient started failing
    QDateTime openedAt;
    QDateTime statusChangedAt;
    ContactDetails details;
    QList<ContactNote> notes; // oldest first
};

} // namespace Mailpulse::Contacts
