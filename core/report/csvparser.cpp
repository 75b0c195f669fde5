#include "report/csvparser.h"

#include <QStringDecoder>

namespace Mailpulse::Report
{

namespace
{

bool fail(CsvParser::Error *error, qint64 line, const QString &message)
{
    if (error) {
        error->line = line;
        error->message = message;
    }
    return false;
}

} // namespace

std::optional<QList<QStringList>> CsvParser::parse(
    const QByteArray &data, const Options &options, Error *error, QList<qint64> *recordLines)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(data);
    if (decoder.hasError()) {
        // No UTF-8 sequence contains the byte 0x0A, so decoding line by line finds the line of the first bad byte.
        qint64 line = 1;
        for (const QByteArray &chunk : data.split('\n')) {
            QStringDecoder check(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            (void)QString(check.decode(chunk));
            if (check.hasError())
                break;
            ++line;
        }
        fail(error, line, QStringLiteral("invalid UTF-8"));
        return std::nullopt;
    }
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);

    const QChar sep = options.separator;
    QList<QStringList> records;
    QStringList record;
    QString field;
    qint64 line = 1;
    qint64 recordLine = 1;
    qsizetype expectedFields = -1;
    const qsizetype n = text.size();
    qsizetype i = 0;

    const auto endRecord = [&]() -> bool {
        record.append(field);
        field.clear();
        if (expectedFields < 0)
            expectedFields = record.size();
        else if (record.size() != expectedFields)
            return fail(error, recordLine,
                QStringLiteral("%1 fields where the first record has %2").arg(record.size()).arg(expectedFields));
        records.append(record);
        record.clear();
        if (recordLines)
            recordLines->append(recordLine);
        return true;
    };

    if (n == 0)
        return records;

    while (i < n) {
        // At the start of a field.
        if (text.at(i) == u'"') {
            ++i;
            const qint64 quoteLine = line;
            bool closed = false;
            while (i < n) {
                const QChar c = text.at(i);
                if (c == u'"') {
                    if (i + 1 < n && text.at(i + 1) == u'"') {
                        field.append(u'"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (c == u'\n')
                    ++line;
                field.append(c);
                ++i;
            }
            if (!closed) {
                fail(error, quoteLine, QStringLiteral("quoted field is not closed before the end of the data"));
                return std::nullopt;
            }
            if (i < n && text.at(i) != sep && text.at(i) != u'\r' && text.at(i) != u'\n') {
                fail(error, line, QStringLiteral("text after the closing quote of a field"));
                return std::nullopt;
            }
        } else {
            while (i < n) {
                const QChar c = text.at(i);
                if (c == sep || c == u'\r' || c == u'\n')
                    break;
                if (c == u'"') {
                    fail(error, line,
                        QStringLiteral("quote inside an unquoted field (quote the field, double the quote)"));
                    return std::nullopt;
                }
                field.append(c);
                ++i;
            }
        }
        // After a field: separator, line end, or end of data.
        if (i >= n) {
            if (!endRecord())
                return std::nullopt;
            break;
        }
        const QChar c = text.at(i);
        if (c == sep) {
            record.append(field);
            field.clear();
            ++i;
            if (i >= n) { // "a,b," at the very end: a last, empty field
                if (!endRecord())
                    return std::nullopt;
            }
            continue;
        }
        if (c == u'\r') {
            if (i + 1 >= n || text.at(i + 1) != u'\n') {
                fail(error, line, QStringLiteral("carriage return without line feed outside a quoted field"));
                return std::nullopt;
            }
            i += 2;
        } else { // '\n'
            if (options.requireCrlf) {
                fail(error, line, QStringLiteral("line ends with LF, RFC 4180 requires CRLF"));
                return std::nullopt;
            }
            ++i;
        }
        if (!endRecord())
            return std::nullopt;
        ++line;
        recordLine = line;
    }
    return records;
}

QChar CsvParser::sniffSeparator(const QByteArray &data)
{
    bool quoted = false;
    int commas = 0;
    int semicolons = 0;
    for (const char c : data) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            ++commas;
        else if (!quoted && c == ';')
            ++semicolons;
    }
    return semicolons > 0 && commas == 0 ? QChar(u';') : QChar(u',');
}

} // namespace Mailpulse::Report
