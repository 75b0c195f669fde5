// libFuzzer target for Bounce::DsnParser: bounce mails come from anywhere, so parsing (GMime, the DSN fields and
// the plain-text heuristics) must never crash, hang or grow without bound, whatever the bytes.
//
// The seeds are real bounce mails from the shared corpus when it is present, else the small ones committed here.

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <QByteArray>

#include "bounce/dsnparser.h"

using namespace Mailpulse::Bounce;

namespace
{

#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Read in place, as MailSource's buffers are: the parser must not rely on a terminating NUL.
    const QByteArray raw = QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const ParsedMail mail = DsnParser::parse(raw, QStringLiteral("fuzz"));

    FUZZ_CHECK(mail.isBounce || mail.events.isEmpty());
    for (const BounceEvent &e : mail.events) {
        FUZZ_CHECK(!e.fingerprint.isEmpty());
        FUZZ_CHECK(e.recipient.contains(u'@'));
        FUZZ_CHECK(!e.classification.status.isEmpty());
        FUZZ_CHECK(!e.classification.reason.isEmpty());
        FUZZ_CHECK(e.source == BounceSource::Dsn);
    }
    // The same bytes give the same result (no hidden state between calls, e.g. in the charset converter cache).
    const ParsedMail again = DsnParser::parse(raw, QStringLiteral("fuzz"));
    FUZZ_CHECK(again.events.size() == mail.events.size());
    for (qsizetype i = 0; i < mail.events.size(); ++i) {
        FUZZ_CHECK(again.events[i].fingerprint == mail.events[i].fingerprint);
        FUZZ_CHECK(again.events[i].classification == mail.events[i].classification);
    }
    // Without fingerprints (as classify parses) every other field is the same.
    const ParsedMail skipped = DsnParser::parse(raw, QStringLiteral("fuzz"), DsnParser::Fingerprints::Skip);
    FUZZ_CHECK(skipped.isBounce == mail.isBounce && skipped.error == mail.error);
    FUZZ_CHECK(skipped.events.size() == mail.events.size());
    for (qsizetype i = 0; i < mail.events.size(); ++i) {
        const BounceEvent &a = skipped.events[i];
        const BounceEvent &b = mail.events[i];
        FUZZ_CHECK(a.fingerprint.isEmpty());
        FUZZ_CHECK(a.recipient == b.recipient && a.domain == b.domain && a.classification == b.classification);
        FUZZ_CHECK(a.occurredAt == b.occurredAt && a.diagnostic == b.diagnostic && a.remoteMta == b.remoteMta);
        FUZZ_CHECK(a.replyCode == b.replyCode && a.action == b.action && a.sourceRef == b.sourceRef);
    }
    return 0;
}
