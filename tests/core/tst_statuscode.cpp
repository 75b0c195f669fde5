#include <QTest>

#include "bounce/statuscode.h"

using Mailpulse::Bounce::DeliveryClass;
using Mailpulse::Bounce::StatusCode;

class TestStatusCode : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void find_data();
    void find();
    void toStringRoundTrip();
    void deliveryClassNames_data();
    void deliveryClassNames();
    void unknownDeliveryClassName();
};

void TestStatusCode::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("klass");
    QTest::addColumn<int>("subject");
    QTest::addColumn<int>("detail");

    QTest::newRow("5.1.1") << QStringLiteral("5.1.1") << true << 5 << 1 << 1;
    QTest::newRow("4.4.7") << QStringLiteral("4.4.7") << true << 4 << 4 << 7;
    QTest::newRow("2.0.0") << QStringLiteral("2.0.0") << true << 2 << 0 << 0;
    QTest::newRow("5.1.10") << QStringLiteral("5.1.10") << true << 5 << 1 << 10;
    QTest::newRow("5.7.606") << QStringLiteral("5.7.606") << true << 5 << 7 << 606;
    QTest::newRow("4.999.999") << QStringLiteral("4.999.999") << true << 4 << 999 << 999;
    QTest::newRow("leading zeros") << QStringLiteral("5.01.001") << true << 5 << 1 << 1;
    QTest::newRow("class 3") << QStringLiteral("3.0.0") << false << 0 << 0 << 0;
    QTest::newRow("class 1") << QStringLiteral("1.1.1") << false << 0 << 0 << 0;
    QTest::newRow("four-digit detail") << QStringLiteral("5.1.1000") << false << 0 << 0 << 0;
    QTest::newRow("four-digit subject") << QStringLiteral("5.1000.1") << false << 0 << 0 << 0;
    QTest::newRow("two parts") << QStringLiteral("5.1") << false << 0 << 0 << 0;
    QTest::newRow("four parts") << QStringLiteral("5.1.1.1") << false << 0 << 0 << 0;
    QTest::newRow("trailing space") << QStringLiteral("5.1.1 ") << false << 0 << 0 << 0;
    QTest::newRow("leading space") << QStringLiteral(" 5.1.1") << false << 0 << 0 << 0;
    QTest::newRow("empty parts") << QStringLiteral("5..1") << false << 0 << 0 << 0;
    QTest::newRow("two-digit class") << QStringLiteral("55.1.1") << false << 0 << 0 << 0;
    QTest::newRow("letters") << QStringLiteral("5.a.1") << false << 0 << 0 << 0;
    QTest::newRow("empty") << QString() << false << 0 << 0 << 0;
    QTest::newRow("arabic-indic digits") << QStringLiteral(u"5.\u0661.1") << false << 0 << 0 << 0;
}

void TestStatusCode::parse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(int, klass);
    QFETCH(int, subject);
    QFETCH(int, detail);

    const auto code = StatusCode::parse(text);
    QCOMPARE(code.has_value(), valid);
    if (valid) {
        QCOMPARE(*code, (StatusCode { klass, subject, detail }));
        QVERIFY(code->isValid());
    }
}

void TestStatusCode::find_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("found"); // empty: none

    const auto row = [](const char *name, const char *text, const char *found) {
        QTest::newRow(name) << QString::fromUtf8(text) << QString::fromUtf8(found);
    };
    row("plain", "550 5.1.1 user unknown", "5.1.1");
    row("diagnostic code", "smtp; 550 5.1.1 <x@example.com>: Recipient address rejected", "5.1.1");
    row("hash", "Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1");
    row("parentheses", "Delivery not authorized (5.7.1)", "5.7.1");
    row("at start", "4.4.7 Message expired", "4.4.7");
    row("at end", "Message expired 4.4.7", "4.4.7");
    row("first of several", "550 5.2.1 <a>... User Unknown 5.1.1 <b>... User Unknown", "5.2.1");
    row("quoted", "550-'5.2.2 <kijitora@example.jp>... Mailbox Full'", "5.2.2");
    row("bracketed", "[5.4.4] no route", "5.4.4");
    row("long detail", "550 5.7.606 Access denied, banned sending IP", "5.7.606");
    row("null mx", "556 5.1.10 null MX", "5.1.10");
    row("sentence end", "rejected with 5.7.1.", "5.7.1");
    row("ip address skipped", "connect to 10.4.5.1: refused", "");
    row("ip then code", "host 192.0.2.5 said: 550 5.1.1 unknown", "5.1.1");
    row("ipv4 at end", "from 203.0.113.2", "");
    row("glued to a word", "abc5.1.1 x", "");
    row("followed by letters", "5.1.1abc", "");
    row("class 3", "354 3.0.0 go ahead", "");
    row("four digits", "5.1.1000 x", "");
    row("none", "550 No such user here", "");
    row("empty", "", "");
    row("dotted digits before", "1.5.1.1", "");
    row("underscore glued", "_5.1.1", "");
}

void TestStatusCode::find()
{
    QFETCH(QString, text);
    QFETCH(QString, found);

    const auto code = StatusCode::find(text);
    QCOMPARE(code ? code->toString() : QString(), found);
}

void TestStatusCode::toStringRoundTrip()
{
    for (const char *s : { "2.0.0", "4.7.1", "5.1.10", "5.7.606" }) {
        const QString text = QString::fromLatin1(s);
        const auto code = StatusCode::parse(text);
        QVERIFY(code);
        QCOMPARE(code->toString(), text);
    }
    QCOMPARE((StatusCode { 5, 1, 1 }).toString(), QStringLiteral("5.1.1"));
    QCOMPARE((StatusCode {}).toString(), QStringLiteral("0.0.0"));
    // Whatever the fields hold, as printf's %d would write them.
    for (const StatusCode code : { StatusCode { 4, 999, 9999 }, StatusCode { -1, 2147483647, -2147483647 - 1 } })
        QCOMPARE(code.toString(),
            QString::number(code.klass) + u'.' + QString::number(code.subject) + u'.' + QString::number(code.detail));
    QVERIFY(!StatusCode {}.isValid());
}

void TestStatusCode::deliveryClassNames_data()
{
    QTest::addColumn<DeliveryClass>("cls");
    QTest::addColumn<QString>("name");

    QTest::newRow("success") << DeliveryClass::Success << QStringLiteral("success");
    QTest::newRow("soft") << DeliveryClass::Soft << QStringLiteral("soft");
    QTest::newRow("hard") << DeliveryClass::Hard << QStringLiteral("hard");
}

void TestStatusCode::deliveryClassNames()
{
    QFETCH(DeliveryClass, cls);
    QFETCH(QString, name);

    QCOMPARE(Mailpulse::Bounce::deliveryClassName(cls), name);
    QCOMPARE(Mailpulse::Bounce::deliveryClassFromName(name), std::optional<DeliveryClass>(cls));
}

void TestStatusCode::unknownDeliveryClassName()
{
    QCOMPARE(Mailpulse::Bounce::deliveryClassFromName(u"Hard"), std::nullopt);
    QCOMPARE(Mailpulse::Bounce::deliveryClassFromName(u""), std::nullopt);
    QCOMPARE(Mailpulse::Bounce::deliveryClassFromName(u"temporary"), std::nullopt);
}

QTEST_GUILESS_MAIN(TestStatusCode)
#include "tst_statuscode.moc"
