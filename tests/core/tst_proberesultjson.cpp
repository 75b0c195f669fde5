#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

#include "smtp/proberesultjson.h"

using namespace Mailpulse;
using namespace Mailpulse::Smtp;
using namespace Qt::StringLiterals;

namespace
{

SmtpReply makeReply(int code, const QString &enhanced, const QStringList &lines)
{
    SmtpReply reply;
    reply.code = code;
    reply.enhanced = enhanced;
    reply.lines = lines;
    return reply;
}

// Every field set, with values that are easy to get wrong (zero timings, multi-line replies, non-ASCII text).
ProbeResult richResult()
{
    ProbeResult r;
    r.target = u"a@bücher.example,b@bücher.example"_s;
    r.domain = u"xn--bcher-kva.example"_s;
    r.host = u"mx1.xn--bcher-kva.example"_s;
    r.address = u"2001:db8::25"_s;
    r.port = 587;
    r.tlsMode = TlsMode::StartTlsRequired;
    r.classification = { u"5.1.1"_s, Bounce::DeliveryClass::Hard, u"userunknown"_s };
    r.phase = Phase::Rcpt;
    r.reply = makeReply(
        550, u"5.1.1"_s, { u"<b@xn--bcher-kva.example>: Recipient address rejected:"_s, u"User unknown"_s });
    r.detail = u"RCPT TO refused for 1 of 2 recipients — \"quoted\" \\ backslash"_s;
    r.timings = { 12, 0, 230, 45, 88, 20, 31, 426 };
    TlsInfo tls;
    tls.protocol = u"TLSv1.3"_s;
    tls.cipher = u"TLS_AES_256_GCM_SHA384"_s;
    tls.verified = false;
    tls.errors = { u"The certificate has expired"_s, u"The host name did not match any of the valid hosts"_s };
    tls.subject = u"CN=mx1.example"_s;
    tls.issuer = u"CN=Example CA,O=Example"_s;
    tls.san = { u"mx1.example"_s, u"*.example"_s };
    tls.notAfter = QDateTime(QDate(2027, 3, 1), QTime(23, 59, 59, 999), Qt::UTC);
    r.tls = tls;
    r.findings = {
        { u"critical"_s, u"starttls-injection"_s, u"12 bytes after 220 discarded"_s },
        { u"warning"_s, u"certificate-expired"_s, u"not after 2027-03-01"_s },
    };
    RecipientResult accepted;
    accepted.address = u"a@xn--bcher-kva.example"_s;
    accepted.classification = { u"2.1.5"_s, Bounce::DeliveryClass::Success, u"accepted"_s };
    accepted.reply = makeReply(250, u"2.1.5"_s, { u"Ok"_s });
    RecipientResult rejected;
    rejected.address = u"b@xn--bcher-kva.example"_s;
    rejected.classification = { u"5.1.1"_s, Bounce::DeliveryClass::Hard, u"userunknown"_s };
    rejected.reply = makeReply(550, QString(), { u"no such user"_s });
    RecipientResult unanswered; // the connection dropped before its RCPT
    unanswered.address = u"c@xn--bcher-kva.example"_s;
    unanswered.classification = { u"4.4.2"_s, Bounce::DeliveryClass::Soft, u"networkerror"_s };
    r.recipients = { accepted, rejected, unanswered };
    r.transcript = {
        { 0, 'I', u"connected to mx1.xn--bcher-kva.example[2001:db8::25]:587"_s },
        { 230, 'S', u"220 mx1 ESMTP ready"_s },
        { 231, 'C', u"EHLO probe.example"_s },
        { 276, 'S', u"250-mx1"_s },
        { 276, 'S', QString() },
        { 400, 'C', u"RCPT TO:<b@xn--bcher-kva.example>"_s },
        { 426, 'S', u"550 5.1.1 <b@xn--bcher-kva.example>: Recipient address rejected:\tUser unknown\r"_s },
    };
    r.hostsTried = { u"mx0.xn--bcher-kva.example[192.0.2.1]:587"_s, u"mx1.xn--bcher-kva.example[2001:db8::25]:587"_s };
    r.startedAt = QDateTime(QDate(2026, 11, 27), QTime(21, 3, 4, 123), Qt::UTC);
    return r;
}

void compareReply(const std::optional<SmtpReply> &actual, const std::optional<SmtpReply> &expected)
{
    QCOMPARE(actual.has_value(), expected.has_value());
    if (!expected)
        return;
    QCOMPARE(actual->code, expected->code);
    QCOMPARE(actual->enhanced, expected->enhanced);
    QCOMPARE(actual->lines, expected->lines);
}

// Field by field, so that a failure names the field.
void compareResults(const ProbeResult &actual, const ProbeResult &expected)
{
    QCOMPARE(actual.target, expected.target);
    QCOMPARE(actual.domain, expected.domain);
    QCOMPARE(actual.host, expected.host);
    QCOMPARE(actual.address, expected.address);
    QCOMPARE(actual.port, expected.port);
    QCOMPARE(actual.tlsMode, expected.tlsMode);
    QCOMPARE(actual.classification.status, expected.classification.status);
    QCOMPARE(actual.classification.cls, expected.classification.cls);
    QCOMPARE(actual.classification.reason, expected.classification.reason);
    QCOMPARE(actual.phase, expected.phase);
    compareReply(actual.reply, expected.reply);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(actual.detail, expected.detail);
    QCOMPARE(actual.timings.dns, expected.timings.dns);
    QCOMPARE(actual.timings.connect, expected.timings.connect);
    QCOMPARE(actual.timings.greeting, expected.timings.greeting);
    QCOMPARE(actual.timings.ehlo, expected.timings.ehlo);
    QCOMPARE(actual.timings.tls, expected.timings.tls);
    QCOMPARE(actual.timings.mail, expected.timings.mail);
    QCOMPARE(actual.timings.rcpt, expected.timings.rcpt);
    QCOMPARE(actual.timings.total, expected.timings.total);
    QCOMPARE(actual.tls.has_value(), expected.tls.has_value());
    if (expected.tls) {
        QCOMPARE(actual.tls->protocol, expected.tls->protocol);
        QCOMPARE(actual.tls->cipher, expected.tls->cipher);
        QCOMPARE(actual.tls->verified, expected.tls->verified);
        QCOMPARE(actual.tls->errors, expected.tls->errors);
        QCOMPARE(actual.tls->subject, expected.tls->subject);
        QCOMPARE(actual.tls->issuer, expected.tls->issuer);
        QCOMPARE(actual.tls->san, expected.tls->san);
        QCOMPARE(actual.tls->notAfter, expected.tls->notAfter);
        QCOMPARE(actual.tls->notAfter.isValid(), expected.tls->notAfter.isValid());
    }
    QCOMPARE(actual.findings.size(), expected.findings.size());
    for (qsizetype i = 0; i < expected.findings.size(); ++i) {
        QCOMPARE(actual.findings.at(i).severity, expected.findings.at(i).severity);
        QCOMPARE(actual.findings.at(i).code, expected.findings.at(i).code);
        QCOMPARE(actual.findings.at(i).text, expected.findings.at(i).text);
    }
    QCOMPARE(actual.recipients.size(), expected.recipients.size());
    for (qsizetype i = 0; i < expected.recipients.size(); ++i) {
        QCOMPARE(actual.recipients.at(i).address, expected.recipients.at(i).address);
        QCOMPARE(actual.recipients.at(i).classification, expected.recipients.at(i).classification);
        compareReply(actual.recipients.at(i).reply, expected.recipients.at(i).reply);
        if (QTest::currentTestFailed())
            return;
    }
    QCOMPARE(actual.transcript.size(), expected.transcript.size());
    for (qsizetype i = 0; i < expected.transcript.size(); ++i) {
        QCOMPARE(actual.transcript.at(i).tMs, expected.transcript.at(i).tMs);
        QCOMPARE(actual.transcript.at(i).dir, expected.transcript.at(i).dir);
        QCOMPARE(actual.transcript.at(i).line, expected.transcript.at(i).line);
    }
    QCOMPARE(actual.hostsTried, expected.hostsTried);
    QCOMPARE(actual.startedAt, expected.startedAt);
    QCOMPARE(actual.startedAt.isValid(), expected.startedAt.isValid());
}

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// Through bytes, as a JSON Lines consumer (or the store) sees it.
std::optional<ProbeResult> reparse(const ProbeResult &result, QString *error)
{
    const QByteArray line = toJsonLine(toJson(result));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = parseError.errorString();
        return std::nullopt;
    }
    return probeResultFromJson(document.object(), error);
}

