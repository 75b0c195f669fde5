#pragma once

#include <QDateTime>
#include <QElapsedTimer>

namespace Mailpulse {

/// Source of wall-clock time; injected everywhere so that schedules are testable to the second.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
};

/// The real clock (UTC).
class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

} // namespace Mailpulse
