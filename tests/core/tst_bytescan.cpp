#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <QRegularExpression>
#include <QStringTokenizer>
#include <QTest>

#include "bounce/asciimatch.h"
#include "bounce/bytescan.h"
#include "bounce/ngramfilter.h"

using namespace Mailpulse::Bounce;

namespace
{

// What memmem (ByteScan::find) answers, by the definition: the leftmost position at or after `from`.
qsizetype naiveFind(std::string_view s, std::string_view needle, qsizetype from)
{
    if (from < 0 || from >= qsizetype(s.size()))
        return -1;
    const size_t at = s.find(needle, size_t(from));
    return at == std::string_view::npos ? -1 : qsizetype(at);
}

QByteArrayView view(std::string_view s) { return QByteArrayView(s.data(), qsizetype(s.size())); }

std::string asciiLower(const QString &text)
{
    std::string out = text.toStdString();
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    return out;
}

// The expressions AsciiMatch stands in for, as bounce reading had them, each with its stand-in.
struct Expression {
    const char *name;
    QRegularExpression expression;
    bool (*inAscii)(std::string_view);
};

const std::vector<Expression> &expressions()
{
    static const std::vector<Expression> list = [] {
        const auto ci = QRegularExpression::CaseInsensitiveOption;
        std::vector<Expression> out;
        out.push_back({ "data",
            QRegularExpression(QStringLiteral("end of data|after data|in reply to data|data command|"
                                              "after end of|>>> data|\\bdata\\b:"),
                ci),
            AsciiMatch::data });
        out.push_back({ "rcpt", QRegularExpression(QStringLiteral("\\brcpt(?![a-z])(?!\\s*to:\\s*[^<\\s])"), ci),
            AsciiMatch::rcpt });
        out.push_back({ "mail", QRegularExpression(QStringLiteral("mail from(?!:\\s*[^<\\s])|\\bmail command"), ci),
            AsciiMatch::mail });
        out.push_back({ "helo", QRegularExpression(QStringLiteral("\\b(?:helo|ehlo)\\b"), ci), AsciiMatch::helo });
        out.push_back({ "conn", QRegularExpression(QStringLiteral("initial connection|after connect|greeting"), ci),
            AsciiMatch::conn });
        out.push_back({ "error", QRegularExpression(QStringLiteral("\\berror\\b"), ci),
            [](std::string_view s) { return AsciiMatch::hasWord(s, "error"); } });
        return out;
    }();
    return list;
}

} // namespace

class TestByteScan : public QObject
{
    Q_OBJECT

private slots:
    void findInShort_data();
    void findInShort();
    void findInShortAgreesWithMemmem();
    void asciiMatch_data();
    void asciiMatch();
    void asciiMatchAgreesWithExpressions();
    void replyCodeOnly_data();
    void replyCodeOnly();
    void withoutCodesAfterSpace_data();
    void withoutCodesAfterSpace();
    void findChar16();
    void forEachLine();
    void findCodeStart();
    void lowerAsciiInto();
    void toLower();
    void loweredSearchIsCaseInsensitiveContains();
    void equalsCi();
    void isSimplified();
    void ngramFilterKeepsEveryOccurrence();
    void isVisibleAscii();
};

void TestByteScan::findInShort_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("needle");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("expected");

    QTest::newRow("empty text") << QByteArray() << QByteArray("ab") << 0 << -1;
    QTest::newRow("empty needle") << QByteArray("abc") << QByteArray() << 1 << 1;
    QTest::newRow("one byte") << QByteArray("abcabc") << QByteArray("c") << 3 << 5;
    QTest::newRow("needle longer") << QByteArray("abc") << QByteArray("abcd") << 0 << -1;
    QTest::newRow("whole text") << QByteArray("user unknown") << QByteArray("user unknown") << 0 << 0;
    QTest::newRow("at the end") << QByteArray(40, 'x') + "mailbox full" << QByteArray("mailbox full") << 0 << 40;
    QTest::newRow("two bytes") << QByteArray(33, 'a') + "ab" << QByteArray("ab") << 0 << 33;
    QTest::newRow("first and last match, middle not")
        << QByteArray("rxxxxr ruser r") + QByteArray(20, ' ') + "rcpt r" << QByteArray("rcpt r") << 0 << 34;
    QTest::newRow("after from") << QByteArray("data data data") << QByteArray("data") << 1 << 5;
    QTest::newRow("from past the end") << QByteArray("data") << QByteArray("data") << 4 << -1;
    QTest::newRow("negative from") << QByteArray("data") << QByteArray("data") << -1 << -1;
    QTest::newRow("non-ASCII bytes") << QByteArray("\x80\xff\x80 gr\xc3\xb6\xc3\x9f"
                                                   "e\x80",
        13) << QByteArray("gr\xc3\xb6")
                                     << 0 << 4;
}

