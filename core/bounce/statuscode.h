#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace Mailpulse::Bounce {

/// Soft failures are retried, hard ones are not; success is a delivered/accepted outcome.
enum class DeliveryClass { Success, Soft, Hard };

QString deliveryClassName(DeliveryClass cls);
std::optional<DeliveryClass> deliveryClassFromName(QStringView name);

/// An RFC 3463 enhanced status code: class.subject.detail (class 2, 4 or 5; subject 0-999; detail 0-999).
struct StatusCode
{
    int klass = 0;
    int subject = 0;
    int detail = 0;

    bool isValid() const { return klass == 2 || klass == 4 || klass == 5; }
    QString toString() const;
    /// Parses exactly "X.Y.Z" (no surrounding text). Returns nullopt for anything else.
    static std::optional<StatusCode> parse(QStringView text);
    /// Finds the first enhanced status code inside free text ("... 5.1.1 user unknown ...").
    static std::optional<StatusCode> find(QStringView text);

    friend bool operator==(const StatusCode &, const StatusCode &) = default;
};

/// The result of classifying one outcome: enhanced status, soft/hard class and a Sisimai-style reason.
struct Classification
{
    QString status; // "4.4.2"
    DeliveryClass cls = DeliveryClass::Soft;
    QString reason; // "networkerror"

    friend bool operator==(const Classification &, const Classification &) = default;
};

} // namespace Mailpulse::Bounce