const QStringList TopLevelKeys = sorted({
    u"target"_s,
    u"domain"_s,
    u"host"_s,
    u"address"_s,
    u"port"_s,
    u"tls_mode"_s,
    u"status"_s,
    u"class"_s,
    u"reason"_s,
    u"phase"_s,
    u"reply"_s,
    u"detail"_s,
    u"timings_ms"_s,
    u"tls"_s,
    u"findings"_s,
    u"recipients"_s,
    u"transcript"_s,
    u"started_at"_s,
    u"hosts_tried"_s,
});
const QStringList TimingKeys
    = sorted({ u"dns"_s, u"connect"_s, u"greeting"_s, u"ehlo"_s, u"tls"_s, u"mail"_s, u"rcpt"_s, u"total"_s });

} // namespace

class TestProbeResultJson : public QObject
{
    Q_OBJECT

private slots:
    void everyFieldPresent();
    void values();
    void nullsForAbsentData();
    void roundTripRich();
    void roundTripEmpty();
    void roundTripPartial();
    void isoTimes();
    void jsonLineIsOneLine();
    void minimalReplyWithoutLines();
    void missingFieldsAreNull();
    void rejectsBadInput_data();
    void rejectsBadInput();
};

void TestProbeResultJson::everyFieldPresent()
{
    for (const ProbeResult &result : { richResult(), ProbeResult() }) {
        const QJsonObject json = toJson(result);
        QCOMPARE(sortedKeys(json), TopLevelKeys);
        if (json.value(u"timings_ms").isObject()) {
            QCOMPARE(sortedKeys(json.value(u"timings_ms").toObject()), TimingKeys);
        } else {
            QFAIL("timings_ms must always be an object");
        }
    }
    const QJsonObject json = toJson(richResult());
    QCOMPARE(sortedKeys(json.value(u"reply").toObject()), sorted({ u"code"_s, u"enhanced"_s, u"text"_s, u"lines"_s }));
    QCOMPARE(sortedKeys(json.value(u"tls").toObject()),
        sorted({ u"protocol"_s, u"cipher"_s, u"verified"_s, u"errors"_s, u"subject"_s, u"issuer"_s, u"san"_s,
            u"not_after"_s }));
    QCOMPARE(sortedKeys(json.value(u"findings").toArray().at(0).toObject()),
        sorted({ u"severity"_s, u"code"_s, u"text"_s }));
    for (const QJsonValue &recipient : json.value(u"recipients").toArray())
        QCOMPARE(sortedKeys(recipient.toObject()),
            sorted({ u"address"_s, u"status"_s, u"class"_s, u"reason"_s, u"reply"_s }));
    QCOMPARE(
        sortedKeys(json.value(u"transcript").toArray().at(0).toObject()), sorted({ u"t_ms"_s, u"dir"_s, u"line"_s }));
}

