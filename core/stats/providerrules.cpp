#include "stats/providerrules.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStandardPaths>

namespace Mailpulse::Stats
{

namespace
{

struct DefaultRule {
    const char16_t *provider;
    std::initializer_list<const char16_t *> patterns;
};

// Inbound MX names of the large mailbox providers and of the filtering services that front many company domains.
// Sources: the providers' published MX records (dig MX gmail.com, outlook.com, yahoo.com, icloud.com, gmx.net, …).
const DefaultRule kDefaultRules[] = {
    { u"Google", { u"*.google.com", u"*.googlemail.com", u"*.gmail.com" } },
    { u"Microsoft",
        { u"*.outlook.com", u"*.protection.outlook.com", u"*.hotmail.com", u"*.live.com", u"*.msn.com", u"*.outlook.de",
            u"*.protection.outlook.de", u"*.office365.us" } },
    { u"Yahoo", { u"*.yahoodns.net", u"*.yahoo.com", u"*.aol.com", u"*.yahoo.net" } },
    { u"Apple iCloud", { u"*.icloud.com", u"*.me.com", u"*.mac.com" } },
    { u"GMX/Web.de", { u"*.gmx.net", u"*.gmx.de", u"*.gmx.com", u"*.web.de", u"*.mail.com" } },
    { u"IONOS", { u"*.ionos.de", u"*.ionos.com", u"*.kundenserver.de", u"*.perfora.net", u"*.1and1.com" } },
    { u"Mail.ru", { u"*.mail.ru" } },
    { u"Yandex", { u"*.yandex.net", u"*.yandex.ru", u"*.yandex.com" } },
    { u"Zoho", { u"*.zoho.com", u"*.zoho.eu", u"*.zoho.in", u"*.zohomail.com", u"*.zoho.com.au" } },
    { u"Proton", { u"*.protonmail.ch", u"*.proton.me", u"*.protonmail.com" } },
    { u"Fastmail", { u"*.messagingengine.com", u"*.fastmail.com" } },
    { u"Deutsche Telekom", { u"*.t-online.de" } },
    { u"Orange", { u"*.orange.fr", u"*.wanadoo.fr" } },
    { u"Free", { u"*.free.fr" } },
    { u"Seznam", { u"*.seznam.cz" } },
    { u"Tencent QQ", { u"*.qq.com" } },
    { u"NetEase", { u"*.163.com", u"*.126.com", u"*.netease.com" } },
    { u"Naver", { u"*.naver.com" } },
    { u"Comcast", { u"*.comcast.net" } },
    { u"Mimecast", { u"*.mimecast.com", u"*.mimecast.co.za", u"*.mimecast-offshore.com" } },
    { u"Proofpoint", { u"*.pphosted.com", u"*.ppe-hosted.com" } },
    { u"Barracuda", { u"*.barracudanetworks.com" } },
    { u"Cisco Secure Email", { u"*.iphmx.com" } },
    { u"Amazon", { u"*.amazonaws.com", u"*.awsapps.com" } },
};

// Second-level labels under which registrations sit one level deeper. Common ones only; see the class comment.
const QSet<QString> &multiLabelSuffixes()
{
    static const QSet<QString> suffixes = [] {
        QSet<QString> s;
        for (const char16_t *suffix :
            { u"co.uk", u"org.uk", u"ac.uk", u"gov.uk", u"me.uk", u"ltd.uk", u"plc.uk", u"net.uk", u"sch.uk", u"nhs.uk",
                u"com.au", u"net.au", u"org.au", u"edu.au", u"gov.au", u"asn.au", u"id.au", u"co.nz", u"net.nz",
                u"org.nz", u"govt.nz", u"ac.nz", u"co.jp", u"ne.jp", u"or.jp", u"ac.jp", u"go.jp", u"ad.jp", u"gr.jp",
                u"co.za", u"org.za", u"net.za", u"gov.za", u"ac.za", u"com.br", u"net.br", u"org.br", u"gov.br",
                u"edu.br", u"com.cn", u"net.cn", u"org.cn", u"gov.cn", u"edu.cn", u"com.hk", u"net.hk", u"org.hk",
                u"com.tw", u"net.tw", u"org.tw", u"com.sg", u"net.sg", u"org.sg", u"com.my", u"net.my", u"org.my",
                u"co.in", u"net.in", u"org.in", u"gov.in", u"ac.in", u"co.kr", u"or.kr", u"ne.kr", u"go.kr", u"ac.kr",
                u"co.id", u"or.id", u"ac.id", u"go.id", u"co.il", u"org.il", u"ac.il", u"gov.il", u"co.th", u"in.th",
                u"ac.th", u"go.th", u"com.mx", u"org.mx", u"gob.mx", u"com.ar", u"gob.ar", u"com.co", u"com.pe",
                u"com.ve", u"com.tr", u"org.tr", u"gov.tr", u"edu.tr", u"com.ua", u"org.ua", u"com.pl", u"net.pl",
                u"org.pl", u"co.at", u"or.at", u"gv.at", u"ac.at", u"com.es", u"org.es", u"com.pt", u"com.gr",
                u"com.cy", u"com.mt", u"co.hu", u"com.ru", u"msk.ru", u"spb.ru", u"com.eg", u"com.sa", u"com.pk",
                u"com.ng", u"co.ke", u"com.ph", u"com.vn", u"co.ve", u"com.uy", u"com.ec", u"co.cr" })
            s.insert(QString::fromUtf16(suffix));
        return s;
    }();
    return suffixes;
}

QString normalizedHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    while (h.endsWith(u'.'))
        h.chop(1);
    return h;
}

bool matches(const QString &pattern, const QString &host)
{
    if (pattern.startsWith(QLatin1String("*."))) {
        const QStringView suffix = QStringView(pattern).mid(1); // ".google.com"
        return host.size() > suffix.size() && host.endsWith(suffix);
    }
    return host == pattern;
}

} // namespace

