// CsvWriter against RFC 4180 byte for byte, round trips through the strict CsvParser (hostile cells included),
// spreadsheet mode, streaming, and the parser's refusals.
#include <QBuffer>
#include <QDateTime>
#include <QTest>

#include "report/csvparser.h"
#include "report/csvwriter.h"

using namespace Mailpulse::Report;

namespace
{

// Counts bytes and keeps nothing: lets a test watch how much the writer holds back.
class CountingDevice final : public QIODevice
{
public:
    CountingDevice() { open(QIODevice::WriteOnly); }
    qint64 written = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 len) override
    {
        written += len;
        return len;
    }
};

QByteArray writeRows(const QList<QList<QVariant>> &rows, CsvFormat format = {}, const QStringList &header = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        CsvWriter writer(&buffer, format);
        if (!header.isEmpty())
            writer.writeHeader(header);
        for (const QList<QVariant> &row : rows)
            writer.writeRow(row);
    }
    return buffer.data();
}

} // namespace

class TestCsvWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cells_data()
    {
        QTest::addColumn<QVariant>("cell");
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("plain") << QVariant(QStringLiteral("abc")) << QByteArray("abc\r\n");
        QTest::newRow("empty") << QVariant(QString()) << QByteArray("\r\n");
        QTest::newRow("null") << QVariant() << QByteArray("\r\n");
        QTest::newRow("comma") << QVariant(QStringLiteral("a,b")) << QByteArray("\"a,b\"\r\n");
        QTest::newRow("quote") << QVariant(QStringLiteral("say \"hi\"")) << QByteArray("\"say \"\"hi\"\"\"\r\n");
        QTest::newRow("lf") << QVariant(QStringLiteral("a\nb")) << QByteArray("\"a\nb\"\r\n");
        QTest::newRow("crlf") << QVariant(QStringLiteral("a\r\nb")) << QByteArray("\"a\r\nb\"\r\n");
        QTest::newRow("spaces kept") << QVariant(QStringLiteral(" a ")) << QByteArray(" a \r\n");
        QTest::newRow("utf-8") << QVariant(QStringLiteral("Grüße ✓"))
                               << QByteArray("Gr\xC3\xBC\xC3\x9F"
                                             "e \xE2\x9C\x93\r\n");
        QTest::newRow("formula =") << QVariant(QStringLiteral("=1+1")) << QByteArray("'=1+1\r\n");
        QTest::newRow("formula +") << QVariant(QStringLiteral("+49 30")) << QByteArray("'+49 30\r\n");
        QTest::newRow("formula -") << QVariant(QStringLiteral("-2")) << QByteArray("'-2\r\n");
        QTest::newRow("formula @") << QVariant(QStringLiteral("@SUM(A1)")) << QByteArray("'@SUM(A1)\r\n");
        QTest::newRow("formula tab") << QVariant(QStringLiteral("\t=1")) << QByteArray("'\t=1\r\n");
        QTest::newRow("formula cr") << QVariant(QStringLiteral("\r=1")) << QByteArray("\"'\r=1\"\r\n");
        QTest::newRow("dde with comma") << QVariant(QStringLiteral("=cmd|' /C calc'!A0,x"))
                                        << QByteArray("\"'=cmd|' /C calc'!A0,x\"\r\n");
        QTest::newRow("inner = is fine") << QVariant(QStringLiteral("a=b")) << QByteArray("a=b\r\n");
        QTest::newRow("negative number stays") << QVariant(qint64(-5)) << QByteArray("-5\r\n");
        QTest::newRow("int") << QVariant(42) << QByteArray("42\r\n");
        QTest::newRow("double") << QVariant(0.66666666) << QByteArray("0.6667\r\n");
        QTest::newRow("double whole") << QVariant(1.0) << QByteArray("1\r\n");
        QTest::newRow("double zero") << QVariant(0.0) << QByteArray("0\r\n");
        QTest::newRow("bool") << QVariant(true) << QByteArray("true\r\n");
        QTest::newRow("time in utc") << QVariant(QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7, 89), Qt::OffsetFromUTC,
            3600)) << QByteArray("2026-03-04T04:06:07.089Z\r\n");
    }

    void cells()
    {
        QFETCH(QVariant, cell);
        QFETCH(QByteArray, encoded);
        QCOMPARE(writeRows({ { cell } }), encoded);
    }

    void headerAndRows()
    {
        const QByteArray csv = writeRows({ { QStringLiteral("a.test"), 3 }, { QStringLiteral("b,test"), QVariant() } },
            {}, { QStringLiteral("domain"), QStringLiteral("probes") });
        QCOMPARE(csv, QByteArray("domain,probes\r\na.test,3\r\n\"b,test\",\r\n"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QStringList>("cells");
        QTest::addColumn<QStringList>("expected"); // what a reader sees: neutralized, otherwise unchanged
        const QStringList hostile = { QStringLiteral("=HYPERLINK(\"http://evil.example\",\"click\")"),
            QStringLiteral("+cmd"), QStringLiteral("-1+1"), QStringLiteral("@A1"), QStringLiteral("\tx"),
            QStringLiteral("\rx"), QStringLiteral("550 5.7.1 \"blocked\", see\r\nhttp://x"), QStringLiteral("\"\"\""),
            QStringLiteral(",,,"), QStringLiteral("\n"), QStringLiteral(""), QStringLiteral("ünïcödé 🚀"),
            QStringLiteral("a;b"), QStringLiteral("'already quoted") };
        QStringList neutralized;
        for (const QString &cell : hostile)
            neutralized << CsvWriter::neutralized(cell);
        QTest::newRow("hostile") << hostile << neutralized;
        QTest::newRow("single empty") << QStringList { QString() } << QStringList { QString() };
        QTest::newRow("trailing empty") << QStringList { QStringLiteral("a"), QString() }
                                        << QStringList { QStringLiteral("a"), QString() };
    }

    void roundTrip()
    {
        QFETCH(QStringList, cells);
        QFETCH(QStringList, expected);
        QList<QVariant> row;
        for (const QString &cell : cells)
            row << cell;
        for (const CsvFormat &format : { CsvFormat {}, CsvFormat::excel(QLocale(QLocale::German, QLocale::Germany)) }) {
            CsvParser::Error error;
            CsvParser::Options options;
            options.separator = format.separator;
            const auto records = CsvParser::parse(writeRows({ row, row }, format), options, &error);
            QVERIFY2(records, qPrintable(error.toString()));
            QCOMPARE(records->size(), 2);
            QCOMPARE(records->at(0), expected);
            QCOMPARE(records->at(1), expected);
        }
        // Nothing a spreadsheet would evaluate survives.
        for (const QString &cell : expected)
            QVERIFY(cell.isEmpty() || !QStringLiteral("=+-@\t\r").contains(cell.front()));
    }

    void excelFormat()
    {
        const CsvFormat de = CsvFormat::excel(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(de.separator, QChar(u';'));
        QCOMPARE(de.decimalPoint, QChar(u','));
        QVERIFY(de.byteOrderMark);
        const CsvFormat us = CsvFormat::excel(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(us.separator, QChar(u','));
        QCOMPARE(us.decimalPoint, QChar(u'.'));

        const QByteArray csv = writeRows({ { QStringLiteral("a;b"), 0.25, QStringLiteral("x,y") } }, de,
            { QStringLiteral("name"), QStringLiteral("rate"), QStringLiteral("other") });
        QCOMPARE(csv, QByteArray("\xEF\xBB\xBFname;rate;other\r\n\"a;b\";0,25;x,y\r\n"));
        // The parser skips the BOM.
        CsvParser::Error error;
        const auto records = CsvParser::parse(csv, { u';', true }, &error);
        QVERIFY(records);
        QCOMPARE(records->first().first(), QStringLiteral("name"));
        QCOMPARE(records->at(1).at(1), QStringLiteral("0,25"));
        QCOMPARE(CsvParser::sniffSeparator(csv), QChar(u';'));
        QCOMPARE(CsvParser::sniffSeparator("a,b\r\n"), QChar(u','));
        QCOMPARE(CsvParser::sniffSeparator("\"a;b\",c\r\n"), QChar(u','));
    }

    void streamingKeepsMemoryFlat()
    {
        CountingDevice device;
        CsvWriter writer(&device);
        const QList<QVariant> row { QStringLiteral("user@example.test"), qint64(12345), QStringLiteral("2.1.5"),
            QStringLiteral("250 2.1.5 Ok, a reply text of some length to make the row realistic") };
        const qint64 rowBytes = writeRows({ row }).size();
        qint64 maxHeld = 0;
        for (qint64 i = 1; i <= 200000; ++i) {
            writer.writeRow(row);
            maxHeld = std::max(maxHeld, i * rowBytes - device.written);
        }
        QVERIFY(writer.flush());
        QCOMPARE(writer.rowsWritten(), qint64(200000));
        QCOMPARE(device.written, 200000 * rowBytes);
        // The device got the rows while they were written: never more than the ~64 KiB buffer was held back.
        QVERIFY2(maxHeld <= 64 * 1024 + rowBytes, qPrintable(QString::number(maxHeld)));
    }

    void writeErrors()
    {
        QBuffer closed;
        CsvWriter writer(&closed);
        writer.writeRow({ QStringLiteral("x") });
        QVERIFY(!writer.flush());
        QVERIFY(writer.hasError());
        QVERIFY(!writer.writeRow({ QStringLiteral("y") }));
    }

    void parserAccepts_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<bool>("requireCrlf");
        QTest::addColumn<QList<QStringList>>("records");
        QTest::newRow("empty") << QByteArray() << true << QList<QStringList> {};
        QTest::newRow("no final crlf") << QByteArray("a,b\r\nc,d") << true
                                       << QList<QStringList> { { QStringLiteral("a"), QStringLiteral("b") },
                                              { QStringLiteral("c"), QStringLiteral("d") } };
        QTest::newRow("quoted crlf") << QByteArray("\"a\r\nb\",c\r\n") << true
                                     << QList<QStringList> { { QStringLiteral("a\r\nb"), QStringLiteral("c") } };
        QTest::newRow("empty quoted") << QByteArray("\"\",x\r\n") << true
                                      << QList<QStringList> { { QString(), QStringLiteral("x") } };
        QTest::newRow("trailing separator")
            << QByteArray("a,\r\nb,") << true
            << QList<QStringList> { { QStringLiteral("a"), QString() }, { QStringLiteral("b"), QString() } };
        QTest::newRow("lf when allowed") << QByteArray("a\nb\n") << false
                                         << QList<QStringList> { { QStringLiteral("a") }, { QStringLiteral("b") } };
    }

    void parserAccepts()
    {
        QFETCH(QByteArray, csv);
        QFETCH(bool, requireCrlf);
        QFETCH(QList<QStringList>, records);
        CsvParser::Error error;
        const auto parsed = CsvParser::parse(csv, { u',', requireCrlf }, &error);
        QVERIFY2(parsed, qPrintable(error.toString()));
        QCOMPARE(*parsed, records);
    }

    void parserRefuses_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<qint64>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("lf in strict mode")
            << QByteArray("a,b\r\nc,d\ne,f\r\n") << qint64(2) << QStringLiteral("line ends with LF");
        QTest::newRow("bare cr") << QByteArray("a\rb\r\n") << qint64(1) << QStringLiteral("carriage return");
        QTest::newRow("quote inside") << QByteArray("a,b\"c\r\n") << qint64(1) << QStringLiteral("quote inside");
        QTest::newRow("text after quote")
            << QByteArray("a\r\n\"b\"c,d\r\n") << qint64(2) << QStringLiteral("text after");
        QTest::newRow("unterminated") << QByteArray("a\r\nb\r\n\"c,d\r\ne\r\n") << qint64(3)
                                      << QStringLiteral("quoted field is not closed");
        QTest::newRow("ragged") << QByteArray("a,b\r\nc\r\n") << qint64(2) << QStringLiteral("1 fields");
        QTest::newRow("too many") << QByteArray("a,b\r\nc,d\r\n\"x\r\ny\",z,w\r\n") << qint64(3)
                                  << QStringLiteral("3 fields");
        QTest::newRow("bad utf-8") << QByteArray("a\r\nb\r\n\xC3\x28\r\n") << qint64(3)
                                   << QStringLiteral("invalid UTF-8");
    }

    void parserRefuses()
    {
        QFETCH(QByteArray, csv);
        QFETCH(qint64, line);
        QFETCH(QString, message);
        CsvParser::Error error;
        QVERIFY(!CsvParser::parse(csv, &error));
        QCOMPARE(error.line, line);
        QVERIFY2(error.message.startsWith(message), qPrintable(error.message));
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