void TestProbeResultJson::values()
{
    const QJsonObject json = toJson(richResult());
    QCOMPARE(json.value(u"target").toString(), u"a@bücher.example,b@bücher.example"_s);
    QCOMPARE(json.value(u"port").toInteger(), 587);
    QCOMPARE(json.value(u"tls_mode").toString(), u"starttls-required"_s);
    QCOMPARE(json.value(u"status").toString(), u"5.1.1"_s);
    QCOMPARE(json.value(u"class").toString(), u"hard"_s);
    QCOMPARE(json.value(u"reason").toString(), u"userunknown"_s);
    QCOMPARE(json.value(u"phase").toString(), u"rcpt"_s);
    const QJsonObject reply = json.value(u"reply").toObject();
    QCOMPARE(reply.value(u"code").toInteger(), 550);
    QCOMPARE(reply.value(u"enhanced").toString(), u"5.1.1"_s);
    QCOMPARE(reply.value(u"text").toString(), u"<b@xn--bcher-kva.example>: Recipient address rejected: User unknown"_s);
    const QJsonObject timings = json.value(u"timings_ms").toObject();
    QCOMPARE(timings.value(u"connect").toInteger(-1), 0); // zero is a measurement, not absence
    QCOMPARE(timings.value(u"total").toInteger(), 426);
    const QJsonObject tls = json.value(u"tls").toObject();
    QCOMPARE(tls.value(u"verified"), QJsonValue(false));
    QCOMPARE(tls.value(u"not_after").toString(), u"2027-03-01T23:59:59.999Z"_s);
    QCOMPARE(tls.value(u"san").toArray().size(), 2);
    const QJsonArray transcript = json.value(u"transcript").toArray();
    QCOMPARE(transcript.at(1).toObject().value(u"dir").toString(), u"S"_s);
    QCOMPARE(transcript.at(2).toObject().value(u"dir").toString(), u"C"_s);
    QCOMPARE(transcript.at(0).toObject().value(u"dir").toString(), u"I"_s);
    QCOMPARE(transcript.at(1).toObject().value(u"t_ms").toInteger(), 230);
    QCOMPARE(transcript.at(4).toObject().value(u"line"), QJsonValue(u""_s)); // an empty line is still a line
    const QJsonArray recipients = json.value(u"recipients").toArray();
    QCOMPARE(recipients.at(0).toObject().value(u"class").toString(), u"success"_s);
    QCOMPARE(recipients.at(1).toObject().value(u"reply").toObject().value(u"enhanced"), QJsonValue());
    QCOMPARE(recipients.at(2).toObject().value(u"reply"), QJsonValue());
    QCOMPARE(json.value(u"hosts_tried").toArray().size(), 2);
    QCOMPARE(json.value(u"started_at").toString(), u"2026-11-27T21:03:04.123Z"_s);
}

