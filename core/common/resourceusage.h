#pragma once

#include <QtGlobal>

namespace Mailpulse {

/// Peak resident set size of this process in KiB (Linux VmHWM), or -1 where unknown. For benchmarks and checks
/// that memory stays bounded.
qint64 peakResidentKiB();

/// Keeps freed heap memory for reuse instead of handing it back to the system at once (glibc's default trims
/// 128 KiB above the top of the heap): bounce and log import allocate and free the same sizes for every mail and
/// line, and each trim costs page faults when the memory is touched again. Call once at start-up; a no-op
/// elsewhere than glibc.
void keepFreedHeapForReuse();

} // namespace Mailpulse
