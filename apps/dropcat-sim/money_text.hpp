#pragma once

#include <dropcat/money.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat::sim {

// Amounts as the wire APIs write them: a plain decimal without a currency, with the currency's
// decimals, padded with zeros to at least `decimals` where an API writes more.
// plain_amount({1099, "USD"}) == "10.99"; plain_amount({1099, "USD"}, 4) == "10.9900";
// plain_amount({1500, "JPY"}) == "1500".
std::string plain_amount(const Money& money, int decimals = 0);

// "13000", "13000.5", "13000.0000" as minor units of the currency. Decimals past the currency's
// own must be zeros: a price finer than the currency's minor unit equals no price the
// simulator quotes.
std::optional<std::int64_t> parse_plain_amount(std::string_view text, std::string_view currency);

} // namespace dropcat::sim
