#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "bounce/bounceevent.h"

namespace Mailpulse::Bounce
{

/// The outcome of reading one mail.
struct ParsedMail {
    bool isBounce = false;
    QList<BounceEvent> events;
    QString error; // malformed input the caller should report
};

/// Reads delivery status notifications (RFC 3464/6533) and common non-standard bounce formats.
class DsnParser final
{
public:
    /// Whether parse() sets BounceEvent::fingerprint: a hash of the whole mail, which only an import needs (to add
    /// nothing when a mail is imported again) and which costs more than a tenth of a mail's parsing.
    enum class Fingerprints { Compute, Skip };

    /// Parses one raw mail (any line endings). Events have source Dsn, fingerprint set unless skipped (stable: same
    /// mail → same keys), occurredAt from Last-Attempt-Date/Arrival-Date/Date (UTC).
    static ParsedMail parse(
        const QByteArray &raw, const QString &ref, Fingerprints fingerprints = Fingerprints::Compute);
};

} // namespace Mailpulse::Bounce
