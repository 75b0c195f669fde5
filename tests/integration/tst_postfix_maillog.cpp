// A log written by the real Postfix, imported with `mailpulse-cli import`: mail submitted with Postfix's own
// sendmail leaves through its smtp client to the smtp-sink servers and to a refused address (start.sh's transport
// map), to a discarding domain, and to a transport Postfix holds back until the queue is flushed. Postfix logs what
// happened to each recipient (bounced 5.7.1; deferred 4.2.0, 4.4.2, 4.4.1, 4.3.2; after the flush the same
// deferrals again and one sent), and the import must read those lines as Postfix wrote them: the bounce events,
// retry entries for the deferrals (the cured one closed by its delivery), the hard bounce on the contact list, the
// successes counted and not stored. A copy of the log (another file, read from its start) adds nothing.

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
    QString m_tag; // makes this run's recipients unique in a log that other runs may have written to

    QString recipient(const QString &local, const QString &domain) const
    {
        return u"%1.%2@%3"_s.arg(local, m_tag, domain);
    }

    Test::CliRun cli(const QStringList &args)
    {
        return Test::runCli(QStringList { u"--db"_s, m_dir.filePath(u"store.sqlite"_s), u"--json"_s } + args);
    }

    // This run's lines of the Postfix log with a delivery status.
    QList<QByteArray> statusLines() const
    {
        QFile log(Services::postfixLog());
        if (!log.open(QIODevice::ReadOnly))
            return {};
        QList<QByteArray> lines;
        for (const QByteArray &line : log.readAll().split('\n')) {
            if (line.contains(" status=") && line.contains(m_tag.toLatin1()))
                lines << line;
        }
        return lines;
    }

    // The JSON Lines objects of `args`' output, keyed by `key`.
    QMap<QString, QJsonObject> objects(const QStringList &args, const QString &key)
    {
        const Test::CliRun run = cli(args);
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
    }

    void importsWhatPostfixLogged()
    {
        const QString hard = recipient(u"hard"_s, u"rcpthard.test"_s);
        const QString grey = recipient(u"grey"_s, u"rcptsoft.test"_s);
        const QString dropped = recipient(u"dropped"_s, u"dropconnect.test"_s);
        const QString refused = recipient(u"refused"_s, u"refused.test"_s);
        const QString delivered = recipient(u"bob"_s, u"ok.test"_s); // ok.test's mail is discarded: status=sent
        const QString cured = recipient(u"later"_s, u"later.test"_s); // deferred until the queue is flushed
        for (const QString &rcpt : { hard, grey, dropped, refused, delivered, cured }) {
            QProcess sendmail;
            sendmail.start(u"/usr/sbin/sendmail"_s,
                { u"-C"_s, Services::postfixConfigDir(), u"-f"_s, u"alice@ok.test"_s, u"-i"_s, rcpt });
            QVERIFY2(sendmail.waitForStarted(10000), qPrintable(sendmail.errorString()));
            sendmail.write("Subject: Mailpulse import test\n\nHello.\n");
            sendmail.closeWriteChannel();
            QVERIFY(sendmail.waitForFinished(20000));
            QVERIFY2(sendmail.exitCode() == 0, sendmail.readAllStandardError().constData());
        }
        // Postfix delivers within a second or two on loopback.
        QTRY_VERIFY2_WITH_TIMEOUT(statusLines().size() >= 6, statusLines().join('\n').constData(), 30000);
        // A flush: the four deferred mails are tried again, and the one held back by its transport goes out now.
        QProcess flush;
        flush.start(u"/usr/sbin/postqueue"_s, { u"-c"_s, Services::postfixConfigDir(), u"-f"_s });
        QVERIFY(flush.waitForFinished(20000));
        QVERIFY2(flush.exitCode() == 0, flush.readAllStandardError().constData());
        QTRY_VERIFY2_WITH_TIMEOUT(statusLines().size() >= 10, statusLines().join('\n').constData(), 30000);

        // The log as it stands now (Postfix goes on writing to its own: a later retry of this fixture's deferred
        // mail must not reach the copy below).
        const QString log = m_dir.filePath(u"maillog"_s);
        QVERIFY(QFile::copy(Services::postfixLog(), log));
        const Test::CliRun first = cli({ u"import"_s, u"--format"_s, u"postfix"_s, log });
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const QJsonObject summary = Test::jsonLines(first.out).value(0);
        QVERIFY2(summary.value(u"skipped"_s).toArray().isEmpty(), first.out.constData()); // every line understood
        QVERIFY2(summary.value(u"records"_s).toInt() >= 4, first.out.constData());
        // bob's and the cured delivery, and the non-delivery notice Postfix sent to alice for the hard bounce.
        QVERIFY2(summary.value(u"deliveries"_s).toInt() >= 3, first.out.constData());

        // The bounce events, as `report bounces` lists them: recipient, status, class and reason.
        const Test::CliRun report
            = Test::runCli({ u"--db"_s, m_dir.filePath(u"store.sqlite"_s), u"report"_s, u"bounces"_s });
        QCOMPARE(report.exitCode, 0);
        QMap<QString, QString> events;
        for (const QByteArray &line : report.out.split('\n')) {
            const QList<QByteArray> fields = line.split(','); // the fields read come before any quoted text
            if (fields.size() > 6 && fields.at(2).contains(m_tag.toLatin1()))
                events.insert(QString::fromLatin1(fields.at(2)),
                    QString::fromLatin1(fields.at(4) + ' ' + fields.at(5) + ' ' + fields.at(6)));
        }
        const QMap<QString, QString> expected { { hard, u"5.7.1 hard securityerror"_s },
            { grey, u"4.2.0 soft greylisted"_s }, { dropped, u"4.4.2 soft networkerror"_s },
            { refused, u"4.4.1 soft networkerror"_s }, { cured, u"4.3.2 soft systemerror"_s } };
        QCOMPARE(events, expected); // and nothing for the delivered recipient: a success is not a bounce

        // The three deferrals wait in the retry queue; the hard bounce is on the contact list.
        const QMap<QString, QJsonObject> queue = objects({ u"queue"_s, u"list"_s }, u"target"_s);
        for (const QString &rcpt : { grey, dropped, refused }) {
            QVERIFY2(queue.contains(rcpt), qPrintable(rcpt));
            QCOMPARE(queue.value(rcpt).value(u"state"_s).toString(), u"pending"_s);
            QCOMPARE(queue.value(rcpt).value(u"source"_s).toString(), u"log"_s);
            QCOMPARE(queue.value(rcpt).value(u"status"_s).toString(), expected.value(rcpt).section(u' ', 0, 0));
        }
        // The held-back mail's entry was closed by its delivery, which Postfix logged after the deferral.
        QVERIFY2(queue.contains(cured), qPrintable(cured));
        QCOMPARE(queue.value(cured).value(u"state"_s).toString(), u"succeeded"_s);
        QCOMPARE(queue.value(cured).value(u"resolved_by"_s).toString(), u"log"_s);
        QVERIFY(!queue.contains(hard));
        QVERIFY(!queue.contains(delivered));
        const QMap<QString, QJsonObject> contacts = objects({ u"contacts"_s, u"list"_s }, u"address"_s);
        QVERIFY2(contacts.contains(hard), qPrintable(QStringList(contacts.keys()).join(u' ')));
        QCOMPARE(contacts.value(hard).value(u"rule"_s).toString(), u"hard-bounce"_s);
        QVERIFY(!contacts.contains(delivered));

        // A copy of the log is another file, read from its start: its failures are duplicates, its successes change
        // nothing, and the queue and the contact list stay as they are.
        const QString copy = m_dir.filePath(u"maillog.copy"_s);
        QVERIFY(QFile::copy(log, copy));
        const Test::CliRun again = cli({ u"import"_s, u"--format"_s, u"postfix"_s, copy });
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const QJsonObject second = Test::jsonLines(again.out).value(0);
        QCOMPARE(second.value(u"records"_s).toInt(), 0);
        QVERIFY2(second.value(u"duplicates"_s).toInt() >= 4, again.out.constData());
        QCOMPARE(objects({ u"queue"_s, u"list"_s }, u"target"_s), queue);
        QCOMPARE(objects({ u"contacts"_s, u"list"_s }, u"address"_s), contacts);
    }
};

QTEST_GUILESS_MAIN(TestPostfixMaillog)
#include "tst_postfix_maillog.moc"
