#include "money_text.hpp"

#include <fmt/format.h>

namespace dropcat::sim {

std::string plain_amount(std::int64_t minor, int decimals) {
    std::string text = fmt::format("{}.{:02}", minor / 100, minor % 100);
    for (int i = 2; i < decimals; ++i)
        text += '0';
    return text;
}

std::optional<std::int64_t> parse_plain_amount(std::string_view text) {
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        whole = whole * 10 + (text[i] - '0');
        if (whole > 1'000'000'000) return std::nullopt;
    }
    if (i == 0) return std::nullopt;
    std::int64_t cents = 0;
    if (i < text.size()) {
        if (text[i] != '.' || i + 1 == text.size()) return std::nullopt;
        std::size_t place = 0;
        for (++i; i < text.size(); ++i, ++place) {
            char c = text[i];
            if (c < '0' || c > '9') return std::nullopt;
            if (place == 0)
                cents += (c - '0') * 10;
            else if (place == 1)
                cents += c - '0';
            else if (c != '0')
                return std::nullopt;
        }
    }
    return whole * 100 + cents;
}

} // namespace dropcat::sim
