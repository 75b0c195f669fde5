#include "tracking/bounceeventsink.h"

#include "store/bouncerow.h"

namespace Mailpulse::Tracking
{

BounceEventSink::BounceEventSink(Store::Database &database)
    : m_repository(database)
{
}

Bounce::BounceEvent BounceEventSink::eventOf(const Outcome &outcome)
{
    Bounce::BounceEvent e;
    e.recipient = outcome.recipient;
    e.domain = outcome.domain;
    e.classification = outcome.classification;
    e.source = Bounce::BounceSource::Probe;
    e.occurredAt = outcome.at;
    e.action = QStringLiteral("probe");
    e.sourceRef = QStringLiteral("probe:%1").arg(outcome.probeId);
    e.fingerprint = QStringLiteral("probe:%1:%2")
                        .arg(outcome.probeId)
                        .arg(outcome.recipient.isEmpty() ? outcome.domain : outcome.recipient);
    if (const Smtp::ProbeResult *probe = outcome.probe) {
        e.remoteMta = probe->host;
        // The recipient's own answer where it got one, else the reply or event that ended the probe.
        const Smtp::SmtpReply *reply = probe->reply ? &*probe->reply : nullptr;
        for (const Smtp::RecipientResult &r : probe->recipients) {
            if (r.address == outcome.recipient && r.reply)
                reply = &*r.reply;
        }
        if (reply) {
            e.replyCode = reply->code;
            const QString text = reply->text();
            e.diagnostic = QString::number(reply->code)
                + (reply->enhanced.isEmpty() ? QString() : QLatin1Char(' ') + reply->enhanced)
                + (text.isEmpty() ? QString() : QLatin1Char(' ') + text);
        }
        if (e.diagnostic.isEmpty())
            e.diagnostic = probe->detail;
    }
    return e;
}

OutcomeSink::Result BounceEventSink::record(const Outcome &outcome, QString *error)
{
    if (outcome.classification.cls == Bounce::DeliveryClass::Success)
        return Result::Passed;
    Store::BounceRepository::InsertResult result;
    if (outcome.source == Bounce::BounceSource::Probe) {
        result = m_repository.insert(eventOf(outcome), outcome.probeId, error);
    } else if (outcome.row) {
        result = m_repository.insert(*outcome.row, error);
    } else if (outcome.event) {
        result = m_repository.insert(*outcome.event, 0, error);
    } else {
        if (error)
            *error = QStringLiteral("imported outcome without its event");
        return Result::Failed;
    }
    switch (result) {
    case Store::BounceRepository::InsertResult::Inserted:
        return Result::Recorded;
    case Store::BounceRepository::InsertResult::Duplicate:
        return Result::Duplicate;
    case Store::BounceRepository::InsertResult::Failed:
        break;
    }
    return Result::Failed;
}

bool BounceEventSink::recordAll(std::span<const Outcome> outcomes, Result *results, QString *error)
{
    m_rows.clear();
    m_outcomeOf.clear();
    for (size_t i = 0; i < outcomes.size(); ++i) {
        const Outcome &outcome = outcomes[i];
        if (outcome.classification.cls == Bounce::DeliveryClass::Success) {
            results[i] = Result::Passed;
            continue;
        }
        if (outcome.source == Bounce::BounceSource::Probe || !outcome.row)
            return OutcomeSink::recordAll(outcomes, results, error);
        m_rows.push_back(outcome.row);
        m_outcomeOf.push_back(i);
    }
    m_inserted.resize(m_rows.size());
    if (!m_repository.insert(m_rows, m_inserted.data(), error))
        return false;
    for (size_t i = 0; i < m_inserted.size(); ++i)
        results[m_outcomeOf[i]]
            = m_inserted[i] == Store::BounceRepository::InsertResult::Inserted ? Result::Recorded : Result::Duplicate;
    return true;
}

} // namespace Mailpulse::Tracking
