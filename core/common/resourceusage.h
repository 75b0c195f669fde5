#pragma once

#include <QString>

namespace Mailpulse
{

/// Peak resident set size of this process in KiB (Linux VmHWM), or -1 where unknown. For benchmarks and checks
/// that memory stays bounded.
qint64 peakResidentKiB();

/// Keeps freed heap memory for reuse instead of handing it back to the system at once (glibc's default trims
/// 128 KiB above the top of the heap): bounce and log import allocate and free the same sizes for every mail and
/// line, and each trim costs page faults when the memory is touched again. Call once at start-up; a no-op where
/// the C library's allocator is not glibc's or where another one stands in for it (the programs link mimalloc,
/// see cmake/MailpulseOptions.cmake).
void keepFreedHeapForReuse();

/// The heap allocator this process's malloc() is: "mimalloc X.Y.Z" where mimalloc stands in for the C library's,
/// else "glibc X.Y" or "system". For benchmarks, whose figures depend on it.
QString heapAllocator();

} // namespace Mailpulse
