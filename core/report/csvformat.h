#pragma once

#include <QChar>
#include <QLocale>

namespace Mailpulse::Report
{

/// How CSV is laid out. The default is plain RFC 4180 (comma, no BOM, '.' in numbers), what scripts expect.
struct CsvFormat {
    QChar separator = u',';
    QChar decimalPoint = u'.';
    bool byteOrderMark = false;

    /// For spreadsheet users: a UTF-8 BOM (without it Excel reads UTF-8 as the ANSI code page), and the list
    /// separator and decimal point that `locale`'s spreadsheets expect. Qt 6.4 has no QLocale list separator,
    /// so it is derived the way Windows pairs them: ';' where the decimal point is ',' (de_DE, fr_FR, …),
    /// ',' elsewhere.
    static CsvFormat excel(const QLocale &locale = QLocale::system());
};

} // namespace Mailpulse::Report
