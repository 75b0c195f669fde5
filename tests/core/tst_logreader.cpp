#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include "bounce/logreader.h"

using namespace Mailpulse::Bounce;
using namespace Qt::StringLiterals;

class TestLogReader : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void linesAcrossChunks_data();
    void linesAcrossChunks();
    void resume();
    void concatenatedGzipMembers();
    void peekAndHeadHash();
    void missingFile();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    static void write(const QString &file, const QByteArray &content);
    static QByteArray gzip(const QByteArray &content);
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace
{

struct Expected {
    QByteArray line; // without terminator
    bool tooLong = false;
};

// Random lines: empty ones, CRLF ones, some longer than the limit, some spanning several read chunks.
QByteArray generate(quint32 seed, qsizetype limit, QList<Expected> *expected, bool finalNewline)
{
    QRandomGenerator rng(seed);
    QByteArray content;
    for (int i = 0; i < 3000; ++i) {
        const quint32 r = rng.bounded(100);
        const qsizetype length = r < 5 ? 0
            : r < 90                   ? qsizetype(rng.bounded(quint32(limit)))
                                       : limit + qsizetype(rng.bounded(20000));
        QByteArray line(length, Qt::Uninitialized);
        for (char &c : line)
            c = char('a' + rng.bounded(26));
        const bool crlf = rng.bounded(4) == 0;
        content += line;
        content += crlf ? "\r\n" : "\n";
        // A CR counts against the limit like any byte: the reader sees it before it sees the LF.
        expected->append({ line, length + (crlf ? 1 : 0) > limit });
    }
    if (!finalNewline) {
        content += "tail without newline";
        expected->append({ "tail without newline", false });
    }
    return content;
}

void readAll(LogReader &reader, QList<Expected> *got)
{
    for (;;) {
        QByteArrayView line;
        const LogReader::Status status = reader.next(&line);
        if (status == LogReader::Status::End)
            return;
        QVERIFY2(status != LogReader::Status::Error, qPrintable(reader.errorString()));
        got->append({ status == LogReader::Status::Line ? line.toByteArray() : QByteArray(),
            status == LogReader::Status::TooLong });
    }
}

} // namespace

void TestLogReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestLogReader::cleanup() { m_dir.reset(); }

void TestLogReader::write(const QString &file, const QByteArray &content)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(content), content.size());
}

QByteArray TestLogReader::gzip(const QByteArray &content)
{
    z_stream z {};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&z, uLong(content.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(content.constData()));
    z.avail_in = uInt(content.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

void TestLogReader::linesAcrossChunks_data()
{
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<bool>("finalNewline");
    QTest::addColumn<quint32>("seed");
    for (quint32 seed : { 1u, 2u, 3u }) {
        QTest::addRow("plain %u", seed) << false << true << seed;
        QTest::addRow("plain, no final newline %u", seed) << false << false << seed;
        QTest::addRow("gzip %u", seed) << true << true << seed;
        QTest::addRow("gzip, no final newline %u", seed) << true << false << seed;
    }
}

void TestLogReader::linesAcrossChunks()
{
    QFETCH(bool, compressed);
    QFETCH(bool, finalNewline);
    QFETCH(quint32, seed);
    constexpr qsizetype Limit = 600;
    QList<Expected> expected;
    const QByteArray content = generate(seed, Limit, &expected, finalNewline);
    write(path(u"log"_s), compressed ? gzip(content) : content);

    LogReader reader({ Limit, 4096 });
    QString error;
    QVERIFY2(reader.open(path(u"log"_s), 0, &error), qPrintable(error));
    QCOMPARE(reader.isCompressed(), compressed);
    QList<Expected> got;
    readAll(reader, &got);
    QCOMPARE(got.size(), expected.size());
    for (qsizetype i = 0; i < got.size(); ++i) {
        QCOMPARE(got.at(i).tooLong, expected.at(i).tooLong);
        if (!expected.at(i).tooLong)
            QCOMPARE(got.at(i).line, expected.at(i).line);
    }
    QCOMPARE(reader.lineNumber(), expected.size());
    if (!compressed) {
        // The resume point is the end of the last complete line: before an unterminated tail.
        const qint64 tail = finalNewline ? 0 : qint64(qstrlen("tail without newline"));
        QCOMPARE(reader.resumeOffset(), content.size() - tail);
        QCOMPARE(reader.resumeLineNumber(), expected.size() - (finalNewline ? 0 : 1));
    }
}

void TestLogReader::resume()
{
    write(path(u"log"_s), "one\ntwo\nthree\n");
    LogReader reader;
    QVERIFY(reader.open(path(u"log"_s)));
    QByteArrayView line;
    QCOMPARE(reader.next(&line), LogReader::Status::Line);
    QCOMPARE(reader.resumeOffset(), 4);
    QVERIFY(reader.open(path(u"log"_s), 4));
    QCOMPARE(reader.next(&line), LogReader::Status::Line);
    QCOMPARE(line, "two");
    QCOMPARE(reader.resumeOffset(), 8);
    QCOMPARE(reader.next(&line), LogReader::Status::Line);
    QCOMPARE(line, "three");
    QCOMPARE(reader.next(&line), LogReader::Status::End);
    QCOMPARE(reader.resumeOffset(), 14);
    QCOMPARE(reader.next(&line), LogReader::Status::End);
}

void TestLogReader::concatenatedGzipMembers()
{
    // `cat a.gz b.gz > c.gz` is one valid gzip file of both contents.
    write(path(u"c.gz"_s), gzip("first\nsecond\n") + gzip("third\n"));
    LogReader reader;
    QVERIFY(reader.open(path(u"c.gz"_s)));
    QList<Expected> got;
    readAll(reader, &got);
    QCOMPARE(got.size(), 3);
    QCOMPARE(got.at(2).line, "third");
}

void TestLogReader::peekAndHeadHash()
{
    const QByteArray content = "Nov 27 10:00:01 mx postfix/qmgr[1]: A: removed\n";
    write(path(u"a"_s), content);
    write(path(u"a.gz"_s), gzip(content));
    QCOMPARE(LogReader::peek(path(u"a"_s), 8192), content);
    QCOMPARE(LogReader::peek(path(u"a.gz"_s), 8192), content);
    QCOMPARE(LogReader::peek(path(u"a.gz"_s), 10), content.first(10));
    const QByteArray h = LogReader::headHash(path(u"a"_s), 20);
    QCOMPARE(h.size(), 32);
    QCOMPARE(LogReader::headHash(path(u"a"_s), 20), h);
    QVERIFY(LogReader::headHash(path(u"a"_s), 21) != h);
    QVERIFY(LogReader::headHash(path(u"a"_s), 4096).isEmpty()); // shorter than asked: no hash
}

void TestLogReader::missingFile()
{
    LogReader reader;
    QString error;
    QVERIFY(!reader.open(path(u"none"_s), 0, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(LogReader::peek(path(u"none"_s), 100).isEmpty());
}

QTEST_GUILESS_MAIN(TestLogReader)
#include "tst_logreader.moc"
