#include "bounce/dsnparser.h"

#include <optional>

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QVarLengthArray>

#include <openssl/evp.h>

#include "bounce/bounceheuristics.h"
#include "bounce/bytescan.h"
#include "bounce/classifier.h"
#include "bounce/mimemessage.h"

namespace Mailpulse::Bounce
{

namespace
{

// SHA-1 through OpenSSL (hardware SHA extensions where the CPU has them): several times faster than Qt's portable
// implementation, and the mail's identity is hashed for every mail read. Should OpenSSL refuse (a FIPS-only
// configuration), Qt's gives the same bytes.
QByteArray sha1(const QByteArray &bytes)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.constData(), size_t(bytes.size()), md, &length, EVP_sha1(), nullptr) != 1)
        return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    return QByteArray(reinterpret_cast<const char *>(md), int(length));
}

QString fingerprintOf(const QByteArray &digest, const QString &recipient, int occurrence)
{
    return QStringLiteral("dsn:%1:%2:%3")
        .arg(QString::fromLatin1(digest.toHex()), ByteScan::toLower(recipient))
        .arg(occurrence);
}

} // namespace

ParsedMail DsnParser::parse(const QByteArray &raw, const QString &ref, Fingerprints fingerprints)
{
    ParsedMail result;
    const MimeMessage mail = MimeMessage::parse(raw);
    if (!mail.isValid()) {
        result.error = mail.error();
        return result;
    }

    BounceReading reading = BounceHeuristics::read(mail);
    if (reading.kind != BounceReading::Kind::Bounce) {
        if (reading.kind == BounceReading::Kind::Unreadable)
            result.error = reading.note;
        return result;
    }
    result.isBounce = true;

    // Identity of the mail itself, independent of where it was read from (a file, an mbox, a Maildir) and of its
    // line endings (normalized once, by MimeMessage::parse()).
    const bool fingerprinted = fingerprints == Fingerprints::Compute;
    const QByteArray digest = fingerprinted ? sha1(mail.normalizedBytes()).left(12) : QByteArray();
    // The mail's own Date only where a recipient has neither Last-Attempt-Date nor Arrival-Date.
    std::optional<QDateTime> mailDate;
    const QString messageId = mail.header("message-id");
    const QString sourceRef = messageId.isEmpty() ? ref : ref + u' ' + messageId;
    // How often each recipient came before (a bounce names a handful at most: a list, not a hash table).
    QVarLengthArray<std::pair<QString, int>, 8> seen;
    const auto occurrence = [&seen](const QString &key) {
        for (auto &[name, count] : seen) {
            if (name == key)
                return count++;
        }
        seen.append({ key, 1 });
        return 0;
    };
    for (BounceRecipient &r : reading.recipients) {
        BounceEvent event;
        const qsizetype at = r.address.lastIndexOf(u'@');
        event.recipient = at > 0 ? r.address.left(at) + u'@' + ByteScan::toLower(r.address.mid(at + 1)) : r.address;
        event.domain = at > 0 ? ByteScan::toLower(r.address.mid(at + 1)) : QString();
        event.classification = r.classification;
        event.source = BounceSource::Dsn;
        event.diagnostic = r.diagnostic;
        event.remoteMta = r.remoteMta;
        event.replyCode = r.replyCode;
        event.action = r.action;
        QDateTime when = MimeMessage::parseDate(r.lastAttempt);
        if (!when.isValid())
            when = MimeMessage::parseDate(reading.arrivalDate);
        if (!when.isValid()) {
            if (!mailDate)
                mailDate = MimeMessage::parseDate(mail.header("date"));
            when = *mailDate;
        }
        event.occurredAt = when;
        event.sourceRef = sourceRef;
        if (fingerprinted)
            event.fingerprint = fingerprintOf(digest, event.recipient, occurrence(ByteScan::toLower(event.recipient)));
        result.events.append(std::move(event));
    }
    if (result.events.isEmpty())
        result.error
            = reading.note.isEmpty() ? QStringLiteral("bounce without a recognisable recipient") : reading.note;
    return result;
}

} // namespace Mailpulse::Bounce
