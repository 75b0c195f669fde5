#pragma once

// What every log-parser fuzz target checks: MTA logs are files of unknown origin and state (cut lines, NUL runs
// after a crash, other programs' lines), so a parser must accept any bytes and keep its promises: a delivery event
// is complete and consistent, a malformed line says why, and the same line always gives the same result.

#include <cstdio>
#include <cstdlib>

#include <QByteArrayView>
#include <QTimeZone>

#include "bounce/linefingerprint.h"
#include "bounce/logtimeconverter.h"
#include "bounce/statuscode.h"

#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

namespace Mailpulse::Bounce::Fuzz
{

/// Invariants of any event a log parser produces from `line`.
inline void checkLogEvent(const BounceEvent &e, QByteArrayView line)
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
}

/// Feeds `input` line by line to a parser made by `makeParser(LogTimeConverter*)`. `checkEvent(event, line)` adds
/// the parser's own event invariants; `isOwnLine(line, event)` says whether an Event (true) or Ignored (false) line
/// must look like one of the parser's lines.
template <typename MakeParser, typename CheckEvent, typename IsOwnLine>
void fuzzLogParser(QByteArrayView input, MakeParser makeParser, CheckEvent checkEvent, IsOwnLine isOwnLine)
{
    // A fixed zone and reference: a crash must replay the same way on every machine.
    LogTimeConverter time(QTimeZone::utc(), QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC));
    auto parser = makeParser(&time);
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
            checkLogEvent(event, line);
            checkEvent(event, line);
            FUZZ_CHECK(isOwnLine(line, true));
            break;
        case LogLineKind::Malformed:
            FUZZ_CHECK(!error.isEmpty());
            break;
        case LogLineKind::Ignored:
            FUZZ_CHECK(error.isEmpty());
            FUZZ_CHECK(isOwnLine(line, false));
            break;
        }
        // Deterministic: a second parse (with any caches warm) gives the same answer.
        BounceEvent again;
        FUZZ_CHECK(parser.parse(line, &again) == kind);
        if (kind == LogLineKind::Event) {
            FUZZ_CHECK(again.fingerprint == event.fingerprint);
            FUZZ_CHECK(again.classification == event.classification);
            FUZZ_CHECK(again.occurredAt == event.occurredAt);
            FUZZ_CHECK(again.recipient == event.recipient);
        }
    }
}

} // namespace Mailpulse::Bounce::Fuzz
