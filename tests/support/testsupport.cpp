#include "testsupport.h"

#include <QTimeZone>

namespace Mailpulse::Test
{

QString cliPath() { return QStringLiteral(MAILPULSE_CLI_PATH); }

QString sourceDir() { return QStringLiteral(MAILPULSE_SOURCE_DIR); }

} // namespace Mailpulse::Test
