#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "bounce/dsnparser.h"
#include "bounce/mailbatchparser.h"
#include "bounce/mailsource.h"
#include "cli.h"

namespace Mailpulse::Cli
{

using namespace Mailpulse::Bounce;

namespace
{

QJsonValue orNull(const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); }

// DESIGN.md "Classify JSON": every key present, absent data as null.
QJsonObject toJson(const BounceEvent &e, const QString &file)
{
    return {
        { QStringLiteral("file"), file },
        { QStringLiteral("recipient"), orNull(e.recipient) },
        { QStringLiteral("status"), orNull(e.classification.status) },
        { QStringLiteral("class"), deliveryClassName(e.classification.cls) },
        { QStringLiteral("reason"), orNull(e.classification.reason) },
        { QStringLiteral("action"), orNull(e.action) },
        { QStringLiteral("reply_code"), e.replyCode ? QJsonValue(e.replyCode) : QJsonValue() },
        { QStringLiteral("diagnostic"), orNull(e.diagnostic) },
        { QStringLiteral("remote_mta"), orNull(e.remoteMta) },
        { QStringLiteral("date"),
            e.occurredAt.isValid() ? QJsonValue(e.occurredAt.toUTC().toString(Qt::ISODate)) : QJsonValue() },
    };
}

QString padded(const QString &text, int width) { return text.leftJustified(width, u' ', false); }

} // namespace

int runClassify(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Parse bounce mails and classify each recipient (enhanced status, soft/hard class, reason). Stores nothing.\n"
        "FILE may be a single mail (.eml), an mbox, a Maildir or a directory of mail files.\n"
        "Exit codes: 0 all inputs read, 65 some input could not be parsed, 66 some FILE does not exist."));
    addGlobalOptions(parser);
    parser.addOption({ QStringLiteral("format"), QStringLiteral("auto (default), eml, mbox or maildir."),
        QStringLiteral("FORMAT") });
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("Bounce mail, mbox or Maildir."), QStringLiteral("FILE…"));

    GlobalOptions global;
    bool helpShown = false;
    if (!parseCommandLine(parser, args, global, &helpShown))
        return ExitUsage;
    if (helpShown)
        return ExitOk;
    const QStringList paths = parser.positionalArguments();
    if (paths.isEmpty()) {
        err() << "mailpulse-cli classify: no FILE given\n\n" << helpText(parser);
        err().flush();
        return ExitUsage;
    }
    MailFormat format = MailFormat::Auto;
    if (parser.isSet(QStringLiteral("format"))) {
        const QString f = parser.value(QStringLiteral("format"));
        if (f == u"eml")
            format = MailFormat::Eml;
        else if (f == u"mbox")
            format = MailFormat::Mbox;
        else if (f == u"maildir")
            format = MailFormat::Maildir;
        else if (f != u"auto") {
            err() << "mailpulse-cli classify: unknown --format '" << f << "' (auto, eml, mbox, maildir)\n";
            err().flush();
            return ExitUsage;
        }
    }

    bool missing = false;
    bool badInput = false;
    QTextStream &o = out();
    if (!global.json) {
        o << padded(QStringLiteral("RECIPIENT"), 36) << ' ' << padded(QStringLiteral("STATUS"), 8) << ' '
          << padded(QStringLiteral("CLASS"), 7) << ' ' << padded(QStringLiteral("REASON"), 15) << " FILE\n";
    }
    // Mails are classified on every core and printed in the order they were read.
    MailBatchParser batch([&](const MailItem &item, const ParsedMail &parsed) {
        if (!item.error.isEmpty()) {
            badInput = true;
            err() << item.ref << ": " << item.error << '\n';
            return;
        }
        if (!parsed.error.isEmpty()) {
            badInput = true;
            err() << item.ref << ": " << parsed.error << '\n';
        }
        if (!parsed.isBounce && parsed.error.isEmpty() && !global.json)
            o << padded(QStringLiteral("-"), 36) << ' ' << padded(QStringLiteral("-"), 8) << ' '
              << padded(QStringLiteral("-"), 7) << ' ' << padded(QStringLiteral("(not a bounce)"), 15) << ' '
              << item.ref << '\n';
        for (const BounceEvent &e : parsed.events) {
            if (global.json) {
                o << QString::fromUtf8(QJsonDocument(toJson(e, item.ref)).toJson(QJsonDocument::Compact)) << '\n';
                continue;
            }
            o << padded(e.recipient, 36) << ' ' << padded(e.classification.status, 8) << ' '
              << padded(deliveryClassName(e.classification.cls), 7) << ' ' << padded(e.classification.reason, 15) << ' '
              << item.ref << '\n';
            if (!e.diagnostic.isEmpty())
                o << "    " << e.diagnostic.left(200) << '\n';
        }
        o.flush();
        err().flush();
    });
    batch.setFingerprints(DsnParser::Fingerprints::Skip); // not printed: only an import needs them
    for (const QString &path : paths) {
        QString error;
        const bool ok = MailSource::forEach(
            path, format, [&](const MailItem &item) { batch.add(item); }, &error);
        batch.flush();
        if (!ok) {
            missing = missing || !QFileInfo::exists(path);
            badInput = badInput || QFileInfo::exists(path);
            err() << "mailpulse-cli classify: " << error << '\n';
        }
    }
    o.flush();
    err().flush();
    if (missing)
        return ExitNoInput;
    return badInput ? ExitDataErr : ExitOk;
}

} // namespace Mailpulse::Cli
