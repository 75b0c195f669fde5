// libFuzzer target for Bounce::EximLogParser: as fuzz_postfixlog.cpp, for Exim main logs.
//
// Input: log lines separated by '\n', parsed one by one.

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <QByteArray>
#include <QByteArrayView>

#include "bounce/eximlogparser.h"
#include "bounce/linefingerprint.h"
#include "bounce/logtimeconverter.h"

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

void checkEvent(const BounceEvent &e, QByteArrayView line)
{
    FUZZ_CHECK(!e.recipient.isEmpty());
    FUZZ_CHECK(e.domain == e.domain.toLower());
    FUZZ_CHECK(e.source == BounceSource::Log);
    FUZZ_CHECK(e.occurredAt.isValid() && e.occurredAt.timeSpec() == Qt::UTC);
    FUZZ_CHECK(e.replyCode == 0 || (e.replyCode >= 200 && e.replyCode <= 599));
    FUZZ_CHECK(e.fingerprint == LineFingerprint::of(line));
    const auto status = StatusCode::parse(e.classification.status);
    FUZZ_CHECK(status && status->isValid());
    const DeliveryClass expected = status->klass == 2 ? DeliveryClass::Success
        : status->klass == 4                          ? DeliveryClass::Soft
                                                      : DeliveryClass::Hard;
    FUZZ_CHECK(e.classification.cls == expected);
    FUZZ_CHECK(!e.classification.reason.isEmpty());
    FUZZ_CHECK(e.action == u"sent" || e.action == u"deferred" || e.action == u"bounced");
    FUZZ_CHECK((e.action == u"sent") == (e.classification.cls == DeliveryClass::Success));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    LogTimeConverter time(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    EximLogParser parser(&time);
    qsizetype pos = 0;
    while (pos <= input.size()) {
        qsizetype nl = input.indexOf('\n', pos);
        if (nl < 0)
            nl = input.size();
        const QByteArrayView line = input.sliced(pos, nl - pos);
        pos = nl + 1;

        BounceEvent event;
        QString error;
        const LogLineKind kind = parser.parse(line, &event, &error);
        switch (kind) {
        case LogLineKind::Event:
            FUZZ_CHECK(error.isEmpty());
            checkEvent(event, line);
            FUZZ_CHECK(EximLogParser::isEximLine(line, true));
            break;
        case LogLineKind::Malformed:
            FUZZ_CHECK(!error.isEmpty());
            break;
        case LogLineKind::Ignored:
            FUZZ_CHECK(error.isEmpty());
            FUZZ_CHECK(EximLogParser::isEximLine(line));
            break;
        }
        BounceEvent again;
        FUZZ_CHECK(parser.parse(line, &again) == kind);
        if (kind == LogLineKind::Event) {
            FUZZ_CHECK(again.fingerprint == event.fingerprint);
            FUZZ_CHECK(again.classification == event.classification);
            FUZZ_CHECK(again.occurredAt == event.occurredAt);
        }
    }
    return 0;
}
