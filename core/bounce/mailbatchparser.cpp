#include "bounce/mailbatchparser.h"

#include <atomic>
#include <latch>

#include <QThread>
#include <QThreadPool>

namespace Mailpulse::Bounce
{

MailBatchParser::MailBatchParser(Sink sink, int threads, int maxMails, qint64 maxBytes)
    : m_sink(std::move(sink))
    , m_threads(threads > 0 ? threads : qMax(1, QThread::idealThreadCount()))
    , m_maxMails(qMax(1, maxMails))
    , m_maxBytes(maxBytes)
    , m_pool(std::make_unique<QThreadPool>())
{
    m_pool->setMaxThreadCount(qMax(1, m_threads - 1));
}

MailBatchParser::~MailBatchParser() { flush(); }

void MailBatchParser::add(MailItem item)
{
    m_bytes += item.raw.size();
    m_items.append(std::move(item));
    if (m_items.size() >= m_maxMails || m_bytes >= m_maxBytes)
        flush();
}

void MailBatchParser::flush()
{
    if (m_items.isEmpty())
        return;
    QList<ParsedMail> results(m_items.size());
    // Mails are independent: workers take the next unparsed one until none is left. The calling thread is one of
    // them; the others come from this parser's own pool, whose threads stay alive between batches (a pool of its
    // own: waiting on tasks queued in a shared pool that is full of waiters would never end).
    // Only const access to the shared lists from the workers: no detach, no reference count written.
    std::atomic<qsizetype> next { 0 };
    const MailItem *items = std::as_const(m_items).data();
    ParsedMail *out = results.data();
    const qsizetype count = m_items.size();
    const auto work = [&next, items, out, count] {
        for (qsizetype i = next++; i < count; i = next++) {
            if (items[i].error.isEmpty())
                out[i] = DsnParser::parse(items[i].raw, items[i].ref);
        }
    };
    const auto helpers = std::ptrdiff_t(qMin<qsizetype>(m_threads, count) - 1);
    std::latch done(helpers);
    for (std::ptrdiff_t t = 0; t < helpers; ++t) {
        m_pool->start([&work, &done] {
            work();
            done.count_down();
        });
    }
    work();
    done.wait(); // the helpers only finish their last mail: the calling thread has taken part to the end
    // Handed on after the batch is parsed, so that the sink may add() again (it never does today) without
    // disturbing the batch being delivered.
    const QList<MailItem> batch = std::move(m_items);
    m_items.clear();
    m_bytes = 0;
    for (qsizetype i = 0; i < batch.size(); ++i)
        m_sink(batch[i], results[i]);
}

} // namespace Mailpulse::Bounce