ProviderRules::ProviderRules(QList<Rule> rules)
    : m_rules(std::move(rules))
{
    for (Rule &rule : m_rules) {
        for (QString &pattern : rule.patterns)
            pattern = normalizedHost(pattern);
    }
}

ProviderRules ProviderRules::defaultRules()
{
    QList<Rule> rules;
    for (const DefaultRule &d : kDefaultRules) {
        Rule rule;
        rule.provider = QString::fromUtf16(d.provider);
        for (const char16_t *pattern : d.patterns)
            rule.patterns.append(QString::fromUtf16(pattern));
        rules.append(rule);
    }
    return ProviderRules(rules);
}

QString ProviderRules::defaultUserFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QLatin1String("/providers.json");
}

bool ProviderRules::loadUserFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    const auto bad = [&](const QString &message) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, message);
        return false;
    };
    if (parseError.error != QJsonParseError::NoError)
        return bad(QStringLiteral("not JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonValue providers = document.object().value(QStringLiteral("providers"));
    if (!document.isObject() || !providers.isArray())
        return bad(QStringLiteral("expected {\"providers\": [{\"name\": …, \"hosts\": […]}, …]}"));
    QList<Rule> loaded;
    const QJsonArray array = providers.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        const QString name = object.value(QStringLiteral("name")).toString().trimmed();
        const QJsonValue hosts = object.value(QStringLiteral("hosts"));
        if (name.isEmpty() || !hosts.isArray())
            return bad(QStringLiteral("providers[%1]: needs a \"name\" and a \"hosts\" array").arg(i));
        Rule rule;
        rule.provider = name;
        for (const QJsonValue &host : hosts.toArray()) {
            const QString pattern = normalizedHost(host.toString());
            if (!host.isString() || pattern.isEmpty() || pattern == u"*." || pattern.indexOf(u'*') > 0)
                return bad(QStringLiteral("providers[%1] (%2): host patterns are names or *.suffix").arg(i).arg(name));
            rule.patterns.append(pattern);
        }
        loaded.append(rule);
    }
    m_rules = loaded + m_rules;
    return true;
}

QByteArray ProviderRules::toJson() const
{
    QJsonArray providers;
    for (const Rule &rule : m_rules) {
        providers.append(QJsonObject { { QStringLiteral("name"), rule.provider },
            { QStringLiteral("hosts"), QJsonArray::fromStringList(rule.patterns) } });
    }
    return QJsonDocument(QJsonObject { { QStringLiteral("providers"), providers } }).toJson(QJsonDocument::Indented);
}

QString ProviderRules::matchRule(const QString &host) const
{
    for (const Rule &rule : m_rules) {
        for (const QString &pattern : rule.patterns) {
            if (matches(pattern, host))
                return rule.provider;
        }
    }
    return {};
}

bool ProviderRules::isKnownHost(const QString &host) const { return !matchRule(normalizedHost(host)).isEmpty(); }

QString ProviderRules::providerForHost(const QString &host) const
{
    const QString h = normalizedHost(host);
    if (h.isEmpty())
        return {};
    const QString provider = matchRule(h);
    return provider.isEmpty() ? registeredDomain(h) : provider;
}

QString ProviderRules::registeredDomain(const QString &host)
{
    QString h = normalizedHost(host);
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2); // address literal
    if (!QHostAddress(h).isNull())
        return h;
    const QStringList labels = h.split(u'.', Qt::SkipEmptyParts);
    if (labels.size() <= 2)
        return labels.join(u'.');
    const QString lastTwo = labels.at(labels.size() - 2) + u'.' + labels.last();
    const qsizetype keep = multiLabelSuffixes().contains(lastTwo) ? 3 : 2;
    return labels.mid(labels.size() - keep).join(u'.');
}

} // namespace Mailpulse::Stats
