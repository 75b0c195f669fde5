#include "smtp/proberesultjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QTimeZone>
#include <limits>

namespace Mailpulse::Smtp
{

namespace
{

// DESIGN.md: absent data is null, never omitted. An empty string is how the value types say "absent".
QJsonValue stringOrNull(const QString &value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonValue msOrNull(qint64 ms) { return ms < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(ms); }

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(toIsoUtc(time)) : QJsonValue(QJsonValue::Null);
}

QJsonArray stringArray(const QStringList &values)
{
    QJsonArray array;
    for (const QString &value : values)
        array.append(value);
    return array;
}

QJsonValue replyToJson(const std::optional<SmtpReply> &reply)
{
    if (!reply)
        return QJsonValue::Null;
    return QJsonObject {
        { QStringLiteral("code"), reply->code },
        { QStringLiteral("enhanced"), stringOrNull(reply->enhanced) },
        { QStringLiteral("text"), reply->text() },
        { QStringLiteral("lines"), stringArray(reply->lines) },
    };
}

QJsonValue tlsToJson(const std::optional<TlsInfo> &tls)
{
    if (!tls)
        return QJsonValue::Null;
    return QJsonObject {
        { QStringLiteral("protocol"), stringOrNull(tls->protocol) },
        { QStringLiteral("cipher"), stringOrNull(tls->cipher) },
        { QStringLiteral("verified"), tls->verified },
        { QStringLiteral("errors"), stringArray(tls->errors) },
        { QStringLiteral("subject"), stringOrNull(tls->subject) },
        { QStringLiteral("issuer"), stringOrNull(tls->issuer) },
        { QStringLiteral("san"), stringArray(tls->san) },
        { QStringLiteral("not_after"), timeOrNull(tls->notAfter) },
    };
}

// Reads with a path for error messages ("recipients[2].reply.code: expected an integer"). The first error wins;
// later reads are harmless no-ops on a failed parser, which keeps the parsing code linear.
class Parser
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const QString &path, const QString &what)
    {
        if (m_error.isEmpty())
            m_error = path + QLatin1String(": ") + what;
    }

    static QString join(const QString &path, QLatin1String key)
    {
        return path.isEmpty() ? QString(key) : path + u'.' + key;
    }

