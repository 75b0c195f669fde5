#pragma once

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QFile>
#include <QString>

namespace Mailpulse::Bounce
{

/// Memory bounds of a LogReader (outside the class so that it can be a default argument).
struct LogReaderLimits {
    qsizetype maxLineLength = 64 * 1024;
    qsizetype chunkSize = 256 * 1024;
};

/// Reads a log file line by line, plain or gzip-compressed (recognised by its magic bytes, not its name), in
/// bounded memory: a fixed read buffer plus at most one line of `maxLineLength`. A longer line is skipped and
/// reported as TooLong, however long it is.
class LogReader final
{
public:
    using Limits = LogReaderLimits;
    enum class Status {
        Line, // *line holds the next line, without "\n" or "\r\n"
        TooLong, // a line longer than maxLineLength was skipped; lineNumber() is its number
        End, // end of input
        Error, // read or decompression error: errorString()
    };

    explicit LogReader(Limits limits = {});
    ~LogReader();
    Q_DISABLE_COPY_MOVE(LogReader)

    /// Opens `path`. A plain file is read from byte `offset` on (which must be the start of a line); a compressed
    /// file is always read from its start.
    bool open(const QString &path, qint64 offset = 0, QString *error = nullptr);
    void close();
    bool isCompressed() const { return m_compressed; }

    /// The next line. The view stays valid until the next call.
    Status next(QByteArrayView *line);

    /// Plain files: the file offset just past the last line returned that ended with a newline, which is where an
    /// incremental re-read resumes (a last line still being written is read again next time). Compressed files:
    /// the number of compressed bytes consumed.
    qint64 resumeOffset() const { return m_resumeOffset; }
    /// 1-based number of the last line returned (counted from where reading started).
    qint64 lineNumber() const { return m_lineNumber; }
    /// The number of lines before resumeOffset() (plain files): where line numbers continue after a resume.
    qint64 resumeLineNumber() const { return m_resumeLineNumber; }
    QString errorString() const { return m_error; }

    /// The first `length` bytes of the file as a hex hash (a compressed file's raw bytes, not its content).
    /// Tells a rotated file from the one read before. Empty on error.
    static QByteArray headHash(const QString &path, qint64 length);
    /// The first bytes of the content (decompressed when needed), at most `maxBytes`. For sniffing the format.
    static QByteArray peek(const QString &path, qsizetype maxBytes, QString *error = nullptr);

private:
    bool fill();
    Status fail(const QString &message);

    struct Inflater;
    Limits m_limits;
    QFile m_file;
    std::unique_ptr<Inflater> m_inflater;
    bool m_compressed = false;
    QByteArray m_input; // compressed input
    QByteArray m_buffer; // content not yet returned: m_buffer[m_pos, m_end)
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    bool m_eof = false;
    bool m_skipping = false; // inside an overlong line: discard up to the next newline
    qint64 m_bufferFileOffset = 0; // file offset of m_buffer[0] (plain files)
    qint64 m_resumeOffset = 0;
    qint64 m_lineNumber = 0;
    qint64 m_resumeLineNumber = 0;
    QString m_error;
};

} // namespace Mailpulse::Bounce
