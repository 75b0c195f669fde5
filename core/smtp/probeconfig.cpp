#include "smtp/probeconfig.h"

#include <QHostAddress>
#include <QUrl>
#include <algorithm>

namespace Mailpulse::Smtp
{

namespace
{

// RFC 5321 §4.5.3.1: these are octet limits, so non-ASCII local parts are measured in UTF-8.
constexpr qsizetype MaxLocalPartOctets = 64;
constexpr qsizetype MaxDomainOctets = 253; // RFC 1035 name length without the root label's dot and length bytes
constexpr qsizetype MaxLabelOctets = 63;

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool isControl(QChar c)
{
    return c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control
        || c.category() == QChar::Other_Format;
}

bool isLdh(QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-'; }

// An address literal ("[192.0.2.1]" or "[IPv6:2001:db8::1]", RFC 5321 §4.1.3) stays as given: it is not a DNS name.
bool checkAddressLiteral(const QString &domain, QString *error)
{
    const QString inner = domain.mid(1, domain.size() - 2);
    if (inner.startsWith(QLatin1String("IPv6:"), Qt::CaseInsensitive)) {
        QHostAddress address;
        if (!address.setAddress(inner.mid(5)) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return setError(error, QStringLiteral("invalid IPv6 address literal \"%1\"").arg(domain));
        return true;
    }
    QHostAddress address;
    // Qt also accepts shorthand forms such as "127.1"; a mail address literal needs all four octets.
    if (!address.setAddress(inner) || address.protocol() != QAbstractSocket::IPv4Protocol || inner.count(u'.') != 3)
        return setError(
            error, QStringLiteral("invalid address literal \"%1\" (use [a.b.c.d] or [IPv6:addr])").arg(domain));
    return true;
}

// Returns the ACE form of `domain`, or an empty string after setting `error`.
QString normalizeDomain(const QString &raw, QString *error)
{
    if (raw.isEmpty()) {
        setError(error, QStringLiteral("missing domain"));
        return {};
    }
    if (raw.startsWith(u'[') || raw.endsWith(u']')) {
        if (!raw.startsWith(u'[') || !raw.endsWith(u']') || raw.size() < 3) {
            setError(error, QStringLiteral("unbalanced brackets in \"%1\"").arg(raw));
            return {};
        }
        return checkAddressLiteral(raw, error) ? raw : QString();
    }

    QString domain = raw.toLower();
    // A fully qualified "example.com." names the same domain; the trailing dot only confuses comparisons.
    if (domain.endsWith(u'.'))
        domain.chop(1);
    if (domain.isEmpty() || domain.startsWith(u'.') || domain.contains(QLatin1String(".."))) {
        setError(error, QStringLiteral("empty label in domain \"%1\"").arg(raw));
        return {};
    }
    QHostAddress literal;
    if (literal.setAddress(domain)) {
        setError(error, QStringLiteral("bare IP address \"%1\" is not a mail domain (write [%1])").arg(raw));
        return {};
    }

    // Checked before toAce() too, which only says "invalid": here the error can name what the user typed.
    for (const QStringView label : QStringView(domain).split(u'.')) {
        if (label.toUtf8().size() > MaxLabelOctets) {
            setError(error, QStringLiteral("domain label \"%1\" is longer than 63 octets").arg(label));
            return {};
        }
        if (label.startsWith(u'-') || label.endsWith(u'-')) {
            setError(error, QStringLiteral("domain label \"%1\" starts or ends with a hyphen").arg(label));
            return {};
        }
        for (const QChar c : label) {
            if (c.unicode() < 0x80 && !isLdh(c)) {
                setError(error, QStringLiteral("invalid character '%1' in domain \"%2\"").arg(c).arg(raw));
                return {};
            }
        }
    }

    const QString ace = QString::fromLatin1(QUrl::toAce(domain));
    if (ace.isEmpty()) {
        setError(error, QStringLiteral("\"%1\" is not a valid internationalized domain name").arg(raw));
        return {};
    }
    if (ace.size() > MaxDomainOctets) {
        setError(error, QStringLiteral("domain \"%1\" is longer than 253 octets").arg(raw));
        return {};
    }
    const QStringList labels = ace.split(u'.');
    for (const QString &label : labels) {
        if (label.isEmpty()) {
            setError(error, QStringLiteral("empty label in domain \"%1\"").arg(raw));
            return {};
        }
        if (label.size() > MaxLabelOctets) {
            setError(error, QStringLiteral("domain label \"%1\" is longer than 63 octets").arg(label));
            return {};
        }
        for (const QChar c : label) {
            if (!isLdh(c)) {
                setError(error, QStringLiteral("invalid character '%1' in domain \"%2\"").arg(c).arg(raw));
                return {};
            }
        }
        if (label.startsWith(u'-') || label.endsWith(u'-')) {
            setError(error, QStringLiteral("domain label \"%1\" starts or ends with a hyphen").arg(label));
            return {};
        }
    }
    // No top-level domain is numeric (RFC 3696 §2), so "1.2.3" is a mistyped address, not a name.
    const QString &tld = labels.constLast();
    if (std::all_of(tld.begin(), tld.end(), [](QChar c) { return c.isDigit(); })) {
        setError(
            error, QStringLiteral("\"%1\" looks like an IP address, not a mail domain (write [a.b.c.d])").arg(raw));
        return {};
    }
    return ace;
}

bool checkLocalPart(const QString &local, const QString &address, QString *error)
{
    if (local.isEmpty())
        return setError(error, QStringLiteral("missing local part in \"%1\"").arg(address));
    if (local.toUtf8().size() > MaxLocalPartOctets)
        return setError(error, QStringLiteral("local part of \"%1\" is longer than 64 octets").arg(address));
    // These would break "RCPT TO:<...>" or need quoting that a monitor has no reason to support.
    static constexpr QStringView specials = u"<>()[]:;\\\"@";
    for (const QChar c : local) {
        if (specials.contains(c))
            return setError(
                error, QStringLiteral("character '%1' is not allowed in the local part of \"%2\"").arg(c).arg(address));
    }
    return true;
}

} // namespace

QString tlsModeName(TlsMode mode)
{
    switch (mode) {
    case TlsMode::None:
        return QStringLiteral("none");
    case TlsMode::StartTls:
        return QStringLiteral("starttls");
    case TlsMode::StartTlsRequired:
        return QStringLiteral("starttls-required");
    case TlsMode::Implicit:
        return QStringLiteral("implicit");
    }
    return QStringLiteral("starttls");
}

std::optional<TlsMode> tlsModeFromName(QStringView name)
{
    for (const TlsMode mode : { TlsMode::None, TlsMode::StartTls, TlsMode::StartTlsRequired, TlsMode::Implicit }) {
        if (name.compare(tlsModeName(mode), Qt::CaseInsensitive) == 0)
            return mode;
    }
    return std::nullopt;
}

QString ipFamilyName(IpFamily family)
{
    switch (family) {
    case IpFamily::Any:
        return QStringLiteral("any");
    case IpFamily::IPv4:
        return QStringLiteral("ipv4");
    case IpFamily::IPv6:
        return QStringLiteral("ipv6");
    }
    return QStringLiteral("any");
}

std::optional<IpFamily> ipFamilyFromName(QStringView name)
{
    for (const IpFamily family : { IpFamily::Any, IpFamily::IPv4, IpFamily::IPv6 }) {
        if (name.compare(ipFamilyName(family), Qt::CaseInsensitive) == 0)
            return family;
    }
    return std::nullopt;
}

std::optional<ProbeTarget> ProbeTarget::parse(const QString &input, QString *error)
{
    if (input.isEmpty()) {
        setError(error, QStringLiteral("empty target"));
        return std::nullopt;
    }
    for (const QChar c : input) {
        if (isControl(c)) {
            const QString code = QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0');
            setError(error, QStringLiteral("control character U+%1 in target").arg(code));
            return std::nullopt;
        }
        if (c.isSpace()) {
            setError(error, QStringLiteral("whitespace in target \"%1\"").arg(input));
            return std::nullopt;
        }
    }

    ProbeTarget target;
    target.input = input;
    bool haveDomainOnly = false;
    const QStringList parts = input.split(u',');
    for (const QString &part : parts) {
        if (part.isEmpty()) {
            setError(error, QStringLiteral("empty entry in target list \"%1\"").arg(input));
            return std::nullopt;
        }
        const qsizetype at = part.lastIndexOf(u'@');
        const QString rawDomain = at < 0 ? part : part.mid(at + 1);
        const QString domain = normalizeDomain(rawDomain, error);
        if (domain.isEmpty()) {
            if (at >= 0 && rawDomain.isEmpty())
                setError(error, QStringLiteral("missing domain in \"%1\"").arg(part));
            return std::nullopt;
        }
        if (!target.domain.isEmpty() && domain != target.domain) {
            setError(error,
                QStringLiteral("all recipients must share one domain (\"%1\" vs \"%2\")").arg(target.domain, domain));
            return std::nullopt;
        }
        target.domain = domain;

        if (at < 0) {
            haveDomainOnly = true;
        } else {
            const QString local = part.left(at);
            if (!checkLocalPart(local, part, error))
                return std::nullopt;
            target.recipients.append(local + u'@' + domain);
        }
        if (haveDomainOnly && parts.size() > 1) {
            setError(error, QStringLiteral("a list of targets must be recipients (user@domain), got \"%1\"").arg(part));
            return std::nullopt;
        }
    }
    return target;
}

} // namespace Mailpulse::Smtp