    // Missing or null: empty string.
    QString string(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isString()) {
            fail(join(path, key), QStringLiteral("expected a string"));
            return {};
        }
        return value.toString();
    }

    // Missing or null: `absent`.
    qint64 integer(
        const QJsonObject &object, QLatin1String key, const QString &path, qint64 absent, qint64 min, qint64 max)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return absent;
        constexpr qint64 NotInteger = std::numeric_limits<qint64>::min();
        const qint64 number = value.toInteger(NotInteger);
        if (!value.isDouble() || number == NotInteger) {
            fail(join(path, key), QStringLiteral("expected an integer"));
            return absent;
        }
        if (number < min || number > max) {
            fail(join(path, key), QStringLiteral("%1 is out of range [%2, %3]").arg(number).arg(min).arg(max));
            return absent;
        }
        return number;
    }

    bool boolean(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return false;
        if (!value.isBool()) {
            fail(join(path, key), QStringLiteral("expected true or false"));
            return false;
        }
        return value.toBool();
    }

    QDateTime time(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        const QString text = string(object, key, path);
        if (text.isEmpty())
            return {};
        const QDateTime parsed = fromIsoUtc(text);
        if (!parsed.isValid())
            fail(join(path, key), QStringLiteral("\"%1\" is not an ISO 8601 time").arg(text));
        return parsed;
    }

    QStringList strings(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        QStringList result;
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return result;
        if (!value.isArray()) {
            fail(join(path, key), QStringLiteral("expected an array of strings"));
            return result;
        }
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString()) {
                fail(join(path, key) + QStringLiteral("[%1]").arg(i), QStringLiteral("expected a string"));
                return result;
            }
            result.append(array.at(i).toString());
        }
        return result;
    }

    // Missing or null: an empty array. Anything but an array of objects is an error.
    QList<QJsonObject> objects(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        QList<QJsonObject> result;
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return result;
        if (!value.isArray()) {
            fail(join(path, key), QStringLiteral("expected an array"));
            return result;
        }
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject()) {
                fail(join(path, key) + QStringLiteral("[%1]").arg(i), QStringLiteral("expected an object"));
                return result;
            }
            result.append(array.at(i).toObject());
        }
        return result;
    }

    // Missing or null: nullopt without an error.
    std::optional<QJsonObject> optionalObject(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        if (!value.isObject()) {
            fail(join(path, key), QStringLiteral("expected an object or null"));
            return std::nullopt;
        }
        return value.toObject();
    }

    std::optional<SmtpReply> reply(const QJsonObject &object, QLatin1String key, const QString &path)
    {
        const std::optional<QJsonObject> replyObject = optionalObject(object, key, path);
        if (!replyObject)
            return std::nullopt;
        const QString replyPath = join(path, key);
        SmtpReply reply;
        reply.code = int(integer(*replyObject, QLatin1String("code"), replyPath, 0, 0, 999));
        reply.enhanced = string(*replyObject, QLatin1String("enhanced"), replyPath);
        if (replyObject->contains(QLatin1String("lines"))) {
            reply.lines = strings(*replyObject, QLatin1String("lines"), replyPath);
        } else {
            // A writer without `lines` (DESIGN.md's minimal form): the text is all we know.
            const QString text = string(*replyObject, QLatin1String("text"), replyPath);
            if (!text.isEmpty())
                reply.lines = QStringList { text };
        }
        return reply;
    }

    Bounce::Classification classification(const QJsonObject &object, const QString &path)
    {
        Bounce::Classification result;
        result.status = string(object, QLatin1String("status"), path);
        result.reason = string(object, QLatin1String("reason"), path);
        const QString className = string(object, QLatin1String("class"), path);
        if (!className.isEmpty()) {
            if (const auto cls = Bounce::deliveryClassFromName(className))
                result.cls = *cls;
            else
                fail(join(path, QLatin1String("class")), QStringLiteral("unknown class \"%1\"").arg(className));
        }
        return result;
    }

private:
    QString m_error;
};

} // namespace

