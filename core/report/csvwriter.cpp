#include "report/csvwriter.h"

#include <cmath>

#include <QDateTime>
#include <QIODevice>

#include "smtp/proberesultjson.h"

namespace Mailpulse::Report
{

namespace
{

constexpr qsizetype FlushThreshold = 64 * 1024;

} // namespace

CsvWriter::CsvWriter(QIODevice *device, CsvFormat format)
    : m_device(device)
    , m_format(format)
{
}

CsvWriter::~CsvWriter() { flush(); }

QString CsvWriter::neutralized(const QString &text)
{
    if (text.isEmpty())
        return text;
    switch (text.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
        return u'\'' + text;
    default:
        return text;
    }
}

QString CsvWriter::quoted(const QString &text) const
{
    const bool needsQuotes
        = text.contains(m_format.separator) || text.contains(u'"') || text.contains(u'\r') || text.contains(u'\n');
    if (!needsQuotes)
        return text;
    QString copy = text;
    copy.replace(u'"', QLatin1String("\"\""));
    return u'"' + copy + u'"';
}

QString CsvWriter::cellText(const QVariant &value) const
{
    if (!value.isValid() || value.isNull())
        return {};
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
        return value.toString();
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        if (!std::isfinite(d))
            return {};
        // Up to 4 decimals, no trailing zeros: rates such as 0.8333 stay readable and exact enough.
        QString text = QString::number(d, 'f', 4);
        while (text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.')))
            text.chop(1);
        if (m_format.decimalPoint != u'.')
            text.replace(u'.', m_format.decimalPoint);
        return text;
    }
    case QMetaType::QDateTime:
        return Smtp::toIsoUtc(value.toDateTime());
    default:
        return neutralized(value.toString());
    }
}

bool CsvWriter::writeHeader(const QStringList &names)
{
    if (!writeFields(names))
        return false;
    --m_rows; // the header is not a data row
    return true;
}

bool CsvWriter::writeRow(const QList<QVariant> &cells)
{
    QStringList fields;
    fields.reserve(cells.size());
    for (const QVariant &cell : cells)
        fields.append(cellText(cell));
    return writeFields(fields);
}

bool CsvWriter::writeFields(const QStringList &fields)
{
    if (hasError())
        return false;
    if (!m_started) {
        m_started = true;
        if (m_format.byteOrderMark)
            m_buffer.append("\xEF\xBB\xBF");
    }
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line.append(m_format.separator);
        line.append(quoted(fields.at(i)));
    }
    line.append(QLatin1String("\r\n"));
    m_buffer.append(line.toUtf8());
    ++m_rows;
    if (m_buffer.size() >= FlushThreshold)
        return flush();
    return true;
}

bool CsvWriter::flush()
{
    if (hasError())
        return false;
    if (m_buffer.isEmpty())
        return true;
    if (!m_device || !m_device->isWritable()) {
        m_error = QStringLiteral("the output is not open for writing");
        return false;
    }
    const qint64 written = m_device->write(m_buffer);
    if (written != m_buffer.size()) {
        m_error = m_device->errorString();
        if (m_error.isEmpty())
            m_error = QStringLiteral("short write");
        return false;
    }
    m_buffer.clear();
    return true;
}

} // namespace Mailpulse::Report