void TestByteScan::findInShort()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, needle);
    QFETCH(int, from);
    QFETCH(int, expected);
    QCOMPARE(ByteScan::findInShort(text, needle, from), qsizetype(expected));
    QCOMPARE(ByteScan::find(text, needle, from), qsizetype(expected));
}

void TestByteScan::findInShortAgreesWithMemmem()
{
    // Texts of a few letters, so that needles occur, nearly occur (first and last byte alike) and overlap; lengths
    // across several 16-byte blocks and the tail.
    std::mt19937 random(20261202);
    const std::string_view alphabet = "ab \x80";
    const auto text = [&](size_t size) {
        std::string out(size, 'a');
        for (char &c : out)
            c = alphabet[random() % alphabet.size()];
        return out;
    };
    for (int round = 0; round < 20000; ++round) {
        const std::string s = text(random() % 200);
        std::string needle = text(1 + random() % 24);
        if (!s.empty() && random() % 2) {
            // A needle taken from the text: found at least once.
            const size_t at = random() % s.size();
            needle = s.substr(at, 1 + random() % 24);
        }
        const qsizetype from = s.empty() ? 0 : qsizetype(random() % (s.size() + 1));
        const qsizetype expected = naiveFind(s, needle, from);
        QCOMPARE(ByteScan::findInShort(view(s), view(needle), from), expected);
        QCOMPARE(ByteScan::find(view(s), view(needle), from), expected);
    }
}

void TestByteScan::asciiMatch_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("matching"); // the names of the expressions that match, space-separated

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("data colon at start") << QStringLiteral("DATA: 554 rejected") << QStringLiteral("data");
    QTest::newRow("data colon inside a word") << QStringLiteral("metadata: x") << QString();
    QTest::newRow("data colon after underscore") << QStringLiteral("x_data: x") << QString();
    QTest::newRow("end of data") << QStringLiteral("550 after END OF DATA") << QStringLiteral("data");
    QTest::newRow("rcpt with brackets") << QStringLiteral("RCPT TO:<a@x>") << QStringLiteral("rcpt");
    QTest::newRow("rcpt bare argument") << QStringLiteral("RCPT TO: a@x") << QString();
    QTest::newRow("rcpt bare after spaces") << QStringLiteral("rcpt \t to:\n\v a@x") << QString();
    QTest::newRow("rcpt to at the end") << QStringLiteral("rcpt to:  ") << QStringLiteral("rcpt");
    QTest::newRow("rcpt followed by a letter") << QStringLiteral("rcpts") << QString();
    QTest::newRow("rcpt followed by a digit") << QStringLiteral("rcpt2") << QStringLiteral("rcpt");
    QTest::newRow("rcpt second occurrence") << QStringLiteral("rcpt to: a@x, then RCPT:") << QStringLiteral("rcpt");
    QTest::newRow("mail from bare") << QStringLiteral("MAIL FROM: a@x") << QString();
    QTest::newRow("mail from bracketed") << QStringLiteral("MAIL FROM:<a@x>") << QStringLiteral("mail");
    QTest::newRow("mail from without colon") << QStringLiteral("mail from x") << QStringLiteral("mail");
    QTest::newRow("mail command") << QStringLiteral("in reply to MAIL command") << QStringLiteral("mail");
    QTest::newRow("email command") << QStringLiteral("email command") << QString();
    QTest::newRow("helo word") << QStringLiteral("bad HELO name") << QStringLiteral("helo");
    QTest::newRow("helo inside a word") << QStringLiteral("hello") << QString();
    QTest::newRow("ehlo at the end") << QStringLiteral("after EHLO") << QStringLiteral("helo");
    QTest::newRow("greeting") << QStringLiteral("lost connection after greeting") << QStringLiteral("conn");
    QTest::newRow("error word") << QStringLiteral("Error: x") << QStringLiteral("error");
    QTest::newRow("error inside a word") << QStringLiteral("errors, error_x") << QString();
    QTest::newRow("several") << QStringLiteral("rcpt:<a> error data: helo") << QStringLiteral("data rcpt helo error");
}