void TestProbeResultJson::nullsForAbsentData()
{
    ProbeResult result;
    result.target = u"example.com"_s;
    result.domain = u"example.com"_s;
    result.classification = { u"5.1.2"_s, Bounce::DeliveryClass::Hard, u"hostunknown"_s };
    const QJsonObject json = toJson(result);
    for (const char16_t *key : { u"host", u"address", u"port", u"reply", u"detail", u"tls", u"started_at" })
        QVERIFY2(json.value(QStringView(key)).isNull(), qPrintable(QStringView(key).toString()));
    const QJsonObject timings = json.value(u"timings_ms").toObject();
    for (const QString &key : TimingKeys)
        QVERIFY2(timings.value(key).isNull(), qPrintable(key));
    for (const char16_t *key : { u"findings", u"recipients", u"transcript", u"hosts_tried" }) {
        QVERIFY(json.value(QStringView(key)).isArray());
        QVERIFY(json.value(QStringView(key)).toArray().isEmpty());
    }

    // Unclassified (empty status and reason) is null too, and a TLS object with nothing known has nulls inside.
    ProbeResult bare;
    bare.tls = TlsInfo {};
    const QJsonObject bareJson = toJson(bare);
    QVERIFY(bareJson.value(u"status").isNull());
    QVERIFY(bareJson.value(u"reason").isNull());
    QVERIFY(bareJson.value(u"target").isNull());
    const QJsonObject tls = bareJson.value(u"tls").toObject();
    for (const char16_t *key : { u"protocol", u"cipher", u"subject", u"issuer", u"not_after" })
        QVERIFY2(tls.value(QStringView(key)).isNull(), qPrintable(QStringView(key).toString()));
    QVERIFY(tls.value(u"errors").isArray());
}

void TestProbeResultJson::roundTripRich()
{
    const ProbeResult original = richResult();
    QString error;
    const std::optional<ProbeResult> parsed = reparse(original, &error);
    QVERIFY2(parsed, qPrintable(error));
    compareResults(*parsed, original);
    QCOMPARE(toJson(*parsed), toJson(original));
}

