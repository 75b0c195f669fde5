// libFuzzer target for Smtp::SmtpReplyParser: the parser reads bytes from servers we do not trust, so it must
// hold its memory bound and its invariants for any input, split into chunks at any point.
//
// Input layout: byte 0 picks the limits, byte 1 seeds the chunk sizes and the discardPending() calls, the rest
// is what the "server" sends.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "smtp/smtpreplyparser.h"

using Mailpulse::Smtp::SmtpReply;
using Mailpulse::Smtp::SmtpReplyParser;

namespace
{

#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

// Small limits reach the error paths quickly; the default ones are what the probe uses.
SmtpReplyParser::Limits limitsFrom(uint8_t control)
{
    constexpr qsizetype LineLimits[] = { 8, 40, 512, 4096 };
    constexpr int LineCounts[] = { 1, 3, 100, 100 };
    return { LineLimits[control & 3], LineCounts[(control >> 2) & 3] };
}

// A small deterministic generator, so that a crashing input replays the same chunking.
struct Lcg {
    uint32_t state;
    uint32_t next()
    {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    }
};

void checkReply(const SmtpReply &reply, const SmtpReplyParser::Limits &limits)
{
    FUZZ_CHECK(reply.isValid());
    FUZZ_CHECK(reply.code >= 200 && reply.code <= 599);
    FUZZ_CHECK(!reply.raw.isEmpty());
    FUZZ_CHECK(reply.raw.size() <= limits.maxLines);
    FUZZ_CHECK(reply.lines.size() == reply.raw.size());
    const QByteArray digits = QByteArray::number(reply.code);
    for (const QByteArray &line : reply.raw) {
        FUZZ_CHECK(line.size() <= limits.maxLineLength);
        FUZZ_CHECK(line.startsWith(digits));
        FUZZ_CHECK(!line.contains('\n'));
    }
    if (!reply.enhanced.isEmpty()) {
        const QChar klass = reply.enhanced.at(0);
        FUZZ_CHECK(klass.unicode() == u'0' + reply.code / 100);
        FUZZ_CHECK(klass == u'2' || klass == u'4' || klass == u'5');
        FUZZ_CHECK(reply.enhanced.size() <= 9);
    }
}

bool sameReply(const SmtpReply &a, const SmtpReply &b)
{
    return a.code == b.code && a.enhanced == b.enhanced && a.lines == b.lines && a.raw == b.raw;
}

void checkState(const SmtpReplyParser &parser, bool fed, qsizetype chunk)
{
    const SmtpReplyParser::Limits limits = parser.limits();
    FUZZ_CHECK(fed == (parser.error() == SmtpReplyParser::Error::None));
    // The promise to the probe: never more than the limit (+1 for a CR awaiting its LF) of an unfinished line,
    // which is well inside "limit + one read chunk".
    FUZZ_CHECK(parser.bufferedLineBytes() <= limits.maxLineLength + 1);
    FUZZ_CHECK(parser.bufferedLineBytes() <= limits.maxLineLength + chunk + 1);
    FUZZ_CHECK(
        parser.pendingBytes() <= qsizetype(limits.maxLines) * (limits.maxLineLength + 2) + limits.maxLineLength + 1);
    if (parser.error() != SmtpReplyParser::Error::None) {
        FUZZ_CHECK(parser.bufferedLineBytes() == 0);
        FUZZ_CHECK(parser.pendingBytes() == 0);
        FUZZ_CHECK(parser.offendingLine().size() <= 200);
        FUZZ_CHECK(!parser.errorString().isEmpty());
    } else {
        FUZZ_CHECK(parser.errorString().isEmpty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const SmtpReplyParser::Limits limits = limitsFrom(data[0]);
    Lcg rng { data[1] };
    const bool discardSometimes = (data[1] & 0x80) != 0;
    const QByteArrayView payload(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    SmtpReplyParser chunked(limits);
    QList<SmtpReply> chunkedReplies;
    bool discarded = false;
    qsizetype pos = 0;
    while (pos < payload.size()) {
        // Mostly small chunks (line boundaries everywhere), sometimes large ones (many lines per feed).
        const uint32_t r = rng.next();
        const qsizetype want = (r & 7) == 0 ? qsizetype(r >> 3) % 8192 + 1 : qsizetype(r >> 3) % 16 + 1;
        const qsizetype chunk = std::min(want, payload.size() - pos);
        const bool fed = chunked.feed(payload.sliced(pos, chunk));
        pos += chunk;
        checkState(chunked, fed, chunk);
        while (chunked.hasReply()) {
            SmtpReply reply = chunked.takeReply();
            checkReply(reply, limits);
            chunkedReplies.append(std::move(reply));
        }
        if (discardSometimes && (rng.next() & 3) == 0) {
            const qsizetype pending = chunked.pendingBytes();
            const QByteArray dropped = chunked.discardPending();
            // All replies were taken, so what is dropped is exactly the tail of what was fed.
            FUZZ_CHECK(dropped.size() == pending);
            FUZZ_CHECK(dropped == payload.sliced(pos - pending, pending));
            FUZZ_CHECK(chunked.pendingBytes() == 0);
            FUZZ_CHECK(!chunked.hasReply());
            FUZZ_CHECK(chunked.bufferedLineBytes() == 0);
            discarded = true;
        }
    }

    // Chunking must not matter: one feed of everything gives the same replies and the same error.
    if (!discarded) {
        SmtpReplyParser whole(limits);
        const bool fed = whole.feed(payload);
        checkState(whole, fed, payload.size());
        qsizetype i = 0;
        while (whole.hasReply()) {
            const SmtpReply reply = whole.takeReply();
            FUZZ_CHECK(i < chunkedReplies.size());
            FUZZ_CHECK(sameReply(reply, chunkedReplies.at(i)));
            ++i;
        }
        FUZZ_CHECK(i == chunkedReplies.size());
        FUZZ_CHECK(whole.error() == chunked.error());
        FUZZ_CHECK(whole.pendingBytes() == chunked.pendingBytes());
        // The offending line is cut where the error was seen, which depends on the chunking; its start does not.
        const QByteArray a = whole.offendingLine();
        const QByteArray b = chunked.offendingLine();
        FUZZ_CHECK(a.startsWith(b) || b.startsWith(a));
    }
    return 0;
}
