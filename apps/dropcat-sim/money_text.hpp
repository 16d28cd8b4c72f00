#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat::sim {

// Amounts as the wire APIs write them: a plain decimal without a currency.
// plain_amount(1099) == "10.99"; plain_amount(1099, 4) == "10.9900".
std::string plain_amount(std::int64_t minor, int decimals = 2);

// "13000", "13000.5", "13000.0000" as minor units (cents). Decimals past the second must be
// zeros: a price that is not a whole number of cents can equal no price the simulator quotes.
std::optional<std::int64_t> parse_plain_amount(std::string_view text);

} // namespace dropcat::sim
