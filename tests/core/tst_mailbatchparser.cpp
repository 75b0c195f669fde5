#include <memory>

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include "bounce/mailbatchparser.h"
#include "corpus.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;

namespace
{

QByteArray bounceTo(int n)
{
    return QStringLiteral("From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n"
                          "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n"
                          "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
                          "Final-Recipient: rfc822; user%1@example.com\nAction: failed\nStatus: 5.1.1\n"
                          "Diagnostic-Code: smtp; 550 5.1.1 no such user\n--b--\n")
        .arg(n)
        .toUtf8();
}

QString summary(const ParsedMail &p)
{
    QStringList out { p.error, p.isBounce ? QStringLiteral("bounce") : QStringLiteral("-") };
    for (const BounceEvent &e : p.events)
        out << e.recipient << e.classification.status << e.classification.reason << e.fingerprint;
    return out.join(u'|');
}

// Every field of every event but the fingerprint.
QString eventsWithoutFingerprints(const ParsedMail &p)
{
    QStringList out { p.error, p.isBounce ? QStringLiteral("bounce") : QStringLiteral("-") };
    for (const BounceEvent &e : p.events) {
        out << e.recipient << e.domain << e.classification.status << deliveryClassName(e.classification.cls)
            << e.classification.reason << bounceSourceName(e.source) << e.occurredAt.toString(Qt::ISODateWithMs)
            << e.diagnostic << e.remoteMta << QString::number(e.replyCode) << e.action << e.sourceRef;
    }
    return out.join(u'|');
}

QList<MailItem> corpusItems()
{
    QList<MailItem> items;
    const QString dir = Test::bounceCorpusDir() + QStringLiteral("/eml");
    QDirIterator it(dir, { QStringLiteral("*.eml") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            items.append({ f.readAll(), f.fileName(), {} });
    }
    if (items.isEmpty()) {
        for (int i = 0; i < 300; ++i)
            items.append({ bounceTo(i), QString::number(i), {} });
    }
    return items;
}

} // namespace

class TestMailBatchParser : public QObject
{
    Q_OBJECT

private slots:
    void keepsOrderAndPassesErrorsOn();
    void matchesSequentialParsingOnTheCorpus();
    void skipsFingerprintsOnly();
    void freesResultsOnTheirThreadsAcrossParsers();
};

void TestMailBatchParser::keepsOrderAndPassesErrorsOn()
{
    QStringList refs;
    QStringList recipients;
    {
        // Batches of 7 on 4 threads: several full batches and a partial one at flush().
        MailBatchParser batch(
            [&](const MailItem &item, const ParsedMail &parsed) {
                refs.append(item.ref);
                recipients.append(parsed.events.isEmpty() ? QStringLiteral("(none)") : parsed.events[0].recipient);
            },
            4, 7);
        for (int i = 0; i < 100; ++i) {
            if (i == 50)
                batch.add({ {}, QStringLiteral("unreadable"), QStringLiteral("cannot read") });
            batch.add({ bounceTo(i), QString::number(i), {} });
            // Nothing is held beyond two batches: the one being filled and the one being parsed.
            const int added = i + 1 + (i >= 50 ? 1 : 0);
            QVERIFY2(refs.size() <= added && refs.size() >= added - 14, qPrintable(QString::number(refs.size())));
        }
    } // the destructor hands on the rest
    QCOMPARE(refs.size(), 101);
    for (int i = 0; i < 100; ++i) {
        const int at = i < 50 ? i : i + 1;
        QCOMPARE(refs[at], QString::number(i));
        QCOMPARE(recipients[at], QStringLiteral("user%1@example.com").arg(i));
    }
    QCOMPARE(refs[50], QStringLiteral("unreadable"));
    QCOMPARE(recipients[50], QStringLiteral("(none)"));
}

void TestMailBatchParser::matchesSequentialParsingOnTheCorpus()
{
    // Many mails on two threads at once: shared state in the parser (caches, static tables) that is not safe across
    // threads shows up here as a different result or a crash.
    const QList<MailItem> items = corpusItems();
    QStringList sequential;
    for (const MailItem &item : std::as_const(items))
        sequential.append(summary(DsnParser::parse(item.raw, item.ref)));
    QStringList parallel;
    for (int round = 0; round < 3; ++round) {
        parallel.clear();
        MailBatchParser batch(
            [&](const MailItem &, const ParsedMail &parsed) { parallel.append(summary(parsed)); }, 2, 64);
        for (const MailItem &item : std::as_const(items))
            batch.add(item);
        batch.flush();
        QCOMPARE(parallel, sequential);
    }
}

void TestMailBatchParser::skipsFingerprintsOnly()
{
    // classify skips the fingerprints: every other field of every event must be what an import gets.
    const QList<MailItem> items = corpusItems();
    const auto parseAll = [&items](DsnParser::Fingerprints fingerprints) {
        QList<ParsedMail> out;
        MailBatchParser batch([&](const MailItem &, const ParsedMail &parsed) { out.append(parsed); }, 2, 64);
        batch.setFingerprints(fingerprints);
        for (const MailItem &item : items)
            batch.add(item);
        batch.flush();
        return out;
    };
    const QList<ParsedMail> with = parseAll(DsnParser::Fingerprints::Compute);
    const QList<ParsedMail> without = parseAll(DsnParser::Fingerprints::Skip);
    QCOMPARE(without.size(), items.size());
    QCOMPARE(with.size(), items.size());
    qsizetype events = 0;
    for (qsizetype i = 0; i < items.size(); ++i) {
        QCOMPARE(eventsWithoutFingerprints(without[i]), eventsWithoutFingerprints(with[i]));
        for (qsizetype e = 0; e < with[i].events.size(); ++e) {
            QVERIFY(!with[i].events[e].fingerprint.isEmpty());
            QVERIFY(without[i].events[e].fingerprint.isEmpty());
            ++events;
        }
    }
    QVERIFY(events >= items.size() / 2);
}

void TestMailBatchParser::freesResultsOnTheirThreadsAcrossParsers()
{
    // Results go back to the thread that parsed them and wait there for its next batch. Batches of one mail (one
    // worker, so a thread sits out batch after batch), flushes in between, two parsers alive at once and one
    // destroyed while its threads still hold results: every result is still what sequential parsing gives.
    const QList<MailItem> items = corpusItems().mid(0, 120);
    QStringList sequential;
    for (const MailItem &item : std::as_const(items))
        sequential.append(summary(DsnParser::parse(item.raw, item.ref)));
    QStringList first;
    QStringList second;
    auto other = std::make_unique<MailBatchParser>(
        [&](const MailItem &, const ParsedMail &parsed) { second.append(summary(parsed)); }, 2, 3);
    {
        MailBatchParser batch([&](const MailItem &, const ParsedMail &parsed) { first.append(summary(parsed)); }, 2, 1);
        for (qsizetype i = 0; i < items.size(); ++i) {
            batch.add(items[i]);
            other->add(items[i]);
            if (i % 17 == 0)
                batch.flush();
        }
    }
    other->flush();
    other.reset();
    QCOMPARE(first, sequential);
    QCOMPARE(second, sequential);
}

QTEST_GUILESS_MAIN(TestMailBatchParser)
#include "tst_mailbatchparser.moc"
