// What a payment card number looks like, however it is written. dropcat stores no payment
// data, so every field a person writes is checked with this before anything is stored, and
// every message is cleaned with it before it is printed.

#include "dropcat/backorder.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace dropcat {

namespace {

// The zero of every block of Unicode decimal digits (general category Nd, Unicode 14): each
// block is ten code points, zero to nine. Generated with Python's unicodedata:
//   [c for c in range(0x110000) if category(chr(c)) == 'Nd' and digit(chr(c)) == 0]
constexpr std::array<char32_t, 66> k_digit_zeros{
    0x30,    0x660,   0x6f0,   0x7c0,   0x966,   0x9e6,   0xa66,   0xae6,   0xb66,   0xbe6,
    0xc66,   0xce6,   0xd66,   0xde6,   0xe50,   0xed0,   0xf20,   0x1040,  0x1090,  0x17e0,
    0x1810,  0x1946,  0x19d0,  0x1a80,  0x1a90,  0x1b50,  0x1bb0,  0x1c40,  0x1c50,  0xa620,
    0xa8d0,  0xa900,  0xa9d0,  0xa9f0,  0xaa50,  0xabf0,  0xff10,  0x104a0, 0x10d30, 0x11066,
    0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
    0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2,
    0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0};

// The value of a decimal digit in any script, or -1.
int digit_value(char32_t cp) {
    auto after = std::upper_bound(k_digit_zeros.begin(), k_digit_zeros.end(), cp);
    if (after == k_digit_zeros.begin()) return -1;
    char32_t zero = *(after - 1);
    return cp - zero < 10 ? static_cast<int>(cp - zero) : -1;
}

// Code points outside ASCII that separate rather than spell: spaces, invisible and combining
// marks, punctuation, symbols and the full-width forms of ASCII punctuation. Every other one
// is taken for a letter.
bool is_separator(char32_t cp) {
    struct Range {
        char32_t first, last;
    };
    static constexpr Range k_ranges[] = {
        {0x80, 0xBF},     {0xD7, 0xD7},     {0xF7, 0xF7},     {0x300, 0x36F},   {0x1680, 0x1680},
        {0x180E, 0x180E}, {0x2000, 0x206F}, {0x20D0, 0x20FF}, {0x2100, 0x214F}, {0x2190, 0x2BFF},
        {0x3000, 0x303F}, {0xFE00, 0xFE0F}, {0xFE10, 0xFE1F}, {0xFE20, 0xFE6F}, {0xFEFF, 0xFEFF},
        {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0xE0000, 0xE007F}};
    for (const auto& r : k_ranges)
        if (cp >= r.first && cp <= r.last) return true;
    return false;
}

// Issuer identification number ranges and the lengths cards in them have (from the card
// networks' published ranges: Visa, Mastercard, American Express, Discover, Diners Club, JCB,
// UnionPay, Maestro, Mir, RuPay, Troy, Verve, UATP and others). Broad where networks overlap:
// refusing a note is cheap, storing a card number is not.
struct Issuer {
    unsigned first, last; // prefix range, inclusive, all of `digits` digits
    unsigned digits;
    unsigned min_length, max_length;
};
constexpr Issuer k_issuers[] = {
    {1, 1, 1, 15, 15},        // UATP
    {2200, 2204, 4, 16, 19},  // Mir
    {2221, 2720, 4, 16, 16},  // Mastercard
    {300, 305, 3, 14, 19},    // Diners Club
    {3095, 3095, 4, 14, 19},  // Diners Club
    {34, 34, 2, 15, 15},      // American Express
    {37, 37, 2, 15, 15},      // American Express
    {35, 35, 2, 16, 19},      // JCB, RuPay
    {36, 36, 2, 14, 19},      // Diners Club
    {38, 39, 2, 14, 19},      // Diners Club
    {4, 4, 1, 13, 13},        // Visa
    {4, 4, 1, 16, 16},        // Visa, Visa Electron
    {4, 4, 1, 19, 19},        // Visa
    {50, 50, 2, 13, 19},      // Maestro, Verve, Dankort
    {51, 55, 2, 16, 16},      // Mastercard
    {56, 59, 2, 13, 19},      // Maestro
    {60, 69, 2, 13, 19},      // Discover, UnionPay, Maestro, RuPay, Troy, InstaPayment
    {81, 82, 2, 16, 19},      // UnionPay, RuPay
    {8600, 8600, 4, 16, 16},  // Uzcard
    {9792, 9792, 4, 16, 16},  // Troy
    {9860, 9860, 4, 16, 16}}; // Humo

bool known_issuer(std::string_view digits) {
    for (const auto& issuer : k_issuers) {
        if (digits.size() < issuer.min_length || digits.size() > issuer.max_length) continue;
        unsigned prefix = 0;
        for (std::size_t i = 0; i < issuer.digits; ++i)
            prefix = prefix * 10 + static_cast<unsigned>(digits[i] - '0');
        if (prefix >= issuer.first && prefix <= issuer.last) return true;
    }
    return false;
}

bool luhn_valid(std::string_view digits) {
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (twice) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

// A run of digits, in ASCII, with where it is in the text.
struct Group {
    std::string digits;
    std::size_t begin = 0, end = 0; // bytes
    bool chained = false;           // joined to the previous group as part of one number
    bool after_plus = false;        // written +NNN, as a phone number starts
};

// The digit groups of `text`. A gap joins two groups when it holds no more than one letter
// (any number of spaces, dashes, dots, slashes, invisible characters and so on).
std::vector<Group> digit_groups(std::string_view text) {
    std::vector<Group> groups;
    std::size_t letters = 0;
    bool plus = false;
    bool in_group = false;
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t n = text::utf8_sequence(text.substr(i), cp);
        if (n == 0) {
            n = 1;
            cp = 0xFFFD; // not UTF-8: a separator
        }
        int digit = digit_value(cp);
        if (digit >= 0) {
            if (!in_group) {
                Group g;
                g.begin = i;
                g.chained = !groups.empty() && letters <= 1;
                g.after_plus = plus;
                groups.push_back(std::move(g));
                in_group = true;
            }
            groups.back().digits += static_cast<char>('0' + digit);
            groups.back().end = i + n;
        } else {
            if (in_group) {
                letters = 0;
                in_group = false;
            }
            bool letter = cp < 0x80 ? ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
                                    : cp != 0xFFFD && !is_separator(cp);
            if (letter) ++letters;
            plus = cp == '+';
        }
        i += n;
    }
    return groups;
}

constexpr std::size_t k_min_digits = 13;
constexpr std::size_t k_max_digits = 19;
constexpr std::size_t k_max_phone_digits = 15; // E.164

} // namespace