void TestProbeResultJson::roundTripEmpty()
{
    const ProbeResult original;
    QString error;
    const std::optional<ProbeResult> parsed = reparse(original, &error);
    QVERIFY2(parsed, qPrintable(error));
    compareResults(*parsed, original);
}

void TestProbeResultJson::roundTripPartial()
{
    // Every enum value and every "absent" combination the probe produces.
    for (const TlsMode mode : { TlsMode::None, TlsMode::StartTls, TlsMode::StartTlsRequired, TlsMode::Implicit }) {
        for (const Phase phase : { Phase::Dns, Phase::Connect, Phase::Greeting, Phase::Ehlo, Phase::StartTls,
                 Phase::Tls, Phase::Mail, Phase::Rcpt, Phase::Quit, Phase::Done }) {
            ProbeResult original = richResult();
            original.tlsMode = mode;
            original.phase = phase;
            original.tls.reset();
            original.reply.reset();
            original.timings.tls = -1;
            original.port = 0;
            original.host.clear();
            original.classification.cls = Bounce::DeliveryClass::Soft;
            QString error;
            const std::optional<ProbeResult> parsed = reparse(original, &error);
            QVERIFY2(parsed, qPrintable(error));
            compareResults(*parsed, original);
            if (QTest::currentTestFailed())
                return;
        }
    }
}

void TestProbeResultJson::isoTimes()
{
    QCOMPARE(toIsoUtc(QDateTime(QDate(2026, 11, 27), QTime(21, 3, 4, 123), Qt::UTC)), u"2026-11-27T21:03:04.123Z"_s);
    // Milliseconds always present, so that the strings sort chronologically.
    QCOMPARE(toIsoUtc(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)), u"2026-01-02T03:04:05.000Z"_s);
    // Another zone is converted to UTC.
    const QDateTime plusTwo(QDate(2026, 6, 1), QTime(12, 0, 0, 7), QTimeZone(2 * 3600));
    QCOMPARE(toIsoUtc(plusTwo), u"2026-06-01T10:00:00.007Z"_s);
    QVERIFY(toIsoUtc(QDateTime()).isEmpty());

    ProbeResult result;
    result.startedAt = plusTwo;
    QCOMPARE(toJson(result).value(u"started_at").toString(), u"2026-06-01T10:00:00.007Z"_s);

    QCOMPARE(fromIsoUtc(u"2026-11-27T21:03:04.123Z"), QDateTime(QDate(2026, 11, 27), QTime(21, 3, 4, 123), Qt::UTC));
    QCOMPARE(fromIsoUtc(u"2026-11-27T21:03:04.123Z").timeSpec(), Qt::UTC);
    QCOMPARE(fromIsoUtc(u"2026-11-27T21:03:04Z"), QDateTime(QDate(2026, 11, 27), QTime(21, 3, 4), Qt::UTC));
    QCOMPARE(
        fromIsoUtc(u"2026-11-27T23:03:04.123+02:00"), QDateTime(QDate(2026, 11, 27), QTime(21, 3, 4, 123), Qt::UTC));
    QVERIFY(!fromIsoUtc(u"2026-11-27T21:03:04.123").isValid()); // no zone: ambiguous
    QVERIFY(!fromIsoUtc(u"yesterday").isValid());
    QVERIFY(!fromIsoUtc(u"").isValid());
}

void TestProbeResultJson::jsonLineIsOneLine()
{
    const QByteArray line = toJsonLine(toJson(richResult()));
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QVERIFY(!line.contains('\r'));
    QVERIFY(!line.contains('\t'));
    QCOMPARE(line, QJsonDocument(toJson(richResult())).toJson(QJsonDocument::Compact) + '\n');
    QVERIFY(QJsonDocument::fromJson(line).isObject());
}

void TestProbeResultJson::minimalReplyWithoutLines()
{
    // A reader must cope with the DESIGN.md minimum: reply {code, enhanced, text} without the additive `lines`.
    QJsonObject json = toJson(richResult());
    json.insert(
        u"reply"_s, QJsonObject { { u"code"_s, 451 }, { u"enhanced"_s, QJsonValue() }, { u"text"_s, u"try later"_s } });
    QString error;
    const std::optional<ProbeResult> parsed = probeResultFromJson(json, &error);
    QVERIFY2(parsed, qPrintable(error));
    QVERIFY(parsed->reply);
    QCOMPARE(parsed->reply->code, 451);
    QVERIFY(parsed->reply->enhanced.isEmpty());
    QCOMPARE(parsed->reply->lines, QStringList { u"try later"_s });
}

