#include "bounce/mailbatchparser.h"

#include <atomic>
#include <functional>
#include <latch>
#include <memory>

#include <QThread>
#include <QThreadPool>

namespace Mailpulse::Bounce
{

/// One batch being parsed by the pool: the mails, a slot for each result, and the count of workers still at it.
/// On the heap, so that the workers' pointers stay valid while the parser fills the next batch.
struct MailBatchParser::Batch {
    QList<MailItem> items;
    QList<ParsedMail> results;
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
    const auto workers = std::ptrdiff_t(qMin<qsizetype>(m_threads, batch->items.size()));
    batch->done = std::make_unique<std::latch>(workers);
    // Mails are independent: each worker takes the next unparsed one until none is left. Only const access to the
    // shared lists from the workers: no detach, no reference count written.
    const MailItem *items = std::as_const(batch->items).data();
    ParsedMail *out = batch->results.data();
    const qsizetype count = batch->items.size();
    Batch *b = batch.get();
    const DsnParser::Fingerprints fingerprints = m_fingerprints;
    for (std::ptrdiff_t t = 0; t < workers; ++t) {
        m_pool->start([b, items, out, count, fingerprints] {
            for (qsizetype i = b->next++; i < count; i = b->next++) {
                if (items[i].error.isEmpty())
                    out[i] = DsnParser::parse(items[i].raw, items[i].ref, fingerprints);
            }
            b->done->count_down();
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
    // The results were allocated by the parsing threads: a parsing thread releases them. Freed here, each free would
    // take the lock of the parsing thread's malloc arena while that thread allocates from it.
    // Moved all the way, so that the task holds the only reference (std::function needs a copyable callable).
    std::function<void()> release
        = [results = std::make_shared<QList<ParsedMail>>(std::move(batch->results))]() mutable { results.reset(); };
    m_pool->start(std::move(release));
}

} // namespace Mailpulse::Bounce
