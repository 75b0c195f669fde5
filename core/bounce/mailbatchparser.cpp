#include "bounce/mailbatchparser.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <vector>

#include <QThread>
#include <QThreadPool>

namespace Mailpulse::Bounce
{

namespace
{

/// Results a parsing thread allocated, handed back to it to be freed there. glibc gives each thread an arena of its
/// own: a result freed on another thread takes the lock of the arena it came from, and with two parsing threads
/// the waits for that lock cost more CPU than the frees themselves.
struct ThreadGarbage {
    std::mutex mutex;
    std::vector<ParsedMail> mails;

    void freeAll()
    {
        std::vector<ParsedMail> old;
        {
            const std::lock_guard lock(mutex);
            old.swap(mails);
        }
        // Freed outside the lock, here, on the thread that allocated them.
    }
};

/// The calling parsing thread's. Pool threads live as long as their MailBatchParser (no expiry), so the pointers
/// to it that batches keep stay valid until the parser is gone; what is left is freed as the thread ends.
ThreadGarbage &threadGarbage()
{
    thread_local ThreadGarbage garbage;
    return garbage;
}

} // namespace

/// One batch being parsed by the pool: the mails, a slot for each result, and the count of workers still at it.
/// On the heap, so that the workers' pointers stay valid while the parser fills the next batch.
struct MailBatchParser::Batch {
    QList<MailItem> items;
    QList<ParsedMail> results;
    QList<ThreadGarbage *> parsedBy; // the thread that parsed each mail, to free its result (nullptr: not parsed)
    std::atomic<qsizetype> next { 0 };
    std::unique_ptr<std::latch> done;
};

MailBatchParser::MailBatchParser(Sink sink, int threads, int maxMails, qint64 maxBytes)
    : m_sink(std::move(sink))
    , m_threads(threads > 0 ? threads : qMax(1, QThread::idealThreadCount()))
    , m_maxMails(qMax(1, maxMails))
    , m_maxBytes(maxBytes)
    , m_pool(std::make_unique<QThreadPool>())
{
    // A pool of its own: waiting on tasks queued in a shared pool that is full of waiters would never end.
    m_pool->setMaxThreadCount(m_threads);
    // Threads that do not expire: a batch's results are handed back to the threads that parsed them (threadGarbage()).
    m_pool->setExpiryTimeout(-1);
}

MailBatchParser::~MailBatchParser() { flush(); }

void MailBatchParser::add(MailItem item)
{
    m_bytes += item.raw.size();
    m_items.append(std::move(item));
    if (m_items.size() >= m_maxMails || m_bytes >= m_maxBytes)
        dispatch();
}

void MailBatchParser::flush()
{
    dispatch();
    deliverInFlight();
}

void MailBatchParser::dispatch()
{
    if (m_items.isEmpty())
        return;
    // The pool parses this batch while the caller reads the next one and the sink handles the one before: reading,
    // parsing and storing overlap.
    auto batch = std::make_unique<Batch>();
    batch->items = std::move(m_items);
    m_items.clear();
    m_bytes = 0;
    batch->results.resize(batch->items.size());
    batch->parsedBy.resize(batch->items.size());
    const auto workers = std::ptrdiff_t(qMin<qsizetype>(m_threads, batch->items.size()));
    batch->done = std::make_unique<std::latch>(workers);
    // Mails are independent: each worker takes the next unparsed one until none is left. Only const access to the
    // shared lists from the workers: no detach, no reference count written.
    const MailItem *items = std::as_const(batch->items).data();
    ParsedMail *out = batch->results.data();
    ThreadGarbage **parsedBy = batch->parsedBy.data();
    const qsizetype count = batch->items.size();
    Batch *b = batch.get();
    const DsnParser::Fingerprints fingerprints = m_fingerprints;
    for (std::ptrdiff_t t = 0; t < workers; ++t) {
        m_pool->start([b, items, out, parsedBy, count, fingerprints] {
            ThreadGarbage &garbage = threadGarbage();
            for (qsizetype i = b->next++; i < count; i = b->next++) {
                if (items[i].error.isEmpty()) {
                    out[i] = DsnParser::parse(items[i].raw, items[i].ref, fingerprints);
                    parsedBy[i] = &garbage;
                }
            }
            b->done->count_down();
            // The results of batches handed on meanwhile (see deliverInFlight()).
            garbage.freeAll();
        });
    }
    deliverInFlight();
    m_inFlight = std::move(batch);
}

void MailBatchParser::deliverInFlight()
{
    if (!m_inFlight)
        return;
    const std::unique_ptr<Batch> batch = std::move(m_inFlight);
    batch->done->wait();
    for (qsizetype i = 0; i < batch->items.size(); ++i)
        m_sink(batch->items[i], batch->results[i]);
    // Each result goes back to the thread that parsed it, which frees it when it finishes its part of a later batch
    // (or as it ends). Freed here, or on another parsing thread, each free would take the lock of the parsing
    // thread's malloc arena while that thread allocates from it.
    std::vector<ThreadGarbage *> owners;
    for (ThreadGarbage *owner : std::as_const(batch->parsedBy)) {
        if (owner && std::find(owners.cbegin(), owners.cend(), owner) == owners.cend())
            owners.push_back(owner);
    }
    for (ThreadGarbage *owner : owners) {
        const std::lock_guard lock(owner->mutex);
        for (qsizetype i = 0; i < batch->items.size(); ++i) {
            if (batch->parsedBy[i] == owner)
                owner->mails.push_back(std::move(batch->results[i]));
        }
    }
}

} // namespace Mailpulse::Bounce
