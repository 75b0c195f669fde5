#include <random>
#include <string>
#include <string_view>

#include <QTest>

#include "bounce/bytescan.h"

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

} // namespace

class TestByteScan : public QObject
{
    Q_OBJECT

private slots:
    void findInShort_data();
    void findInShort();
    void findInShortAgreesWithMemmem();
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
        std::string needle = text(1 + random() % 8);
        if (!s.empty() && random() % 2) {
            // A needle taken from the text: found at least once.
            const size_t at = random() % s.size();
            needle = s.substr(at, 1 + random() % 8);
        }
        const qsizetype from = s.empty() ? 0 : qsizetype(random() % (s.size() + 1));
        const qsizetype expected = naiveFind(s, needle, from);
        QCOMPARE(ByteScan::findInShort(view(s), view(needle), from), expected);
        QCOMPARE(ByteScan::find(view(s), view(needle), from), expected);
    }
}

QTEST_GUILESS_MAIN(TestByteScan)
#include "tst_bytescan.moc"
