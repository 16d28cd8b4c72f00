#include "money_text.hpp"

#include <fmt/format.h>

namespace dropcat::sim {

std::string plain_amount(const Money& money, int decimals) {
    std::string text = amount_text(money);
    int places = currency_decimals(money.currency);
    if (places < decimals && places == 0) text += '.';
    for (int i = places; i < decimals; ++i)
        text += '0';
    return text;
}

std::optional<std::int64_t> parse_plain_amount(std::string_view text, std::string_view currency) {
    const int places = currency_decimals(currency);
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        whole = whole * 10 + (text[i] - '0');
        if (whole > 1'000'000'000) return std::nullopt;
    }
    if (i == 0) return std::nullopt;
    std::int64_t fraction = 0;
    int place = 0;
    if (i < text.size()) {
        if (text[i] != '.' || i + 1 == text.size()) return std::nullopt;
        for (++i; i < text.size(); ++i, ++place) {
            char c = text[i];
            if (c < '0' || c > '9') return std::nullopt;
            if (place < places)
                fraction = fraction * 10 + (c - '0');
            else if (c != '0')
                return std::nullopt;
        }
    }
    for (int k = std::min(place, places); k < places; ++k)
        fraction *= 10;
    std::int64_t unit = 1;
    for (int k = 0; k < places; ++k)
        unit *= 10;
    return whole * unit + fraction;
}

} // namespace dropcat::sim
