#pragma once

#include <array>

#include <QByteArray>
#include <QByteArrayView>

#include "bounce/bounceevent.h"
#include "store/fingerprintkey.h"

namespace Mailpulse::Store
{

/// A bounce event as BounceRepository::insert() binds it into the `bounces` row: the fingerprint key, the domain
/// key, the time's text and every text column as UTF-8. An importer prepares it on the thread that parses the log,
/// which has time to spare, so that the thread that stores (the import's bottleneck: one connection, one
/// transaction) only copies bytes.
class BounceRow final
{
public:
    /// The text columns, in the order they are kept.
    enum Text {
        Source,
        OccurredAt,
        Recipient,
        Domain,
        Status,
        Class,
        Reason,
        Action,
        RemoteMta,
        Diagnostic,
        SourceRef
    };
    static constexpr int TextCount = SourceRef + 1;

    static BounceRow of(const Bounce::BounceEvent &event, qint64 probeId = 0);

    /// False for an event without a fingerprint (which the store refuses).
    bool hasFingerprint() const { return m_hasFingerprint; }
    const FingerprintKey::Bytes &key() const { return m_key; }
    qint64 probeId() const { return m_probeId; } // 0: none
    int replyCode() const { return m_replyCode; } // 0: unknown
    qint64 domainKey() const { return m_domainKey; } // 0: no domain
    bool isNull(Text column) const { return m_nulls & (1u << column); }
    /// The column's UTF-8 (empty for a null one).
    QByteArrayView text(Text column) const;
    /// The bytes the texts take in memory: their size, nothing spare (rows wait in queues between threads).
    qsizetype allocatedBytes() const { return m_texts.capacity(); }

private:
    FingerprintKey::Bytes m_key {};
    bool m_hasFingerprint = false;
    qint64 m_probeId = 0;
    int m_replyCode = 0;
    qint64 m_domainKey = 0;
    quint32 m_nulls = 0;
    std::array<int, TextCount> m_ends {}; // where each column's bytes end in m_texts
    QByteArray m_texts;
};

} // namespace Mailpulse::Store
