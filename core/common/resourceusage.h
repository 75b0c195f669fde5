#pragma once

#include <QtGlobal>

namespace Mailpulse {

/// Peak resident set size of this process in KiB (Linux VmHWM), or -1 where unknown. For benchmarks and checks
/// that memory stays bounded.
qint64 peakResidentKiB();

} // namespace Mailpulse
