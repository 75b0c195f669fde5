#include "queue/retrypolicy.h"

#include <algorithm>
#include <cmath>

#include <QRandomGenerator>

namespace Mailpulse::Queue
{

RetryPolicy::RetryPolicy()
    : m_greylist { 10 * 60, 2 * 60 * 60, 2.0 }
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{
}

RetryPolicy::Rule RetryPolicy::ruleFor(const Bounce::Classification &classification) const
{
    const QString &status = classification.status;
    qsizetype bestLength = -1;
    Rule best;
    for (auto it = m_byStatus.cbegin(); it != m_byStatus.cend(); ++it) {
        const QString &key = it.key();
        // "4.4" matches "4.4.2" but not "4.41.0": a prefix must end at a dot.
        const bool matches
            = status == key || (status.startsWith(key) && status.size() > key.size() && status.at(key.size()) == u'.');
        if (matches && key.size() > bestLength) {
            bestLength = key.size();
            best = it.value();
        }
    }
    if (bestLength >= 0)
        return best;
    if (classification.reason == u"greylisted")
        return m_greylist;
    return m_default;
}

qint64 RetryPolicy::baseDelaySecs(const Bounce::Classification &classification, int failures) const
{
    const Rule rule = ruleFor(classification);
    const double exponent = std::max(0, failures - 1);
    // Clamp in floating point first: backoff^n overflows qint64 long before it matters.
    const double delay = std::min(double(rule.firstDelaySecs) * std::pow(std::max(1.0, rule.backoff), exponent),
        double(std::max(rule.firstDelaySecs, rule.maxDelaySecs)));
    return std::max<qint64>(1, qint64(std::llround(delay)));
}

qint64 RetryPolicy::delaySecs(const Bounce::Classification &classification, int failures) const
{
    const qint64 base = baseDelaySecs(classification, failures);
    const double unit = m_random ? std::clamp(m_random(), 0.0, 1.0) : 0.5;
    const double factor = 1.0 + m_jitter * (2.0 * unit - 1.0);
    return std::max<qint64>(1, qint64(std::llround(double(base) * factor)));
}

QDateTime RetryPolicy::nextAttempt(const Bounce::Classification &classification, int failures,
    const QDateTime &failedAt, const QDateTime &expiresAt) const
{
    if (failedAt >= expiresAt)
        return {};
    return std::min(failedAt.addSecs(delaySecs(classification, failures)), expiresAt);
}

} // namespace Mailpulse::Queue