// Each stand-in against its expression on given texts (ASCII, as AsciiMatch requires).
void TestByteScan::asciiMatch()
{
    QFETCH(QString, text);
    QFETCH(QString, matching);
    const QStringList names = matching.split(u' ', Qt::SkipEmptyParts);
    const std::string lower = asciiLower(text);
    for (const Expression &e : expressions()) {
        const bool expected = names.contains(QLatin1String(e.name));
        QCOMPARE(e.expression.match(text).hasMatch(), expected);
        QVERIFY2(e.inAscii(lower) == expected, e.name);
    }
}

// Random texts made of the pieces the expressions look at: every stand-in answers as its expression does.
void TestByteScan::asciiMatchAgreesWithExpressions()
{
    const char *const pieces[] = { "rcpt", "RCPT", "Rcpt", "to", "TO", ":", " ", "\t", "\n", "\v", "\r", "<", ">",
        "a@x", "data", "DATA", "end of", "END OF ", "after", " data", "in reply to", "mail from", "MAIL", " from",
        "command", "helo", "EHLO", "_", "x", "s", "1", "-", ">>>", "error", "errors", "initial connection",
        "after connect", "greeting", ".", "e", "l", "o" };
    std::mt19937 random(20261203);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 9);
    for (int round = 0; round < 20000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += QLatin1String(pieces[piece(random)]);
        const std::string lower = asciiLower(text);
        for (const Expression &e : expressions()) {
            if (e.inAscii(lower) != e.expression.match(text).hasMatch())
                QFAIL(qPrintable(QStringLiteral("%1 differs on \"%2\"").arg(QLatin1String(e.name), text)));
        }
    }
    // Text with other characters, as ByteScan::lowerAsciiInto lowers it (each non-ASCII unit as 0x80): the stand-ins
    // answer as the expressions wherever standsInFor() says so, which is everywhere but where U+212A or U+017F is.
    // Non-ASCII letters, digits and spaces (NBSP, NEL, ideographic space), 'İ' and 'ı', a surrogate pair, next to
    // the words and around the word boundaries and the argument after "to:".
    const char16_t *const others[] = { u"\u00e9", u"\u00a0", u"\u0085", u"\u3000", u"\u0130", u"\u0131", u"\u212a",
        u"\u017f", u"\u65e5\u672c", u"\U0001f600", u"\u0661", u"\u00c9" };
    std::uniform_int_distribution<size_t> other(0, std::size(others) - 1);
    int checked = 0;
    for (int round = 0; round < 20000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n) {
            if (random() % 3 == 0)
                text += QStringView(others[other(random)]);
            else
                text += QLatin1String(pieces[piece(random)]);
        }
        const bool standsIn = AsciiMatch::standsInFor(text);
        QCOMPARE(standsIn, !text.contains(u'\u212a') && !text.contains(u'\u017f'));
        if (!standsIn)
            continue;
        std::string lower(size_t(text.size()), '\0');
        ByteScan::lowerAsciiInto(text, lower.data());
        for (const Expression &e : expressions()) {
            if (e.inAscii(lower) != e.expression.match(text).hasMatch())
                QFAIL(qPrintable(QStringLiteral("%1 differs on \"%2\"").arg(QLatin1String(e.name), text)));
        }
        ++checked;
    }
    QVERIFY(checked > 10000);
    // Where they differ: "rcpt" before a letter is no command, and U+212A is one to the expression.
    QVERIFY(!AsciiMatch::standsInFor(u"RCPT\u212a"));
    QVERIFY(!QRegularExpression(QStringLiteral("\\brcpt(?![a-z])"), QRegularExpression::CaseInsensitiveOption)
                 .match(u"RCPT\u212a")
                 .hasMatch());
}

