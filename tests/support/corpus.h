#pragma once

#include <QString>

namespace Mailpulse::Test
{

/// The real-world bounce corpus (../shared/corpus/bounces next to the source tree, or $MAILPULSE_CORPUS/bounces).
/// Tests that read it skip with a clear message where it is absent.
inline QString bounceCorpusDir()
{
    const QByteArray env = qgetenv("MAILPULSE_CORPUS");
    const QString base
        = env.isEmpty() ? QStringLiteral(MAILPULSE_SOURCE_DIR "/../shared/corpus") : QString::fromLocal8Bit(env);
    return base + QStringLiteral("/bounces");
}

} // namespace Mailpulse::Test
