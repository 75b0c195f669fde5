#pragma once

#include <QJsonObject>

#include "contacts/contactentry.h"

namespace Mailpulse::Contacts
{

/// One `contacts list` JSON object (DESIGN.md): address, domain, status, rule, failures, last_status, reason,
/// first_failed_at, last_failed_at, name, phone, alt_email, notes [{at, status, author, text}]. Absent values are null.
/// Additive: last_class, last_success_at, opened_at, status_changed_at.
QJsonObject toJson(const ContactEntry &entry);

} // namespace Mailpulse::Contacts
