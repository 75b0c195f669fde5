// A realistic store for the benchmarks: probe rows across many domains over 30 days (a mix of providers, outcomes
// and timings, with a few domains in trouble). Shared by bench_stats and the desktop benchmarks; not a test helper.
#pragma once

#include <algorithm>
#include <random>

#include <QDateTime>
#include <QElapsedTimer>
#include <QTextStream>

#include "smtp/proberesult.h"
#include "store/database.h"
#include "store/proberepository.h"

namespace Mailpulse::Bench
{

struct Failure {
    const char16_t *status;
    Bounce::DeliveryClass cls;
    const char16_t *reason;
    Smtp::Phase phase;
};

inline const Failure kFailures[] = {
    { u"4.4.1", Bounce::DeliveryClass::Soft, u"networkerror", Smtp::Phase::Connect },
    { u"4.4.2", Bounce::DeliveryClass::Soft, u"networkerror", Smtp::Phase::Greeting },
    { u"4.7.5", Bounce::DeliveryClass::Soft, u"securityerror", Smtp::Phase::Tls },
    { u"4.2.0", Bounce::DeliveryClass::Soft, u"greylisted", Smtp::Phase::Rcpt },
    { u"4.7.1", Bounce::DeliveryClass::Soft, u"blocked", Smtp::Phase::Mail },
    { u"5.1.1", Bounce::DeliveryClass::Hard, u"userunknown", Smtp::Phase::Rcpt },
    { u"5.7.1", Bounce::DeliveryClass::Hard, u"blocked", Smtp::Phase::Rcpt },
    { u"4.4.3", Bounce::DeliveryClass::Soft, u"networkerror", Smtp::Phase::Dns },
};

// The MX host of domain `d`: a third on Google, a fifth on Microsoft, some on other big providers, the rest on a few
// hundred hosting companies or their own servers.
inline QString hostOf(int d, int variant)
{
    switch (d % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
        return QStringLiteral("alt%1.aspmx.l.google.com").arg(variant % 5);
    case 6:
    case 7:
    case 8:
    case 9:
        return QStringLiteral("d%1-example.mail.protection.outlook.com").arg(d);
    case 10:
        return QStringLiteral("mta%1.am0.yahoodns.net").arg(variant % 7);
    case 11:
        return QStringLiteral("mx0%1.emig.gmx.net").arg(variant % 2);
    case 12:
        return QStringLiteral("mx%1.mail.ovh.example").arg(variant % 3);
    default:
        return QStringLiteral("mx%1.hoster%2.co.uk").arg(variant % 2).arg(d % 300);
    }
}

/// Inserts `rows` probe rows over `domains` domains, spread over the 30 days from `start`. Prints progress to `out`.
inline bool buildProbeStore(
    Store::Database &db, qint64 rows, int domains, const QDateTime &start, QTextStream &out, QString *error)
{
    std::mt19937_64 rng(20261127);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::lognormal_distribution<double> jitter(0.0, 0.35);
    const qint64 span = 30LL * 86400 * 1000;
    Store::ProbeRepository repository(db);
    QList<Smtp::ProbeResult> batch;
    QElapsedTimer timer;
    timer.start();
    for (qint64 i = 0; i < rows; ++i) {
        const int d = int(rng() % quint64(domains));
        // A few domains are in trouble: they fail far more often (they are what `flagged` should find).
        const double failRate = d % 97 == 0 ? 0.45 : 0.08;
        Smtp::ProbeResult r;
        r.domain = QStringLiteral("domain%1.example").arg(d);
        r.target = QStringLiteral("user%1@").arg(i % 40) + r.domain;
        r.startedAt = start.addMSecs(qint64(unit(rng) * double(span)));
        const bool fail = unit(rng) < failRate;
        const Failure &f = kFailures[rng() % std::size(kFailures)];
        r.phase = fail ? f.phase : Smtp::Phase::Done;
        r.classification = fail
            ? Bounce::Classification { QString::fromUtf16(f.status), f.cls, QString::fromUtf16(f.reason) }
            : Bounce::Classification { QStringLiteral("2.1.5"), Bounce::DeliveryClass::Success,
                  QStringLiteral("accepted") };
        if (r.phase != Smtp::Phase::Dns) {
            r.host = hostOf(d, int(rng() % 16));
            r.address = QStringLiteral("192.0.2.%1").arg(d % 250 + 1);
            r.port = 25;
        }
        const double base = 8.0 + double(d % 180);
        const auto reached = [&r](Smtp::Phase p) { return r.phase == Smtp::Phase::Done || r.phase > p; };
        r.timings.dns = qint64(5 * jitter(rng));
        if (reached(Smtp::Phase::Connect))
            r.timings.connect = qint64(base * jitter(rng));
        if (reached(Smtp::Phase::Greeting))
            r.timings.greeting = qint64(40.0 * jitter(rng) + (d % 13 == 0 ? 5000 : 0));
        if (reached(Smtp::Phase::Tls)) {
            r.timings.tls = qint64(2.5 * base * jitter(rng));
            Smtp::TlsInfo tls;
            tls.protocol = QStringLiteral("TLSv1.3");
            tls.cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
            tls.verified = true;
            r.tls = tls;
        }
        r.timings.total = std::max<qint64>(0, r.timings.connect) + std::max<qint64>(0, r.timings.greeting)
            + std::max<qint64>(0, r.timings.tls) + 30;
        Smtp::SmtpReply reply;
        reply.code = fail ? (f.cls == Bounce::DeliveryClass::Hard ? 550 : 451) : 250;
        reply.enhanced = r.classification.status;
        reply.lines = { fail ? QStringLiteral("Requested action not taken") : QStringLiteral("Ok") };
        r.reply = reply;
        batch.append(std::move(r));
        if (batch.size() == 20000 || i + 1 == rows) {
            if (!repository.insertAll(batch, error))
                return false;
            batch.clear();
            out << "\r  built " << (i + 1) << " / " << rows << " rows (" << timer.elapsed() / 1000 << " s)";
            out.flush();
        }
    }
    out << '\n';
    return true;
}

} // namespace Mailpulse::Bench
