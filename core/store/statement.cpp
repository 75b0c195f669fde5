#include "store/statement.h"

#include <algorithm>

#include <QStringEncoder>

#include <sqlite3.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "store/database.h"
#include "store/isotime.h"

namespace Mailpulse::Store
{

namespace
{

// Narrows `n` ASCII UTF-16 units to bytes at `out`, and says in `same` whether those bytes were there already.
// False (with `out` partly written) when a unit is not ASCII. Eight units a step: the multi-row INSERTs of an
// import's flush bind a few hundred thousand short texts, where a loop of a unit at a time (or the compiler's
// vectorized one, which only starts past 16 units) cost more than SQLite's bind.
bool narrowAscii(const char16_t *chars, qsizetype n, char *out, bool *same)
{
#if defined(__SSE2__)
    if (n >= 8) {
        const __m128i high = _mm_set1_epi16(qint16(0xFF80));
        __m128i wide = _mm_setzero_si128(); // any unit's bits above 0x7F
        __m128i diff = _mm_setzero_si128(); // any byte that changed
        const auto step = [&](qsizetype i) {
            const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(chars + i));
            wide = _mm_or_si128(wide, _mm_and_si128(units, high));
            const __m128i bytes = _mm_packus_epi16(units, units);
            const __m128i before = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(out + i));
            diff = _mm_or_si128(diff, _mm_xor_si128(bytes, before));
            _mm_storel_epi64(reinterpret_cast<__m128i *>(out + i), bytes);
        };
        qsizetype i = 0;
        for (; i + 8 <= n; i += 8)
            step(i);
        if (i < n)
            step(n - 8); // the last eight again, overlapping (they are narrowed alike, so nothing differs twice)
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(wide, _mm_setzero_si128())) != 0xFFFF)
            return false;
        // Only the low 8 bytes of `diff` carry bytes (the packed high half repeats them).
        *same = (_mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) & 0xFF) == 0xFF;
        return true;
    }
#endif
    char16_t all = 0;
    char changed = 0;
    for (qsizetype i = 0; i < n; ++i) {
        all |= chars[i];
        const char c = char(chars[i]);
        changed |= char(out[i] ^ c);
        out[i] = c;
    }
    *same = changed == 0;
    return all < 0x80;
}

} // namespace

Statement::Statement(Database &database, QString sql)
    : m_database(database)
    , m_sql(std::move(sql))
{
}

Statement::~Statement() { release(); }

void Statement::release()
{
    if (!m_statement)
        return;
    sqlite3_finalize(m_statement);
    m_statement = nullptr;
    m_database.forget(this);
}

