#include "contacts/contacttracker.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "common/clock.h"
#include "contacts/contactentry.h"
#include "smtp/proberesultjson.h"
#include "store/database.h"

namespace Mailpulse::Contacts
{

namespace
{

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QString later(const QString &a, const QString &b) { return a.isEmpty() ? b : (b > a ? b : a); }
QString earlier(const QString &a, const QString &b) { return a.isEmpty() ? b : (b.isEmpty() || a < b ? a : b); }

struct Streak {
    bool exists = false;
    qint64 failures = 0;
    QString firstFailedAt;
    QString lastFailedAt;
    QString lastStatus;
    QString lastClass;
    QString lastReason;
    QString lastSuccessAt;
    QString lastOutcomeAt;
};

bool sqlFail(QString *error, const QString &what, const QSqlQuery &query)
{
    if (error)
        *error = QStringLiteral("contacts: %1: %2").arg(what, query.lastError().text());
    return false;
}

} // namespace

ContactTracker::ContactTracker(Store::Database &database, const Clock &clock, ContactRules rules)
    : m_database(database)
    , m_clock(clock)
    , m_rules(rules)
{
}

Tracking::OutcomeSink::Result ContactTracker::record(const Tracking::Outcome &outcome, QString *error)
{
    if (outcome.recipient.isEmpty())
        return Result::Recorded;
    const QString address = normalizedAddress(outcome.recipient);
    const QString domain = (outcome.domain.isEmpty() ? address.section(u'@', -1) : outcome.domain).toLower();
    const QString now = Smtp::toIsoUtc(m_clock.now());
    const QString at = outcome.at.isValid() ? Smtp::toIsoUtc(outcome.at) : now;
    const bool success = outcome.classification.cls == Bounce::DeliveryClass::Success;
    const bool hard = outcome.classification.cls == Bounce::DeliveryClass::Hard;
    const QSqlDatabase db = m_database.connection();

    Streak s;
    {
        QSqlQuery query(db);
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT failures, first_failed_at, last_failed_at, last_status, last_class,"
                                     " last_reason, last_success_at, last_outcome_at FROM recipient_streaks"
                                     " WHERE address = :address"));
        query.bindValue(QStringLiteral(":address"), address);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot read the failure run"), query);
            return Result::Failed;
        }
        if (query.next()) {
            s.exists = true;
            s.failures = query.value(0).toLongLong();
            s.firstFailedAt = query.value(1).toString();
            s.lastFailedAt = query.value(2).toString();
            s.lastStatus = query.value(3).toString();
            s.lastClass = query.value(4).toString();
            s.lastReason = query.value(5).toString();
            s.lastSuccessAt = query.value(6).toString();
            s.lastOutcomeAt = query.value(7).toString();
        }
    }

    if (success) {
        if (!s.exists)
            return Result::Recorded; // never failed: nothing to track
        if (at >= s.lastFailedAt) {
            s.failures = 0; // the run is over
            s.firstFailedAt.clear();
        }
        s.lastSuccessAt = later(s.lastSuccessAt, at);
    } else {
        if (!s.lastSuccessAt.isEmpty() && at < s.lastSuccessAt && s.exists) {
            // Older than a success we know of: it was followed by that success, so it is not part of the run.
            return Result::Recorded;
        }
        ++s.failures;
        s.firstFailedAt = earlier(s.firstFailedAt, at);
        if (at >= s.lastFailedAt) {
            s.lastStatus = outcome.classification.status;
            s.lastClass = Bounce::deliveryClassName(outcome.classification.cls);
            s.lastReason = outcome.classification.reason;
        }
        s.lastFailedAt = later(s.lastFailedAt, at);
    }
    s.lastOutcomeAt = later(s.lastOutcomeAt, at);

    {
        QSqlQuery query(db);
        query.prepare(QStringLiteral(
            "INSERT INTO recipient_streaks (address, domain, failures, first_failed_at, last_failed_at, last_status,"
            " last_class, last_reason, last_success_at, last_outcome_at)"
            " VALUES (:address, :domain, :failures, :first, :last, :status, :class, :reason, :success, :outcome)"
            " ON CONFLICT (address) DO UPDATE SET failures = excluded.failures,"
            " first_failed_at = excluded.first_failed_at, last_failed_at = excluded.last_failed_at,"
            " last_status = excluded.last_status, last_class = excluded.last_class,"
            " last_reason = excluded.last_reason, last_success_at = excluded.last_success_at,"
            " last_outcome_at = excluded.last_outcome_at"));
        query.bindValue(QStringLiteral(":address"), address);
        query.bindValue(QStringLiteral(":domain"), domain);
        query.bindValue(QStringLiteral(":failures"), s.failures);
        query.bindValue(QStringLiteral(":first"), textOrNull(s.firstFailedAt));
        query.bindValue(QStringLiteral(":last"), textOrNull(s.lastFailedAt));
        query.bindValue(QStringLiteral(":status"), textOrNull(s.lastStatus));
        query.bindValue(QStringLiteral(":class"), textOrNull(s.lastClass));
        query.bindValue(QStringLiteral(":reason"), textOrNull(s.lastReason));
        query.bindValue(QStringLiteral(":success"), textOrNull(s.lastSuccessAt));
        query.bindValue(QStringLiteral(":outcome"), s.lastOutcomeAt);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot store the failure run"), query);
            return Result::Failed;
        }
    }

    // The entry, if any.
    QString entryStatus;
    {
        QSqlQuery query(db);
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT status FROM contacts WHERE address = :address"));
        query.bindValue(QStringLiteral(":address"), address);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot read the contact"), query);
            return Result::Failed;
        }
        if (query.next())
            entryStatus = query.value(0).toString();
    }

    const auto addNote = [&](const QString &status, const QString &text) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("INSERT INTO contact_notes (address, at, status, author, text)"
                                     " VALUES (:address, :at, :status, 'mailpulse', :text)"));
        query.bindValue(QStringLiteral(":address"), address);
        query.bindValue(QStringLiteral(":at"), now);
        query.bindValue(QStringLiteral(":status"), status);
        query.bindValue(QStringLiteral(":text"), text);
        return query.exec() || sqlFail(error, QStringLiteral("cannot add a note"), query);
    };
    const QString statusText = outcome.classification.status.isEmpty()
        ? QStringLiteral("an unknown status")
        : QStringLiteral("%1 (%2)").arg(outcome.classification.status, outcome.classification.reason);

    if (success) {
        if (entryStatus.isEmpty())
            return Result::Recorded;
        QSqlQuery query(db);
        query.prepare(QStringLiteral("UPDATE contacts SET last_success_at = :success WHERE address = :address"));
        query.bindValue(QStringLiteral(":success"), s.lastSuccessAt);
        query.bindValue(QStringLiteral(":address"), address);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot update the contact"), query);
            return Result::Failed;
        }
        return Result::Recorded;
    }

    if (entryStatus.isEmpty()) {
        const bool byHard = hard && m_rules.hardBounce;
        const bool byRun = m_rules.consecutiveFailures > 0 && s.failures >= m_rules.consecutiveFailures;
        if (!byHard && !byRun)
            return Result::Recorded;
        const QString rule = byHard ? Rule::hardBounce() : Rule::consecutiveFailures();
        QSqlQuery query(db);
        query.prepare(QStringLiteral(
            "INSERT INTO contacts (address, domain, status, rule, failures, last_status, last_class, reason,"
            " first_failed_at, last_failed_at, last_success_at, opened_at, status_changed_at)"
            " VALUES (:address, :domain, 'new', :rule, :failures, :status, :class, :reason, :first, :last, :success,"
            " :now, :now2)"));
        query.bindValue(QStringLiteral(":address"), address);
        query.bindValue(QStringLiteral(":domain"), domain);
        query.bindValue(QStringLiteral(":rule"), rule);
        query.bindValue(QStringLiteral(":failures"), s.failures);
        query.bindValue(QStringLiteral(":status"), textOrNull(s.lastStatus));
        query.bindValue(QStringLiteral(":class"), textOrNull(s.lastClass));
        query.bindValue(QStringLiteral(":reason"), textOrNull(s.lastReason));
        query.bindValue(QStringLiteral(":first"), textOrNull(s.firstFailedAt));
        query.bindValue(QStringLiteral(":last"), textOrNull(s.lastFailedAt));
        query.bindValue(QStringLiteral(":success"), textOrNull(s.lastSuccessAt));
        query.bindValue(QStringLiteral(":now"), now);
        query.bindValue(QStringLiteral(":now2"), now);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot list the recipient"), query);
            return Result::Failed;
        }
        const QString why = byHard
            ? QStringLiteral("Listed: hard failure %1").arg(statusText)
            : QStringLiteral("Listed: %1 consecutive failures, the last %2").arg(s.failures).arg(statusText);
        return addNote(QStringLiteral("new"), why) ? Result::Recorded : Result::Failed;
    }

    if (entryStatus == contactStatusName(ContactStatus::Resolved)) {
        // Reopen: the count starts again with this failure; the rule becomes hard-bounce if this one is hard.
        QSqlQuery query(db);
        query.prepare(QStringLiteral(
            "UPDATE contacts SET status = 'new', rule = CASE WHEN :hard THEN :hardRule ELSE rule END, failures = 1,"
            " last_status = :status, last_class = :class, reason = :reason, first_failed_at = :at,"
            " last_failed_at = :at2, opened_at = :now, status_changed_at = :now2 WHERE address = :address"));
        query.bindValue(QStringLiteral(":hard"), hard && m_rules.hardBounce ? 1 : 0);
        query.bindValue(QStringLiteral(":hardRule"), Rule::hardBounce());
        query.bindValue(QStringLiteral(":status"), textOrNull(outcome.classification.status));
        query.bindValue(QStringLiteral(":class"), Bounce::deliveryClassName(outcome.classification.cls));
        query.bindValue(QStringLiteral(":reason"), textOrNull(outcome.classification.reason));
        query.bindValue(QStringLiteral(":at"), at);
        query.bindValue(QStringLiteral(":at2"), at);
        query.bindValue(QStringLiteral(":now"), now);
        query.bindValue(QStringLiteral(":now2"), now);
        query.bindValue(QStringLiteral(":address"), address);
        if (!query.exec()) {
            sqlFail(error, QStringLiteral("cannot reopen the contact"), query);
            return Result::Failed;
        }
        return addNote(QStringLiteral("new"), QStringLiteral("Reopened: failed again with %1").arg(statusText))
            ? Result::Recorded
            : Result::Failed;
    }

    // new, contacted or ignored: the facts follow, the workflow status stays.
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE contacts SET failures = failures + 1,"
                       " last_status = CASE WHEN :at >= coalesce(last_failed_at, '') THEN :status ELSE last_status END,"
                       " last_class = CASE WHEN :at2 >= coalesce(last_failed_at, '') THEN :class ELSE last_class END,"
                       " reason = CASE WHEN :at3 >= coalesce(last_failed_at, '') THEN :reason ELSE reason END,"
                       " first_failed_at = min(coalesce(first_failed_at, :at4), :at5),"
                       " last_failed_at = max(coalesce(last_failed_at, ''), :at6),"
                       " rule = CASE WHEN :hard THEN :hardRule ELSE rule END"
                       " WHERE address = :address"));
    query.bindValue(QStringLiteral(":at"), at);
    query.bindValue(QStringLiteral(":at2"), at);
    query.bindValue(QStringLiteral(":at3"), at);
    query.bindValue(QStringLiteral(":at4"), at);
    query.bindValue(QStringLiteral(":at5"), at);
    query.bindValue(QStringLiteral(":at6"), at);
    query.bindValue(QStringLiteral(":status"), textOrNull(outcome.classification.status));
    query.bindValue(QStringLiteral(":class"), Bounce::deliveryClassName(outcome.classification.cls));
    query.bindValue(QStringLiteral(":reason"), textOrNull(outcome.classification.reason));
    query.bindValue(QStringLiteral(":hard"), hard && m_rules.hardBounce ? 1 : 0);
    query.bindValue(QStringLiteral(":hardRule"), Rule::hardBounce());
    query.bindValue(QStringLiteral(":address"), address);
    if (!query.exec()) {
        sqlFail(error, QStringLiteral("cannot update the contact"), query);
        return Result::Failed;
    }
    return Result::Recorded;
}

} // namespace Mailpulse::Contacts
