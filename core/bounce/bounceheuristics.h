#pragma once

#include <QList>
#include <QString>

#include "bounce/statuscode.h"

namespace Mailpulse::Bounce
{

class MimeMessage;

/// One recipient as read from a bounce mail, classified.
struct BounceRecipient {
    QString address;
    Classification classification;
    QString diagnostic;
    QString remoteMta;
    int replyCode = 0;
    QString action; // failed, delayed, delivered, ... ("failed" when a non-standard bounce does not say)
    QString lastAttempt; // raw Last-Attempt-Date, if any
    QString command; // the SMTP command the failure answered, if the bounce says and the classification asked
};

/// What a mail turned out to be, and its recipients when it is a bounce.
struct BounceReading {
    enum class Kind { Bounce, NotBounce, Unreadable };
    Kind kind = Kind::NotBounce;
    QList<BounceRecipient> recipients;
    QString arrivalDate; // raw Arrival-Date of an RFC 3464 report
    QString note; // why it is not a bounce, or why it is unreadable
};

/// Reads RFC 3464/6533 delivery reports and the plain-text bounces of common MTAs and providers, with tables of
/// the phrases they use; tells feedback reports (ARF) and auto-replies apart from bounces.
class BounceHeuristics final
{
public:
    static BounceReading read(const MimeMessage &mail);

    /// The classification of one recipient from what a bounce says: its DSN Action and Status (may be empty),
    /// the diagnostic text (an SMTP reply or the MTA's own words) and the SMTP command the failure answered
    /// ("RCPT", "DATA", ...; empty when unknown). Sets *replyCode when the text has one.
    static Classification classify(const QString &action, const QString &status, const QString &diagnostic,
        const QString &command = {}, int *replyCode = nullptr);

    /// The SMTP command a bounce text says the failure answered: CONN, HELO, MAIL, RCPT or DATA; empty if none.
    static QString commandIn(QStringView text);
};

} // namespace Mailpulse::Bounce
