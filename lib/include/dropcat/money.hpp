#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// An amount of money as integer minor units of its currency (cents for USD, yen for JPY, fils
// for BHD) and an ISO 4217 currency code. Never a floating-point number: prices are compared
// and sent exactly.
struct Money {
    std::int64_t minor = 0;
    std::string currency; // "USD"

    friend bool operator==(const Money&, const Money&) = default;
};

// How many decimals the currency's minor unit has (ISO 4217): 0 for JPY or KRW, 3 for BHD or
// KWD, 4 for CLF, 2 for every other code.
int currency_decimals(std::string_view currency);

// "25.00 USD", "25 USD", "9.5 EUR", "1500 JPY", "1.250 BHD": at most the currency's decimals,
// the currency three capital letters.
Result<Money> parse_money(std::string_view text);
// "25.00 USD", "1500 JPY", "1.250 BHD": the amount with its currency's decimals.
std::string format_money(const Money& money);
// "25.00", "1500", "1.250": the amount alone, as JSON and tables show it beside the currency.
std::string amount_text(const Money& money);

// A plain decimal as registrar APIs write it ("10.99", "13000.0000", "9.5", "1,499.00") in the
// currency's minor units. Digits past the currency's decimals round up, so a price read is
// never on the cheap side. Nothing for text that is not such a number.
std::optional<Money> decimal_money(std::string_view text, const std::string& currency);

} // namespace dropcat

DROPCAT_PUBLIC_END