void TestByteScan::replyCodeOnly_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("code") << QStringLiteral("550");
    QTest::newRow("code and status") << QStringLiteral("550 5.1.1");
    QTest::newRow("dash") << QStringLiteral("550-5.1.1");
    QTest::newRow("long numbers") << QStringLiteral("451 4.123.456");
    QTest::newRow("too long a number") << QStringLiteral("451 4.1234.5");
    QTest::newRow("too long a detail") << QStringLiteral("451 4.1.2345");
    QTest::newRow("no detail") << QStringLiteral("451 4.1.");
    QTest::newRow("wrong class") << QStringLiteral("350");
    QTest::newRow("status class 3") << QStringLiteral("550 3.1.1");
    QTest::newRow("four digits") << QStringLiteral("5500");
    QTest::newRow("text after") << QStringLiteral("550 5.1.1 x");
    QTest::newRow("space only") << QStringLiteral("550 ");
    QTest::newRow("non-ASCII digit") << QStringLiteral("55\u0661");
    QTest::newRow("non-ASCII after") << QStringLiteral("550 5.1.1\u00e9");
}

// AsciiMatch::isReplyCodeOnly against its expression, on given texts and on random ones.
void TestByteScan::replyCodeOnly()
{
    static const QRegularExpression codeOnly(
        QStringLiteral("^[245][0-9][0-9](?:[ \\-][245]\\.[0-9]{1,3}\\.[0-9]{1,3})?$"));
    QFETCH(QString, text);
    QCOMPARE(AsciiMatch::isReplyCodeOnly(text), codeOnly.match(text).hasMatch());

    const char16_t pieces[] = { u'2', u'4', u'5', u'0', u'9', u'1', u' ', u'-', u'.', u'x', u'\u0661' };
    std::mt19937 random(7);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 14);
    for (int round = 0; round < 5000; ++round) {
        QString t;
        for (int n = length(random); n > 0; --n)
            t += QChar(pieces[piece(random)]);
        if (AsciiMatch::isReplyCodeOnly(t) != codeOnly.match(t).hasMatch())
            QFAIL(qPrintable(QStringLiteral("differs on \"%1\"").arg(t)));
    }
}

void TestByteScan::withoutCodesAfterSpace_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("no code") << QStringLiteral("mailbox unavailable");
    QTest::newRow("first code kept") << QStringLiteral("550 5.1.1 no such user");
    QTest::newRow("repeats") << QStringLiteral(
        "550-5.7.1 Messages with multiple 550-5.7.1 addresses 550 5.7.1 in From");
    QTest::newRow("back to back") << QStringLiteral("x 550 550 550-451 4.2.2 y");
    QTest::newRow("code only at end") << QStringLiteral("x 550 ");
    QTest::newRow("too short at end") << QStringLiteral("x 550");
    QTest::newRow("status without space") << QStringLiteral("x 550 5.1.1");
    QTest::newRow("long numbers") << QStringLiteral("x 451 4.123.456 y 451 4.1234.5 y 451 4.1.2345 y");
    QTest::newRow("tab and LF before") << QStringLiteral("a\t550 b\n421-c\r452 d\v553 e\f554 f");
    QTest::newRow("Unicode spaces before") << QStringLiteral("a\u00a0550 b\u2003550 c\u0085550 d");
    QTest::newRow("non-ASCII digits") << QStringLiteral("a 55\u0661 b 550 5.\u0661.1 c");
    QTest::newRow("wrong class") << QStringLiteral("a 350 b 650 c 550 3.1.1 d");
}

// AsciiMatch::withoutCodesAfterSpace against the replace() it stands in for, on given texts and on random ones.
void TestByteScan::withoutCodesAfterSpace()
{
    static const QRegularExpression repeat(
        QStringLiteral("(?<=\\s)[245][0-9][0-9][ \\-](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?"));
    const auto viaExpression = [](QString t) { return t.replace(repeat, QString()); };
    QFETCH(QString, text);
    QCOMPARE(AsciiMatch::withoutCodesAfterSpace(text), viaExpression(text));

    const char16_t pieces[] = { u'2', u'4', u'5', u'5', u'0', u'9', u'1', u' ', u' ', u'-', u'.', u'.', u'x', u'\t',
        u'\n', u'\u00a0', u'\u0661' };
    std::mt19937 random(11);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 30);
    for (int round = 0; round < 20000; ++round) {
        QString t;
        for (int n = length(random); n > 0; --n)
            t += QChar(pieces[piece(random)]);
        if (AsciiMatch::withoutCodesAfterSpace(t) != viaExpression(t))
            QFAIL(qPrintable(QStringLiteral("differs on \"%1\"").arg(t)));
    }
}