QString toIsoUtc(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromIsoUtc(QStringView text)
{
    QDateTime parsed = QDateTime::fromString(text.toString(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        return {};
    // Without 'Z' or an offset Qt assumes local time; a stored time without a zone would be ambiguous.
    if (parsed.timeSpec() == Qt::LocalTime)
        return {};
    return parsed.toUTC();
}

QJsonObject toJson(const ProbeResult &result)
{
    QJsonObject object;
    object.insert(QStringLiteral("target"), stringOrNull(result.target));
    object.insert(QStringLiteral("domain"), stringOrNull(result.domain));
    object.insert(QStringLiteral("host"), stringOrNull(result.host));
    object.insert(QStringLiteral("address"), stringOrNull(result.address));
    object.insert(QStringLiteral("port"), result.port == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(result.port));
    object.insert(QStringLiteral("tls_mode"), tlsModeName(result.tlsMode));
    object.insert(QStringLiteral("status"), stringOrNull(result.classification.status));
    object.insert(QStringLiteral("class"), Bounce::deliveryClassName(result.classification.cls));
    object.insert(QStringLiteral("reason"), stringOrNull(result.classification.reason));
    object.insert(QStringLiteral("phase"), phaseName(result.phase));
    object.insert(QStringLiteral("reply"), replyToJson(result.reply));
    object.insert(QStringLiteral("detail"), stringOrNull(result.detail));

    const PhaseTimings &t = result.timings;
    object.insert(QStringLiteral("timings_ms"),
        QJsonObject {
            { QStringLiteral("dns"), msOrNull(t.dns) },
            { QStringLiteral("connect"), msOrNull(t.connect) },
            { QStringLiteral("greeting"), msOrNull(t.greeting) },
            { QStringLiteral("ehlo"), msOrNull(t.ehlo) },
            { QStringLiteral("tls"), msOrNull(t.tls) },
            { QStringLiteral("mail"), msOrNull(t.mail) },
            { QStringLiteral("rcpt"), msOrNull(t.rcpt) },
            { QStringLiteral("total"), msOrNull(t.total) },
        });
    object.insert(QStringLiteral("tls"), tlsToJson(result.tls));

    QJsonArray findings;
    for (const Finding &finding : result.findings) {
        findings.append(QJsonObject {
            { QStringLiteral("severity"), finding.severity },
            { QStringLiteral("code"), finding.code },
            { QStringLiteral("text"), finding.text },
        });
    }
    object.insert(QStringLiteral("findings"), findings);

    QJsonArray recipients;
    for (const RecipientResult &recipient : result.recipients) {
        recipients.append(QJsonObject {
            { QStringLiteral("address"), recipient.address },
            { QStringLiteral("status"), stringOrNull(recipient.classification.status) },
            { QStringLiteral("class"), Bounce::deliveryClassName(recipient.classification.cls) },
            { QStringLiteral("reason"), stringOrNull(recipient.classification.reason) },
            { QStringLiteral("reply"), replyToJson(recipient.reply) },
        });
    }
    object.insert(QStringLiteral("recipients"), recipients);

    QJsonArray transcript;
    for (const TranscriptEntry &entry : result.transcript) {
        transcript.append(QJsonObject {
            { QStringLiteral("t_ms"), entry.tMs },
            { QStringLiteral("dir"), QString(QLatin1Char(entry.dir)) },
            { QStringLiteral("line"), entry.line },
        });
    }
    object.insert(QStringLiteral("transcript"), transcript);
    object.insert(QStringLiteral("started_at"), timeOrNull(result.startedAt));
    object.insert(QStringLiteral("hosts_tried"), stringArray(result.hostsTried));
    return object;
}

std::optional<ProbeResult> probeResultFromJson(const QJsonObject &object, QString *error)
{
    Parser p;
    const QString root;
    ProbeResult result;
    result.target = p.string(object, QLatin1String("target"), root);
    result.domain = p.string(object, QLatin1String("domain"), root);
    result.host = p.string(object, QLatin1String("host"), root);
    result.address = p.string(object, QLatin1String("address"), root);
    result.port = quint16(p.integer(object, QLatin1String("port"), root, 0, 0, 65535));

    const QString tlsMode = p.string(object, QLatin1String("tls_mode"), root);
    if (!tlsMode.isEmpty()) {
        if (const auto mode = tlsModeFromName(tlsMode))
            result.tlsMode = *mode;
        else
            p.fail(QStringLiteral("tls_mode"), QStringLiteral("unknown TLS mode \"%1\"").arg(tlsMode));
    }
    result.classification = p.classification(object, root);

    const QString phase = p.string(object, QLatin1String("phase"), root);
    if (!phase.isEmpty()) {
        if (const auto value = phaseFromName(phase))
            result.phase = *value;
        else
            p.fail(QStringLiteral("phase"), QStringLiteral("unknown phase \"%1\"").arg(phase));
    }
    result.reply = p.reply(object, QLatin1String("reply"), root);
    result.detail = p.string(object, QLatin1String("detail"), root);

    if (const auto timings = p.optionalObject(object, QLatin1String("timings_ms"), root)) {
        const QString path = QStringLiteral("timings_ms");
        constexpr qint64 Max = std::numeric_limits<qint64>::max();
        PhaseTimings &t = result.timings;
        t.dns = p.integer(*timings, QLatin1String("dns"), path, -1, 0, Max);
        t.connect = p.integer(*timings, QLatin1String("connect"), path, -1, 0, Max);
        t.greeting = p.integer(*timings, QLatin1String("greeting"), path, -1, 0, Max);
        t.ehlo = p.integer(*timings, QLatin1String("ehlo"), path, -1, 0, Max);
        t.tls = p.integer(*timings, QLatin1String("tls"), path, -1, 0, Max);
        t.mail = p.integer(*timings, QLatin1String("mail"), path, -1, 0, Max);
        t.rcpt = p.integer(*timings, QLatin1String("rcpt"), path, -1, 0, Max);
        t.total = p.integer(*timings, QLatin1String("total"), path, -1, 0, Max);
    }

    if (const auto tlsObject = p.optionalObject(object, QLatin1String("tls"), root)) {
        const QString path = QStringLiteral("tls");
        TlsInfo tls;
        tls.protocol = p.string(*tlsObject, QLatin1String("protocol"), path);
        tls.cipher = p.string(*tlsObject, QLatin1String("cipher"), path);
        tls.verified = p.boolean(*tlsObject, QLatin1String("verified"), path);
        tls.errors = p.strings(*tlsObject, QLatin1String("errors"), path);
        tls.subject = p.string(*tlsObject, QLatin1String("subject"), path);
        tls.issuer = p.string(*tlsObject, QLatin1String("issuer"), path);
        tls.san = p.strings(*tlsObject, QLatin1String("san"), path);
        tls.notAfter = p.time(*tlsObject, QLatin1String("not_after"), path);
        result.tls = tls;
    }

    const QList<QJsonObject> findings = p.objects(object, QLatin1String("findings"), root);
    for (qsizetype i = 0; i < findings.size(); ++i) {
        const QString path = QStringLiteral("findings[%1]").arg(i);
        result.findings.append(Finding {
            p.string(findings.at(i), QLatin1String("severity"), path),
            p.string(findings.at(i), QLatin1String("code"), path),
            p.string(findings.at(i), QLatin1String("text"), path),
        });
    }

    const QList<QJsonObject> recipients = p.objects(object, QLatin1String("recipients"), root);
    for (qsizetype i = 0; i < recipients.size(); ++i) {
        const QString path = QStringLiteral("recipients[%1]").arg(i);
        RecipientResult recipient;
        recipient.address = p.string(recipients.at(i), QLatin1String("address"), path);
        recipient.classification = p.classification(recipients.at(i), path);
        recipient.reply = p.reply(recipients.at(i), QLatin1String("reply"), path);
        result.recipients.append(recipient);
    }

    const QList<QJsonObject> transcript = p.objects(object, QLatin1String("transcript"), root);
    for (qsizetype i = 0; i < transcript.size(); ++i) {
        const QString path = QStringLiteral("transcript[%1]").arg(i);
        TranscriptEntry entry;
        entry.tMs = p.integer(transcript.at(i), QLatin1String("t_ms"), path, 0, 0, std::numeric_limits<qint64>::max());
        const QString dir = p.string(transcript.at(i), QLatin1String("dir"), path);
        if (dir == u"S" || dir == u"C" || dir == u"I")
            entry.dir = char(dir.front().unicode());
        else
            p.fail(path + QLatin1String(".dir"), QStringLiteral("expected \"S\", \"C\" or \"I\", got \"%1\"").arg(dir));
        entry.line = p.string(transcript.at(i), QLatin1String("line"), path);
        result.transcript.append(entry);
    }

    result.startedAt = p.time(object, QLatin1String("started_at"), root);
    result.hostsTried = p.strings(object, QLatin1String("hosts_tried"), root);

    if (p.failed()) {
        if (error)
            *error = p.error();
        return std::nullopt;
    }
    return result;
}

QByteArray toJsonLine(const QJsonObject &object)
{
    QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    line.append('\n');
    return line;
}

} // namespace Mailpulse::Smtp
