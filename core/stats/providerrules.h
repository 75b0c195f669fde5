#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Mailpulse::Stats
{

/// Maps MX host names to mail providers ("aspmx.l.google.com" → Google), so that stats can group domains by who
/// runs their mail.
///
/// The shipped rules are compiled in (defaultRules()): core links Qt Core only and needs no resource plumbing, and
/// the list cannot go missing from an installation. Users edit rules in a JSON file (`mailpulse-cli stats rules`
/// prints the shipped list in that format as a starting point):
///     { "providers": [ { "name": "Google", "hosts": ["*.google.com", "*.googlemail.com"] }, … ] }
/// A pattern "*.example.com" matches every host below example.com (not example.com itself); any other pattern
/// matches exactly. Matching is case-insensitive and ignores a trailing dot. User rules are tried before the shipped
/// ones, so a user file can add providers and re-map hosts without copying the whole list.
///
/// A host no rule matches is grouped by its registered domain ("mx1.mail.example.co.uk" → "example.co.uk").
/// Limitation: registered domains come from a short built-in list of common multi-label public suffixes (co.uk,
/// com.au, co.jp, com.br, …), not the full Public Suffix List; under an unlisted multi-label suffix two unrelated
/// organisations can land in one group. IP addresses (e.g. `--mx 127.0.0.1`) group as themselves.
class ProviderRules final
{
public:
    struct Rule {
        QString provider;
        QStringList patterns;
    };

    ProviderRules() = default;
    explicit ProviderRules(QList<Rule> rules);

    /// The shipped list.
    static ProviderRules defaultRules();
    /// User rules from a JSON file, tried before the shipped ones. False and `error` for an unreadable or malformed
    /// file (the rules are then unchanged).
    bool loadUserFile(const QString &path, QString *error);
    /// <AppConfigLocation>/providers.json: loaded by the CLI and GUI when it exists.
    static QString defaultUserFilePath();

    QList<Rule> rules() const { return m_rules; }
    /// All rules in the JSON file format.
    QByteArray toJson() const;

    /// The provider of one MX host: a rule's provider name, or the host's registered domain. Empty for an empty host.
    QString providerForHost(const QString &host) const;
    /// True when a rule (not the registered-domain fallback) decides `host`.
    bool isKnownHost(const QString &host) const;

    /// The registered domain of a host name ("a.b.example.com" → "example.com", "mx.example.co.uk" →
    /// "example.co.uk"); IP addresses and single labels come back unchanged.
    static QString registeredDomain(const QString &host);

private:
    QString matchRule(const QString &host) const;

    QList<Rule> m_rules;
};

} // namespace Mailpulse::Stats
