#include <QTest>

#include "smtp/smtpreplyparser.h"

using Mailpulse::Smtp::SmtpReply;
using Mailpulse::Smtp::SmtpReplyParser;
using Error = SmtpReplyParser::Error;

namespace
{

// One reply as a line the rows can spell out: "code [enhanced] line1|line2".
QString describe(const SmtpReply &reply)
{
    return QStringLiteral("%1 [%2] %3").arg(reply.code).arg(reply.enhanced, reply.lines.join(QLatin1Char('|')));
}

struct Outcome {
    QStringList replies;
    Error error = Error::None;
    qsizetype pending = 0;
};

Outcome drain(SmtpReplyParser &parser)
{
    Outcome out;
    while (parser.hasReply())
        out.replies.append(describe(parser.takeReply()));
    out.error = parser.error();
    out.pending = parser.pendingBytes();
    return out;
}

// Feeds `input` cut at the given positions (each chunk in order), then drains.
Outcome parseChunks(const QByteArray &input, const QList<qsizetype> &cuts, SmtpReplyParser::Limits limits = {})
{
    SmtpReplyParser parser(limits);
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        parser.feed(QByteArrayView(input).sliced(from, cut - from));
        from = cut;
    }
    parser.feed(QByteArrayView(input).sliced(from));
    return drain(parser);
}

} // namespace

class TestSmtpReplyParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void splitAnywhere_data() { parse_data(); }
    void splitAnywhere();
    void oneByteAtATime_data() { parse_data(); }
    void oneByteAtATime();

    void rawKeepsBytes();
    void nonUtf8Text();
    void lineLengthLimit_data();
    void lineLengthLimit();
    void lineTooLongBeforeCrlf();
    void streamedMegabytesWithoutCrlf();
    void tooManyLines_data();
    void tooManyLines();
    void errorStateDropsInput();
    void offendingLineIsTruncated();
    void errorStrings();
    void repliesBeforeAnErrorStayTakeable();
    void discardPendingAfterStartTls();
    void discardPendingWithoutInjection();
    void discardPendingIsByteExact();
    void pendingBytesCountsTerminators();
    void resetClearsError();
};

void TestSmtpReplyParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("replies");
    QTest::addColumn<Error>("error");
    QTest::addColumn<qsizetype>("pending");

    const auto row
        = [](const char *name, const QByteArray &input, const QStringList &replies, Error error = Error::None,
              qsizetype pending = 0) { QTest::newRow(name) << input << replies << error << pending; };
    const auto l = [](const char *s) { return QString::fromUtf8(s); };

    row("greeting", "220 mx.example.com ESMTP ready\r\n", { l("220 [] mx.example.com ESMTP ready") });
    row("bare code", "250\r\n", { l("250 [] ") });
    row("code and space", "250 \r\n", { l("250 [] ") });
    row("bare code in multi-line", "250-first\r\n250\r\n", { l("250 [] first|") });
    row("ehlo multi-line", "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n",
        { l("250 [] mx.example.com|PIPELINING|SIZE 10240000|STARTTLS") });
    row("bare LF", "220 hello\n250-a\n250 b\n", { l("220 [] hello"), l("250 [] a|b") });
    row("mixed terminators", "250-a\r\n250-b\n250 c\r\n", { l("250 [] a|b|c") });
    row("bare CR is data", "250 a\rb\r\n", { l("250 [] a\rb") });
    row("CR CR LF keeps one CR", "250 a\r\r\n", { l("250 [] a\r") });
    row("pipelined in one chunk", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
        { l("250 [2.1.0] Ok"), l("250 [2.1.5] Ok"), l("354 [] End data with <CR><LF>.<CR><LF>") });
    row("enhanced code", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown\r\n",
        { l("550 [5.1.1] <nobody@example.com>: Recipient address rejected: User unknown") });
    row("enhanced on every line", "550-5.7.1 line one\r\n550-5.7.1 line two\r\n550 5.7.1 last\r\n",
        { l("550 [5.7.1] line one|line two|last") });
    row("enhanced on first line only", "250-2.0.0 first\r\n250 second\r\n", { l("250 [2.0.0] first|second") });
    row("other code on a later line stays", "550-5.1.1 a\r\n550 5.1.2 b\r\n", { l("550 [5.1.1] a|5.1.2 b") });
    row("enhanced alone", "421 4.3.2\r\n", { l("421 [4.3.2] ") });
    row("enhanced three-digit parts", "550 5.7.606 Access denied\r\n", { l("550 [5.7.606] Access denied") });
    row("enhanced 2.x on 2xx", "250 2.1.5 Ok\r\n", { l("250 [2.1.5] Ok") });
    row("enhanced class mismatch", "550 4.1.1 odd\r\n", { l("550 [] 4.1.1 odd") });
    row("no enhanced for 3xx", "354 3.0.0 go ahead\r\n", { l("354 [] 3.0.0 go ahead") });
    row("enhanced with four digits", "550 5.1.1000 x\r\n", { l("550 [] 5.1.1000 x") });
    row("enhanced glued to text", "550 5.1.1x\r\n", { l("550 [] 5.1.1x") });
    row("enhanced not leading", "550 user 5.1.1 unknown\r\n", { l("550 [] user 5.1.1 unknown") });
    row("enhanced missing detail", "550 5.1. x\r\n", { l("550 [] 5.1. x") });
    row("enhanced after two spaces", "550  5.1.1 x\r\n", { l("550 []  5.1.1 x") });
    row("incomplete line", "250 partial", {}, Error::None, 11);
    row("incomplete multi-line", "250-a\r\n250-b\r\n250 c", {}, Error::None, 7 + 7 + 5);
    row("complete then incomplete", "220 hi\r\n250-a\n", { l("220 [] hi") }, Error::None, 6);
    row("empty line", "\r\n", {}, Error::Malformed);
    row("letters", "abc def\r\n", {}, Error::Malformed);
    row("two digits", "25\r\n", {}, Error::Malformed);
    row("four digits", "2500 x\r\n", {}, Error::Malformed);
    row("bad separator", "250_x\r\n", {}, Error::Malformed);
    row("tab separator", "250\tx\r\n", {}, Error::Malformed);
    row("leading space", " 250 x\r\n", {}, Error::Malformed);
    row("1xx", "199 x\r\n", {}, Error::Malformed);
    row("6xx", "600 x\r\n", {}, Error::Malformed);
    row("0xx", "099 x\r\n", {}, Error::Malformed);
    row("code changes mid-reply", "250-a\r\n251 b\r\n", {}, Error::Malformed);
    row("good then malformed then dropped", "250 ok\r\nxyz\r\n250 after\r\n", { l("250 [] ok") }, Error::Malformed);
}

void TestSmtpReplyParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, replies);
    QFETCH(Error, error);
    QFETCH(qsizetype, pending);

    SmtpReplyParser parser;
    QCOMPARE(parser.feed(input), error == Error::None);
    const Outcome out = drain(parser);
    QCOMPARE(out.replies, replies);
    QCOMPARE(out.error, error);
    QCOMPARE(out.pending, pending);
    QCOMPARE(parser.errorString().isEmpty(), error == Error::None);
    // With every reply taken, what is pending is exactly the tail of the input.
    QCOMPARE(parser.discardPending(), error == Error::None ? input.right(pending) : QByteArray());
}

void TestSmtpReplyParser::splitAnywhere()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, replies);
    QFETCH(Error, error);
    QFETCH(qsizetype, pending);

    for (qsizetype cut = 0; cut <= input.size(); ++cut) {
        const Outcome out = parseChunks(input, { cut });
        QVERIFY2(out.replies == replies, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QCOMPARE(out.error, error);
        QCOMPARE(out.pending, pending);
    }
    for (qsizetype a = 0; a <= input.size(); ++a) {
        for (qsizetype b = a; b <= input.size(); ++b) {
            const Outcome out = parseChunks(input, { a, b });
            QVERIFY2(out.replies == replies, qPrintable(QStringLiteral("cuts at %1, %2").arg(a).arg(b)));
            QCOMPARE(out.error, error);
        }
    }
}

