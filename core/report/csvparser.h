#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Mailpulse::Report
{

/// A strict RFC 4180 reader: the tests' oracle for CsvWriter, and the reader for user-supplied CSV (contact details).
/// Strict means it refuses rather than guesses: a quote inside an unquoted field, text after a closing quote, an
/// unterminated quoted field, records of differing length, or invalid UTF-8 are errors that name the line.
/// Everything is parsed before anything is returned, so a caller never acts on half a file.
class CsvParser final
{
public:
    struct Options {
        QChar separator = u',';
        /// RFC 4180 ends records with CRLF. Off: LF alone is accepted too (files saved by Unix editors); a lone CR
        /// outside quotes is still an error.
        bool requireCrlf = true;
    };

    struct Error {
        qint64 line = 0; // 1-based physical line where the problem is
        QString message;
        QString toString() const { return QStringLiteral("line %1: %2").arg(line).arg(message); }
    };

    /// Parses a whole document. A UTF-8 BOM is skipped; a final record without a line end is accepted; an empty
    /// document has no records. On failure returns nullopt and fills `error`. `recordLines` (optional) receives the
    /// line each record starts on, for messages about a record's content.
    static std::optional<QList<QStringList>> parse(
        const QByteArray &data, const Options &options, Error *error, QList<qint64> *recordLines = nullptr);
    static std::optional<QList<QStringList>> parse(const QByteArray &data, Error *error)
    {
        return parse(data, Options {}, error);
    }

    /// Guesses the separator from the first line: ';' if it has semicolons outside quotes and no commas, else ','.
    static QChar sniffSeparator(const QByteArray &data);
};

} // namespace Mailpulse::Report
