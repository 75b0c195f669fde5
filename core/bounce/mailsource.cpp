#include "bounce/mailsource.h"

#include <cerrno>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace Mailpulse::Bounce
{

namespace
{

QString tooBig(qint64 size, qint64 limit)
{
    return QStringLiteral("message too large (%1 bytes; limit %2)").arg(size).arg(limit);
}

bool isMaildir(const QString &dir)
{
    return QFileInfo(dir + QStringLiteral("/cur")).isDir() || QFileInfo(dir + QStringLiteral("/new")).isDir();
}

// An mbox starts with a "From " envelope line that ends in LF. A single mail saved with its envelope line and
// CR-only line endings (old Mac files) has no LF at all and is read as one mail.
bool startsWithFromLine(QByteArrayView bytes)
{
    const char *head = bytes.data();
    const qint64 n = qMin<qint64>(bytes.size(), 4096);
    if (n < 5 || qstrncmp(head, "From ", 5) != 0)
        return false;
    for (qint64 i = 5; i < n; ++i) {
        if (head[i] == '\n')
            return true;
        if (head[i] == '\r' && (i + 1 >= n || head[i + 1] != '\n'))
            return false;
    }
    return false;
}

bool startsWithFromLine(QFile &file)
{
    char head[4096];
    const qint64 n = file.peek(head, sizeof head);
    return n > 0 && startsWithFromLine(QByteArrayView(head, n));
}

// One mail from a file opened for reading.
void readSingle(
    QFile &file, const QString &path, const std::function<void(const MailItem &)> &sink, const MailSourceLimits &limits)
{
    MailItem item;
    item.ref = path;
    if (file.size() > limits.maxMessageBytes) {
        item.error = tooBig(file.size(), limits.maxMessageBytes);
    } else {
        item.raw = file.readAll();
        if (item.raw.size() > limits.maxMessageBytes) // a file that grew while being read
            item = { {}, path, tooBig(item.raw.size(), limits.maxMessageBytes) };
    }
    sink(item);
}

// The common case, a regular file holding one mail, with one open, fstat, read and close: QFile's open and
// QFileInfo cost several more system calls per file (stat, access, statx), which for small mails take longer than
// reading them. False (nothing called) for anything else, and for any failure: the QFile path then handles it and
// words the error.
bool readSmallFileDirectly(const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
    const MailSourceLimits &limits)
{
#ifndef Q_OS_UNIX
    Q_UNUSED(path)
    Q_UNUSED(format)
    Q_UNUSED(sink)
    Q_UNUSED(limits)
    return false; // elsewhere QFile reads every file
#else
    if (format != MailFormat::Eml && format != MailFormat::Auto)
        return false;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer { fd };
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > limits.maxMessageBytes)
        return false;
    // One byte more than the file holds: a read that returns less has reached the end, without a second read to
    // see it. A file that grew while being read goes the QFile way, which reads it to the end and checks the limit.
    const auto expected = qsizetype(st.st_size);
    MailItem item;
    item.raw = QByteArray(expected + 1, Qt::Uninitialized);
    qsizetype done = 0;
    for (;;) {
        const ssize_t n = ::read(fd, item.raw.data() + done, size_t(expected + 1 - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break; // the file shrank while being read: what is there is the mail
        done += n;
        if (done > expected)
            return false;
        if (done == expected)
            break;
    }
    item.raw.truncate(done);
    if (format == MailFormat::Auto && startsWithFromLine(item.raw))
        return false; // an mbox: read line by line
    item.ref = path;
    sink(item);
    return true;
#endif
}

void readSingle(const QString &path, const std::function<void(const MailItem &)> &sink, const MailSourceLimits &limits)
{
    if (readSmallFileDirectly(path, MailFormat::Eml, sink, limits))
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        sink({ {}, path, QStringLiteral("cannot read: %1").arg(file.errorString()) });
        return;
    }
    readSingle(file, path, sink, limits);
}

// mboxrd/mboxo: messages start at "From " lines (at the start, or after a blank line in practice; we accept any
// "From " line at a line start, as most readers do), and ">From " in a body is an escaped "From ". Read line by
// line with a bounded line buffer, so a huge message or a line without a newline never costs more than the limit.
void readMbox(
    QFile &file, const QString &path, const std::function<void(const MailItem &)> &sink, const MailSourceLimits &limits)
{
    int index = 0;
    QByteArray current;
    bool inMessage = false;
    bool oversized = false;
    qint64 oversizedBytes = 0;
    const auto emitCurrent = [&] {
        if (!inMessage)
            return;
        MailItem item;
        item.ref = QStringLiteral("%1#%2").arg(path).arg(index);
        if (oversized)
            item.error = tooBig(oversizedBytes, limits.maxMessageBytes);
        else
            item.raw = std::move(current);
        sink(item);
        current = {};
        oversized = false;
        oversizedBytes = 0;
    };
    bool atLineStart = true;
    char buffer[64 * 1024];
    for (;;) {
        // readLine with a bounded buffer: a long line arrives in pieces, and only a piece that begins a line can
        // be a "From " separator.
        const qint64 n = file.readLine(buffer, sizeof buffer);
        if (n <= 0)
            break;
        const bool lineStart = atLineStart;
        atLineStart = buffer[n - 1] == '\n';
        if (lineStart && n >= 5 && qstrncmp(buffer, "From ", 5) == 0) {
            emitCurrent();
            ++index;
            inMessage = true;
            continue;
        }
        if (!inMessage) {
            ++index;
            inMessage = true; // content before any "From " line: treat it as a message of its own
        }
        if (oversized) {
            oversizedBytes += n;
            continue;
        }
        const char *data = buffer;
        qint64 len = n;
        if (lineStart && len >= 6 && data[0] == '>') {
            // Unescape one level of ">From " (mboxrd).
            qint64 i = 0;
            while (i < len && data[i] == '>')
                ++i;
            if (len - i >= 5 && qstrncmp(data + i, "From ", 5) == 0)
                ++data, --len;
        }
        if (current.size() + len > limits.maxMessageBytes) {
            oversized = true;
            oversizedBytes = current.size() + len;
            current = {};
            continue;
        }
        current.append(data, len);
    }
    if (file.error() != QFile::NoError && inMessage && !oversized) {
        oversized = false;
        MailItem item { {}, QStringLiteral("%1#%2").arg(path).arg(index),
            QStringLiteral("cannot read: %1").arg(file.errorString()) };
        sink(item);
        return;
    }
    emitCurrent();
}

// A file opened for reading: an mbox, or one mail. Opened once: a directory of small mails costs a few system
// calls per mail.
void readFile(QFile &file, const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
    const MailSourceLimits &limits)
{
    const bool mbox = format == MailFormat::Mbox || (format != MailFormat::Eml && startsWithFromLine(file));
    if (mbox)
        readMbox(file, path, sink, limits);
    else
        readSingle(file, path, sink, limits);
}

void readFile(const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
    const MailSourceLimits &limits)
{
    if (readSmallFileDirectly(path, format, sink, limits))
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        sink({ {}, path, QStringLiteral("cannot read: %1").arg(file.errorString()) });
        return;
    }
    readFile(file, path, format, sink, limits);
}

QStringList filesUnder(const QString &dir, bool recursive)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::NoDotAndDotDot | QDir::System,
        recursive ? QDirIterator::Subdirectories : QDirIterator::NoIteratorFlags);
    while (it.hasNext()) {
        const QString file = it.next();
        if (!it.fileName().startsWith(u'.')) // .gitattributes, editor files, Maildir's dot-files
            files.append(file);
    }
    files.sort(); // a stable order: refs and outputs do not depend on the file system's listing order
    return files;
}

} // namespace

