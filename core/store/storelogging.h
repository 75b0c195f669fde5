#pragma once

#include <QLoggingCategory>

namespace Mailpulse::Store
{

/// The store's logging category, "mailpulse.store".
Q_DECLARE_LOGGING_CATEGORY(lcStore)

} // namespace Mailpulse::Store