// Every run of joined groups is tried from each group that starts it to each group that ends
// it, as long as it holds 13 to 19 digits: so digits around a card (an expiry date, a CVV, a
// reference) do not hide it. A run written after a '+' that libphonenumber takes for a valid
// phone number is a phone number.
std::optional<TextSpan> find_card_number(std::string_view text) {
    std::vector<Group> groups = digit_groups(text);
    for (std::size_t first = 0; first < groups.size(); ++first) {
        std::string digits;
        for (std::size_t last = first; last < groups.size(); ++last) {
            if (last > first && !groups[last].chained) break;
            digits += groups[last].digits;
            if (digits.size() > k_max_digits) break;
            if (digits.size() < k_min_digits) continue;
            // Written +NNN: a valid phone number is a phone number, not a card.
            if (groups[first].after_plus && digits.size() <= k_max_phone_digits &&
                valid_phone_number(text.substr(groups[first].begin - 1,
                                               groups[last].end - groups[first].begin + 1)))
                continue;
            if (known_issuer(digits) && luhn_valid(digits))
                return TextSpan{groups[first].begin, groups[last].end};
        }
    }
    return std::nullopt;
}

bool looks_like_card_number(std::string_view text) {
    return find_card_number(text).has_value();
}

std::string without_card_numbers(std::string_view text) {
    std::string out(text);
    // Each pass removes at least 13 digits, so this ends.
    while (auto span = find_card_number(out))
        out.replace(span->begin, span->end - span->begin, "[card number removed]");
    return out;
}

std::optional<std::pair<std::size_t, std::size_t>>
card_number_across(std::span<const std::string_view> fields) {
    for (std::size_t i = 0; i < fields.size(); ++i)
        for (std::size_t j = 0; j < fields.size(); ++j) {
            if (i == j || fields[i].empty() || fields[j].empty()) continue;
            std::string joined = std::string(fields[i]) + "\n" + std::string(fields[j]);
            if (looks_like_card_number(joined)) return std::pair{i, j};
        }
    return std::nullopt;
}

} // namespace dropcat
