#include "report/csvformat.h"

namespace Mailpulse::Report
{

CsvFormat CsvFormat::excel(const QLocale &locale)
{
    CsvFormat format;
    format.byteOrderMark = true;
    // QLocale::decimalPoint() is a QString since 6.0 (some locales use more than one code unit); every locale
    // with a comma decimal point has a one-character one.
    const QString point = locale.decimalPoint();
    if (point == u",") {
        format.separator = u';';
        format.decimalPoint = u',';
    }
    return format;
}

} // namespace Mailpulse::Report
