#pragma once

#include <functional>

#include <QDateTime>
#include <QHash>
#include <QString>

#include "bounce/statuscode.h"

namespace Mailpulse::Queue
{

/// When the next retry of a soft failure is due, and when the queue gives up (DESIGN.md "Retry queue").
/// Delays grow geometrically from a first delay up to a cap (defaults 30, 60, 120, 120 … minutes) with ±jitter so
/// that retries of a burst of failures do not arrive as a burst. Greylisting asks to come back soon, so it starts
/// at 10 minutes. Rules are configurable per enhanced status ("4.7.1"), per status prefix ("4.4") or for
/// greylisting; the lifetime (default 5 days, RFC 5321 §4.5.4.1) bounds every entry.
class RetryPolicy final
{
public:
    struct Rule {
        qint64 firstDelaySecs = 30 * 60;
        qint64 maxDelaySecs = 2 * 60 * 60;
        double backoff = 2.0; // each further failure multiplies the delay by this, up to maxDelaySecs
    };

    /// Returns a uniformly distributed number in [0, 1). Tests inject a fixed or scripted source.
    using RandomSource = std::function<double()>;

    RetryPolicy();

    void setDefaultRule(const Rule &rule) { m_default = rule; }
    Rule defaultRule() const { return m_default; }
    void setGreylistRule(const Rule &rule) { m_greylist = rule; }
    Rule greylistRule() const { return m_greylist; }
    /// `key` is a full status ("4.2.2") or a prefix ("4.4"); the longest matching key wins over greylisting
    /// and the default.
    void setStatusRule(const QString &key, const Rule &rule) { m_byStatus.insert(key, rule); }

    /// Fraction of the delay added or removed at random: 0.1 means ±10 %.
    void setJitter(double fraction) { m_jitter = fraction; }
    double jitter() const { return m_jitter; }
    void setRandomSource(RandomSource source) { m_random = std::move(source); }

    void setLifetimeSecs(qint64 secs) { m_lifetimeSecs = secs; }
    qint64 lifetimeSecs() const { return m_lifetimeSecs; }

    /// The rule for one failure: status rule, else greylisting (reason "greylisted"), else the default.
    Rule ruleFor(const Bounce::Classification &classification) const;

    /// Seconds from the `failures`-th failure (1 = the original one) to the next attempt, without jitter.
    qint64 baseDelaySecs(const Bounce::Classification &classification, int failures) const;
    /// The same with jitter applied (draws one random number).
    qint64 delaySecs(const Bounce::Classification &classification, int failures) const;

    /// When the entry that first failed at `firstFailedAt` expires.
    QDateTime expiresAt(const QDateTime &firstFailedAt) const { return firstFailedAt.addSecs(m_lifetimeSecs); }

    /// The next attempt after the `failures`-th failure at `failedAt`, never later than `expiresAt` (the last
    /// attempt is made at the end of the lifetime, and a failure then expires the entry). Invalid when the failure
    /// itself came at or after `expiresAt`: the entry expires.
    QDateTime nextAttempt(const Bounce::Classification &classification, int failures, const QDateTime &failedAt,
        const QDateTime &expiresAt) const;

private:
    Rule m_default;
    Rule m_greylist;
    QHash<QString, Rule> m_byStatus;
    double m_jitter = 0.10;
    qint64 m_lifetimeSecs = 5 * 24 * 60 * 60;
    RandomSource m_random;
};

} // namespace Mailpulse::Queue
