#include "store/fingerprintkey.h"

#include <QCryptographicHash>

namespace Mailpulse::Store
{

namespace
{

int hexValue(char16_t c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    return -1;
}

// "log:" or "key:" and 32 lowercase hex digits, decoded into `out`.
bool decodeHexKey(QStringView text, FingerprintKey::Bytes *out)
{
    if (text.size() != 4 + 2 * FingerprintKey::Size
        || !(text.startsWith(QLatin1StringView("log:")) || text.startsWith(QLatin1StringView("key:"))))
        return false;
    for (int i = 0; i < FingerprintKey::Size; ++i) {
        const int high = hexValue(text[4 + 2 * i].unicode());
        const int low = hexValue(text[5 + 2 * i].unicode());
        if (high < 0 || low < 0)
            return false;
        (*out)[size_t(i)] = char((high << 4) | low);
    }
    return true;
}

} // namespace

FingerprintKey::Bytes FingerprintKey::of(QStringView fingerprint)
{
    Bytes key {};
    if (decodeHexKey(fingerprint, &key))
        return key;
    const QByteArray digest = QCryptographicHash::hash(fingerprint.toUtf8(), QCryptographicHash::Sha256);
    std::copy_n(digest.constData(), Size, key.begin());
    return key;
}

QByteArray FingerprintKey::bytesOf(QStringView fingerprint)
{
    const Bytes key = of(fingerprint);
    return QByteArray(key.data(), Size);
}

QString FingerprintKey::toText(QByteArrayView key)
{
    return QLatin1StringView("key:") + QString::fromLatin1(key.toByteArray().toHex());
}

} // namespace Mailpulse::Store
