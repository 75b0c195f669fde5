#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "report/csvformat.h"

class QIODevice;

namespace Mailpulse::Report
{

/// Writes RFC 4180 CSV to a device as rows come: header, CRLF line ends, fields quoted when they hold the
/// separator, a quote, CR or LF, UTF-8. Buffers at most ~64 KiB, so exports of any size keep memory flat.
///
/// Cells are typed through QVariant: numbers and booleans are written as such, QDateTime as ISO 8601 UTC, null as an
/// empty field, and text is neutralized against formula injection: text starting with '=', '+', '-', '@', TAB or
/// CR gets a leading apostrophe, so a spreadsheet shows it as text instead of evaluating it (server replies in the
/// store are attacker-controlled). Numbers are never prefixed: a negative number stays a number.
class CsvWriter final
{
public:
    /// `device` must be open for writing and outlive the writer; the writer does not own it.
    explicit CsvWriter(QIODevice *device, CsvFormat format = {});
    ~CsvWriter();
    Q_DISABLE_COPY_MOVE(CsvWriter)

    /// The header row (written verbatim apart from quoting: it is ours, not data).
    bool writeHeader(const QStringList &names);
    bool writeRow(const QList<QVariant> &cells);
    /// Writes what is buffered to the device. Also done by the destructor.
    bool flush();

    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    qint64 rowsWritten() const { return m_rows; }

    /// The text a cell becomes before quoting.
    QString cellText(const QVariant &value) const;
    /// Prefixes `text` with an apostrophe if a spreadsheet would take it for a formula.
    static QString neutralized(const QString &text);
    /// `text` quoted if it needs to be (separator, quote, CR, LF), with quotes doubled.
    QString quoted(const QString &text) const;

private:
    bool writeFields(const QStringList &fields);

    QIODevice *m_device;
    CsvFormat m_format;
    QByteArray m_buffer;
    QString m_error;
    qint64 m_rows = 0;
    bool m_started = false;
};

} // namespace Mailpulse::Report