// findChar16 against QStringView::indexOf, around the 8-unit steps, with non-ASCII units and a unit whose low byte
// is the one searched for.
void TestByteScan::findChar16()
{
    const char16_t pieces[] = { u'a', u'@', u'\n', u'\u4040', u'\u0a00', u'\u00e9', u' ' };
    std::mt19937 random(16);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 40);
    QCOMPARE(ByteScan::findChar16(QStringView(), u'@'), qsizetype(-1));
    QCOMPARE(ByteScan::findChar16(u"a@", u'@', -1), qsizetype(-1));
    QCOMPARE(ByteScan::findChar16(u"a@", u'@', 2), qsizetype(-1));
    QCOMPARE(ByteScan::findChar16(u"a@", u'@', 5), qsizetype(-1));
    for (int round = 0; round < 5000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += QChar(pieces[piece(random)]);
        for (qsizetype from = 0; from <= text.size(); ++from) {
            for (const char16_t c : { u'@', u'\n', u'\u4040' })
                QCOMPARE(ByteScan::findChar16(text, c, from), QStringView(text).indexOf(QChar(c), from));
        }
    }
}

// forEachLine gives the pieces QStringTokenizer(text, u'\n') gives, and stops when asked to.
void TestByteScan::forEachLine()
{
    const char16_t pieces[] = { u'a', u'\n', u'\r', u'\u00e9', u' ' };
    std::mt19937 random(17);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 30);
    for (int round = 0; round < 3000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += QChar(pieces[piece(random)]);
        QList<QStringView> expected;
        for (QStringView line : QStringTokenizer(text, u'\n'))
            expected.append(line);
        QList<QStringView> lines;
        ByteScan::forEachLine(text, [&](QStringView line) {
            lines.append(line);
            return true;
        });
        QCOMPARE(lines.size(), expected.size());
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QCOMPARE(lines[i].data(), expected[i].data());
            QCOMPARE(lines[i].size(), expected[i].size());
        }
        qsizetype calls = 0;
        ByteScan::forEachLine(text, [&](QStringView) { return ++calls < 2; });
        QCOMPARE(calls, qMin<qsizetype>(2, expected.size()));
    }
    QList<QStringView> ofNull;
    ByteScan::forEachLine(QStringView(), [&](QStringView line) {
        ofNull.append(line);
        return true;
    });
    QCOMPARE(ofNull.size(), qsizetype(1));
}

// findCodeStart against a loop over the characters, around the 8-unit steps, with non-ASCII units whose low byte is
// a '2', '4' or '5'.
void TestByteScan::findCodeStart()
{
    const char16_t pieces[] = { u'a', u'2', u'4', u'5', u'3', u'1', u'\u3234', u'\u0532', u' ' };
    std::mt19937 random(245);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 40);
    QCOMPARE(ByteScan::findCodeStart(QStringView()), qsizetype(-1));
    QCOMPARE(ByteScan::findCodeStart(u"550", -1), qsizetype(-1));
    QCOMPARE(ByteScan::findCodeStart(u"550", 3), qsizetype(-1));
    QCOMPARE(ByteScan::findCodeStart(u"550", 7), qsizetype(-1));
    for (int round = 0; round < 5000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += QChar(pieces[piece(random)]);
        for (qsizetype from = 0; from <= text.size(); ++from) {
            qsizetype expected = -1;
            for (qsizetype i = from; i < text.size() && expected < 0; ++i) {
                if (text[i] == u'2' || text[i] == u'4' || text[i] == u'5')
                    expected = i;
            }
            QCOMPARE(ByteScan::findCodeStart(text, from), expected);
        }
    }
}

