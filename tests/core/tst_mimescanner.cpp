#include <algorithm>
#include <random>

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include "bounce/dsnparser.h"
#include "bounce/mimemessage.h"
#include "bounce/mimescanner.h"
#include "bounce/mimetext.h"
#include "corpus.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;

// GMime's charset converter, which decodeText's Latin-1 path is compared with.
extern "C" void g_mime_filter_complete(GMimeFilter *filter, char *inbuf, size_t inlen, size_t prespace, char **outbuf,
    size_t *outlen, size_t *outprespace);

namespace
{

// What MimeMessage::parse() hands the scanner: LF line endings, no mbox "From " line.
QByteArray prepared(const QByteArray &raw)
{
    QByteArray bytes = MimeMessage::normalizeLineEndings(raw);
    if (bytes.startsWith("From ")) {
        const qsizetype eol = bytes.indexOf('\n');
        bytes = eol < 0 ? QByteArray() : bytes.mid(eol + 1);
    }
    return bytes;
}

QString describe(const QList<std::pair<QByteArray, QString>> &headers)
{
    QStringList out;
    for (const auto &[name, value] : headers)
        out.append(QString::fromLatin1(name) + u": " + value);
    return out.join(u'\n');
}

// Empty when both parses agree on everything bounce reading uses; else what differs.
QString difference(const MimeMessage &fast, const MimeMessage &gmime)
{
    if (fast.error() != gmime.error())
        return QStringLiteral("error: %1 | %2").arg(fast.error(), gmime.error());
    if (fast.contentType() != gmime.contentType() || fast.reportType() != gmime.reportType())
        return QStringLiteral("type: %1;%2 | %3;%4")
            .arg(QString::fromLatin1(fast.contentType()), QString::fromLatin1(fast.reportType()),
                QString::fromLatin1(gmime.contentType()), QString::fromLatin1(gmime.reportType()));
    if (fast.isTruncated() != gmime.isTruncated())
        return QStringLiteral("truncated: %1 | %2").arg(fast.isTruncated()).arg(gmime.isTruncated());
    if (fast.headers() != gmime.headers())
        return QStringLiteral("headers:\n%1\n|\n%2").arg(describe(fast.headers()), describe(gmime.headers()));
    if (fast.originalHeaders() != gmime.originalHeaders())
        return QStringLiteral("original headers:\n%1\n|\n%2")
            .arg(describe(fast.originalHeaders()), describe(gmime.originalHeaders()));
    if (fast.parts().size() != gmime.parts().size())
        return QStringLiteral("parts: %1 | %2").arg(fast.parts().size()).arg(gmime.parts().size());
    for (qsizetype i = 0; i < fast.parts().size(); ++i) {
        const MimePart &a = fast.parts()[i];
        const MimePart &b = gmime.parts()[i];
        if (a.contentType != b.contentType || a.depth != b.depth || a.inAttachedMessage != b.inAttachedMessage
            || a.truncated != b.truncated)
            return QStringLiteral("part %1: %2 depth %3 attached %4 | %5 depth %6 attached %7")
                .arg(i)
                .arg(QString::fromLatin1(a.contentType))
                .arg(a.depth)
                .arg(a.inAttachedMessage)
                .arg(QString::fromLatin1(b.contentType))
                .arg(b.depth)
                .arg(b.inAttachedMessage);
        // Bounce reading works line by line on trimmed lines: a trailing line break is not a difference.
        if (a.text.trimmed() != b.text.trimmed())
            return QStringLiteral("part %1 text:\n%2\n|\n%3").arg(i).arg(a.text.left(400), b.text.left(400));
    }
    return {};
}

MimeMessage viaGMime(const QByteArray &raw)
{
    MimeLimits limits;
    limits.gmimeOnly = true;
    return MimeMessage::parse(raw, limits);
}

const char *const Report = "From: MAILER-DAEMON@mx.example.net\n"
                           "Subject: =?ISO-8859-1?Q?Unzustellbar=3A_R=FCckl=E4ufer?=\n"
                           "To: sender@example.org\n"
                           "Content-Type: multipart/report; report-type=Delivery-Status;\n"
                           "\tboundary=\"outer\"\n"
                           "\n"
                           "preamble\n"
                           "--outer\n"
                           "Content-Type: text/plain; charset=iso-8859-1\n"
                           "Content-Transfer-Encoding: quoted-printable\n"
                           "\n"
                           "Die Nachricht an <x@example.com> konnte nicht zugestellt werden: Gr=FC=DFe\n"
                           "--outer\n"
                           "Content-Type: message/delivery-status\n"
                           "Content-Transfer-Encoding: base64\n"
                           "\n"
                           "RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IHhAZXhhbXBsZS5jb20KQWN0aW9uOiBmYWlsZWQKU3Rh\n"
                           "dHVzOiA1LjEuMQo=\n"
                           "--outer\n"
                           "Content-Type: message/rfc822\n"
                           "\n"
                           "From: sender@example.org\n"
                           "To: x@example.com\n"
                           "Subject: hello\n"
                           "Content-Type: multipart/alternative; boundary=inner\n"
                           "\n"
                           "--inner\n"
                           "Content-Type: text/plain\n"
                           "\n"
                           "hello x@example.com\n"
                           "--inner\n"
                           "Content-Type: text/html\n"
                           "\n"
                           "<p>hello</p>\n"
                           "--inner--\n"
                           "--outer--\n"
                           "epilogue\n";

} // namespace

