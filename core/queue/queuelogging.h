#pragma once

#include <QLoggingCategory>

namespace Mailpulse::Queue
{

/// The retry queue's logging category, "mailpulse.queue".
Q_DECLARE_LOGGING_CATEGORY(lcQueue)

} // namespace Mailpulse::Queue
