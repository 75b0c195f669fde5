// Provider rules: MX host → provider, registered-domain fallback, user rule files, and provider stats on a store.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "smtp/proberesultjson.h"
#include "stats/statsengine.h"
#include "store/database.h"
#include "store/proberepository.h"

using namespace Mailpulse;
using namespace Mailpulse::Stats;

class TestProviders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void providerForHost_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("provider");
        const auto row = [](const char *host, const char *provider) {
            QTest::newRow(host) << QString::fromLatin1(host) << QString::fromUtf8(provider);
        };
        row("gmail-smtp-in.l.google.com", "Google");
        row("alt4.aspmx.l.google.com", "Google");
        row("ASPMX.L.GOOGLE.COM.", "Google"); // case and the trailing dot of a DNS name
        row("mx.googlemail.com", "Google");
        row("example-com.mail.protection.outlook.com", "Microsoft");
        row("eur.olc.protection.outlook.com", "Microsoft");
        row("hotmail-com.olc.protection.outlook.com", "Microsoft");
        row("mta7.am0.yahoodns.net", "Yahoo");
        row("mx-aol.mail.gm0.yahoodns.net", "Yahoo");
        row("mx01.mail.icloud.com", "Apple iCloud");
        row("mx00.emig.gmx.net", "GMX/Web.de");
        row("mx-ha03.web.de", "GMX/Web.de");
        row("mxs.mail.ru", "Mail.ru");
        row("mx.yandex.net", "Yandex");
        row("mx.zoho.eu", "Zoho");
        row("mail.protonmail.ch", "Proton");
        row("in1-smtp.messagingengine.com", "Fastmail");
        row("mx00.t-online.de", "Deutsche Telekom");
        row("us-smtp-inbound-1.mimecast.com", "Mimecast");
        row("mx0a-00000000.pphosted.com", "Proofpoint");
        // No rule: the registered domain.
        row("mx1.mail.example.com", "example.com");
        row("mx.example.co.uk", "example.co.uk");
        row("a.b.mail.example.com.au", "example.com.au");
        row("mail.example.de", "example.de");
        row("example.org", "example.org");
        row("localhost", "localhost");
        row("127.0.0.1", "127.0.0.1");
        row("::1", "::1");
        row("[192.0.2.1]", "192.0.2.1");
        // A pattern "*.google.com" covers hosts below google.com, not a look-alike.
        row("evilgoogle.com", "evilgoogle.com");
        row("google.com.evil.example", "evil.example");
        row("", "");
    }

    void providerForHost()
    {
        QFETCH(QString, host);
        QFETCH(QString, provider);
        QCOMPARE(ProviderRules::defaultRules().providerForHost(host), provider);
    }

    void knownHosts()
    {
        const ProviderRules rules = ProviderRules::defaultRules();
        QVERIFY(rules.isKnownHost(QStringLiteral("aspmx.l.google.com")));
        QVERIFY(!rules.isKnownHost(QStringLiteral("mx.example.com")));
    }

    void userRulesComeFirst()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("providers.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"providers": [
            {"name": "Our Hoster", "hosts": ["*.mail.example.net", "mx.example.org"]},
            {"name": "Google Workspace", "hosts": ["aspmx.l.google.com"]}
        ]})");
        file.close();
        ProviderRules rules = ProviderRules::defaultRules();
        QString error;
        QVERIFY2(rules.loadUserFile(path, &error), qPrintable(error));
        QCOMPARE(rules.providerForHost(QStringLiteral("a.mail.example.net")), QStringLiteral("Our Hoster"));
        QCOMPARE(rules.providerForHost(QStringLiteral("mx.example.org")), QStringLiteral("Our Hoster"));
        QCOMPARE(rules.providerForHost(QStringLiteral("mx2.example.org")), QStringLiteral("example.org"));
        QCOMPARE(rules.providerForHost(QStringLiteral("aspmx.l.google.com")), QStringLiteral("Google Workspace"));
        QCOMPARE(rules.providerForHost(QStringLiteral("alt1.aspmx.l.google.com")), QStringLiteral("Google"));

        // What `stats rules` prints loads back to the same rules.
        QFile dump(dir.filePath(QStringLiteral("dump.json")));
        QVERIFY(dump.open(QIODevice::WriteOnly));
        dump.write(rules.toJson());
        dump.close();
        ProviderRules reloaded;
        QVERIFY2(reloaded.loadUserFile(dump.fileName(), &error), qPrintable(error));
        QCOMPARE(reloaded.rules().size(), rules.rules().size());
        QCOMPARE(reloaded.providerForHost(QStringLiteral("mx01.mail.icloud.com")), QStringLiteral("Apple iCloud"));
    }

    void badUserFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not json") << QByteArray("providers: google");
        QTest::newRow("no providers") << QByteArray(R"({"rules": []})");
        QTest::newRow("no name") << QByteArray(R"({"providers": [{"hosts": ["*.a.b"]}]})");
        QTest::newRow("hosts not array") << QByteArray(R"({"providers": [{"name": "A", "hosts": "*.a.b"}]})");
        QTest::newRow("wildcard inside") << QByteArray(R"({"providers": [{"name": "A", "hosts": ["mx.*.a.b"]}]})");
        QTest::newRow("host not string") << QByteArray(R"({"providers": [{"name": "A", "hosts": [3]}]})");
    }

    void badUserFiles()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("p.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        ProviderRules rules = ProviderRules::defaultRules();
        const qsizetype before = rules.rules().size();
        QString error;
        QVERIFY(!rules.loadUserFile(file.fileName(), &error));
        QVERIFY(error.contains(file.fileName()));
        QCOMPARE(rules.rules().size(), before);
        QVERIFY(!rules.loadUserFile(dir.filePath(QStringLiteral("missing.json")), &error));
    }

    void providerStats()
    {
        QTemporaryDir dir;
        Store::Database db;
        QString error;
        QVERIFY2(db.open(dir.filePath(QStringLiteral("p.sqlite")), &error), qPrintable(error));
        QList<Smtp::ProbeResult> results;
        const auto add = [&results](const char *domain, const char *host, bool ok, qint64 connect) {
            Smtp::ProbeResult r;
            r.domain = QString::fromLatin1(domain);
            r.target = QStringLiteral("u@") + r.domain;
            r.host = QString::fromLatin1(host);
            r.classification = ok ? Bounce::Classification { QStringLiteral("2.1.5"), Bounce::DeliveryClass::Success,
                QStringLiteral("accepted") }
                                  : Bounce::Classification { QStringLiteral("4.4.1"), Bounce::DeliveryClass::Soft,
                                        QStringLiteral("networkerror") };
            r.phase = ok ? Smtp::Phase::Done : Smtp::Phase::Connect;
            r.timings.connect = connect;
            r.startedAt = Smtp::fromIsoUtc(u"2026-01-01T00:00:00Z");
            results << r;
        };
        // gmail.com and company.example (Google Workspace) → Google; a majority vote places mixed.example.
        add("gmail.com", "gmail-smtp-in.l.google.com", true, 10);
        add("gmail.com", "alt1.gmail-smtp-in.l.google.com", true, 20);
        add("company.example", "aspmx.l.google.com", false, -1);
        add("mixed.example", "aspmx.l.google.com", true, 30);
        add("mixed.example", "aspmx.l.google.com", true, 40);
        add("mixed.example", "mx.mixed.example", false, 50);
        add("mixed.example", "", false, -1); // a DNS failure of a domain whose MX is known from other probes
        add("outlook.com", "outlook-com.olc.protection.outlook.com", true, 60);
        add("small.example", "mx1.hoster.example.co.uk", true, 70);
        add("other.example", "mx2.hoster.example.co.uk", false, 80);
        add("gone.example", "", false, -1);
        QVERIFY2(Store::ProbeRepository(db).insertAll(results, &error), qPrintable(error));

        QList<GroupStats> groups;
        QVERIFY2(StatsEngine(db).providerStats({}, &groups, &error), qPrintable(error));
        QStringList got;
        for (const GroupStats &g : groups) {
            got << QStringLiteral("%1:%2:%3/%4:%5")
                       .arg(g.key, g.domains.join(u','))
                       .arg(g.successes)
                       .arg(g.probes)
                       .arg(g.connectMs.p50 ? QString::number(*g.connectMs.p50) : QStringLiteral("-"));
        }
        QCOMPARE(got,
            (QStringList { QStringLiteral("Google:company.example,gmail.com,mixed.example:4/7:30"),
                QStringLiteral("Microsoft:outlook.com:1/1:60"),
                QStringLiteral("example.co.uk:other.example,small.example:1/2:70"),
                QStringLiteral("unresolved:gone.example:0/1:-") }));
        const GroupStats &google = groups.first();
        QCOMPARE(google.failuresByStatus.value(QStringLiteral("4.4.1")), qint64(3));
        QCOMPARE(google.connectMs.p95, std::optional<qint64>(50));
    }
};

QTEST_GUILESS_MAIN(TestProviders)
#include "tst_providers.moc"
