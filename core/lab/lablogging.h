#pragma once

#include <QLoggingCategory>

namespace Mailpulse::Lab
{

/// The lab's one logging category, "mailpulse.lab".
Q_DECLARE_LOGGING_CATEGORY(lcLab)

} // namespace Mailpulse::Lab
