#pragma once

#include <algorithm>
#include <vector>

#include <QList>
#include <QStringView>

namespace Mailpulse::Contacts
{

/// Sorts `items` by the text `textOf(item)` (a QStringView) in QString's order (operator<), for texts that are
/// all different (a batch's addresses): each text's first eight UTF-16 units are read once into two integers, which
/// order most pairs, and only texts that share those eight units are compared themselves. The units padded with
/// zeros order as the texts do: a shorter text that the other starts with comes first either way.
template <typename T, typename TextOf> void sortByText(QList<T> &items, const TextOf &textOf)
{
    struct Keyed {
        quint64 high;
        quint64 low;
        T item;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(size_t(items.size()));
    for (const T &item : std::as_const(items)) {
        const QStringView text = textOf(item);
        quint64 key[2] = { 0, 0 };
        for (qsizetype i = 0; i < 8; ++i)
            key[i / 4] = key[i / 4] << 16 | (i < text.size() ? text[i].unicode() : 0u);
        keyed.push_back({ key[0], key[1], item });
    }
    std::sort(keyed.begin(), keyed.end(), [&textOf](const Keyed &a, const Keyed &b) {
        if (a.high != b.high)
            return a.high < b.high;
        if (a.low != b.low)
            return a.low < b.low;
        return textOf(a.item) < textOf(b.item);
    });
    for (qsizetype i = 0; i < items.size(); ++i)
        items[i] = keyed[size_t(i)].item;
}

} // namespace Mailpulse::Contacts