class TestMimeScanner : public QObject
{
    Q_OBJECT

private slots:
    void readsAReport();
    void agreesWithGMime_data();
    void agreesWithGMime();
    void declinesWhatOnlyGMimeReads_data();
    void declinesWhatOnlyGMimeReads();
    void corpusAgreesWithGMime();
    void datesReadAsGMimeReadsThem_data();
    void datesReadAsGMimeReadsThem();
    void bytesToTextFindsNonAsciiAnywhere();
    void lineEndingsNormalizedAnywhere();
    void latin1ReadAsGMimeConvertsIt_data();
    void latin1ReadAsGMimeConvertsIt();
    void asciiInCompatibleCharsetReadAsGMimeConvertsIt_data();
    void asciiInCompatibleCharsetReadAsGMimeConvertsIt();
    void fieldNameKeyIsLatin1Lowered();
    void originalHeadersFromAHeadersPart();
    void htmlDecodedOnlyWithoutPlainText_data();
    void htmlDecodedOnlyWithoutPlainText();
    void onlyTextAndMessagePartsDecoded();
    void headerTextSplitsAsBefore_data();
    void headerTextSplitsAsBefore();
};

void TestMimeScanner::readsAReport()
{
    MimeMessage mail;
    QVERIFY(MimeScanner::scan(prepared(Report), {}, mail));
    QCOMPARE(mail.contentType(), QByteArray("multipart/report"));
    QCOMPARE(mail.reportType(), QByteArray("delivery-status"));
    QCOMPARE(mail.header("subject"), QStringLiteral("Unzustellbar: Rückläufer"));
    QCOMPARE(mail.parts().size(), 4);
    QCOMPARE(mail.parts()[0].contentType, QByteArray("text/plain"));
    QCOMPARE(mail.parts()[0].text.trimmed(),
        QStringLiteral("Die Nachricht an <x@example.com> konnte nicht zugestellt werden: Grüße"));
    QCOMPARE(mail.parts()[1].contentType, QByteArray("message/delivery-status"));
    QVERIFY(mail.parts()[1].text.contains(QLatin1String("Status: 5.1.1")));
    // The returned original: its headers are kept, its body is not decoded.
    QCOMPARE(mail.parts()[2].depth, 3);
    QVERIFY(mail.parts()[2].inAttachedMessage);
    QVERIFY(mail.parts()[2].text.isEmpty());
    QCOMPARE(mail.originalHeaders().size(), 3); // From, To, Subject: Content-* belong to its MIME part
    QCOMPARE(mail.originalHeaders()[1].second, QStringLiteral("x@example.com"));
    QVERIFY(!mail.isTruncated());
    QCOMPARE(difference(mail, viaGMime(Report)), QString());
}

