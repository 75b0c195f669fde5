#pragma once

#include <bitset>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace Mailpulse::Bounce
{

/// Which byte sequences occur in a text: every four bytes, hashed into 8 Ki bits. A needle whose first or last four
/// bytes are not among them cannot occur, so the phrase tables (hundreds of needles against a few hundred bytes of
/// diagnostic) are mostly rejected by a bit test or two instead of a search. A 1 KiB bit set, cheap to clear: one per
/// text (the log importer builds one per delivery line), on the stack.
///
/// Pairs of bytes were indexed too, for needles of two or three bytes and as a third test of longer ones. With the
/// last four bytes tested that third test rejects next to nothing, and the tables hold two such short needles ("spf",
/// "rbl"), which are now searched for: building the pairs' set cost more than those searches (Classifier over the
/// bounce corpus, callgrind: its LoweredText 2.41M -> 1.41M Ir, its matchText 1.91M -> 1.99M).
class NgramFilter
{
public:
    explicit NgramFilter(std::string_view text)
    {
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
        bool tested = false; // false (a needle shorter than four bytes): it may always occur
    };
    static Key keyOf(std::string_view needle)
    {
        if (needle.size() >= 4)
            return { std::uint16_t(quad(needle.data())), std::uint16_t(quad(needle.data() + needle.size() - 4)), true };
        return {};
    }

    /// False when `needle` certainly does not occur in the text; true when it may.
    bool mayContain(std::string_view needle) const { return mayContain(keyOf(needle)); }
    bool mayContain(const Key &key) const
    {
        // operator[], not test(): the keys are in range by construction, and test()'s range check keeps the
        // compiler from inlining this (it is called for every rule of a table).
        return !key.tested || (m_quads[key.quad] && m_quads[key.lastQuad]);
    }

private:
    static constexpr int Bits = 13;
    static size_t quad(const char *p)
    {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return (v * 2654435761u) >> (32 - Bits); // Knuth's multiplicative hash, top bits
    }

    std::bitset<size_t(1) << Bits> m_quads;
};

} // namespace Mailpulse::Bounce
