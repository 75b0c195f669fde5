#pragma once

namespace Mailpulse::Contacts
{

/// When a recipient enters the contact list.
struct ContactRules {
    /// Consecutive failed attempts (probes, retries, imported bounces) with no success in between; 0 disables.
    int consecutiveFailures = 3;
    /// Any hard failure (5.x.x) lists the recipient at once.
    bool hardBounce = true;
};

} // namespace Mailpulse::Contacts
