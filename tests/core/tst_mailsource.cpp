#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "bounce/dsnparser.h"
#include "bounce/mailsource.h"
#include "common/resourceusage.h"

using namespace Mailpulse;
using namespace Mailpulse::Bounce;

namespace
{

const QByteArray Mail1 = "From: MAILER-DAEMON@example.net\nSubject: one\n\nbody one\n";
const QByteArray Mail2 = "From: MAILER-DAEMON@example.net\nSubject: two\n\n>From the start\nbody two\n";

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QList<MailItem> readAll(const QString &path, MailFormat format = MailFormat::Auto, MailSource::Limits limits = {})
{
    QList<MailItem> items;
    QString error;
    const bool ok = MailSource::forEach(
        path, format, [&](const MailItem &item) { items.append(item); }, &error, limits);
    if (!ok)
        items.append({ {}, QStringLiteral("<forEach>"), error });
    return items;
}

} // namespace

class TestMailSource : public QObject
{
    Q_OBJECT

private slots:
    void singleFile();
    void mbox();
    void maildir();
    void directoryOfFiles();
    void missingPath();
    void tooBig();
    void hugeLineStaysBounded();
    void unreadableItem();
    void emptyFile();

private:
    QTemporaryDir m_dir;
};

void TestMailSource::singleFile()
{
    const QString path = m_dir.filePath(QStringLiteral("one.eml"));
    QVERIFY(writeFile(path, Mail1));
    const QList<MailItem> items = readAll(path);
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0].ref, path);
    QCOMPARE(items[0].raw, Mail1);
    QVERIFY(items[0].error.isEmpty());
}

void TestMailSource::mbox()
{
    const QString path = m_dir.filePath(QStringLiteral("box.mbox"));
    QVERIFY(writeFile(path,
        "From MAILER-DAEMON Thu Apr 29 23:45:32 2013\n" + Mail1 + "\nFrom MAILER-DAEMON Thu Apr 29 23:45:33 2013\n"
            + Mail2 + "\nFrom x Thu Apr 29 23:45:34 2013\n" + Mail1));
    const QList<MailItem> items = readAll(path);
    QCOMPARE(items.size(), 3);
    QCOMPARE(items[0].ref, path + QStringLiteral("#1"));
    QCOMPARE(items[2].ref, path + QStringLiteral("#3"));
    QCOMPARE(items[0].raw, Mail1 + "\n");
    QVERIFY(items[1].raw.contains("\nFrom the start\n")); // ">From " unescaped
    // Forced single-file reading keeps it whole.
    QCOMPARE(readAll(path, MailFormat::Eml).size(), 1);
}

void TestMailSource::maildir()
{
    const QString root = m_dir.filePath(QStringLiteral("Maildir"));
    for (const char *sub : { "cur", "new", "tmp" })
        QVERIFY(QDir().mkpath(root + u'/' + QLatin1String(sub)));
    QVERIFY(writeFile(root + QStringLiteral("/cur/1.host:2,S"), Mail1));
    QVERIFY(writeFile(root + QStringLiteral("/new/2.host"), Mail2));
    QVERIFY(writeFile(root + QStringLiteral("/tmp/3.host"), Mail1)); // still being delivered: not read
    const QList<MailItem> items = readAll(root);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0].raw, Mail1);
    QCOMPARE(items[1].raw, Mail2);
    QCOMPARE(readAll(root, MailFormat::Maildir).size(), 2);
    // A plain directory is not a Maildir.
    const QList<MailItem> notMaildir = readAll(m_dir.path() + QStringLiteral("/Maildir/cur"), MailFormat::Maildir);
    QCOMPARE(notMaildir.size(), 1);
    QVERIFY(!notMaildir[0].error.isEmpty());
}

