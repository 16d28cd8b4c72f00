#include "dropcat/money.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace dropcat {

Result<Money> parse_money(std::string_view text) {
    std::string_view t = text::trim(text);
    auto bad = [&] {
        return fail(ErrorKind::data,
                    fmt::format("'{}' is not an amount such as \"25.00 USD\"", text::trim(text)));
    };
    std::size_t space = t.find(' ');
    if (space == std::string_view::npos) return bad();
    std::string_view amount = t.substr(0, space);
    std::string_view currency = text::trim(t.substr(space));
    if (currency.size() != 3) return bad();
    for (char c : currency)
        if (c < 'A' || c > 'Z') return bad();
    std::int64_t whole = 0;
    std::int64_t cents = 0;
    std::size_t i = 0;
    if (amount.empty() || amount[0] < '0' || amount[0] > '9') return bad();
    for (; i < amount.size() && amount[i] >= '0' && amount[i] <= '9'; ++i) {
        whole = whole * 10 + (amount[i] - '0');
        if (whole > 1'000'000'000) return bad();
    }
    if (i < amount.size()) {
        if (amount[i] != '.' || i + 1 == amount.size() || amount.size() - i - 1 > 2) return bad();
        std::string_view decimals = amount.substr(i + 1);
        for (char c : decimals)
            if (c < '0' || c > '9') return bad();
        cents = (decimals[0] - '0') * 10 + (decimals.size() == 2 ? decimals[1] - '0' : 0);
    }
    return Money{whole * 100 + cents, std::string(currency)};
}

std::string format_money(const Money& money) {
    return fmt::format("{}.{:02} {}", money.minor / 100, money.minor % 100, money.currency);
}

} // namespace dropcat