void TestSmtpReplyParser::oneByteAtATime()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, replies);
    QFETCH(Error, error);
    QFETCH(qsizetype, pending);

    SmtpReplyParser parser;
    for (char c : std::as_const(input))
        parser.feed(QByteArrayView(&c, 1));
    const Outcome out = drain(parser);
    QCOMPARE(out.replies, replies);
    QCOMPARE(out.error, error);
    QCOMPARE(out.pending, pending);
}

void TestSmtpReplyParser::rawKeepsBytes()
{
    SmtpReplyParser parser;
    QVERIFY(parser.feed("250-2.0.0 first\r\n250-second\n250 2.0.0 third\r\n"));
    QVERIFY(parser.hasReply());
    const SmtpReply reply = parser.takeReply();
    QCOMPARE(reply.raw, (QByteArrayList { "250-2.0.0 first", "250-second", "250 2.0.0 third" }));
    QCOMPARE(reply.lines, (QStringList { QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third") }));
    QCOMPARE(reply.text(), QStringLiteral("first second third"));
    QVERIFY(reply.isValid());
    QVERIFY(reply.isPositive());
    QCOMPARE(reply.codeClass(), 2);
}

void TestSmtpReplyParser::nonUtf8Text()
{
    SmtpReplyParser parser;
    const QByteArray line = QByteArray("550 5.1.1 caf\xe9 \xff\xfe\x00 x", 20);
    QVERIFY(parser.feed(QByteArray(line + "\r\n")));
    const SmtpReply reply = parser.takeReply();
    QCOMPARE(reply.code, 550);
    QCOMPARE(reply.enhanced, QStringLiteral("5.1.1"));
    QCOMPARE(reply.raw, QByteArrayList { line });
    QVERIFY(reply.lines.at(0).startsWith(QStringLiteral("caf")));
    QVERIFY(reply.lines.at(0).contains(QChar::ReplacementCharacter));
    QVERIFY(reply.lines.at(0).endsWith(QStringLiteral(" x")));
}

void TestSmtpReplyParser::lineLengthLimit_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Error>("error");

    // The limit is 10 bytes without the terminator.
    QTest::newRow("exactly the limit") << QByteArray("250 abcdef\r\n") << Error::None;
    QTest::newRow("exactly the limit, LF") << QByteArray("250 abcdef\n") << Error::None;
    QTest::newRow("one over") << QByteArray("250 abcdefg\r\n") << Error::LineTooLong;
    QTest::newRow("one over, LF") << QByteArray("250 abcdefg\n") << Error::LineTooLong;
    QTest::newRow("limit plus CR, no LF yet") << QByteArray("250 abcdef\r") << Error::None;
    QTest::newRow("limit plus CR plus data") << QByteArray("250 abcdef\rx") << Error::LineTooLong;
    QTest::newRow("one over, unterminated") << QByteArray("250 abcdefg") << Error::LineTooLong;
    QTest::newRow("second line over") << QByteArray("250-abcdef\r\n250 abcdefgh\r\n") << Error::LineTooLong;
}

void TestSmtpReplyParser::lineLengthLimit()
{
    QFETCH(QByteArray, input);
    QFETCH(Error, error);

    const SmtpReplyParser::Limits limits { 10, 100 };
    for (qsizetype cut = 0; cut <= input.size(); ++cut) {
        const Outcome out = parseChunks(input, { cut }, limits);
        QCOMPARE(out.error, error);
    }
    SmtpReplyParser parser(limits);
    for (char c : std::as_const(input)) {
        parser.feed(QByteArrayView(&c, 1));
        QVERIFY(parser.bufferedLineBytes() <= limits.maxLineLength + 1);
    }
    QCOMPARE(parser.error(), error);
}

void TestSmtpReplyParser::lineTooLongBeforeCrlf()
{
    SmtpReplyParser parser;
    const qsizetype limit = parser.limits().maxLineLength;
    QVERIFY(parser.feed(QByteArray(QByteArray("250 ") + QByteArray(limit - 4, 'a'))));
    QCOMPARE(parser.bufferedLineBytes(), limit);
    // One more byte that is not CR is already too much: no need to wait for a terminator that may never come.
    QVERIFY(!parser.feed("b"));
    QCOMPARE(parser.error(), Error::LineTooLong);
    QCOMPARE(parser.bufferedLineBytes(), 0);
    QCOMPARE(parser.offendingLine().size(), 200);
    QVERIFY(parser.offendingLine().startsWith("250 aaa"));
}

void TestSmtpReplyParser::streamedMegabytesWithoutCrlf()
{
    constexpr qsizetype Chunk = 64 * 1024;
    constexpr qsizetype Total = 10 * 1024 * 1024;
    SmtpReplyParser parser;
    const qsizetype limit = parser.limits().maxLineLength;
    const QByteArray chunk(Chunk, 'x');
    qsizetype fed = 0;
    qsizetype failedAfter = -1;
    while (fed < Total) {
        const bool ok = parser.feed(chunk);
        fed += chunk.size();
        QVERIFY(parser.bufferedLineBytes() <= limit + Chunk);
        QVERIFY(parser.pendingBytes() <= limit + Chunk);
        if (!ok && failedAfter < 0)
            failedAfter = fed;
    }
    QCOMPARE(parser.error(), Error::LineTooLong);
    QCOMPARE(failedAfter, Chunk); // stopped in the first chunk, not at the end of the stream
    QCOMPARE(parser.errorString(), QStringLiteral("reply line longer than 4096 bytes"));
    QVERIFY(!parser.hasReply());
}

void TestSmtpReplyParser::tooManyLines_data()
{
    QTest::addColumn<int>("lines");
    QTest::addColumn<Error>("error");

    QTest::newRow("at the limit") << 3 << Error::None;
    QTest::newRow("one more") << 4 << Error::TooManyLines;
    QTest::newRow("many more") << 50 << Error::TooManyLines;
}

void TestSmtpReplyParser::tooManyLines()
{
    QFETCH(int, lines);
    QFETCH(Error, error);

    QByteArray input;
    for (int i = 1; i < lines; ++i)
        input += "250-line\r\n";
    input += "250 last\r\n";
    SmtpReplyParser parser(SmtpReplyParser::Limits { 4096, 3 });
    QCOMPARE(parser.feed(input), error == Error::None);
    QCOMPARE(parser.error(), error);
    QCOMPARE(parser.hasReply(), error == Error::None);
    if (error != Error::None) {
        QCOMPARE(parser.pendingBytes(), 0);
        QCOMPARE(parser.errorString(), QStringLiteral("reply with more than 3 lines"));
    }
}

void TestSmtpReplyParser::errorStateDropsInput()
{
    SmtpReplyParser parser;
    QVERIFY(!parser.feed("hello\r\n"));
    QCOMPARE(parser.error(), Error::Malformed);
    QVERIFY(!parser.feed("250 fine\r\n"));
    QVERIFY(!parser.feed("250 partial"));
    QVERIFY(!parser.hasReply());
    QCOMPARE(parser.pendingBytes(), 0);
    QCOMPARE(parser.bufferedLineBytes(), 0);
    QCOMPARE(parser.offendingLine(), QByteArray("hello"));
}

void TestSmtpReplyParser::offendingLineIsTruncated()
{
    SmtpReplyParser parser;
    QVERIFY(!parser.feed(QByteArray("25x" + QByteArray(1000, 'z') + "\r\n")));
    QCOMPARE(parser.error(), Error::Malformed);
    QCOMPARE(parser.offendingLine().size(), 200);
    QVERIFY(parser.offendingLine().startsWith("25xzz"));
}

void TestSmtpReplyParser::errorStrings()
{
    SmtpReplyParser parser;
    QCOMPARE(parser.errorString(), QString());
    parser.feed("250-a\r\n251 b\r\n");
    QCOMPARE(
        parser.errorString(), QStringLiteral("malformed reply line: reply code changes inside a multi-line reply"));
    parser.reset();
    parser.feed("150 x\r\n");
    QCOMPARE(parser.errorString(), QStringLiteral("malformed reply line: reply code outside 200-599"));
    parser.reset();
    parser.feed("2x0 x\r\n");
    QCOMPARE(parser.errorString(), QStringLiteral("malformed reply line: no 3-digit reply code"));
    parser.reset();
    parser.feed("250:x\r\n");
    QCOMPARE(parser.errorString(), QStringLiteral("malformed reply line: no space or hyphen after the reply code"));
}

void TestSmtpReplyParser::repliesBeforeAnErrorStayTakeable()
{
    SmtpReplyParser parser;
    QVERIFY(!parser.feed("250 2.1.0 Ok\r\n250-x\r\n999 bad\r\n"));
    QVERIFY(parser.hasReply());
    QCOMPARE(describe(parser.takeReply()), QStringLiteral("250 [2.1.0] Ok"));
    QVERIFY(!parser.hasReply());
    QCOMPARE(parser.pendingBytes(), 0);
}

void TestSmtpReplyParser::discardPendingAfterStartTls()
{
    // CVE-2011-0411 class: a man in the middle appends commands' replies to the 220 that answers STARTTLS.
    // After taking the 220 the probe discards everything else and reports it; none of it may be interpreted.
    SmtpReplyParser parser;
    QVERIFY(parser.feed("220 2.0.0 Ready to start TLS\r\n250 injected\r\n250-also\n250-part"));
    QVERIFY(parser.hasReply());
    QCOMPARE(describe(parser.takeReply()), QStringLiteral("220 [2.0.0] Ready to start TLS"));
    // Pending: the unfinished reply's line (with its bare LF) and the partial line; not the complete reply.
    QCOMPARE(parser.pendingBytes(), qsizetype(9 + 8));
    QVERIFY(parser.hasReply());
    const QByteArray injected = parser.discardPending();
    // Complete replies not taken are dropped too; everything comes back exactly as it was received.
    QCOMPARE(injected, QByteArray("250 injected\r\n250-also\n250-part"));
    QVERIFY(!parser.hasReply());
    QCOMPARE(parser.pendingBytes(), 0);
    QCOMPARE(parser.error(), Error::None);

    // The parser is usable afterwards (for the post-TLS conversation).
    QVERIFY(parser.feed("250 fresh\r\n"));
    QCOMPARE(describe(parser.takeReply()), QStringLiteral("250 [] fresh"));
}

void TestSmtpReplyParser::discardPendingWithoutInjection()
{
    SmtpReplyParser parser;
    QVERIFY(parser.feed("220 Ready\r\n"));
    parser.takeReply();
    QCOMPARE(parser.pendingBytes(), 0);
    QCOMPARE(parser.discardPending(), QByteArray());
}

void TestSmtpReplyParser::discardPendingIsByteExact()
{
    const QByteArray input("220 x\r\n250 a\r\r\n250-b\n250 c\r\n250-d\r\n250 e");
    for (qsizetype cut = 0; cut <= input.size(); ++cut) {
        SmtpReplyParser parser;
        parser.feed(QByteArrayView(input).first(cut));
        parser.feed(QByteArrayView(input).sliced(cut));
        QCOMPARE(parser.discardPending(), input);
        QVERIFY(!parser.hasReply());
        QCOMPARE(parser.pendingBytes(), 0);
    }
}

void TestSmtpReplyParser::pendingBytesCountsTerminators()
{
    SmtpReplyParser parser;
    QVERIFY(parser.feed("250-a\r\n250-b\n250 c"));
    QCOMPARE(parser.pendingBytes(), qsizetype(7 + 6 + 5));
    QVERIFY(parser.feed("\r\n"));
    QCOMPARE(parser.pendingBytes(), 0);
    QVERIFY(parser.hasReply());
}

void TestSmtpReplyParser::resetClearsError()
{
    SmtpReplyParser parser;
    QVERIFY(!parser.feed("bad\r\n"));
    parser.reset();
    QCOMPARE(parser.error(), Error::None);
    QVERIFY(parser.offendingLine().isEmpty());
    QVERIFY(parser.feed("250 ok\r\n"));
    QVERIFY(parser.hasReply());
}

QTEST_GUILESS_MAIN(TestSmtpReplyParser)
#include "tst_smtpreplyparser.moc"