void TestMimeScanner::agreesWithGMime_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("truncated");
    QByteArray cut(Report);
    cut.truncate(cut.indexOf("--inner--"));
    QTest::newRow("cut inside the returned message") << cut << true;
    QTest::newRow("no boundary ever") << QByteArray("From: a@example.org\nContent-Type: multipart/report; "
                                                    "boundary=x\n\nDelivery to b@example.com failed: 550 5.1.1\n")
                                      << true;
    QByteArray openInside(Report);
    openInside.remove(openInside.indexOf("--inner--"), 10);
    QTest::newRow("original cut inside, the report closed") << openInside << false;
    QTest::newRow("headers and an empty body") << QByteArray("From: a@example.org\nSubject: nothing\n\n") << false;
    QTest::newRow("windows-1252 base64") << QByteArray("From: a@example.org\nContent-Type: text/plain; "
                                                       "charset=windows-1252\nContent-Transfer-Encoding: "
                                                       "base64\n\nk2ZhaWxlZJQgNTUwIDUuMS4x\n")
                                         << false;
    QTest::newRow("unknown charset") << QByteArray("From: a@example.org\nContent-Type: text/plain; "
                                                   "charset=x-no-such\n\n550 5.1.1 caf\xc3\xa9\n")
                                     << false;
    QTest::newRow("delimiters with trailing white space") << QByteArray(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"b b\"\n\n--b b \ncontent-type: "
        "text/plain\n\none\n--b b--\t\n") << false;
    QTest::newRow("a line that is no field between fields")
        << QByteArray("From: a@example.org\nX-Info:\nsome text\nSubject: s\n\nbody\n") << false;
    QTest::newRow("a value folded without white space, with a colon")
        << QByteArray("From: a@example.org\nReceived: from x by y; Sun, 17\nJun 2018 07:31:37 +0000\nSubject: s\n\nb\n")
        << false;
    QTest::newRow("boundary folded without white space") << QByteArray(
        "From: a@example.org\nContent-Type: multipart/mixed;\nboundary=\"b\"\n\n--b\n"
        "Content-Type: text/plain\n\nhello\n--b--\n") << false;
    QTest::newRow("inner boundary folded without white space") << QByteArray(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"y\"\n\n--y\nContent-Type: "
        "multipart/alternative;\nboundary=\"z\"\n\n--z\nContent-Type: text/plain\n\ninner\n--z--\n--y--\n")
                                                               << false;
    QTest::newRow("parentheses inside a quoted boundary") << QByteArray(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"B_(ID_x\\\"y)\"\n\n--B_(ID_x\"y)\n"
        "content-type: text/plain\n\none\n--B_(ID_x\"y)--\n")
                                                          << false;
}

void TestMimeScanner::agreesWithGMime()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, truncated);
    MimeMessage mail;
    QVERIFY(MimeScanner::scan(prepared(raw), {}, mail));
    QCOMPARE(mail.isTruncated(), truncated);
    QCOMPARE(difference(MimeMessage::parse(raw), viaGMime(raw)), QString());
}

void TestMimeScanner::declinesWhatOnlyGMimeReads_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("RFC 2231 boundary") << QByteArray("From: a@example.org\nContent-Type: multipart/mixed; "
                                                     "boundary*0=ab; boundary*1=cd\n\n--abcd\n\nx\n--abcd--\n");
    // GMime calls it truncated; where a mail ends inside its headers is its call.
    QTest::newRow("headers only") << QByteArray("From: a@example.org\nSubject: nothing\n");
    QTest::newRow("comment in Content-Type")
        << QByteArray("From: a@example.org\nContent-Type: text/plain (plain text); charset=us-ascii\n\nx\n");
    QTest::newRow("uuencode") << QByteArray(
        "From: a@example.org\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n#86)C\n`\nend\n");
    QTest::newRow("not a header line") << QByteArray("this is not a mail\nat all\n");
    QTest::newRow("a line that is no field, then a continuation")
        << QByteArray("From: a@example.org\nsome text\n  more\nSubject: s\n\nbody\n");
    QTest::newRow("multipart without boundary or body")
        << QByteArray("From: a@example.org\nContent-Type: multipart/mixed\n");
    QTest::newRow("base64 message/rfc822")
        << QByteArray("From: a@example.org\nContent-Type: message/rfc822\n"
                      "Content-Transfer-Encoding: base64\n\nVG86IGJAZXhhbXBsZS5jb20K\n");
}

