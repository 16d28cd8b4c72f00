// Phone numbers are judged by libphonenumber (Google's metadata for every country's numbering
// plan), so a number a person can dial passes and a card number written in the phone field
// does not.

#include "dropcat/backorder.hpp"

#include <fmt/format.h>
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumberutil.h>

#include <mutex>
#include <set>

namespace dropcat {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& phone_util() {
    static std::once_flag quiet;
    PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    // The library never prints on a caller's behalf.
    std::call_once(quiet, [&] { util->SetLogger(new i18n::phonenumbers::NullLogger()); });
    return *util;
}

bool valid_in(const PhoneNumberUtil& util, const std::string& text, const std::string& region) {
    PhoneNumber number;
    return util.Parse(text, region, &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
           util.IsValidNumber(number);
}

} // namespace

bool valid_phone_number(std::string_view text) {
    const PhoneNumberUtil& util = phone_util();
    std::string number(text);
    // International form (+46 ..., 0046 ... is read as national and tried below).
    if (valid_in(util, number, "ZZ")) return true;
    std::size_t first = number.find_first_not_of(" \t");
    if (first != std::string::npos && number[first] == '+')
        return false; // its country code does not make it valid

    // National form: valid in some country's plan. The country is not known, so this is the
    // most that can be said; a short one (under 7 digits, valid somewhere as a local number)
    // must be written with its country code.
    std::size_t digits = 0;
    for (char c : number)
        if (c >= '0' && c <= '9') ++digits;
    if (digits < 7) return false;
    static const std::set<std::string> regions = [&] {
        std::set<std::string> out;
        util.GetSupportedRegions(&out);
        return out;
    }();
    for (const auto& region : regions)
        if (valid_in(util, number, region)) return true;
    return false;
}

Result<void> check_phone(std::string_view text) {
    if (valid_phone_number(text)) return {};
    if (looks_like_card_number(text))
        return fail(ErrorKind::data,
                    "the phone looks like a payment card number, not a phone number; dropcat "
                    "stores no payment data: backorders are informational (no pre-payment, no "
                    "card); nothing was stored");
    return fail(ErrorKind::data,
                fmt::format("phone '{}' is not a valid phone number; write it with its country "
                            "code, such as +46 8 123 456 78",
                            text));
}

} // namespace dropcat
