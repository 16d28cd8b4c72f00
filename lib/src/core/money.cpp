#include "dropcat/money.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace dropcat {

namespace {

// ISO 4217 codes whose minor unit is not a hundredth (list one, as published by SIX).
constexpr std::array<std::string_view, 17> k_no_decimals = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
    "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> k_three_decimals = {"BHD", "IQD", "JOD", "KWD",
                                                              "LYD", "OMR", "TND"};
constexpr std::array<std::string_view, 2> k_four_decimals = {"CLF", "UYW"};

std::int64_t power_of_ten(int n) {
    std::int64_t p = 1;
    for (int i = 0; i < n; ++i)
        p *= 10;
    return p;
}

} // namespace

int currency_decimals(std::string_view currency) {
    auto in = [&](const auto& list) {
        return std::find(list.begin(), list.end(), currency) != list.end();
    };
    if (in(k_no_decimals)) return 0;
    if (in(k_three_decimals)) return 3;
    if (in(k_four_decimals)) return 4;
    return 2;
}

Result<Money> parse_money(std::string_view text) {
    std::string_view t = text::trim(text);
    auto bad = [&](std::string_view why = {}) {
        return fail(ErrorKind::data, fmt::format("'{}' is not an amount such as \"25.00 USD\"{}",
                                                 text::trim(text), why));
    };
    std::size_t space = t.find(' ');
    if (space == std::string_view::npos) return bad();
    std::string_view amount = t.substr(0, space);
    std::string_view currency = text::trim(t.substr(space));
    if (currency.size() != 3) return bad();
    for (char c : currency)
        if (c < 'A' || c > 'Z') return bad();
    const int places = currency_decimals(currency);
    std::int64_t whole = 0;
    std::int64_t fraction = 0;
    std::size_t i = 0;
    if (amount.empty() || amount[0] < '0' || amount[0] > '9') return bad();
    for (; i < amount.size() && amount[i] >= '0' && amount[i] <= '9'; ++i) {
        whole = whole * 10 + (amount[i] - '0');
        if (whole > 1'000'000'000) return bad();
    }
    if (i < amount.size()) {
        if (amount[i] != '.' || i + 1 == amount.size()) return bad();
        std::string_view decimals = amount.substr(i + 1);
        if (decimals.size() > static_cast<std::size_t>(places))
            return places == 0 ? bad(fmt::format(" ({} has no decimals)", currency))
                               : bad(fmt::format(" ({} has {} decimals)", currency, places));
        for (char c : decimals) {
            if (c < '0' || c > '9') return bad();
            fraction = fraction * 10 + (c - '0');
        }
        fraction *= power_of_ten(places - static_cast<int>(decimals.size()));
    }
    return Money{whole * power_of_ten(places) + fraction, std::string(currency)};
}

std::string amount_text(const Money& money) {
    const int places = currency_decimals(money.currency);
    const std::int64_t unit = power_of_ten(places);
    std::string sign = money.minor < 0 ? "-" : "";
    std::int64_t minor = money.minor < 0 ? -money.minor : money.minor;
    if (places == 0) return fmt::format("{}{}", sign, minor);
    return fmt::format("{}{}.{:0{}}", sign, minor / unit, minor % unit, places);
}

std::string format_money(const Money& money) {
    return fmt::format("{} {}", amount_text(money), money.currency);
}

std::optional<Money> decimal_money(std::string_view text, const std::string& currency) {
    std::string plain; // thousands separators out: "1,499.00"
    for (char c : text)
        if (c != ',') plain += c;
    text = text::trim(plain);
    if (text.empty()) return std::nullopt;
    const int places = currency_decimals(currency);
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != '.'; ++i) {
        if (text[i] < '0' || text[i] > '9' || whole > 100'000'000'000LL) return std::nullopt;
        whole = whole * 10 + (text[i] - '0');
    }
    if (i == 0) return std::nullopt;
    std::int64_t fraction = 0;
    bool round_up = false;
    int read = 0;
    if (i < text.size()) {
        std::string_view digits = text.substr(i + 1);
        if (digits.empty()) return std::nullopt;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            if (read < places) {
                fraction = fraction * 10 + (c - '0');
                ++read;
            } else if (c != '0') {
                round_up = true;
            }
        }
    }
    fraction *= power_of_ten(places - read);
    return Money{whole * power_of_ten(places) + fraction + (round_up ? 1 : 0), currency};
}

} // namespace dropcat
