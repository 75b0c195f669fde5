// libFuzzer target for Bounce::PostfixLogParser (the shared invariants are in logparserfuzzing.h).
//
// Input: log lines separated by '\n', parsed one by one.

#include <cstdint>

#include "bounce/postfixlogparser.h"
#include "logparserfuzzing.h"

using namespace Mailpulse::Bounce;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::fuzzLogParser(
        QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)),
        [](LogTimeConverter *time) { return PostfixLogParser(time); },
        [](const BounceEvent &e, QByteArrayView line) {
            FUZZ_CHECK(e.recipient.endsWith(e.domain));
            FUZZ_CHECK(!e.action.isEmpty());
            FUZZ_CHECK(e.diagnostic.size() <= line.size());
        },
        [](QByteArrayView line, bool event) {
            return event ? PostfixLogParser::isPostfixLine(line) : PostfixLogParser::isSyslogLine(line);
        });
    return 0;
}