bool Statement::ready(QString *error)
{
    if (m_statement)
        return true;
    sqlite3 *handle = m_database.handle();
    if (!handle) {
        if (error)
            *error = QStringLiteral("the store is not open");
        return false;
    }
    const QByteArray sql = m_sql.toUtf8();
    if (sqlite3_prepare_v3(handle, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
        != SQLITE_OK) {
        if (error)
            *error = QString::fromUtf8(sqlite3_errmsg(handle));
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
        return false;
    }
    m_slots.clear(); // nothing is bound to a new statement
    m_database.remember(this);
    return true;
}

char *Statement::grow(int index, qsizetype size)
{
    if (size_t(index) >= m_slots.size())
        m_slots.resize(size_t(index) + 1);
    Slot &slot = m_slots[size_t(index)];
    if (slot.capacity < size) {
        slot.capacity = std::max<qsizetype>(size, 64);
        slot.bytes.reset(new char[size_t(slot.capacity)]);
        slot.bound = -1; // moved: SQLite's pointer is stale
    }
    return slot.bytes.get();
}

void Statement::bindBuffered(int index, qsizetype size, bool same)
{
    Slot &slot = m_slots[size_t(index)];
    if (same && slot.bound == size)
        return;
    sqlite3_bind_text(m_statement, index + 1, slot.bytes.get(), int(size), SQLITE_STATIC);
    slot.bound = size;
}

void Statement::bindText(int index, QStringView text, bool null)
{
    if (null) {
        bindNull(index);
        return;
    }
    if (text.isEmpty()) {
        unbuffer(index);
        sqlite3_bind_text(m_statement, index + 1, "", 0, SQLITE_STATIC);
        return;
    }
    // The store is UTF-8: encoded here (Qt's encoder is fast on ASCII) into a buffer kept per placeholder, which
    // SQLite reads in place (SQLITE_STATIC) until the placeholder is bound again. Binding UTF-16 instead costs
    // SQLite a copy and a conversion of its own, each with an allocation.
    char *const start = buffer(index, text.size() * 3);
    // Most of what an import stores is ASCII: narrowed directly, without setting up an encoder (that took half of
    // the time of binding the texts of a bounce row), finding on the way whether the bytes are those bound already.
    bool same = false;
    if (narrowAscii(text.utf16(), text.size(), start, &same)) {
        bindBuffered(index, text.size(), same);
        return;
    }
    QStringEncoder encoder(QStringEncoder::Utf8);
    const char *const end = encoder.appendToBuffer(start, text);
    bindBuffered(index, end - start, false);
}

void Statement::bindUtf8(int index, QByteArrayView utf8)
{
    if (utf8.isEmpty()) {
        unbuffer(index);
        sqlite3_bind_text(m_statement, index + 1, "", 0, SQLITE_STATIC);
        return;
    }
    char *const start = buffer(index, utf8.size());
    const bool same = std::equal(utf8.begin(), utf8.end(), start);
    if (!same)
        std::copy_n(utf8.data(), utf8.size(), start);
    bindBuffered(index, utf8.size(), same);
}

void Statement::bindTime(int index, const QDateTime &time)
{
    if (!time.isValid()) {
        bindNull(index);
        return;
    }
    char text[IsoTime::Size];
    if (!IsoTime::write(time, text)) {
        bindText(index, IsoTime::toText(time));
        return;
    }
    bindUtf8(index, QByteArrayView(text, IsoTime::Size));
}

void Statement::bindInt(int index, qint64 value)
{
    unbuffer(index);
    sqlite3_bind_int64(m_statement, index + 1, value);
}

void Statement::bindNull(int index)
{
    unbuffer(index);
    sqlite3_bind_null(m_statement, index + 1);
}

void Statement::bindBlob(int index, QByteArrayView bytes)
{
    char *const start = buffer(index, bytes.size());
    unbuffer(index);
    std::copy_n(bytes.data(), bytes.size(), start);
    sqlite3_bind_blob(m_statement, index + 1, start, int(bytes.size()), SQLITE_STATIC);
}

void Statement::bind(int index, const QVariant &value)
{
    if (value.isNull()) {
        bindNull(index);
        return;
    }
    switch (value.metaType().id()) {
    case QMetaType::QString:
        bindText(index, *static_cast<const QString *>(value.constData()));
        return;
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        bindInt(index, value.toLongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        unbuffer(index);
        sqlite3_bind_double(m_statement, index + 1, value.toDouble());
        return;
    default:
        bindText(index, value.toString());
        return;
    }
}

bool Statement::step(QString *error, bool *row)
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) {
        *row = true;
        return true;
    }
    *row = false;
    if (rc == SQLITE_DONE)
        return true;
    if (error)
        *error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
    sqlite3_reset(m_statement);
    return false;
}

bool Statement::exec(QString *error)
{
    bool row = false;
    if (!step(error, &row))
        return false;
    sqlite3 *handle = sqlite3_db_handle(m_statement);
    m_changes = sqlite3_changes(handle);
    m_lastInsertId = sqlite3_last_insert_rowid(handle);
    sqlite3_reset(m_statement);
    return true;
}

bool Statement::first(QString *error)
{
    if (error)
        error->clear();
    bool row = false;
    if (!step(error, &row) || !row) {
        sqlite3_reset(m_statement);
        return false;
    }
    return true;
}

bool Statement::next(QString *error) { return first(error); }

void Statement::reset()
{
    if (m_statement)
        sqlite3_reset(m_statement);
}

bool Statement::isNull(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

qint64 Statement::integer(int column) const { return sqlite3_column_int64(m_statement, column); }

QString Statement::text(int column) const
{
    const auto *data = static_cast<const char16_t *>(sqlite3_column_text16(m_statement, column));
    if (!data)
        return {};
    return QString::fromUtf16(data, sqlite3_column_bytes16(m_statement, column) / 2);
}

QVariant Statement::value(int column) const
{
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(m_statement, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(m_statement, column));
    case SQLITE_NULL:
        return QVariant(QMetaType::fromType<QString>());
    default:
        return QVariant(text(column));
    }
}

} // namespace Mailpulse::Store