// lowerAsciiInto against a loop over the characters: ASCII letters lowered, every non-ASCII unit (surrogates and
// units whose low byte is a letter included) as 0x80, and whether the text was ASCII.
void TestByteScan::lowerAsciiInto()
{
    const char16_t pieces[] = { u'A', u'Z', u'a', u'z', u'@', u'[', u'`', u'{', u'0', u'\x7f', u'\x80', u'\u00c4',
        u'\u0141', u'\u8041', u'\xd83d', u'\xde00', u'\xffff', u' ' };
    std::mt19937 random(32);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 70);
    for (int round = 0; round < 5000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += QChar(pieces[piece(random)]);
        std::string expected;
        bool ascii = true;
        for (const QChar c : std::as_const(text)) {
            const char16_t u = c.unicode();
            ascii = ascii && u < 0x80;
            expected += u >= 0x80 ? char(0x80) : u >= u'A' && u <= u'Z' ? char(u + 32) : char(u);
        }
        std::string out(size_t(text.size()), '\0');
        QCOMPARE(ByteScan::lowerAsciiInto(text, out.data()), ascii);
        QVERIFY(out == expected);
    }
}

// ByteScan::toLower against QString::toLower: ASCII, non-ASCII anywhere (Kelvin sign, dotted I, surrogates), empty
// and null.
void TestByteScan::toLower()
{
    QCOMPARE(ByteScan::toLower(QString()).isNull(), true);
    QCOMPARE(ByteScan::toLower(QStringLiteral("")).isNull(), QStringLiteral("").toLower().isNull());
    const char16_t pieces[] = { u'A', u'Z', u'a', u'z', u'@', u'[', u'`', u'{', u'0', u'\x7f', u'\u00c4', u'\u0130',
        u'\u212a', u'\xd801', u'\xdc00', u' ' };
    std::mt19937 random(33);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    for (int round = 0; round < 20000; ++round) {
        QString text;
        for (int n = int(random() % 40); n > 0; --n)
            text += QChar(round % 2 ? pieces[piece(random) % 10] : pieces[piece(random)]); // half of them ASCII
        if (ByteScan::toLower(text) != text.toLower())
            QFAIL(qPrintable(QStringLiteral("differs on \"%1\"").arg(text)));
    }
}

// What bounce reading relies on to look for an address in a paragraph without QString::contains(CaseInsensitive):
// with both texts ASCII, findInShort in both lowered by lowerAsciiInto finds the address exactly when Qt does.
void TestByteScan::loweredSearchIsCaseInsensitiveContains()
{
    const char pieces[] = { 'a', 'B', 'b', 'K', 'k', 'S', 's', '@', '[', '`', '.', '1', ' ', '<', '\x7f', '\0' };
    std::mt19937 random(1203);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    const auto randomText = [&](int maxLength) {
        QString t;
        for (int n = int(random() % unsigned(maxLength + 1)); n > 0; --n)
            t += QLatin1Char(pieces[piece(random)]);
        return t;
    };
    const auto lowered = [](const QString &t) {
        std::string out(size_t(t.size()), '\0');
        ByteScan::lowerAsciiInto(t, out.data());
        return out;
    };
    for (int round = 0; round < 20000; ++round) {
        const QString text = randomText(round % 2 ? 40 : 200);
        QString address = randomText(6);
        if (address.isEmpty())
            continue; // the empty address is left to Qt
        if (round % 3 == 0 && text.size() > 4) // an occurrence in another case, so that matches are not rare
            address = text.mid(qsizetype(random() % unsigned(text.size() - 3)), 3).toUpper();
        const std::string hay = lowered(text);
        const std::string needle = lowered(address);
        const bool found = ByteScan::findInShort(QByteArrayView(hay.data(), qsizetype(hay.size())),
                               QByteArrayView(needle.data(), qsizetype(needle.size())))
            >= 0;
        if (found != text.contains(address, Qt::CaseInsensitive))
            QFAIL(qPrintable(QStringLiteral("differs on \"%1\" in \"%2\"").arg(address, text)));
    }
}

// equalsCi against qstrnicmp on random byte strings: ASCII letters of either case, bytes whose ASCII lowering would
// be wrong (Latin-1 letters, '@' and '['), and NUL bytes, after which qstrnicmp stops.
void TestByteScan::equalsCi()
{
    const char pieces[] = { 'a', 'A', 'z', 'Z', '@', '[', '`', '{', '\0', '\xc4', '\xe4', '-' };
    std::mt19937 random(99);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 6);
    for (int round = 0; round < 20000; ++round) {
        const int n = length(random);
        std::string a;
        std::string b;
        for (int i = 0; i < n; ++i) {
            a += pieces[piece(random)];
            b += random() % 2 ? a.back() : pieces[piece(random)];
        }
        QCOMPARE(ByteScan::equalsCi(a.data(), b.data(), size_t(n)), qstrnicmp(a.data(), b.data(), size_t(n)) == 0);
    }
}