void TestMailSource::directoryOfFiles()
{
    const QString root = m_dir.filePath(QStringLiteral("plain"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/sub")));
    QVERIFY(writeFile(root + QStringLiteral("/b.eml"), Mail2));
    QVERIFY(writeFile(root + QStringLiteral("/sub/a.eml"), Mail1));
    QVERIFY(writeFile(root + QStringLiteral("/.hidden"), Mail1));
    const QList<MailItem> items = readAll(root);
    QCOMPARE(items.size(), 2); // sorted, recursive, dot-files skipped
    QVERIFY(items[0].ref.endsWith(QStringLiteral("b.eml")));
    QVERIFY(items[1].ref.endsWith(QStringLiteral("sub/a.eml")));
}

void TestMailSource::missingPath()
{
    bool called = false;
    QString error;
    QVERIFY(!MailSource::forEach(
        m_dir.filePath(QStringLiteral("nope")), MailFormat::Auto, [&](const MailItem &) { called = true; }, &error));
    QVERIFY(!called);
    QVERIFY(error.contains(QStringLiteral("no such file")));
}

void TestMailSource::tooBig()
{
    const QString path = m_dir.filePath(QStringLiteral("big.eml"));
    QVERIFY(writeFile(path, Mail1 + QByteArray(5000, 'x')));
    MailSource::Limits limits;
    limits.maxMessageBytes = 1000;
    const QList<MailItem> items = readAll(path, MailFormat::Auto, limits);
    QCOMPARE(items.size(), 1);
    QVERIFY(items[0].raw.isEmpty());
    QVERIFY(items[0].error.contains(QStringLiteral("too large")));

    // In an mbox only the oversized message is refused.
    const QString box = m_dir.filePath(QStringLiteral("big.mbox"));
    QVERIFY(
        writeFile(box, "From a x\n" + Mail1 + "From b x\n" + Mail1 + QByteArray(5000, 'x') + "\nFrom c x\n" + Mail2));
    const QList<MailItem> mails = readAll(box, MailFormat::Auto, limits);
    QCOMPARE(mails.size(), 3);
    QVERIFY(mails[0].error.isEmpty());
    QVERIFY(mails[1].error.contains(QStringLiteral("too large")));
    QVERIFY(mails[2].error.isEmpty());
    QVERIFY(mails[2].raw.contains("Subject: two"));
}

void TestMailSource::hugeLineStaysBounded()
{
    // 50 MB without a newline, as a single mail and as an mbox: refused by the default 32 MB limit without being
    // read into memory.
    const QByteArray line(50 * 1024 * 1024, 'y');
    const QString single = m_dir.filePath(QStringLiteral("huge.eml"));
    const QString box = m_dir.filePath(QStringLiteral("huge.mbox"));
    QVERIFY(writeFile(single, "Subject: x\n\n" + line));
    QVERIFY(writeFile(box, "From a x\nSubject: x\n\n" + line));
    const qint64 before = peakResidentKiB();
    const QList<MailItem> a = readAll(single);
    const QList<MailItem> b = readAll(box);
    QCOMPARE(a.size(), 1);
    QVERIFY(a[0].error.contains(QStringLiteral("too large")));
    QCOMPARE(b.size(), 1);
    QVERIFY(b[0].error.contains(QStringLiteral("too large")));
    if (before > 0)
        QVERIFY2(peakResidentKiB() - before < 40 * 1024, qPrintable(QString::number(peakResidentKiB() - before)));
    QFile::remove(single);
    QFile::remove(box);
}

void TestMailSource::unreadableItem()
{
    // A Maildir entry that cannot be opened (a dangling link; permissions do not stop root) is an item error,
    // and the other mails are still read.
    const QString root = m_dir.filePath(QStringLiteral("Broken"));
    for (const char *sub : { "cur", "new" })
        QVERIFY(QDir().mkpath(root + u'/' + QLatin1String(sub)));
    QVERIFY(writeFile(root + QStringLiteral("/cur/1.host"), Mail1));
    QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("does-not-exist")), root + QStringLiteral("/cur/2.host")));
    QVERIFY(writeFile(root + QStringLiteral("/new/3.host"), Mail2));
    const QList<MailItem> items = readAll(root);
    QCOMPARE(items.size(), 3);
    QVERIFY(items[0].error.isEmpty());
    QVERIFY(items[1].error.contains(QStringLiteral("cannot read")));
    QVERIFY(items[1].raw.isEmpty());
    QCOMPARE(items[2].raw, Mail2);
}

void TestMailSource::emptyFile()
{
    const QString path = m_dir.filePath(QStringLiteral("empty.eml"));
    QVERIFY(writeFile(path, {}));
    const QList<MailItem> items = readAll(path);
    QCOMPARE(items.size(), 1);
    QVERIFY(items[0].raw.isEmpty());
    // Reading succeeded; parsing says what is wrong.
    QCOMPARE(DsnParser::parse(items[0].raw, items[0].ref).error, QStringLiteral("empty message"));
}

QTEST_GUILESS_MAIN(TestMailSource)
#include "tst_mailsource.moc"
