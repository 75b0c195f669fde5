#include <QFile>
#include <QJsonObject>

#include "cli.h"
#include "common/clock.h"
#include "contacts/contactjson.h"
#include "contacts/contactlist.h"
#include "contacts/contactmessage.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Contacts;

namespace
{

int changeResult(ContactList::Change change, const QString &error)
{
    switch (change) {
    case ContactList::Change::Done:
        return ExitOk;
    case ContactList::Change::NotListed:
        err() << "mailpulse-cli contacts: " << error << '\n';
        return ExitNoInput;
    case ContactList::Change::Failed:
        break;
    }
    err() << "mailpulse-cli contacts: " << error << '\n';
    return ExitSoftware;
}

QString timeText(const QDateTime &t) { return t.isValid() ? Smtp::toIsoUtc(t) : QStringLiteral("-"); }

void printEntries(const QList<ContactEntry> &entries)
{
    QTextStream &o = out();
    int width = 7;
    for (const ContactEntry &e : entries)
        width = std::max(width, int(e.address.size()));
    width = std::min(width, 48);
    o << QStringLiteral("ADDRESS").leftJustified(width) << "  STATUS     RULE                  FAILURES  LAST STATUS"
      << "            LAST FAILED\n";
    for (const ContactEntry &e : entries) {
        const QString last
            = e.lastStatus.isEmpty() ? QStringLiteral("-") : QStringLiteral("%1 %2").arg(e.lastStatus, e.reason);
        o << e.address.leftJustified(width) << "  " << contactStatusName(e.status).leftJustified(9) << "  "
          << e.rule.leftJustified(20) << "  " << QString::number(e.failures).rightJustified(8) << "  "
          << last.leftJustified(21) << "  " << timeText(e.lastFailedAt) << '\n';
        QStringList details;
        if (!e.details.name.isEmpty())
            details << e.details.name;
        if (!e.details.phone.isEmpty())
            details << e.details.phone;
        if (!e.details.altEmail.isEmpty())
            details << e.details.altEmail;
        if (!details.isEmpty())
            o << "    contact: " << details.join(QStringLiteral(", ")) << '\n';
        for (const ContactNote &n : e.notes) {
            o << "    " << timeText(n.at) << " [" << n.status << "] " << n.author;
            if (!n.text.isEmpty())
                o << ": " << n.text;
            o << '\n';
        }
    }
    o.flush();
}

} // namespace

