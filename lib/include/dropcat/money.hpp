#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// An amount of money as integer minor units (cents) and an ISO 4217 currency code. Never a
// floating-point number: prices are compared and sent exactly.
struct Money {
    std::int64_t minor = 0;
    std::string currency; // "USD"

    friend bool operator==(const Money&, const Money&) = default;
};

// "25.00 USD", "25 USD", "9.5 EUR" (at most two decimals; the currency three letters).
Result<Money> parse_money(std::string_view text);
// "25.00 USD".
std::string format_money(const Money& money);

} // namespace dropcat

DROPCAT_PUBLIC_END
