// libFuzzer target for Bounce::EximLogParser (the shared invariants are in logparserfuzzing.h).
//
// Input: log lines separated by '\n', parsed one by one.

#include <cstdint>

#include "bounce/eximlogparser.h"
#include "logparserfuzzing.h"

using namespace Mailpulse::Bounce;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::fuzzLogParser(
        QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)),
        [](LogTimeConverter *time) { return EximLogParser(time); },
        [](const BounceEvent &e, QByteArrayView) {
            FUZZ_CHECK(e.action == u"sent" || e.action == u"deferred" || e.action == u"bounced");
            FUZZ_CHECK((e.action == u"sent") == (e.classification.cls == DeliveryClass::Success));
        },
        [](QByteArrayView line, bool event) { return EximLogParser::isEximLine(line, event); });
    return 0;
}