bool MailSource::forEach(const QString &path, MailFormat format, const std::function<void(const MailItem &)> &sink,
    QString *error, Limits limits)
{
    if (readSmallFileDirectly(path, format, sink, limits))
        return true;
    const QFileInfo info(path);
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!info.exists())
        return fail(QStringLiteral("%1: no such file or directory").arg(path));
    if (info.isDir()) {
        if (!info.isReadable() || !info.isExecutable())
            return fail(QStringLiteral("%1: directory not readable").arg(path));
        if (format == MailFormat::Maildir || (format == MailFormat::Auto && isMaildir(path))) {
            if (!isMaildir(path))
                return fail(QStringLiteral("%1: not a Maildir (no cur/ or new/)").arg(path));
            // Maildir: delivered mail is in cur/ and new/; tmp/ holds mail still being written.
            QStringList files
                = filesUnder(path + QStringLiteral("/cur"), false) + filesUnder(path + QStringLiteral("/new"), false);
            for (const QString &file : std::as_const(files))
                readSingle(file, sink, limits);
            return true;
        }
        for (const QString &file : filesUnder(path, true))
            readFile(file, format, sink, limits);
        return true;
    }
    if (format == MailFormat::Maildir)
        return fail(QStringLiteral("%1: not a Maildir (a file)").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    readFile(file, path, format, sink, limits);
    return true;
}

} // namespace Mailpulse::Bounce
