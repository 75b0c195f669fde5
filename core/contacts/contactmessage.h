#pragma once

#include <QString>

#include "contacts/contactentry.h"

namespace Mailpulse::Contacts
{

/// The message a user sends to a failing recipient's alternate address: "your mail server is refusing or dropping
/// our connections", filled with the facts of the entry (domain, status codes, times), in English or German.
struct ContactMessage {
    enum class Language { English, German };

    QString to; // the alternate e-mail; empty when none is known
    QString subject;
    QString body; // lines end with '\n'

    /// `sender` signs the message (empty: no signature line). `statuses` are extra codes seen for the domain (e.g.
    /// from `stats domains`), listed after the entry's own last status.
    static ContactMessage compose(
        const ContactEntry &entry, Language language, const QString &sender = {}, const QStringList &statuses = {});
    /// "en"/"english"/"de"/"deutsch"/"german", case-insensitive, also "de_DE"-style locale names.
    static std::optional<Language> languageFromName(const QString &name);

    /// An RFC 6068 mailto: URL with subject and body (CRLF line ends, UTF-8 percent-encoded), for the GUI's compose
    /// action. Empty when `to` is empty.
    QString mailtoUrl() const;
    static QString mailtoUrl(const QString &to, const QString &subject, const QString &body);
};

} // namespace Mailpulse::Contacts