void TestMimeScanner::declinesWhatOnlyGMimeReads()
{
    QFETCH(QByteArray, raw);
    MimeMessage mail;
    QVERIFY(!MimeScanner::scan(prepared(raw), {}, mail));
    // MimeMessage::parse() falls back to GMime: same result as GMime alone.
    QCOMPARE(difference(MimeMessage::parse(raw), viaGMime(raw)), QString());
}

void TestMimeScanner::corpusAgreesWithGMime()
{
    const QString dir = Test::bounceCorpusDir() + QStringLiteral("/eml");
    if (!QFileInfo::exists(dir))
        QSKIP(qPrintable(QStringLiteral("bounce corpus not found at %1 (set MAILPULSE_CORPUS); skipped").arg(dir)));
    int mails = 0;
    int scanned = 0;
    QStringList differences;
    QDirIterator it(dir, { QStringLiteral("*.eml") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray raw = f.readAll();
        ++mails;
        MimeMessage probe;
        if (MimeScanner::scan(prepared(raw), {}, probe))
            ++scanned;
        const QString diff = difference(MimeMessage::parse(raw), viaGMime(raw));
        if (!diff.isEmpty())
            differences.append(path.mid(dir.size() + 1) + u'\n' + diff);
    }
    qInfo("%d of %d corpus mails taken apart by the scanner; %lld differ from GMime", scanned, mails,
        static_cast<long long>(differences.size()));
    for (const QString &d : std::as_const(differences).first(qMin<qsizetype>(differences.size(), 5)))
        qInfo("%s", qPrintable(d));
    QVERIFY(mails > 500);
    QVERIFY2(differences.isEmpty(), qPrintable(differences.value(0)));
    // The fast path must be the usual one, or it buys nothing.
    QVERIFY2(scanned * 100 >= mails * 90, qPrintable(QStringLiteral("%1 of %2").arg(scanned).arg(mails)));
}

void TestMimeScanner::datesReadAsGMimeReadsThem_data()
{
    // The common form is read without GMime, the rest by GMime; the expected values are GMime's.
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("utc"); // empty: not a date
    const auto row = [](const char *text, const char *utc) {
        QTest::newRow(text) << QString::fromLatin1(text) << QString::fromLatin1(utc);
    };
    row("Thu, 29 Apr 2013 23:45:32 +0900", "2013-04-29T14:45:32Z");
    row("29 Apr 2013 23:45:32 +0900 (JST)", "2013-04-29T14:45:32Z");
    row("Sat, 1 Mar 2014 00:00:00 -0130", "2014-03-01T01:30:00Z");
    row("Thu, 29 Feb 2024 12:00:00 +0000", "2024-02-29T12:00:00Z");
    row("Thu, 30 Feb 2023 12:00:00 +0000", "");
    row("Thu, 29 Apr 2013 24:00:00 +0900", "");
    row("Thu, 29 Apr 13 23:45:32 +0900", "2013-04-29T14:45:32Z");
    row("Thu, 29 Apr 2013 23:45:32 JST", "2013-04-29T23:45:32Z");
    row("Thu, 29 Apr 2013 23:45 +0900", "2013-04-29T14:45:00Z");
    row("Thu,  6 Nov 2018 23:34:45 +0900 (JST)", "2018-11-06T14:34:45Z");
    row("Thu,   6 Nov 2018 23:34:45 +0900", "2018-11-06T14:34:45Z");
    row("Thu, 29 Apr 2009 10:00:00 GMT", "2009-04-29T10:00:00Z");
    row("Thu, 29 Apr 2009 10:00:00 GMT (x)", "2009-04-29T10:00:00Z");
    row("Thu, 20 Apr 2008 23:34:45 UT", "2008-04-20T23:34:45Z");
    row("Thu, 29 Apr 2009 10:00:00 UTC", "2009-04-29T10:00:00Z");
    row("Thu, 29 Apr 2009 10:00:00 GMTX", "2009-04-29T10:00:00Z");
    row("Thu,  6 Nov 2018 23:34:45 GMT+0100", "2018-11-06T23:34:45Z");
}

void TestMimeScanner::datesReadAsGMimeReadsThem()
{
    QFETCH(QString, text);
    QFETCH(QString, utc);
    QCOMPARE(MimeMessage::parseDate(text).toString(Qt::ISODate), utc);
}

void TestMimeScanner::latin1ReadAsGMimeConvertsIt_data()
{
    QTest::addColumn<QByteArray>("charset");
    for (const char *name : { "iso-8859-1", "ISO-8859-1", "iso8859-1", "ISO_8859-1", "latin1", "Latin1" })
        QTest::newRow(name) << QByteArray(name);
}

// The charsets decodeText reads as Latin-1 without iconv: every byte, NUL and the C1 controls too, as GMime's
// converter makes them, whatever the transfer encoding; and nothing else is taken for Latin-1.
void TestMimeScanner::latin1ReadAsGMimeConvertsIt()
{
    QFETCH(QByteArray, charset);
    QVERIFY(MimeText::isLatin1(charset.constData()));
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    all += all;
    GMimeFilter *filter = MimeText::charsetFilter(charset.constData());
    QVERIFY(filter);
    char *out = nullptr;
    size_t outLength = 0;
    size_t outPrespace = 0;
    QByteArray in = all;
    g_mime_filter_complete(filter, in.data(), size_t(in.size()), 0, &out, &outLength, &outPrespace);
    const QString viaGMime = QString::fromUtf8(out, qsizetype(outLength));
    bool truncated = false;
    QCOMPARE(MimeText::decodeText(all, MimeText::TransferEncoding::Identity, charset.constData(), 1 << 20, &truncated),
        viaGMime);
    QCOMPARE(MimeText::decodeText(
                 all.toBase64(), MimeText::TransferEncoding::Base64, charset.constData(), 1 << 20, &truncated),
        viaGMime);
    QCOMPARE(MimeText::decodeText(all, MimeText::TransferEncoding::Identity, charset.constData(), 100, &truncated),
        viaGMime.left(100));
    QVERIFY(truncated);
    for (const char *other : { "windows-1252", "iso-8859-15", "iso-8859-10", "latin-1x", "utf-8" })
        QVERIFY(!MimeText::isLatin1(other));
}

void TestMimeScanner::asciiInCompatibleCharsetReadAsGMimeConvertsIt_data()
{
    QTest::addColumn<QByteArray>("charset");
    for (const char *name :
        { "iso-2022-jp", "ISO-2022-JP", "iso-8859-15", "ISO8859-2", "iso_8859-7", "windows-1252", "Windows-1251" })
        QTest::newRow(name) << QByteArray(name);
}

// The charsets whose ASCII text decodeText takes as it is, without iconv: random texts of ASCII bytes (NUL, the
// controls, SO and SI among them), some with an ESC or a byte above 0x7f (which go to iconv), read as GMime's
// converter reads them, unencoded and in base64 and quoted-printable, whole and truncated; Japanese text with its
// escape sequences is still converted; and no charset that differs from ASCII below 0x80 is taken.
void TestMimeScanner::asciiInCompatibleCharsetReadAsGMimeConvertsIt()
{
    QFETCH(QByteArray, charset);
    QVERIFY(MimeText::isAsciiCompatible(charset.constData()));
    const auto viaGMime = [&charset](QByteArray bytes) {
        GMimeFilter *filter = MimeText::charsetFilter(charset.constData());
        char *out = nullptr;
        size_t outLength = 0;
        size_t outPrespace = 0;
        g_mime_filter_complete(filter, bytes.data(), size_t(bytes.size()), 0, &out, &outLength, &outPrespace);
        return QString::fromUtf8(out, qsizetype(outLength));
    };
    QVERIFY(MimeText::charsetFilter(charset.constData()));
    std::mt19937 random(20261203);
    const auto check = [&](const QByteArray &bytes) {
        bool truncated = false;
        const char *name = charset.constData();
        QCOMPARE(MimeText::decodeText(bytes, MimeText::TransferEncoding::Identity, name, 1 << 20, &truncated),
            viaGMime(bytes));
        QVERIFY(!truncated);
        QCOMPARE(MimeText::decodeText(bytes.toBase64(), MimeText::TransferEncoding::Base64, name, 1 << 20, &truncated),
            viaGMime(bytes));
        QByteArray quoted;
        for (const char c : bytes)
            quoted += "=" + QByteArray(1, c).toHex().toUpper();
        QCOMPARE(MimeText::decodeText(quoted, MimeText::TransferEncoding::QuotedPrintable, name, 1 << 20, &truncated),
            viaGMime(bytes));
        const qsizetype cut = bytes.size() / 2;
        QCOMPARE(MimeText::decodeText(bytes, MimeText::TransferEncoding::Identity, name, cut, &truncated),
            viaGMime(bytes.left(cut)));
        QCOMPARE(truncated, cut < bytes.size());
    };
    for (int round = 0; round < 500; ++round) {
        QByteArray bytes(qsizetype(random() % 300), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(random() % 4 ? 0x20 + random() % 0x5f : random() % 0x20);
        if (!bytes.isEmpty() && random() % 4 == 0)
            bytes[qsizetype(random() % size_t(bytes.size()))] = random() % 2 ? '\x1b' : char(0x80 + random() % 0x80);
        check(bytes);
    }
    if (charset.startsWith("iso-2022") || charset.startsWith("ISO-2022"))
        check(QByteArray("Mail \x1b$B%a!<%k\x1b(B to user@example.jp"));
    for (const char *other : { "shift_jis", "iso-2022-kr", "iso-2022-jp-2", "utf-7", "unicode-1-1-utf-7", "utf-16",
             "euc-jp", "iso-8859", "windows-874" })
        QVERIFY2(!MimeText::isAsciiCompatible(other), other);
}

void TestMimeScanner::lineEndingsNormalizedAnywhere()
{
    // By definition: CRLF and a lone CR become LF, every other byte stays. The copy goes 16 bytes a step up to each
    // CR: CRs and LFs at every offset of a step, at the ends and in runs.
    const auto reference = [](const QByteArray &in) {
        QByteArray out;
        for (qsizetype i = 0; i < in.size(); ++i) {
            if (in[i] != '\r') {
                out.append(in[i]);
                continue;
            }
            out.append('\n');
            if (i + 1 < in.size() && in[i + 1] == '\n')
                ++i;
        }
        return out;
    };
    static const char alphabet[] = "\r\n\r\nabc \xe9";
    std::mt19937 random(1204);
    std::uniform_int_distribution<size_t> pick(0, sizeof alphabet - 1); // the terminating NUL too
    for (int round = 0; round < 20000; ++round) {
        QByteArray in;
        const int size = int(random() % 80);
        const bool sparse = round % 2 == 0; // long runs without a CR, so that whole blocks are copied
        for (int i = 0; i < size; ++i)
            in.append(sparse && random() % 8 != 0 ? 'x' : alphabet[pick(random)]);
        const QByteArray out = MimeMessage::normalizeLineEndings(in);
        if (out != reference(in))
            QFAIL(qPrintable(QStringLiteral("differs on %1").arg(QString::fromLatin1(in.toPercentEncoding()))));
    }
}

void TestMimeScanner::bytesToTextFindsNonAsciiAnywhere()
{
    // The ASCII test reads 64 bytes a step, then 8, then 1: a non-ASCII byte at every offset of each stage.
    for (int size = 0; size <= 200; ++size) {
        const QByteArray ascii(size, 'a');
        QCOMPARE(MimeText::bytesToText(ascii), QString::fromLatin1(ascii));
        for (int at = 0; at < size; ++at) {
            QByteArray latin1 = ascii;
            latin1[at] = char(0xe9); // not valid UTF-8 alone: read as Latin-1
            QCOMPARE(MimeText::bytesToText(latin1), QString::fromLatin1(latin1));
            const QByteArray utf8 = ascii.left(at) + "\xc3\xa9" + ascii.mid(at + 1);
            QCOMPARE(MimeText::bytesToText(utf8), QString::fromUtf8(utf8));
        }
    }
}

void TestMimeScanner::fieldNameKeyIsLatin1Lowered()
{
    // What toLatin1().toLower() made, in one pass: ASCII letters lowered, other Latin-1 kept, the rest '?' per
    // UTF-16 unit (a surrogate pair gives two).
    for (const QString &name : { QStringLiteral("Final-Recipient"), QStringLiteral("x-powermta-BounceCategory"),
             QString::fromUtf8("X-\xc3\x84\xc3\xa4-Name"), QString::fromUtf8("A\xe2\x82\xac\xf0\x9f\x98\x80Z"),
             QString() })
        QCOMPARE(MimeText::fieldNameKey(name), QStringView(name).toLatin1().toLower());
    QCOMPARE(MimeText::fieldNameKey(u"Status"), QByteArray("status"));
}

void TestMimeScanner::originalHeadersFromAHeadersPart()
{
    // A text/rfc822-headers part gives the original's headers, split only when asked for; one without any field
    // leaves the place to the next original, as before.
    const QByteArray headersPart("From: a@example.org\nContent-Type: multipart/report; boundary=o\n\n--o\n"
                                 "Content-Type: text/rfc822-headers\n\nFrom: s@example.org\nTO: <x@example.com>\n"
                                 "Subject: first\n line two\n--o--\n");
    for (const MimeMessage &mail : { MimeMessage::parse(headersPart), viaGMime(headersPart) }) {
        QCOMPARE(mail.originalHeader("to"), QStringLiteral("<x@example.com>"));
        QCOMPARE(mail.originalHeader("subject"), QStringLiteral("first line two"));
        QCOMPARE(mail.originalHeader("cc"), QString());
        QCOMPARE(mail.originalHeaders().size(), 3);
        QCOMPARE(mail.originalHeaders()[1].first, QByteArray("to"));
    }
    const QByteArray emptyFirst("From: a@example.org\nContent-Type: multipart/report; boundary=o\n\n--o\n"
                                "Content-Type: text/rfc822-headers\n\nno field here\n--o\n"
                                "Content-Type: message/rfc822\n\nTo: y@example.com\n\nbody\n--o--\n");
    for (const MimeMessage &mail : { MimeMessage::parse(emptyFirst), viaGMime(emptyFirst) })
        QCOMPARE(mail.originalHeader("to"), QStringLiteral("y@example.com"));
    QCOMPARE(difference(MimeMessage::parse(emptyFirst), viaGMime(emptyFirst)), QString());
}

void TestMimeScanner::htmlDecodedOnlyWithoutPlainText_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("htmlRead");
    const auto mail = [](const QByteArray &parts) -> QByteArray {
        return QByteArray("From: a@example.org\nContent-Type: multipart/mixed; boundary=o\n\n") + parts + "--o--\n";
    };
    const char *html = "--o\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>550 5.1.1=\n"
                       " x@example.com</p>\n";
    const char *plain = "--o\nContent-Type: text/plain\n\n550 5.1.1 x@example.com\n";
    const char *plainInOriginal = "--o\nContent-Type: message/rfc822\n\nFrom: s@example.org\n"
                                  "Content-Type: text/plain\n\nhello\n";
    QTest::newRow("html only") << mail(html) << true;
    QTest::newRow("html, then plain text") << mail(QByteArray(html) + plain) << false;
    QTest::newRow("plain text, then html") << mail(QByteArray(plain) + html) << false;
    QTest::newRow("plain text only in the returned original") << mail(QByteArray(html) + plainInOriginal) << true;
    QTest::newRow("x-plain") << mail(QByteArray(html) + "--o\nContent-Type: text/x-plain\n\nnotice\n") << false;
}

void TestMimeScanner::htmlDecodedOnlyWithoutPlainText()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, htmlRead);
    MimeMessage fast;
    QVERIFY(MimeScanner::scan(prepared(raw), {}, fast));
    const MimeMessage gmime = viaGMime(raw);
    QCOMPARE(difference(fast, gmime), QString());
    const auto htmlPart = std::find_if(fast.parts().cbegin(), fast.parts().cend(),
        [](const MimePart &part) { return part.contentType == "text/html"; });
    QVERIFY(htmlPart != fast.parts().cend());
    QCOMPARE(readsHtmlNotice(fast.parts()), htmlRead);
    QCOMPARE(htmlPart->text.trimmed(), htmlRead ? QStringLiteral("<p>550 5.1.1 x@example.com</p>") : QString());
}

