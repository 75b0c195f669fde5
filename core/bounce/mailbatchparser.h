#pragma once

#include <functional>
#include <memory>

#include <QList>

class QThreadPool;

#include "bounce/dsnparser.h"
#include "bounce/mailsource.h"

namespace Mailpulse::Bounce
{

/// Classifies the mails a MailSource reads on all cores and hands each result back on the calling thread, in the
/// order the mails came, so that callers keep their sequential logic (per-file transactions, ordered output).
/// Mails are read, parsed and handed on in overlapping batches. Memory stays bounded: two batches at most, each of
/// at most `maxMails` mails or about `maxBytes` bytes, and the results of those handed on before, until the threads
/// that parsed them free them (at the end of their part of a later batch). An item that could not be read
/// (item.error set) is handed on with an empty ParsedMail.
class MailBatchParser final
{
public:
    using Sink = std::function<void(const MailItem &, const ParsedMail &)>;

    /// threads <= 0: one per core.
    explicit MailBatchParser(Sink sink, int threads = 0, int maxMails = 256, qint64 maxBytes = 32 * 1024 * 1024);
    ~MailBatchParser();
    MailBatchParser(const MailBatchParser &) = delete;
    MailBatchParser &operator=(const MailBatchParser &) = delete;

    /// Whether events get their fingerprint (the default): only an import needs it. Set it before the first add().
    void setFingerprints(DsnParser::Fingerprints fingerprints) { m_fingerprints = fingerprints; }

    void add(MailItem item);
    /// Parses and hands on whatever is held. Call it after the last add(); the destructor does too.
    void flush();

    /// Threads that parse; the calling thread reads and hands results on meanwhile.

    int threads() const { return m_threads; }

private:
    struct Batch;
    void dispatch();
    void deliverInFlight();

    Sink m_sink;
    int m_threads;
    int m_maxMails;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    DsnParser::Fingerprints m_fingerprints = DsnParser::Fingerprints::Compute;
    QList<MailItem> m_items;
    std::unique_ptr<QThreadPool> m_pool;
    std::unique_ptr<Batch> m_inFlight;
};

} // namespace Mailpulse::Bounce
