#include "bounce/classifier.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <QLatin1String>

#include "bounce/bytescan.h"
#include "bounce/ngramfilter.h"

namespace Mailpulse::Bounce
{

namespace
{

// Reason names: Sisimai's vocabulary (https://libsisimai.org/en/reason/) as of Sisimai 4.25, the reference the
// bounce corpus is measured against, plus Mailpulse's own "greylisted" and "accepted". Sisimai 5 split some 4.25
// reasons further; those causes map back to the 4.25 name it used for them:
//   authfailure (SPF/DKIM)       -> blocked          authfailure (DMARC policy) -> policyviolation
//   requireptr, badreputation    -> blocked          notcompliantrfc            -> policyviolation
//   speeding                     -> toomanyconn
// The constants keep the 5.x cause in their names so the tables still say which cause a rule detects.
constexpr auto Accepted = "accepted";
constexpr auto AuthFailure = "blocked"; // 5.x authfailure (SPF, DKIM, ARC)
constexpr auto DmarcFailure = "policyviolation"; // 5.x authfailure (DMARC policy)
constexpr auto BadReputation = "blocked"; // 5.x badreputation
constexpr auto Blocked = "blocked";
constexpr auto ContentError = "contenterror";
constexpr auto ExceedLimit = "exceedlimit";
constexpr auto Expired = "expired";
constexpr auto Filtered = "filtered";
constexpr auto Greylisted = "greylisted";
constexpr auto HasMoved = "hasmoved";
constexpr auto HostUnknown = "hostunknown";
constexpr auto MailboxFull = "mailboxfull";
constexpr auto MailerError = "mailererror";
constexpr auto MesgTooBig = "mesgtoobig";
constexpr auto NetworkError = "networkerror";
constexpr auto NoRelaying = "norelaying";
constexpr auto NotAccept = "notaccept";
constexpr auto NotCompliantRfc = "policyviolation"; // 5.x notcompliantrfc
constexpr auto PolicyViolation = "policyviolation";
constexpr auto Rejected = "rejected";
constexpr auto RequirePtr = "blocked"; // 5.x requireptr
constexpr auto SecurityError = "securityerror";
constexpr auto SpamDetected = "spamdetected";
constexpr auto Speeding = "toomanyconn"; // 5.x speeding
constexpr auto Suspend = "suspend";
constexpr auto SyntaxError = "syntaxerror";
constexpr auto SystemError = "systemerror";
constexpr auto SystemFull = "systemfull";
constexpr auto TooManyConn = "toomanyconn";
constexpr auto Undefined = "undefined";
constexpr auto UserUnknown = "userunknown";
constexpr auto VirusDetected = "virusdetected";

// How much a text pattern is worth against the status code.
enum class Evidence {
    Strong, // names the cause outright ("mailbox full"): wins over any status code
    Weak, // a hint ("rejected", "syntax error"): used only when the status code says nothing specific
};

// One text pattern: a lower-case ASCII substring of the diagnostic text. `word` requires it to stand alone
// (no letter or digit on either side), for short tokens like "spf" or "rbl". `onlyStatus` restricts it to one
// status code, `also` requires a second substring. `subject`/`detail` is the RFC 3463 code the pattern implies, used to
// refine a reply that came without an enhanced code ("550 No such user" → 5.1.1); 0/0 means no refinement (X.0.0).
struct TextRule {
    std::string_view pattern;
    const char *reason;
    Evidence evidence = Evidence::Strong;
    int subject = 0;
    int detail = 0;
    bool word = false;
    const char *onlyStatus = nullptr;
    std::string_view also = {}; // a second substring that must be present too
};

// Order matters: the first matching rule wins, so a specific cause comes before a generic word that often
// accompanies it ("mailbox full ... retry timeout exceeded" is mailboxfull, "client host blocked ... spam" is
// blocked). Pipelined noise such as "503 need RCPT command" after the real error only ever matches weak rules.
constexpr auto S = Evidence::Strong;
constexpr auto W = Evidence::Weak;
const TextRule TextRules[] = {
    // Greylisting: a deliberate first-attempt deferral; it is retried, it is no problem of the recipient.
    { "greylist", Greylisted, S, 7, 1 },
    { "graylist", Greylisted, S, 7, 1 },
    { "grey-list", Greylisted, S, 7, 1 },
    { "gray-list", Greylisted, S, 7, 1 },
    { "grey list", Greylisted, S, 7, 1 },
    { "gray list", Greylisted, S, 7, 1 },
    // 4.7.1 plus "come back later" is how most greylisting implementations word it without saying so.
    { "try again later", Greylisted, S, 7, 1, false, "4.7.1" },
    { "try later", Greylisted, S, 7, 1, false, "4.7.1" },
    { "retry later", Greylisted, S, 7, 1, false, "4.7.1" },

    // qmail-remote's fixed wording when MAIL FROM was refused: whatever the remote reply says next (a volume
    // limit, "access denied"), it refused our envelope sender.
    { "but sender was rejected", Rejected, S, 1, 8 },

    // Limits on the sender's volume or connections. Before "blocked": such replies often add "blocked IP".
    // A reply without an enhanced code becomes X.7.0 here, as Postfix words it ("421 4.7.0 Error: too many
    // connections"): a per-client policy limit. Not X.4.5 (the receiver's own congestion) nor X.3.2 (a host not
    // accepting mail at all): the cure is on our side, fewer parallel connections.
    { "too many connections", TooManyConn, S, 7, 0 },
    { "too many concurrent", TooManyConn, S, 7, 0 },
    { "too many simultaneous", TooManyConn, S, 7, 0 },
    { "too many sessions", TooManyConn, S, 7, 0 },
    { "connection limit", TooManyConn, S, 7, 0 },
    { "connection frequency", TooManyConn, S, 7, 0 },
    { "ip frequency", TooManyConn, S, 7, 0 },
    { "this hour", Speeding, S, 7, 0 }, // "sent to too many recipients this hour" is a rate, not one message
    { "per hour", Speeding, S, 7, 0 },
    { "too many recipients", TooManyConn, S, 5, 3 },
    // A limit imposed because of the sender's standing is about reputation, not volume.
    { "reputation", BadReputation, S, 7, 1 },
    { "user complaints", BadReputation, S, 7, 1 },
    { "rate limit", Speeding, S, 7, 0 },
    { "ratelimit", Speeding, S, 7, 0 },
    { "rate-limit", Speeding, S, 7, 0 },
    { "sending rate", Speeding, S, 7, 0 },
    { "at a rate", Speeding, S, 7, 0 },
    { "unexpected volume", Speeding, S, 7, 0 },
    { "too many messages", Speeding, S, 7, 0 },
    { "too many emails", Speeding, S, 7, 0 },
    { "mail flood", Speeding, S, 7, 28 },
    // Spectrum (Charter) names its refusals with AUP codes; AUP#In-13xx are its connection and rate limits, whatever
    // the reply around them says ("sender rejected"). spectrum.net, "Understanding email error codes".
    { "aup#in-13", Speeding, S, 7, 0 },
    { "sending quota", Speeding, S, 7, 0 }, // the sender's quota, not the recipient's: before "quota"
    { "sending limit", Speeding, S, 7, 0 },
    { "relay quota", Speeding, S, 7, 0 },

    // The recipient's mailbox is full. Before "expired": "mailbox is full: retry timeout exceeded".
    { "mailbox full", MailboxFull, S, 2, 2 },
    { "mailbox is full", MailboxFull, S, 2, 2 },
    { "mailbox exceed", MailboxFull, S, 2, 2 },
    { "mailbox has exceeded", MailboxFull, S, 2, 2 },
    { "full mailbox", MailboxFull, S, 2, 2 },
    { "over quota", MailboxFull, S, 2, 2 },
    { "overquota", MailboxFull, S, 2, 2 },
    { "quota", MailboxFull, S, 2, 2 },
    { "out of storage", MailboxFull, S, 2, 2 },
    { "insufficient storage", MailboxFull, S, 2, 2 },
    { "not enough storage", MailboxFull, S, 2, 2 },
    // The receiving system itself is out of space (RFC 5321's 452 "insufficient system storage").
    { "insufficient system storage", SystemFull, S, 3, 1 },
    { "insufficient disk space", SystemFull, S, 3, 1 },
    { "disk full", SystemFull, S, 3, 1 },

    // The domain publishes that it takes no mail (RFC 7505 null MX and its wordings).
    { "null mx", NotAccept, S, 1, 10 },
    { "does not accept mail", NotAccept, S, 1, 10 },
    { "doesn't receive email", NotAccept, S, 1, 10 },
    { "does not receive email", NotAccept, S, 1, 10 },
    { "no smtp service", NotAccept, S, 1, 10 },

    // The receiving host's local delivery agent failed: its complaint ("procmail: ... No such user") is about
    // the agent, not about the address.
    { "mailer error", MailerError, S, 3, 0 },
    { "procmail", MailerError, S, 3, 0 },
    { "pipe to |", MailerError, S, 3, 0 },
    { "command died", MailerError, S, 3, 0 },
    { "generated during the delivery attempt", MailerError, S, 3, 0 }, // Exim: output of a pipe delivery

    // A recipient refused only after the message was sent (in reply to the end of DATA) was refused by a
    // content filter that answers "unknown user": Sisimai's filtered.
    { "user unknown", Filtered, S, 2, 0, false, nullptr, "end of data" },
    { "unknown user", Filtered, S, 2, 0, false, nullptr, "end of data" },
    // X.2.0 says the mailbox exists but something about it refused the message; with "unknown user" that is
    // a recipient-side filter answering as if the address did not exist.
    { "user unknown", Filtered, S, 2, 0, false, "5.2.0" },
    { "unknown user", Filtered, S, 2, 0, false, "5.2.0" },

    // The recipient does not exist.
    { "user unknown", UserUnknown, S, 1, 1 },
    { "unknown user", UserUnknown, S, 1, 1 },
    { "no such user", UserUnknown, S, 1, 1 },
    { "no such recipient", UserUnknown, S, 1, 1 },
    { "no such mailbox", UserUnknown, S, 1, 1 },
    { "no such address", UserUnknown, S, 1, 1 },
    { "no mailbox here", UserUnknown, S, 1, 1 },
    { "mailbox unavailable", UserUnknown, S, 1, 1 },
    { "mailbox not found", UserUnknown, S, 1, 1 },
    { "user not found", UserUnknown, S, 1, 1 },
    { "user does not exist", UserUnknown, S, 1, 1 },
    { "unknown recipient", UserUnknown, S, 1, 1 },
    { "recipient unknown", UserUnknown, S, 1, 1 },
    { "recipient not found", UserUnknown, S, 1, 1 },
    { "recipnotfound", UserUnknown, S, 1, 1 }, // Exchange's RESOLVER.ADR.RecipNotFound
    { "invalid recipient", UserUnknown, S, 1, 1 },
    { "invalid mailbox", UserUnknown, S, 1, 1 },
    { "unknown or illegal user", UserUnknown, S, 1, 1 },
    { "address not found", UserUnknown, S, 1, 1 },
    { "address couldn't be found", UserUnknown, S, 1, 1 },
    { "invalid final delivery", UserUnknown, S, 1, 1 },
    { "user doesn't have a", UserUnknown, S, 1, 1 },
    { "user not listed", UserUnknown, S, 1, 1 },
    { "check if address is correct", UserUnknown, S, 1, 1 }, // Trend Micro InterScan's notice
    // Exchange Online's directory-based edge blocking: the recipient is not in the tenant's directory.
    { "recipient address rejected: access denied", UserUnknown, S, 1, 1 },

    // The account exists but is switched off.
    { "account disabled", Suspend, S, 2, 1 },
    { "account has been disabled", Suspend, S, 2, 1 },
    { "account is disabled", Suspend, S, 2, 1 },
    { "mailbox disabled", Suspend, S, 2, 1 },
    { "mailbox is disabled", Suspend, S, 2, 1 },
    { "disabled recipient", Suspend, S, 2, 1 },
    { "is disabled", Suspend, S, 2, 1 },
    { "been disabled", Suspend, S, 2, 1 },
    { "account suspended", Suspend, S, 2, 1 },
    { "mailbox suspended", Suspend, S, 2, 1 },
    { "user suspended", Suspend, S, 2, 1 },
    { "has been suspended", Suspend, S, 2, 1 },
    { "is suspended", Suspend, S, 2, 1 },
    { "account is locked", Suspend, S, 2, 1 },
    { "temporary locked", Suspend, S, 2, 1 },
    { "temporarily locked", Suspend, S, 2, 1 },
    { "is frozen", Suspend, S, 2, 1 },
    { "account is blocked", Suspend, S, 2, 1 },
    { "discontinued", Suspend, S, 2, 1 },

    { "no longer on server", HasMoved, S, 1, 6 },
    { "has moved", HasMoved, S, 1, 6 },
    { "user not local", HasMoved, S, 1, 6 },

    // No or inconsistent reverse DNS for the client. Before the relaying rules: Sendmail says "Relaying
    // temporarily denied. Cannot resolve PTR record" when the real cause is our reverse DNS.
    { "reverse dns", RequirePtr, S, 7, 25 },
    { "reverse-dns", RequirePtr, S, 7, 25 },
    { "rdns", RequirePtr, S, 7, 25, true },
    { "ptr record", RequirePtr, S, 7, 25 },
    { "cannot find your hostname", RequirePtr, S, 7, 25 },
    { "cannot find your reverse hostname", RequirePtr, S, 7, 25 },
    { "mismatches client ip", RequirePtr, S, 7, 25 },

    // qmail's wording when the greeting or HELO is refused: refused for who we are.
    { "my name was rejected", Blocked, S, 7, 1 },
    // Outlook.com/Hotmail's fixed wording for a client IP on its block list ("550 SC-004 ... Unfortunately,
    // messages from 192.0.2.1 weren't sent").
    { "unfortunately, messages from", Blocked, S, 7, 1 },
    // qmail's badrcptto list: the administrator refuses this recipient on purpose, a filter rather than an
    // unknown address (qmail-smtpd "sorry, your envelope recipient is in my badrcptto list").
    { "badrcptto", Filtered, S, 7, 1 },
    // The sending client is an open relay: that is the sender's reputation, so before the relaying rules.
    { "open relay", Blocked, S, 7, 1 },
    { "relay access", NoRelaying, S, 7, 1 },
    { "relaying", NoRelaying, S, 7, 1 },
    { "relay denied", NoRelaying, S, 7, 1 },
    { "relay not", NoRelaying, S, 7, 1 },
    { "to relay", NoRelaying, S, 7, 1 },
    { "not relay", NoRelaying, S, 7, 1 },
    { "insecure mail relay", NoRelaying, S, 7, 1 },

    // Malformed messages. Before the authentication rules: "duplicate header 'DKIM-Signature'" is about the
    // header, and before the spam rules, since such replies often explain themselves with spam.
    { "duplicate header", ContentError, S, 6, 0 },
    { "rfc 5322", NotCompliantRfc, S, 6, 0 },
    { "rfc5322", NotCompliantRfc, S, 6, 0 },
    { "rfc 2822", NotCompliantRfc, S, 6, 0 },
    { "multiple addresses in from", NotCompliantRfc, S, 6, 0 },

    // Sender authentication (SPF, DKIM, DMARC, ARC): RFC 7372's 5.7.20-5.7.26 family.
    { "dmarc", DmarcFailure, S, 7, 26, true },
    { "spf", AuthFailure, S, 7, 23, true },
    { "dkim", AuthFailure, S, 7, 20, true },
    { "authentication checks", AuthFailure, S, 7, 26 },
    { "authentication information", AuthFailure, S, 7, 26 },
    { "unauthenticated email", AuthFailure, S, 7, 26 },
    { "sender is unauthenticated", AuthFailure, S, 7, 26 },

    // Virus before spam: "virus detected; content rejected" is about malware, not spam.
    { "virus", VirusDetected, S, 7, 1 },
    { "malware", VirusDetected, S, 7, 1 },
    { "infected", VirusDetected, S, 7, 1 },

    // Spam judged from the message content (body, URLs): spamdetected. Before the listing rules, because a
    // "blacklisted URL" is content, while "blacklisted IP" is the client.
    { "spam detected", SpamDetected, S, 7, 1 },
    { "detected as spam", SpamDetected, S, 7, 1 },
    { "scored as spam", SpamDetected, S, 7, 1 },
    { "classified as spam", SpamDetected, S, 7, 1 },
    { "considered spam", SpamDetected, S, 7, 1 },
    { "looks like spam", SpamDetected, S, 7, 1 },
    { "spam score", SpamDetected, S, 7, 1 },
    { "content rejected", SpamDetected, S, 7, 1 },
    { "blacklisted url", SpamDetected, S, 7, 1 },
    { "uribl", SpamDetected, S, 7, 1 },
    { "surbl", SpamDetected, S, 7, 1 },

    // The client (its IP or host) is refused before content matters: DNSBL listings, bans. That is blocked;
    // a verdict on the sender's standing without a listing is badreputation.
    { "blocked using", Blocked, S, 7, 1 },
    { "listed at", Blocked, S, 7, 1 },
    { "listed in", Blocked, S, 7, 1 },
    { "listed on", Blocked, S, 7, 1 },
    { "blacklist", Blocked, S, 7, 1 },
    { "blocklist", Blocked, S, 7, 1 },
    { "denylist", Blocked, S, 7, 1 },
    { "dnsbl", Blocked, S, 7, 1 },
    { "rbl", Blocked, S, 7, 1, true },
    { "spamhaus", Blocked, S, 7, 1 },
    { "spamcop", Blocked, S, 7, 1 },
    { "client host rejected", Blocked, S, 7, 1 },
    { "client host blocked", Blocked, S, 7, 1 },
    { "banned sending ip", Blocked, S, 7, 1 },
    { "ip address blocked", Blocked, S, 7, 1 },
    { "ip blocked", Blocked, S, 7, 1 },
    // Any other mention of spam: the message was judged spam.
    { "spam", SpamDetected, S, 7, 1 },

    { "policy reasons", PolicyViolation, S, 7, 1 },
    { "denied by policy", PolicyViolation, S, 7, 1 },
    { "local policy", PolicyViolation, S, 7, 1 },
    { "policy violation", PolicyViolation, S, 7, 1 },
    { "security policies", PolicyViolation, S, 7, 1 },
    { "organization policy", PolicyViolation, S, 7, 1 },
    { "illegal attachment", PolicyViolation, S, 7, 1 },
    { "potential security issue", PolicyViolation, S, 7, 1 },
    { "content presents a potential", PolicyViolation, S, 7, 1 }, // Gmail, often cut before "security issue"
    { "header error", PolicyViolation, S, 7, 1 },

    // SMTP authentication or TLS the receiver requires.
    { "authentication required", SecurityError, S, 7, 0 },
    { "authrequired", SecurityError, S, 7, 0 },
    { "smtp authentication", SecurityError, S, 7, 0 },
    { "unauthenticated senders", SecurityError, S, 7, 0 },
    { "must authenticate", SecurityError, S, 7, 0 },
    { "starttls", SecurityError, S, 7, 11 },
    { "tls required", SecurityError, S, 7, 11 },
    { "encryption required", SecurityError, S, 7, 11 },

    // Message size. Header size first: "headers too large" is about the content's form.
    { "headers too", ContentError, S, 6, 0 },
    { "too large", MesgTooBig, S, 3, 4 },
    { "too big", MesgTooBig, S, 3, 4 },

    // The sending side gave up after its queue lifetime. Before networkerror: the last attempt's connection
    // error is incidental once the message has expired.
    { "message expired", Expired, S, 4, 7 },
    { "envelope expired", Expired, S, 4, 7 },
    { "delivery time expired", Expired, S, 4, 7 },
    { "retry timeout exceeded", Expired, S, 4, 7 },
    { "failing for a long time", Expired, S, 4, 7 },
    { "after multiple retries", Expired, S, 4, 7 },
    { "giving up", Expired, S, 4, 7 },
    // A failure after counted attempts ("Delivery failed 20 attempts", Ipswitch IMail) says the retries ran out.
    { " attempts", Expired, S, 4, 7, false, nullptr, "delivery failed" },
    // Gmail's wording when it stops trying to connect to the receiving host after its retry period.
    { "did not accept our requests to connect", Expired, S, 4, 7 },
    { "deliver this message after", Expired, S, 4, 7 },

    { "dns error", NetworkError, S, 4, 3 },
    { "name server reply", NetworkError, S, 4, 3 },
    { "connection refused", NetworkError, S, 4, 1 },
    { "connection timed out", NetworkError, S, 4, 1 },
    { "timed out", NetworkError, S, 4, 2 },
    { "no route to host", NetworkError, S, 4, 1 },
    { "network is unreachable", NetworkError, S, 4, 1 },
    { "host is unreachable", NetworkError, S, 4, 1 },
    { "host not reachable", NetworkError, S, 4, 1 },
    { "lost connection", NetworkError, S, 4, 2 },
    { "connection reset", NetworkError, S, 4, 2 },
    { "unable to connect", NetworkError, S, 4, 1 },
    { "could not connect", NetworkError, S, 4, 1 },
    { "establish an smtp connection", NetworkError, S, 4, 1 },
    { "no mx", NetworkError, S, 4, 4, true },
    { "network error", NetworkError, S, 4, 0 },

    // The domain does not exist. After "dns error": a resolver's NXDOMAIN report is usually transient.
    { "host unknown", HostUnknown, S, 1, 2 },
    { "unknown host", HostUnknown, S, 1, 2 },
    { "host not found", HostUnknown, S, 1, 2 },
    { "domain name not found", HostUnknown, S, 1, 2 },
    { "domain not found", HostUnknown, S, 1, 2 },
    { "domain does not exist", HostUnknown, S, 1, 2 },
    { "no such domain", HostUnknown, S, 1, 2 },
    { "find any host", HostUnknown, S, 1, 2 },
    { "find a mail exchanger", HostUnknown, S, 1, 2 },
    { "unrouteable", HostUnknown, S, 1, 2 },
    { "unroutable", HostUnknown, S, 1, 2 },
    { "domain is not reachable", HostUnknown, S, 1, 2 },

    { "8-bit", ContentError, S, 6, 0 },
    { "8bit", ContentError, S, 6, 0 },

    { "message filtered", Filtered, S, 2, 0 },

    // The envelope sender was refused.
    { "sender address rejected", Rejected, S, 1, 8 },
    { "sender rejected", Rejected, S, 1, 8 },
    { "sender was rejected", Rejected, S, 1, 8 },
    { "domain of sender", Rejected, S, 1, 8 },
    { "sender domain", Rejected, S, 1, 8 },

    // Weak hints, for texts and codes that say little. Specific status codes win over these.
    { "size exceeds", MesgTooBig, W, 3, 4 },
    { "length exceeds", MesgTooBig, W, 3, 4 },
    { "exceeds maximum", MesgTooBig, W, 3, 4 },
    { "does not exist", UserUnknown, W, 1, 1 },
    { "inactive", Suspend, W, 2, 1 }, // "inactive email address" with 5.1.1 is an unknown user
    // Words that only restate X.7.1 ("delivery not authorized, message refused") add nothing to it, not even
    // where they name the recipient ("550 5.7.1 Recipient rejected by policy": a policy's refusal, not an unknown
    // user; Sisimai says securityerror too). As words only: "?p=CustomFromDenied" in a help link says nothing.
    { "denied", SecurityError, W, 7, 1, true, "5.7.1" },
    { "rejected", SecurityError, W, 7, 1, true, "5.7.1" },
    { "refused", SecurityError, W, 7, 1, true, "5.7.1" },
    { "denied", SecurityError, W, 7, 1, true, "4.7.1" },
    { "rejected", SecurityError, W, 7, 1, true, "4.7.1" },
    { "refused", SecurityError, W, 7, 1, true, "4.7.1" },
    { "recipient address rejected", UserUnknown, W, 1, 1 },
    { "address rejected", UserUnknown, W, 1, 1 },
    { "invalid address", UserUnknown, W, 1, 1 },
    { "recipient rejected", UserUnknown, W, 1, 1 },
    { "no valid recipients", UserUnknown, W, 1, 1 },
    { "refused to talk to me", Blocked, W, 7, 1 }, // Postfix: rejected at the greeting, i.e. for who we are
    { "blocked", Blocked, W, 7, 1 },
    { "transaction failed", SystemError, W, 3, 0 },
    { "service unavailable", SystemError, W, 3, 0 },
    { "service currently unavailable", SystemError, W, 3, 0 },
    { "system error", SystemError, W, 3, 0 },
    { "internal error", SystemError, W, 3, 0 },
    { "server error", SystemError, W, 3, 0 },
    { "local error", SystemError, W, 3, 0 },
    { "syntax error", SyntaxError, W, 5, 2 },
    { "malformed address", SyntaxError, W, 1, 3 },
    { "bad sequence", SyntaxError, W, 5, 1 },
    { "improper sequence", SyntaxError, W, 5, 1 },
    { "command not recognized", SyntaxError, W, 5, 1 },
    { "unrecognized command", SyntaxError, W, 5, 1 },
    { "not implemented", SyntaxError, W, 5, 1 },
    // Elsewhere they say that something was refused, not why: no refinement of a codeless reply (X.0.0).
    { "access denied", Rejected, W, 0, 0, true },
    { "not allowed", PolicyViolation, W, 7, 1 },
    { "rejected", Rejected, W, 0, 0, true },
    { "refused", Rejected, W, 0, 0, true },
    { "denied", Rejected, W, 0, 0, true },
};

// RFC 3463 (and RFC 3886, 4954, 5248, 7372, 7505 additions) subject/detail codes mapped to reasons. `detail`
// -1 is "any detail of this subject"; `klass` 0 is "either class". First match wins. Generic codes (those that
// only say "something about addressing/policy went wrong") let weak text hints win over them. Sender codes
// (X.1.7, X.1.8) win over all text: "553 5.1.7 No such domain" is about our sender domain, not the recipient's.
//
//   code      reason (why)
//   X.0.0     undefined: a bare class says nothing (no row; the fallback)
//   X.1.1/3/4 userunknown: bad, malformed or ambiguous destination mailbox
//   X.1.2     hostunknown: bad destination system
//   X.1.6     hasmoved
//   X.1.7/8   rejected: bad sender mailbox or sender system
//   X.1.10    notaccept: recipient's domain has a null MX (RFC 7505)
//   X.2.0     filtered (generic): "something about the mailbox" stopped it; Sisimai's filtered
//   X.2.1     suspend: mailbox disabled
//   X.2.2     mailboxfull
//   X.2.3     exceedlimit: message over the mailbox's administrative size limit
//   X.2.4     systemerror: mailing list expansion problem
//   X.3.1     systemfull
//   4.3.2     systemerror: the host is (temporarily) not accepting, e.g. shutting down
//   5.3.2     notaccept: the host does not accept mail at all
//   X.3.4     mesgtoobig: larger than the system's limit
//   X.3.x     systemerror (generic)
//   5.4.4     hostunknown: no route (no MX/address)
//   X.4.5     systemfull: mail system congestion
//   X.4.7     expired: delivery time expired
//   5.4.1     networkerror (generic): Exchange Online uses it for directory rejections, so the text decides
//   X.4.x     networkerror
//   X.5.3     toomanyconn: too many recipients
//   X.5.0     systemerror (generic), like DESIGN.md's malformed-reply row (4.5.0)
//   X.5.x     syntaxerror
//   X.6.x     contenterror
//   X.7.0     securityerror (generic)
//   X.7.1     securityerror (generic): "delivery not authorized"; the text usually says why (blocked, spam,
//             relay…); "rejected"/"refused"/"denied" only restate it
//   X.7.2     policyviolation: list expansion prohibited
//   X.7.13    suspend: user account disabled (RFC 5248)
//   X.7.17/18 hasmoved: mailbox or domain owner changed (RFC 6710)
//   X.7.20-24 authfailure: DKIM/SPF failures (RFC 7372); X.7.26 multiple authentication checks failed
//   X.7.25    requireptr: reverse DNS validation failed
//   X.7.27    rejected: the *sender's* domain has a null MX (RFC 7505)
//   X.7.28    speeding: mail flood detected
//   X.7.29    authfailure: ARC validation failure
//   X.7.x     securityerror
//   anything else: undefined
struct StatusRule {
    int subject;
    int detail;
    int klass;
    const char *reason;
    enum Weight { Specific, Generic, Sender } weight = Specific;
};

const StatusRule StatusRules[] = {
    { 1, 1, 0, UserUnknown },
    { 1, 2, 0, HostUnknown },
    { 1, 3, 0, UserUnknown },
    { 1, 4, 0, UserUnknown },
    { 1, 6, 0, HasMoved },
    { 1, 7, 0, Rejected, StatusRule::Sender },
    { 1, 8, 0, Rejected, StatusRule::Sender },
    { 1, 10, 0, NotAccept },
    { 2, 0, 0, Filtered, StatusRule::Generic },
    { 2, 1, 0, Suspend },
    { 2, 2, 0, MailboxFull },
    { 2, 3, 0, ExceedLimit },
    { 2, 4, 0, SystemError },
    { 3, 1, 0, SystemFull },
    { 3, 2, 4, SystemError },
    { 3, 2, 5, NotAccept },
    { 3, 4, 0, MesgTooBig },
    { 3, -1, 0, SystemError, StatusRule::Generic },
    // 5.4.1 is "no answer from host" in RFC 3463, but Exchange Online sends it for "recipient address rejected:
    // access denied"; with that ambiguity the text decides.
    { 4, 1, 5, NetworkError, StatusRule::Generic },
    { 4, 4, 5, HostUnknown },
    { 4, 5, 0, SystemFull },
    { 4, 7, 0, Expired },
    { 4, -1, 0, NetworkError },
    { 5, 0, 0, SystemError, StatusRule::Generic },
    { 5, 3, 0, TooManyConn },
    { 5, -1, 0, SyntaxError },
    { 6, -1, 0, ContentError },
    { 7, 0, 0, SecurityError, StatusRule::Generic },
    { 7, 1, 0, SecurityError, StatusRule::Generic },
    { 7, 2, 0, PolicyViolation },
    { 7, 13, 0, Suspend },
    { 7, 17, 0, HasMoved },
    { 7, 18, 0, HasMoved },
    { 7, 20, 0, AuthFailure },
    { 7, 21, 0, AuthFailure },
    { 7, 22, 0, AuthFailure },
    { 7, 23, 0, AuthFailure },
    { 7, 24, 0, AuthFailure },
    { 7, 25, 0, RequirePtr },
    { 7, 26, 0, AuthFailure },
    { 7, 27, 0, Rejected },
    { 7, 28, 0, Speeding },
    { 7, 29, 0, AuthFailure },
    { 7, -1, 0, SecurityError },
};

struct FailureRow {
    Failure failure;
    const char *status;
    DeliveryClass cls;
    const char *reason;
};

// DESIGN.md's classification table, row by row.
constexpr std::array FailureRows = {
    FailureRow { Failure::HostUnknown, "5.1.2", DeliveryClass::Hard, HostUnknown },
    FailureRow { Failure::NullMx, "5.1.10", DeliveryClass::Hard, NotAccept },
    FailureRow { Failure::DnsError, "4.4.3", DeliveryClass::Soft, NetworkError },
    FailureRow { Failure::ConnectFailed, "4.4.1", DeliveryClass::Soft, NetworkError },
    FailureRow { Failure::ConnectionLost, "4.4.2", DeliveryClass::Soft, NetworkError },
    FailureRow { Failure::StartTlsNotOffered, "4.7.4", DeliveryClass::Soft, SecurityError },
    FailureRow { Failure::TlsFailed, "4.7.5", DeliveryClass::Soft, SecurityError },
    FailureRow { Failure::MalformedReply, "4.5.0", DeliveryClass::Soft, SystemError },
};

// Patterns are ASCII, so byte search in the text lowered (Classifier::Text) is exact and several times faster than
// QString searches (the importer runs this over every line of large MTA logs); and a rule whose pattern cannot occur
// is rejected without a search (NgramFilter).
std::string loweredUtf8(const QString &text)
{
    // ASCII (most replies) straight from UTF-16, without the UTF-8 encoder and its second copy.
    std::string out(size_t(text.size()), '\0');
    if (ByteScan::lowerAsciiInto(text, out.data()))
        return out;
    out = text.toStdString();
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Non-ASCII bytes count as word characters, so a token glued to a non-ASCII letter does not stand alone.
bool isWordByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80 || u == '_';
}

// Several times faster than std::string_view::find for short patterns, and than memmem in short texts.
size_t findBytes(std::string_view text, std::string_view pattern, size_t from = 0)
{
    const qsizetype at = ByteScan::findInShort(QByteArrayView(text.data(), qsizetype(text.size())),
        QByteArrayView(pattern.data(), qsizetype(pattern.size())), qsizetype(from));
    return at < 0 ? std::string_view::npos : size_t(at);
}

// Whether `pattern` occurs in the text (standing alone, with `word`); the caller has checked the filter.
bool containsPattern(const Classifier::Text &text, std::string_view pattern, bool word)
{
    const std::string_view lower = text.lowered();
    if (!word)
        return findBytes(lower, pattern) != std::string_view::npos;
    for (size_t from = 0;;) {
        const size_t at = findBytes(lower, pattern, from);
        if (at == std::string_view::npos)
            return false;
        const size_t end = at + pattern.size();
        if ((at == 0 || !isWordByte(lower[at - 1])) && (end == lower.size() || !isWordByte(lower[end])))
            return true;
        from = at + 1;
    }
}

// The text rules of each evidence, in table order, with their patterns' filter keys worked out once: a
// classification tests hundreds of rules, most of them rejected by the key alone.
struct PreparedRules {
    struct Rule {
        const TextRule *rule;
        NgramFilter::Key key;
    };
    std::vector<Rule> byEvidence[2];
};

const PreparedRules &preparedRules()
{
    static const PreparedRules prepared = [] {
        PreparedRules p;
        for (const TextRule &rule : TextRules)
            p.byEvidence[rule.evidence == Evidence::Strong ? 0 : 1].push_back(
                { &rule, NgramFilter::keyOf(rule.pattern) });
        return p;
    }();
    return prepared;
}

const TextRule *matchText(const Classifier::Text &lower, QStringView status, Evidence evidence)
{
    for (const PreparedRules::Rule &prepared : preparedRules().byEvidence[evidence == Evidence::Strong ? 0 : 1]) {
        if (!lower.filter().mayContain(prepared.key))
            continue;
        const TextRule &rule = *prepared.rule;
        if (rule.onlyStatus && status != QLatin1String(rule.onlyStatus))
            continue;
        if (containsPattern(lower, rule.pattern, rule.word)
            && (rule.also.empty()
                || (lower.filter().mayContain(rule.also)
                    && findBytes(lower.lowered(), rule.also) != std::string_view::npos)))
            return &rule;
    }
    return nullptr;
}

const StatusRule *matchStatus(const std::optional<StatusCode> &code)
{
    if (!code)
        return nullptr;
    for (const StatusRule &rule : StatusRules) {
        if (rule.subject != code->subject)
            continue;
        if (rule.detail != -1 && rule.detail != code->detail)
            continue;
        if (rule.klass != 0 && rule.klass != code->klass)
            continue;
        return &rule;
    }
    return nullptr;
}

QString reasonName(const char *reason) { return QString::fromLatin1(reason); }

DeliveryClass classOf(int klass)
{
    return klass == 2 ? DeliveryClass::Success : klass == 4 ? DeliveryClass::Soft : DeliveryClass::Hard;
}

// Classifier::reasonFor; `lowered` is the text made ready already, or nullptr.
QString reasonOf(const QString &status, const QString &text, const Classifier::Text *lowered)
{
    // Evidence order: sender status code, specific text, specific status code, text hints, generic status code,
    // "undefined".
    const auto code = StatusCode::parse(status);
    if (code && code->klass == 2)
        return reasonName(Accepted);
    const StatusRule *statusRule = matchStatus(code);
    if (statusRule && statusRule->weight == StatusRule::Sender)
        return reasonName(statusRule->reason);
    std::optional<Classifier::Text> own;
    const Classifier::Text &lower = lowered ? *lowered : own.emplace(text);
    if (const TextRule *rule = matchText(lower, status, Evidence::Strong))
        return reasonName(rule->reason);
    if (statusRule && statusRule->weight == StatusRule::Specific)
        return reasonName(statusRule->reason);
    if (const TextRule *rule = matchText(lower, status, Evidence::Weak))
        return reasonName(rule->reason);
    if (statusRule)
        return reasonName(statusRule->reason);
    return reasonName(Undefined);
}

// Classifier::classifyReply; `prepared` is the text made ready already, or nullptr.
Classification replyOf(int code, const QString &enhanced, const QString &text, const Classifier::Text *prepared)
{
    const int klass = code / 100;
    if (code < 200 || code > 599)
        return Classifier::classifyFailure(Failure::MalformedReply);

    const auto given = StatusCode::parse(enhanced);
    if (klass == 2 || klass == 3) {
        // 3xx (354 after DATA, 334 in AUTH) is an intermediate yes; a probe never goes further than that.
        const QString status = given && given->klass == 2 ? given->toString() : QStringLiteral("2.0.0");
        return { status, DeliveryClass::Success, reasonName(Accepted) };
    }

    StatusCode status { klass, 0, 0 };
    std::optional<Classifier::Text> own; // built once, for the status and the reason
    if (given && given->klass == klass) {
        status = *given;
    } else if (const auto found = StatusCode::find(text); found && found->klass == klass) {
        status = *found;
    } else {
        // No usable code: refine X.0.0 from the text where it names the cause ("550 No such user" → 5.1.1).
        if (!prepared)
            prepared = &own.emplace(text);
        const QString bare = status.toString();
        const TextRule *rule = matchText(*prepared, bare, Evidence::Strong);
        if (!rule)
            rule = matchText(*prepared, bare, Evidence::Weak);
        if (rule) {
            status.subject = rule->subject;
            status.detail = rule->detail;
        } else if (code == 421) {
            // RFC 5321 §4.2.3: 421 is "service not available, closing transmission channel", which RFC 3463
            // names X.3.2 (system not accepting network messages).
            status.subject = 3;
            status.detail = 2;
        }
    }
    const QString statusText = status.toString();
    return { statusText, classOf(klass), reasonOf(statusText, text, prepared) };
}

} // namespace

Classification Classifier::classifyFailure(Failure failure)
{
    for (const FailureRow &row : FailureRows) {
        if (row.failure == failure)
            return { QString::fromLatin1(row.status), row.cls, reasonName(row.reason) };
    }
    Q_UNREACHABLE();
    return {};
}

bool Classifier::statusNamesCause(const QString &status)
{
    // X.Y.0 is "other or undefined" of its subject (RFC 3463): it names none.
    const auto code = StatusCode::parse(status);
    const StatusRule *rule = matchStatus(code);
    return rule && rule->weight == StatusRule::Specific && code->detail != 0;
}

Classifier::Text::Text(const QString &text)
    : m_original(text)
    , m_lowered(loweredUtf8(text))
    , m_filter(m_lowered)
{
}

Classification Classifier::classifyReply(int code, const QString &enhanced, const QString &text)
{
    return replyOf(code, enhanced, text, nullptr);
}

Classification Classifier::classifyReply(int code, const QString &enhanced, const Text &text)
{
    return replyOf(code, enhanced, text.original(), &text);
}

QString Classifier::reasonFor(const QString &status, const QString &text) { return reasonOf(status, text, nullptr); }

QString Classifier::reasonFor(const QString &status, const Text &text)
{
    return reasonOf(status, text.original(), &text);
}

} // namespace Mailpulse::Bounce
