#include "contacts/contactmessage.h"

#include <QUrl>

#include "smtp/proberesultjson.h"

namespace Mailpulse::Contacts
{

namespace
{

QString timeText(const QDateTime &t)
{
    // Minutes are enough for a human, and UTC says so explicitly.
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC")
                       : QStringLiteral("-");
}

} // namespace

std::optional<ContactMessage::Language> ContactMessage::languageFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"en" || n == u"english" || n.startsWith(QLatin1String("en_")) || n.startsWith(QLatin1String("en-")))
        return Language::English;
    if (n == u"de" || n == u"german" || n == u"deutsch" || n.startsWith(QLatin1String("de_"))
        || n.startsWith(QLatin1String("de-")))
        return Language::German;
    return std::nullopt;
}

ContactMessage ContactMessage::compose(
    const ContactEntry &entry, Language language, const QString &sender, const QStringList &statuses)
{
    QStringList codes;
    if (!entry.lastStatus.isEmpty())
        codes << (entry.reason.isEmpty() ? entry.lastStatus
                                         : QStringLiteral("%1 (%2)").arg(entry.lastStatus, entry.reason));
    for (const QString &status : statuses) {
        if (status != entry.lastStatus && !codes.contains(status))
            codes << status;
    }
    const QString codeText = codes.isEmpty() ? QStringLiteral("-") : codes.join(QStringLiteral(", "));
    const QString name = entry.details.name.trimmed();

    ContactMessage m;
    m.to = entry.details.altEmail;
    if (language == Language::German) {
        m.subject
            = QStringLiteral("Zustellprobleme: Ihr Mailserver für %1 lehnt unsere Verbindungen ab").arg(entry.domain);
        m.body = (name.isEmpty() ? QStringLiteral("Guten Tag,\n") : QStringLiteral("Guten Tag %1,\n").arg(name))
            + QStringLiteral("\n"
                             "wir versuchen, E-Mails an %1 zuzustellen, aber Ihr Mailserver lehnt unsere Verbindungen "
                             "ab oder bricht sie ab.\n"
                             "\n"
                             "Domain: %2\n"
                             "Fehlgeschlagene Versuche: %3\n"
                             "Erster Fehler: %4\n"
                             "Letzter Fehler: %5\n"
                             "Statuscodes: %6\n"
                             "\n"
                             "Könnten Sie Ihren Mailserver prüfen oder diese Nachricht an die zuständige Stelle "
                             "weiterleiten? Die Statuscodes sind erweiterte SMTP-Statuscodes nach RFC 3463.\n"
                             "\n"
                             "Vielen Dank und freundliche Grüße\n")
                  .arg(entry.address, entry.domain)
                  .arg(entry.failures)
                  .arg(timeText(entry.firstFailedAt), timeText(entry.lastFailedAt), codeText);
    } else {
        m.subject
            = QStringLiteral("Delivery problem: your mail server for %1 is refusing our connections").arg(entry.domain);
        m.body = (name.isEmpty() ? QStringLiteral("Hello,\n") : QStringLiteral("Hello %1,\n").arg(name))
            + QStringLiteral("\n"
                             "we are trying to deliver e-mail to %1, but your mail server is refusing or dropping "
                             "our connections.\n"
                             "\n"
                             "Domain: %2\n"
                             "Failed attempts: %3\n"
                             "First failure: %4\n"
                             "Last failure: %5\n"
                             "Status codes: %6\n"
                             "\n"
                             "Could you please check your mail server, or forward this message to whoever runs it? "
                             "The status codes are SMTP enhanced status codes (RFC 3463).\n"
                             "\n"
                             "Thank you and kind regards\n")
                  .arg(entry.address, entry.domain)
                  .arg(entry.failures)
                  .arg(timeText(entry.firstFailedAt), timeText(entry.lastFailedAt), codeText);
    }
    if (!sender.trimmed().isEmpty())
        m.body += sender.trimmed() + u'\n';
    return m;
}

QString ContactMessage::mailtoUrl() const { return mailtoUrl(to, subject, body); }

QString ContactMessage::mailtoUrl(const QString &to, const QString &subject, const QString &body)
{
    if (to.isEmpty())
        return {};
    // RFC 6068: everything outside unreserved is percent-encoded as UTF-8 ('@' may stay in the address), line
    // breaks in the body are CRLF.
    QString crlf = body;
    crlf.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    crlf.replace(u'\n', QLatin1String("\r\n"));
    const QByteArray url = "mailto:" + QUrl::toPercentEncoding(to, "@") + "?subject=" + QUrl::toPercentEncoding(subject)
        + "&body=" + QUrl::toPercentEncoding(crlf);
    return QString::fromLatin1(url);
}

} // namespace Mailpulse::Contacts
