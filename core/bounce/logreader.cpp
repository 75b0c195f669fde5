#include "bounce/logreader.h"

#include <cstring>

#include <zlib.h>

#include "bounce/linefingerprint.h"

namespace Mailpulse::Bounce
{

struct LogReader::Inflater {
    z_stream stream {};
    bool initialised = false;
    bool streamEnded = false; // the last gzip member ended; more input means another member
    ~Inflater()
    {
        if (initialised)
            inflateEnd(&stream);
    }
};

LogReader::LogReader(Limits limits)
    : m_limits(limits)
{
    m_limits.maxLineLength = qMax<qsizetype>(m_limits.maxLineLength, 16);
    m_limits.chunkSize = qMax<qsizetype>(m_limits.chunkSize, 4096);
}

LogReader::~LogReader() = default;

void LogReader::close()
{
    m_file.close();
    m_inflater.reset();
    m_compressed = false;
    m_input.clear();
    m_buffer.clear();
    m_pos = m_end = 0;
    m_eof = false;
    m_skipping = false;
    m_bufferFileOffset = m_resumeOffset = m_lineNumber = m_resumeLineNumber = 0;
    m_error.clear();
}

bool LogReader::open(const QString &path, qint64 offset, QString *error)
{
    close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        m_error = m_file.errorString();
        if (error)
            *error = m_error;
        return false;
    }
    char magic[2] = {};
    m_compressed = m_file.peek(magic, 2) == 2 && quint8(magic[0]) == 0x1f && quint8(magic[1]) == 0x8b;
    if (m_compressed) {
        m_inflater = std::make_unique<Inflater>();
        // 15 + 32: zlib or gzip, detected from the header.
        if (inflateInit2(&m_inflater->stream, 15 + 32) != Z_OK) {
            m_error = QStringLiteral("cannot initialise zlib");
            if (error)
                *error = m_error;
            return false;
        }
        m_inflater->initialised = true;
        m_input.resize(m_limits.chunkSize);
    } else if (offset > 0) {
        if (!m_file.seek(offset)) {
            m_error = m_file.errorString();
            if (error)
                *error = m_error;
            return false;
        }
        m_bufferFileOffset = m_resumeOffset = offset;
    }
    m_buffer.resize(m_limits.maxLineLength + m_limits.chunkSize + 1);
    return true;
}

LogReader::Status LogReader::fail(const QString &message)
{
    m_error = message;
    m_eof = true;
    return Status::Error;
}

// Appends up to one chunk of content at m_end. Sets m_eof at the end of input; false on a read or zlib error.
bool LogReader::fill()
{
    char *out = m_buffer.data() + m_end;
    const qsizetype room = m_buffer.size() - m_end;
    if (!m_compressed) {
        const qint64 n = m_file.read(out, room);
        if (n < 0) {
            m_error = m_file.errorString();
            return false;
        }
        if (n == 0)
            m_eof = true;
        m_end += n;
        return true;
    }

    z_stream &z = m_inflater->stream;
    z.next_out = reinterpret_cast<Bytef *>(out);
    z.avail_out = uInt(room);
    while (z.avail_out == uInt(room)) {
        if (z.avail_in == 0) {
            const qint64 n = m_file.read(m_input.data(), m_input.size());
            if (n < 0) {
                m_error = m_file.errorString();
                return false;
            }
            if (n == 0) {
                if (!m_inflater->streamEnded) {
                    m_error = QStringLiteral("compressed data is truncated");
                    return false;
                }
                m_eof = true;
                break;
            }
            z.next_in = reinterpret_cast<Bytef *>(m_input.data());
            z.avail_in = uInt(n);
            m_resumeOffset += n;
        }
        if (m_inflater->streamEnded) {
            // Concatenated gzip members (`cat a.gz b.gz`, some log rotators) form one stream of content.
            inflateReset(&z);
            m_inflater->streamEnded = false;
        }
        const int ret = inflate(&z, Z_NO_FLUSH);
        if (ret == Z_STREAM_END) {
            m_inflater->streamEnded = true;
        } else if (ret != Z_OK && !(ret == Z_BUF_ERROR && z.avail_in == 0)) {
            m_error = QStringLiteral("corrupt compressed data (%1)")
                          .arg(z.msg ? QString::fromLatin1(z.msg) : QString::number(ret));
            return false;
        }
    }
    m_end += room - qsizetype(z.avail_out);
    return true;
}

LogReader::Status LogReader::next(QByteArrayView *line)
{
    if (!m_error.isEmpty())
        return Status::Error;
    for (;;) {
        const char *base = m_buffer.constData();
        const void *hit = m_pos < m_end ? std::memchr(base + m_pos, '\n', size_t(m_end - m_pos)) : nullptr;
        if (hit) {
            const qsizetype nl = static_cast<const char *>(hit) - base;
            const qsizetype start = m_pos;
            m_pos = nl + 1;
            if (!m_compressed)
                m_resumeOffset = m_bufferFileOffset + m_pos;
            if (m_skipping) {
                m_skipping = false; // the rest of an overlong line, already reported
                m_resumeLineNumber = m_lineNumber;
                continue;
            }
            ++m_lineNumber;
            m_resumeLineNumber = m_lineNumber;
            qsizetype length = nl - start;
            if (length > m_limits.maxLineLength)
                return Status::TooLong;
            if (length > 0 && base[start + length - 1] == '\r')
                --length;
            *line = QByteArrayView(base + start, length);
            return Status::Line;
        }

        const qsizetype pending = m_end - m_pos;
        if (m_skipping) {
            m_bufferFileOffset += m_end;
            m_pos = m_end = 0;
        } else if (pending > m_limits.maxLineLength) {
            // Memory stays bounded: the line is dropped as it streams by, up to its newline.
            ++m_lineNumber;
            m_skipping = true;
            m_bufferFileOffset += m_end;
            m_pos = m_end = 0;
            return Status::TooLong;
        }
        if (m_eof) {
            if (m_skipping || pending == 0)
                return Status::End;
            // A last line without a newline: returned, but resumeOffset() stays before it (it may be growing).
            ++m_lineNumber;
            qsizetype length = pending;
            if (base[m_pos + length - 1] == '\r')
                --length;
            *line = QByteArrayView(base + m_pos, length);
            m_pos = m_end;
            return Status::Line;
        }
        if (m_pos > 0) {
            std::memmove(m_buffer.data(), m_buffer.constData() + m_pos, size_t(pending));
            m_bufferFileOffset += m_pos;
            m_end = pending;
            m_pos = 0;
        }
        if (!fill())
            return fail(m_error);
    }
}

QByteArray LogReader::headHash(const QString &path, qint64 length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = file.read(length);
    if (head.size() != length)
        return {};
    quint64 h1 = 0;
    quint64 h2 = 0;
    LineFingerprint::hash128(head, &h1, &h2);
    return QByteArray::number(h1, 16).rightJustified(16, '0') + QByteArray::number(h2, 16).rightJustified(16, '0');
}

QByteArray LogReader::peek(const QString &path, qsizetype maxBytes, QString *error)
{
    LogReader reader({ 16, qMax<qsizetype>(maxBytes, 4096) });
    if (!reader.open(path, 0, error))
        return {};
    while (reader.m_end < maxBytes && !reader.m_eof) {
        if (!reader.fill()) {
            if (error)
                *error = reader.m_error;
            // What was decompressed before the damage still tells the format.
            break;
        }
    }
    return QByteArray(reader.m_buffer.constData(), qMin(reader.m_end, maxBytes));
}

} // namespace Mailpulse::Bounce
