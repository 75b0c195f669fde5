#pragma once

#include <bitset>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace Mailpulse::Bounce
{

/// Which byte sequences occur in a text: every pair and every four bytes, hashed into 8 Ki bits each. A needle whose
/// leading bytes are not among them cannot occur, so the phrase tables (hundreds of needles against a few hundred
/// bytes of diagnostic) are mostly rejected by a bit test or two instead of a search. Two 1 KiB bit sets, cheap to
/// clear: one per text (the log importer builds one per delivery line), on the stack.
class NgramFilter
{
public:
    explicit NgramFilter(std::string_view text)
    {
        for (size_t i = 0; i + 1 < text.size(); ++i)
            m_pairs.set(pair(text.data() + i));
        for (size_t i = 0; i + 3 < text.size(); ++i)
            m_quads.set(quad(text.data() + i));
    }

    /// The bits a needle is tested by, worked out once for a needle that is tested against many texts.
    /// A needle of four bytes or more is tested by its first and its last four bytes: the tables hold families of
    /// phrases that share their start ("mailbox full", "mailbox is full", "mailbox disabled", ...), all of which the
    /// first four bytes of one let through.
    struct Key {
        std::uint16_t quad = 0;
        std::uint16_t lastQuad = 0;
        std::uint16_t pair = 0;
        std::uint8_t length = 0; // 0, 1: always may; 2, 3: the pair; 4: the quads and the pair
    };
    static Key keyOf(std::string_view needle)
    {
        if (needle.size() >= 4)
            return { std::uint16_t(quad(needle.data())), std::uint16_t(quad(needle.data() + needle.size() - 4)),
                std::uint16_t(pair(needle.data() + 2)), 4 };
        if (needle.size() >= 2)
            return { 0, 0, std::uint16_t(pair(needle.data())), std::uint8_t(needle.size()) };
        return { 0, 0, 0, std::uint8_t(needle.size()) };
    }

    /// False when `needle` certainly does not occur in the text; true when it may.
    bool mayContain(std::string_view needle) const { return mayContain(keyOf(needle)); }
    bool mayContain(const Key &key) const
    {
        // operator[], not test(): the keys are in range by construction, and test()'s range check keeps the
        // compiler from inlining this (it is called for every rule of a table).
        if (key.length >= 4)
            return m_quads[key.quad] && m_quads[key.lastQuad] && m_pairs[key.pair];
        return key.length < 2 || m_pairs[key.pair];
    }

private:
    static constexpr int Bits = 13;
    static size_t pair(const char *p)
    {
        std::uint16_t v;
        std::memcpy(&v, p, sizeof v);
        return (std::uint32_t(v) * 2654435761u) >> (32 - Bits); // Knuth's multiplicative hash, top bits
    }
    static size_t quad(const char *p)
    {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return (v * 2654435761u) >> (32 - Bits);
    }

    std::bitset<size_t(1) << Bits> m_pairs;
    std::bitset<size_t(1) << Bits> m_quads;
};

} // namespace Mailpulse::Bounce
