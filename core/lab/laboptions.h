#pragma once

#include <QtGlobal>

namespace Mailpulse::Lab
{

/// Tunables of a lab server. The defaults are what `mailpulse-cli lab` uses; tests shorten the timers.
struct LabOptions {
    int flakyDrops = 2; // `flaky`: connections dropped right after connect before it behaves healthy
    int dripIntervalMs = 2'000; // `drip`: pause between two greeting bytes
    int idleTimeoutMs = 300'000; // a client silent this long is dropped (RFC 5321 §4.5.3.2 server timeout)
    int closeLingerMs = 5'000; // after a graceful close, abort if the peer does not read the rest
    int maxConnections = 256; // simultaneous clients per server; past it new ones are closed at once
    qsizetype maxLineBytes = 64 * 1024; // input buffered without a line end before the client is dropped
    qint64 maxPendingWriteBytes = 256 * 1024; // stop reading commands while this much output is unread
    qint64 oversizedTotalBytes = 64LL * 1024 * 1024; // `oversized-line`: stop streaming after this many bytes
};

} // namespace Mailpulse::Lab