int runContacts(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The contact list: recipients that keep failing (by default 3 consecutive failed attempts, or any hard\n"
        "failure), with a workflow new → contacted → resolved | ignored.\n"
        "  list [--status S] [--domain D]            the entries, most recently failed first\n"
        "  set-status ADDRESS STATUS [--note TEXT]   new, contacted, resolved or ignored\n"
        "  note ADDRESS TEXT                         add a note\n"
        "  set-details ADDRESS [--name N] [--phone P] [--alt-email E]\n"
        "  import FILE.csv                           contact details: address,name,phone,alt_email\n"
        "  message ADDRESS [--lang en|de] [--sender NAME]   the message for the recipient's admin, and a mailto: URL"));
    addGlobalOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("command"), QStringLiteral("list, set-status, note, set-details, import, message"));
    parser.addOption(
        { QStringLiteral("status"), QStringLiteral("list: only entries in this status."), QStringLiteral("S") });
    parser.addOption({ QStringLiteral("domain"), QStringLiteral("list: only this domain."), QStringLiteral("D") });
    parser.addOption(
        { QStringLiteral("note"), QStringLiteral("set-status: a note to record."), QStringLiteral("TEXT") });
    parser.addOption({ QStringLiteral("name"), QStringLiteral("set-details: contact name."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("phone"), QStringLiteral("set-details: phone number."), QStringLiteral("P") });
    parser.addOption(
        { QStringLiteral("alt-email"), QStringLiteral("set-details: alternate e-mail."), QStringLiteral("E") });
    parser.addOption({ QStringLiteral("lang"), QStringLiteral("message: en (default) or de."), QStringLiteral("L") });
    parser.addOption({ QStringLiteral("sender"), QStringLiteral("message: signature."), QStringLiteral("NAME") });

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("expected list, set-status, note, set-details, import or message"));
    const QString command = positional.first();
    const qsizetype expected = command == u"list"                                    ? 1
        : command == u"set-status" || command == u"note"                             ? 3
        : command == u"set-details" || command == u"import" || command == u"message" ? 2
                                                                                     : -1;
    if (expected < 0)
        return usageError(QStringLiteral("unknown command '%1'").arg(command));
    if (positional.size() != expected)
        return usageError(QStringLiteral("'%1' takes %2 argument(s)").arg(command).arg(expected - 1));

    std::optional<ContactStatus> status;
    if (command == u"set-status" || parser.isSet(QStringLiteral("status"))) {
        const QString name = command == u"set-status" ? positional.at(2) : parser.value(QStringLiteral("status"));
        status = contactStatusFromName(name);
        if (!status)
            return usageError(QStringLiteral("status must be new, contacted, resolved or ignored, not '%1'").arg(name));
    }
    std::optional<ContactMessage::Language> language = ContactMessage::Language::English;
    if (parser.isSet(QStringLiteral("lang"))) {
        language = ContactMessage::languageFromName(parser.value(QStringLiteral("lang")));
        if (!language)
            return usageError(QStringLiteral("--lang must be en or de"));
    }
    QByteArray csv;
    if (command == u"import") {
        QFile file(positional.at(1));
        if (!file.open(QIODevice::ReadOnly)) {
            err() << "mailpulse-cli contacts: cannot read " << positional.at(1) << ": " << file.errorString() << '\n';
            return ExitNoInput;
        }
        csv = file.readAll();
    }

    Store::Database db;
    QString error;
    if (!db.open(global.dbPath, &error)) {
        err() << "mailpulse-cli contacts: cannot open the store " << global.dbPath << ": " << error << '\n';
        return ExitSoftware;
    }
    const SystemClock clock;
    ContactList contacts(db, clock);

    if (command == u"list") {
        ContactList::Filter filter;
        filter.status = status;
        filter.domain = parser.value(QStringLiteral("domain"));
        QList<ContactEntry> entries;
        if (!contacts.list(filter, &entries, &error)) {
            err() << "mailpulse-cli contacts: " << error << '\n';
            return ExitSoftware;
        }
        if (global.json) {
            for (const ContactEntry &e : std::as_const(entries))
                out() << QString::fromUtf8(Smtp::toJsonLine(toJson(e)));
            out().flush();
        } else if (entries.isEmpty()) {
            out() << "The contact list is empty.\n";
        } else {
            printEntries(entries);
        }
        return ExitOk;
    }
    if (command == u"set-status")
        return changeResult(
            contacts.setStatus(positional.at(1), *status, parser.value(QStringLiteral("note")), &error), error);
    if (command == u"note")
        return changeResult(contacts.addNote(positional.at(1), positional.at(2), &error), error);
    if (command == u"set-details") {
        // Options not given keep what was stored.
        ContactDetails details = contacts.details(positional.at(1), &error).value_or(ContactDetails {});
        if (!error.isEmpty()) {
            err() << "mailpulse-cli contacts: " << error << '\n';
            return ExitSoftware;
        }
        details.address = positional.at(1);
        if (parser.isSet(QStringLiteral("name")))
            details.name = parser.value(QStringLiteral("name"));
        if (parser.isSet(QStringLiteral("phone")))
            details.phone = parser.value(QStringLiteral("phone"));
        if (parser.isSet(QStringLiteral("alt-email")))
            details.altEmail = parser.value(QStringLiteral("alt-email"));
        if (!contacts.setDetails(details, &error)) {
            err() << "mailpulse-cli contacts: " << error << '\n';
            return ExitDataErr;
        }
        return ExitOk;
    }
    if (command == u"import") {
        int imported = 0;
        if (!contacts.importDetails(csv, &imported, &error)) {
            err() << "mailpulse-cli contacts: " << positional.at(1) << ": " << error << " (nothing imported)\n";
            return ExitDataErr;
        }
        if (global.json)
            out() << QString::fromUtf8(Smtp::toJsonLine(
                { { QStringLiteral("file"), positional.at(1) }, { QStringLiteral("imported"), imported } }));
        else
            out() << "Imported contact details for " << imported << " address(es).\n";
        out().flush();
        return ExitOk;
    }

    // message
    const std::optional<ContactEntry> entry = contacts.find(positional.at(1), &error);
    if (!entry) {
        if (!error.isEmpty()) {
            err() << "mailpulse-cli contacts: " << error << '\n';
            return ExitSoftware;
        }
        err() << "mailpulse-cli contacts: " << positional.at(1) << " is not on the contact list\n";
        return ExitNoInput;
    }
    const ContactMessage message = ContactMessage::compose(*entry, *language, parser.value(QStringLiteral("sender")));
    if (global.json) {
        out() << QString::fromUtf8(Smtp::toJsonLine({ { QStringLiteral("address"), entry->address },
            { QStringLiteral("to"), message.to.isEmpty() ? QJsonValue() : QJsonValue(message.to) },
            { QStringLiteral("subject"), message.subject }, { QStringLiteral("body"), message.body },
            { QStringLiteral("mailto"), message.to.isEmpty() ? QJsonValue() : QJsonValue(message.mailtoUrl()) } }));
    } else {
        out() << "To: "
              << (message.to.isEmpty() ? QStringLiteral("(no alternate e-mail; set one with set-details)") : message.to)
              << "\nSubject: " << message.subject << "\n\n"
              << message.body;
        if (!message.to.isEmpty())
            out() << "\n" << message.mailtoUrl() << '\n';
    }
    out().flush();
    return ExitOk;
}

} // namespace Mailpulse::Cli