// Both paths decode the text and message parts outside the returned original, not an image or an attachment
// beside them (bounce reading reads no such part): those keep their type and place, with an empty text.
void TestMimeScanner::onlyTextAndMessagePartsDecoded()
{
    const QByteArray raw = "From: a@example.org\nContent-Type: multipart/mixed; boundary=o\n\n"
                           "--o\nContent-Type: text/plain\n\n550 5.1.1 x@example.com\n"
                           "--o\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
                           "--o\nContent-Type: application/ms-tnef\nContent-Transfer-Encoding: base64\n\neJ8+IgAA\n"
                           "--o\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\n"
                           "--o\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n"
                           "--o--\n";
    MimeMessage fast;
    QVERIFY(MimeScanner::scan(prepared(raw), {}, fast));
    const MimeMessage gmime = viaGMime(raw);
    QCOMPARE(difference(fast, gmime), QString());
    for (const MimeMessage *mail : { &std::as_const(fast), &gmime }) {
        QCOMPARE(mail->parts().size(), 5);
        QCOMPARE(mail->parts()[0].text.trimmed(), QStringLiteral("550 5.1.1 x@example.com"));
        QCOMPARE(mail->parts()[1].contentType, QByteArray("image/png"));
        QVERIFY(!mail->parts()[1].readsText());
        QVERIFY(mail->parts()[1].text.isEmpty());
        QCOMPARE(mail->parts()[2].contentType, QByteArray("application/ms-tnef"));
        QVERIFY(mail->parts()[2].text.isEmpty());
        QCOMPARE(mail->parts()[3].text.trimmed(), QStringLiteral("BEGIN:VCALENDAR"));
        QCOMPARE(mail->parts()[4].text.trimmed(), QStringLiteral("Status: 5.1.1"));
    }
}

