#pragma once

#include <QByteArray>

#include "bounce/mimemessage.h"

namespace Mailpulse::Bounce
{

/// Takes a mail apart the way MimeMessage's GMime path does, without building GMime's object tree: header
/// sections and multipart boundaries are found with byte scans, and only the parts bounce reading looks at are
/// decoded (by GMime's own decoders, see MimeText). Building and releasing GMime's objects cost more than half of
/// classifying a bounce; this path is several times faster.
///
/// It declines (returns false, leaving `out` untouched) whatever it does not handle exactly as GMime does:
/// headers that are not "Name: value" lines, RFC 2231 parameters, comments in Content-Type, uuencoded or encoded
/// message parts, message/partial and external bodies, multipart/digest, deep nesting. MimeMessage then uses
/// GMime's parser. tst_mimescanner compares both paths on every mail of the corpus.
class MimeScanner final
{
public:
    /// `raw` has LF line endings and no mbox "From " line (MimeMessage::parse() prepares it).
    static bool scan(const QByteArray &raw, const MimeLimits &limits, MimeMessage &out);
};

} // namespace Mailpulse::Bounce