// isSimplified against QString::simplified() on random texts: spaces, the ASCII controls around \t to \r, Unicode
// spaces (NBSP, U+2003, U+0085), units whose low byte is a space, around the 8-unit steps.
void TestByteScan::isSimplified()
{
    const char16_t pieces[] = { u'a', u' ', u' ', u'\t', u'\n', u'\r', u'\x0b', u'\x0c', u'\x08', u'\x0e', u'\u00a0',
        u'\u2003', u'\u0085', u'\u0120', u'\u2020', u'\x7f', u'\xd83d', u'.' };
    std::mt19937 random(2000);
    std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> spread(0, 3);
    for (int round = 0; round < 20000; ++round) {
        QString text;
        for (int n = length(random); n > 0; --n)
            text += spread(random) ? QChar(u'x') : QChar(pieces[piece(random)]);
        QVERIFY2(ByteScan::isSimplified(text) == (text.simplified() == text), qPrintable(text));
    }
}

// NgramFilter may let a needle through that does not occur, never reject one that does: every piece of random texts
// (a few letters, so that pieces share their start and their end) passes, by itself and by its key; and a needle
// that shares only its first four bytes with the text is rejected by its last four.
void TestByteScan::ngramFilterKeepsEveryOccurrence()
{
    std::mt19937 random(20261203);
    const std::string_view alphabet = "mailbox fu\x80";
    int rejected = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text(random() % 300, 'a');
        for (char &c : text)
            c = alphabet[random() % alphabet.size()];
        const NgramFilter filter(text);
        const size_t length = 1 + random() % 24;
        if (!text.empty()) {
            const std::string piece = text.substr(random() % text.size(), length);
            QVERIFY2(filter.mayContain(piece), piece.c_str());
            QVERIFY2(filter.mayContain(NgramFilter::keyOf(piece)), piece.c_str());
        }
        std::string other(length, 'a');
        for (char &c : other)
            c = alphabet[random() % alphabet.size()];
        if (text.find(other) == std::string::npos)
            rejected += filter.mayContain(other) ? 0 : 1;
        else
            QVERIFY(filter.mayContain(other));
    }
    QVERIFY(rejected > 1000); // it does reject
    const NgramFilter mailbox("550 mailbox unavailable");
    QVERIFY(mailbox.mayContain("mailbox unavailable"));
    QVERIFY(mailbox.mayContain("unavailable"));
    QVERIFY(!mailbox.mayContain("mailbox full"));
    QVERIFY(!mailbox.mayContain("mailbox is disabled"));
}

// isVisibleAscii against a byte at a time on random byte strings of up to 40 bytes (five eight-byte steps and every
// tail length), of bytes at both edges of the range and around the high bit, mostly letters.
void TestByteScan::isVisibleAscii()
{
    const unsigned char edges[] = { 0x00, 0x09, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0x81, 0xa0, 0xa1, 0xfe, 0xff, ':' };
    std::mt19937 random(20261203);
    for (int round = 0; round < 20000; ++round) {
        QByteArray s(qsizetype(random() % 41), 'a');
        for (char &c : s)
            c = char(random() % 4 ? 'a' + random() % 26 : edges[random() % std::size(edges)]);
        const bool expected = std::all_of(s.cbegin(), s.cend(),
            [](char c) { return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7e; });
        QVERIFY2(ByteScan::isVisibleAscii(s) == expected, s.toHex().constData());
    }
    for (int b = 0; b < 256; ++b) {
        for (qsizetype at = 0; at < 17; ++at) {
            QByteArray s(17, 'x');
            s[at] = char(b);
            QCOMPARE(ByteScan::isVisibleAscii(s), b >= 0x21 && b <= 0x7e);
        }
    }
}

QTEST_GUILESS_MAIN(TestByteScan)
#include "tst_bytescan.moc"
