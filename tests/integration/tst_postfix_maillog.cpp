// What the real Postfix writes, read by Mailpulse. Mail submitted with Postfix's own sendmail leaves through its smtp
// client to the smtp-sink servers and to a refused address (start.sh's transport map), to a discarding domain, and
// to a transport Postfix holds back until the queue is flushed. Postfix logs what happened to each recipient
// (bounced 5.7.1; deferred 4.2.0, 4.4.2, 4.4.1, 4.3.2; after the flush the same deferrals again and one sent), and
// sends its own notices to the sender: a non-delivery report for the bounce and delay warnings for the deferrals
// (captured into an mbox by start.sh).
// - `import` of the log must read its lines as Postfix wrote them: the bounce events, retry entries for the
//   deferrals (the cured one closed by its delivery), the hard bounce on the contact list, the successes counted and
//   not stored; a copy of the log (another file, read from its start) adds nothing.
// - `classify` and `import` of the notices must read Postfix's DSNs: failed and delayed, with their codes.

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "clirunner.h"
#include "services.h"

using namespace Mailpulse;
using namespace Qt::StringLiterals;
namespace Services = Mailpulse::Test::Services;

class TestPostfixMaillog final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_tag; // makes this run's recipients unique in files that other runs may have written to
    // This run's recipients, by what Postfix does with their mail.
    QString m_hard, m_grey, m_dropped, m_refused, m_delivered, m_cured;
    // Snapshots of Postfix's log and of its notices, taken once everything arrived: Postfix goes on writing to its
    // own files (a later retry of this fixture's deferred mail), and the copies must not change.
    QString m_log, m_notices;

    QString recipient(const QString &local, const QString &domain) const
    {
        return u"%1.%2@%3"_s.arg(local, m_tag, domain);
    }

    Test::CliRun cli(const QStringList &args, const QString &store = u"store.sqlite"_s)
    {
        return Test::runCli(QStringList { u"--db"_s, m_dir.filePath(store) } + args);
    }

    // The lines of `file` that hold `marker` and name one of this run's recipients.
    QList<QByteArray> linesOf(const QString &file, const QByteArray &marker) const
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QList<QByteArray> lines;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.contains(marker) && line.contains(m_tag.toLatin1()))
                lines << line;
        }
        return lines;
    }
    QList<QByteArray> statusLines() const { return linesOf(Services::postfixLog(), " status="); }
    QList<QByteArray> notices() const
    {
        return linesOf(QDir(Services::stateDir()).filePath(u"captured.mbox"_s), "Final-Recipient:");
    }

    bool run(const QString &program, const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForStarted(10000)) {
            qWarning().noquote() << program << p.errorString();
            return false;
        }
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(20000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning().noquote() << program << args << p.readAllStandardError();
            return false;
        }
        return true;
    }

    // The JSON Lines objects of `args`' output, keyed by `key`.
    QMap<QString, QJsonObject> objects(
        const QStringList &args, const QString &key, const QString &store = u"store.sqlite"_s)
    {
        const Test::CliRun run = cli(QStringList { u"--json"_s } + args, store);
        if (run.exitCode != 0)
            qWarning().noquote() << args << "exit" << run.exitCode << run.err;
        QMap<QString, QJsonObject> byKey;
        for (const QJsonObject &o : Test::jsonLines(run.out))
            byKey.insert(o.value(key).toString(), o);
        return byKey;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(Services::running(),
            qPrintable(u"the test services are not running in %1; run this test through ctest (fixture "
                       "mailpulse_services) inside `unshare --net`, see scripts/test.sh"_s.arg(Services::stateDir())));
        QVERIFY(m_dir.isValid());
        m_tag = QString::number(QDateTime::currentMSecsSinceEpoch());
        m_hard = recipient(u"hard"_s, u"rcpthard.test"_s);
        m_grey = recipient(u"grey"_s, u"rcptsoft.test"_s);
        m_dropped = recipient(u"dropped"_s, u"dropconnect.test"_s);
        m_refused = recipient(u"refused"_s, u"refused.test"_s);
        m_delivered = recipient(u"bob"_s, u"ok.test"_s); // ok.test's mail is discarded: status=sent
        m_cured = recipient(u"later"_s, u"later.test"_s); // deferred until the queue is flushed

        // bounces@ok.test is the sender whose notices start.sh captures.
        for (const QString &rcpt : { m_hard, m_grey, m_dropped, m_refused, m_delivered, m_cured })
            QVERIFY(run(u"/usr/sbin/sendmail"_s,
                { u"-C"_s, Services::postfixConfigDir(), u"-f"_s, u"bounces@ok.test"_s, u"-i"_s, rcpt },
                "Subject: Mailpulse import test\n\nHello.\n"));
        // Postfix delivers within a second or two on loopback.
        QTRY_VERIFY2_WITH_TIMEOUT(statusLines().size() >= 6, statusLines().join('\n').constData(), 30000);
        // Older than delay_warning_time (1 s), the mail deferred until the flush gets a delay warning.
        QTest::qWait(1500);
        // The flush: the three deferred mails are tried again, and the one held back by its transport goes out.
        QVERIFY(run(u"/usr/sbin/postqueue"_s, { u"-c"_s, Services::postfixConfigDir(), u"-f"_s }));
        QTRY_VERIFY2_WITH_TIMEOUT(statusLines().size() >= 10, statusLines().join('\n').constData(), 30000);
        // One non-delivery report (the hard bounce) and four delay warnings (the held-back mail's too: Postfix warns
        // before it delivers).
        QTRY_VERIFY2_WITH_TIMEOUT(notices().size() >= 5, notices().join('\n').constData(), 30000);

        m_log = m_dir.filePath(u"maillog"_s);
        QVERIFY(QFile::copy(Services::postfixLog(), m_log));
        m_notices = m_dir.filePath(u"notices.mbox"_s);
        QVERIFY(QFile::copy(QDir(Services::stateDir()).filePath(u"captured.mbox"_s), m_notices));
    }

    void importsTheLog()
    {
        const Test::CliRun first = cli({ u"--json"_s, u"import"_s, u"--format"_s, u"postfix"_s, m_log });
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const QJsonObject summary = Test::jsonLines(first.out).value(0);
        QVERIFY2(summary.value(u"skipped"_s).toArray().isEmpty(), first.out.constData()); // every line understood
        QVERIFY2(summary.value(u"records"_s).toInt() >= 8, first.out.constData());
        // bob's and the cured delivery, and the notices Postfix delivered to bounces@ok.test.
        QVERIFY2(summary.value(u"deliveries"_s).toInt() >= 6, first.out.constData());

        // The bounce events, as `report bounces` lists them: recipient, status, class and reason (the latest).
        const Test::CliRun report = cli({ u"report"_s, u"bounces"_s });
        QCOMPARE(report.exitCode, 0);
        QMap<QString, QString> events;
        for (const QByteArray &line : report.out.split('\n')) {
            const QList<QByteArray> fields = line.split(','); // the fields read come before any quoted text
            if (fields.size() > 6 && fields.at(2).contains(m_tag.toLatin1()))
                events.insert(QString::fromLatin1(fields.at(2)),
                    QString::fromLatin1(fields.at(4) + ' ' + fields.at(5) + ' ' + fields.at(6)));
        }
        const QMap<QString, QString> expected { { m_hard, u"5.7.1 hard securityerror"_s },
            { m_grey, u"4.2.0 soft greylisted"_s }, { m_dropped, u"4.4.2 soft networkerror"_s },
            { m_refused, u"4.4.1 soft networkerror"_s }, { m_cured, u"4.3.2 soft systemerror"_s } };
        QCOMPARE(events, expected); // and nothing for the delivered recipient: a success is not a bounce

        // The deferrals wait in the retry queue, tried twice; the held-back mail's entry was closed by its delivery,
        // which Postfix logged after the deferral. The hard bounce is on the contact list.
        const QMap<QString, QJsonObject> queue = objects({ u"queue"_s, u"list"_s }, u"target"_s);
        for (const QString &rcpt : { m_grey, m_dropped, m_refused }) {
            QVERIFY2(queue.contains(rcpt), qPrintable(rcpt));
            QCOMPARE(queue.value(rcpt).value(u"state"_s).toString(), u"pending"_s);
            QCOMPARE(queue.value(rcpt).value(u"source"_s).toString(), u"log"_s);
            QCOMPARE(queue.value(rcpt).value(u"attempts"_s).toInt(), 2);
            QCOMPARE(queue.value(rcpt).value(u"status"_s).toString(), expected.value(rcpt).section(u' ', 0, 0));
        }
        QVERIFY2(queue.contains(m_cured), qPrintable(m_cured));
        QCOMPARE(queue.value(m_cured).value(u"state"_s).toString(), u"succeeded"_s);
        QCOMPARE(queue.value(m_cured).value(u"resolved_by"_s).toString(), u"log"_s);
        QVERIFY(!queue.contains(m_hard));
        QVERIFY(!queue.contains(m_delivered));
        const QMap<QString, QJsonObject> contacts = objects({ u"contacts"_s, u"list"_s }, u"address"_s);
        QVERIFY2(contacts.contains(m_hard), qPrintable(QStringList(contacts.keys()).join(u' ')));
        QCOMPARE(contacts.value(m_hard).value(u"rule"_s).toString(), u"hard-bounce"_s);
        QVERIFY(!contacts.contains(m_delivered));

        // A copy of the log is another file, read from its start: its failures are duplicates, its successes change
        // nothing, and the queue and the contact list stay as they are.
        const QString copy = m_dir.filePath(u"maillog.copy"_s);
        QVERIFY(QFile::copy(m_log, copy));
        const Test::CliRun again = cli({ u"--json"_s, u"import"_s, u"--format"_s, u"postfix"_s, copy });
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const QJsonObject second = Test::jsonLines(again.out).value(0);
        QCOMPARE(second.value(u"records"_s).toInt(), 0);
        QCOMPARE(second.value(u"duplicates"_s).toInt(), summary.value(u"records"_s).toInt());
        QCOMPARE(objects({ u"queue"_s, u"list"_s }, u"target"_s), queue);
        QCOMPARE(objects({ u"contacts"_s, u"list"_s }, u"address"_s), contacts);
    }

    void readsItsNotices()
    {
        // Postfix's non-delivery report and delay warnings (RFC 3464 DSNs), as its own bounce daemon wrote them.
        const Test::CliRun classified = cli({ u"--json"_s, u"classify"_s, m_notices });
        QVERIFY2(classified.exitCode == 0, classified.err.constData());
        QMap<QString, QString> seen;
        for (const QJsonObject &o : Test::jsonLines(classified.out)) {
            const QString rcpt = o.value(u"recipient"_s).toString();
            if (rcpt.contains(m_tag))
                seen.insert(rcpt,
                    QStringList { o.value(u"action"_s).toString(), o.value(u"status"_s).toString(),
                        o.value(u"class"_s).toString(), o.value(u"reason"_s).toString(),
                        o.value(u"remote_mta"_s).toString() }
                        .join(u' '));
        }
        // A delay is expired unless its code names a cause (4.4.2 bad connection, 4.3.2 system not accepting);
        // Sisimai 4.25 reads the first four alike (it calls 4.3.2 notaccept). Postfix names no Remote-MTA where it
        // never got a reply (a lost connection, a refused one, a held transport).
        const QMap<QString, QString> expected { { m_hard, u"failed 5.7.1 hard securityerror 127.0.0.12"_s },
            { m_grey, u"delayed 4.2.0 soft expired 127.0.0.13"_s },
            { m_dropped, u"delayed 4.4.2 soft networkerror "_s }, { m_refused, u"delayed 4.4.1 soft expired "_s },
            { m_cured, u"delayed 4.3.2 soft systemerror "_s } };
        QCOMPARE(seen, expected);

        // Imported into a store of their own: every notice understood, each a bounce event with source dsn.
        const Test::CliRun imported = cli({ u"--json"_s, u"import"_s, m_notices }, u"notices.sqlite"_s);
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QJsonObject summary = Test::jsonLines(imported.out).value(0);
        QVERIFY2(summary.value(u"skipped"_s).toArray().isEmpty(), imported.out.constData());
        QVERIFY2(summary.value(u"records"_s).toInt() >= 5, imported.out.constData());
        const QMap<QString, QJsonObject> queue = objects({ u"queue"_s, u"list"_s }, u"target"_s, u"notices.sqlite"_s);
        for (const QString &rcpt : { m_grey, m_dropped, m_refused }) {
            QVERIFY2(queue.contains(rcpt), qPrintable(rcpt));
            QCOMPARE(queue.value(rcpt).value(u"source"_s).toString(), u"dsn"_s);
        }
    }
};

QTEST_GUILESS_MAIN(TestPostfixMaillog)
#include "tst_postfix_maillog.moc"
