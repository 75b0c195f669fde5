#pragma once

#include <functional>

#include <QByteArray>
#include <QString>

namespace Mailpulse::Bounce
{

enum class MailFormat { Auto, Eml, Mbox, Maildir };

/// One message read from a MailSource.
struct MailItem {
    QByteArray raw;
    QString ref; // "path" or "path#N" (N-th message of an mbox, 1-based)
    QString error; // non-empty: this item could not be read (too big, unreadable); raw is then empty
};

/// Declared outside MailSource because a nested class's default member initializers cannot be used in a default
/// argument of the enclosing class (clang rejects it); use it as MailSource::Limits.
struct MailSourceLimits {
    qint64 maxMessageBytes = 32 * 1024 * 1024;
};

/// Reads mail files: a single message, an mbox, a Maildir or a directory of mail files.
class MailSource final
{
public:
    using Limits = MailSourceLimits;

    /// Calls sink for each message under path: a file (single mail, or mbox when it starts with "From "), a
    /// Maildir (cur/ and new/), or a directory of mail files. Returns false and sets error when path is
    /// missing/unreadable (nothing called).
    static bool forEach(const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
        QString *error, Limits limits = {});
};

} // namespace Mailpulse::Bounce
