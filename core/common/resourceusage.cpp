#include "resourceusage.h"

#include <QFile>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#include <malloc.h>
#endif
#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#endif

namespace Mailpulse
{

qint64 peakResidentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void keepFreedHeapForReuse()
{
#if defined(__GLIBC__)
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TOP_PAD, 16 * 1024 * 1024);
#endif
}

QString heapAllocator()
{
#if defined(Q_OS_UNIX)
    // Looked up, not linked: core does not depend on mimalloc; the programs that link it have its symbols.
    using Version = int (*)();
    if (const auto version = reinterpret_cast<Version>(dlsym(RTLD_DEFAULT, "mi_version"))) {
        const int v = version(); // 209 = 2.0.9
        return QStringLiteral("mimalloc %1.%2.%3").arg(v / 100).arg(v / 10 % 10).arg(v % 10);
    }
#endif
#if defined(__GLIBC__)
    return QStringLiteral("glibc %1").arg(QString::fromLatin1(gnu_get_libc_version()));
#else
    return QStringLiteral("system");
#endif
}

} // namespace Mailpulse