void TestMimeScanner::headerTextSplitsAsBefore_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << QStringLiteral("From: a@example.org\nTo: b@example.org\n");
    QTest::newRow("crlf") << QStringLiteral("From: a@example.org\r\nTo: b@example.org\r\n\r\nBody: no\r\n");
    QTest::newRow("folded") << QStringLiteral("Subject: one\n  two\n\tthree\nX-A:  x  \n");
    QTest::newRow("blank continuation") << QStringLiteral("Subject: one\n   \nTo: b\n");
    QTest::newRow("leading blank lines") << QStringLiteral("\n\r\n  x\nFrom: a\n\nTo: b\n");
    QTest::newRow("no colon, colon first") << QStringLiteral("junk\n: empty name\n Name : Value \nÄÖ: ü\n");
    QTest::newRow("upper-case names") << QStringLiteral("MESSAGE-ID: <x@y>\nReceived: from a\n by b\n");
}

void TestMimeScanner::headerTextSplitsAsBefore()
{
    // The list-of-strings implementation parseHeaderText() had before it took lines as views.
    const auto before = [](const QString &text) {
        MimeText::HeaderList out;
        for (const QString &raw : text.split(u'\n')) {
            QString line = raw;
            if (line.endsWith(u'\r'))
                line.chop(1);
            if (line.isEmpty()) {
                if (!out.isEmpty())
                    break;
                continue;
            }
            if ((line.front() == u' ' || line.front() == u'\t') && !out.isEmpty()) {
                out.back().second += u' ' + line.trimmed();
                continue;
            }
            const qsizetype colon = line.indexOf(u':');
            if (colon <= 0)
                continue;
            out.append({ line.left(colon).trimmed().toLatin1().toLower(), line.mid(colon + 1).trimmed() });
        }
        return out;
    };
    QFETCH(QString, text);
    QCOMPARE(MimeText::parseHeaderText(text), before(text));
}

QTEST_GUILESS_MAIN(TestMimeScanner)
#include "tst_mimescanner.moc"