void TestProbeResultJson::missingFieldsAreNull()
{
    QString error;
    const std::optional<ProbeResult> parsed
        = probeResultFromJson(QJsonObject { { u"target"_s, u"example.com"_s } }, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->target, u"example.com"_s);
    QCOMPARE(parsed->timings.total, -1);
    QVERIFY(!parsed->reply);
    QVERIFY(!parsed->tls);
    QVERIFY(!parsed->startedAt.isValid());
}

void TestProbeResultJson::rejectsBadInput_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("port as string") << u"port"_s << QJsonValue(u"25"_s) << u"port"_s;
    QTest::newRow("port out of range") << u"port"_s << QJsonValue(70000) << u"port"_s;
    QTest::newRow("port fractional") << u"port"_s << QJsonValue(25.5) << u"port"_s;
    QTest::newRow("unknown tls mode") << u"tls_mode"_s << QJsonValue(u"ssl"_s) << u"tls_mode"_s;
    QTest::newRow("unknown class") << u"class"_s << QJsonValue(u"fatal"_s) << u"class"_s;
    QTest::newRow("unknown phase") << u"phase"_s << QJsonValue(u"data"_s) << u"phase"_s;
    QTest::newRow("target as number") << u"target"_s << QJsonValue(1) << u"target"_s;
    QTest::newRow("reply as string") << u"reply"_s << QJsonValue(u"250 ok"_s) << u"reply"_s;
    QTest::newRow("reply code as string")
        << u"reply"_s << QJsonValue(QJsonObject { { u"code"_s, u"250"_s } }) << u"reply.code"_s;
    QTest::newRow("negative timing") << u"timings_ms"_s << QJsonValue(QJsonObject { { u"dns"_s, -5 } })
                                     << u"timings_ms.dns"_s;
    QTest::newRow("tls verified as string")
        << u"tls"_s << QJsonValue(QJsonObject { { u"verified"_s, u"yes"_s } }) << u"tls.verified"_s;
    QTest::newRow("tls san not strings") << u"tls"_s << QJsonValue(QJsonObject { { u"san"_s, QJsonArray { 1 } } })
                                         << u"tls.san[0]"_s;
    QTest::newRow("bad not_after") << u"tls"_s << QJsonValue(QJsonObject { { u"not_after"_s, u"soon"_s } })
                                   << u"tls.not_after"_s;
    QTest::newRow("findings not array") << u"findings"_s << QJsonValue(u"x"_s) << u"findings"_s;
    QTest::newRow("transcript dir") << u"transcript"_s
                                    << QJsonValue(QJsonArray { QJsonObject {
                                           { u"t_ms"_s, 1 }, { u"dir"_s, u"X"_s }, { u"line"_s, u""_s } } })
                                    << u"transcript[0].dir"_s;
    QTest::newRow("recipient class") << u"recipients"_s
                                     << QJsonValue(QJsonArray { QJsonObject { { u"class"_s, u"meh"_s } } })
                                     << u"recipients[0].class"_s;
    QTest::newRow("started_at garbage") << u"started_at"_s << QJsonValue(u"yesterday"_s) << u"started_at"_s;
    QTest::newRow("started_at without zone")
        << u"started_at"_s << QJsonValue(u"2026-11-27T21:03:04.123"_s) << u"started_at"_s;
    QTest::newRow("hosts_tried not strings")
        << u"hosts_tried"_s << QJsonValue(QJsonArray { true }) << u"hosts_tried[0]"_s;
}

void TestProbeResultJson::rejectsBadInput()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, error);

    QJsonObject json = toJson(richResult());
    json.insert(key, value);
    QString message;
    QVERIFY(!probeResultFromJson(json, &message));
    QVERIFY2(message.startsWith(error + u':'), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestProbeResultJson)
#include "tst_proberesultjson.moc"
