#include "dropcat/backorder.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace dropcat {

namespace {

constexpr std::array<std::string_view, 5> k_status_names{"active", "cancelled", "caught", "lost",
                                                         "expired"};

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

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool valid_email_domain(std::string_view domain) {
    if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos)
        return false;
    std::size_t start = 0;
    while (start <= domain.size()) {
        std::size_t dot = domain.find('.', start);
        std::string_view label =
            domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) return false;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return true;
}

} // namespace

std::string_view status_name(BackorderStatus status) {
    return k_status_names[static_cast<std::size_t>(status)];
}

std::optional<BackorderStatus> parse_status(std::string_view name) {
    for (std::size_t i = 0; i < k_status_names.size(); ++i)
        if (k_status_names[i] == name) return static_cast<BackorderStatus>(i);
    return std::nullopt;
}

std::span<const std::string_view> status_names() {
    return k_status_names;
}

// Card numbers are written as one block of 13 to 19 digits, or in groups: fours (4-4-4-4,
// 4-4-4-4-3) or the 4-6-5 / 4-6-4 of American Express and Diners. Digits around them (an expiry
// date, a CVV, a reference) must not hide one, and ordinary numbers (dates, phone numbers)
// must not look like one: so every group boundary is a possible start, only those groupings
// count, and a group that starts with '+' (a phone number) never does.
bool looks_like_card_number(std::string_view text) {
    struct Group {
        std::string digits;
        bool chained; // joined to the previous group by spaces or one dash
    };
    std::vector<Group> groups;
    std::size_t i = 0;
    std::size_t last_end = std::string_view::npos;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
        bool chained = false;
        if (last_end != std::string_view::npos) {
            std::string_view gap = text.substr(last_end, start - last_end);
            std::size_t dashes = 0;
            bool only_blanks_and_dashes = !gap.empty();
            for (char c : gap) {
                if (c == '-')
                    ++dashes;
                else if (c != ' ')
                    only_blanks_and_dashes = false;
            }
            chained = only_blanks_and_dashes && dashes <= 1;
        }
        bool phone = start > 0 && text[start - 1] == '+';
        groups.push_back({std::string(text.substr(start, i - start)), chained && !phone});
        if (phone) groups.back().digits.clear(); // never part of a card
        last_end = i;
    }
    auto luhn_card = [](const std::string& digits) {
        return digits.size() >= 13 && digits.size() <= 19 && luhn_valid(digits);
    };
    for (std::size_t first = 0; first < groups.size(); ++first) {
        if (luhn_card(groups[first].digits)) return true;
        if (groups[first].digits.size() != 4) continue;
        // Fours, with a shorter last group: 4-4-4-4, 4-4-4-4-3, 4-4-4-1 ...
        std::string joined = groups[first].digits;
        for (std::size_t j = first + 1; j < groups.size() && groups[j].chained; ++j) {
            joined += groups[j].digits;
            if (luhn_card(joined)) return true;
            if (groups[j].digits.size() != 4) break;
        }
        // 4-6-5 and 4-6-4.
        if (first + 2 < groups.size() && groups[first + 1].chained && groups[first + 2].chained &&
            groups[first + 1].digits.size() == 6 &&
            (groups[first + 2].digits.size() == 5 || groups[first + 2].digits.size() == 4) &&
            luhn_card(groups[first].digits + groups[first + 1].digits + groups[first + 2].digits))
            return true;
    }
    return false;
}

Result<std::string> normalise_email(std::string_view text) {
    std::string_view email = text::trim(text);
    std::size_t at = email.rfind('@');
    if (email.empty()) return fail(ErrorKind::data, "empty email address");
    if (at == std::string_view::npos || at == 0 || at + 1 == email.size())
        return fail(ErrorKind::data, fmt::format("'{}' is not an email address", email));
    std::string_view local = email.substr(0, at);
    if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos)
        return fail(ErrorKind::data, fmt::format("'{}' is not an email address", email));
    for (unsigned char c : local)
        if (c <= ' ' || c >= 0x7f ||
            std::string_view("\"(),:;<>@[\\]").find(static_cast<char>(c)) != std::string_view::npos)
            return fail(ErrorKind::data, fmt::format("'{}' is not an email address", email));
    std::string domain = text::ascii_lower(email.substr(at + 1));
    if (!valid_email_domain(domain))
        return fail(ErrorKind::data,
                    fmt::format("'{}' is not an email address (bad domain '{}')", email, domain));
    return std::string(local) + "@" + domain;
}

Result<void> check_phone(std::string_view text) {
    std::size_t digits = 0;
    for (char c : text)
        if (is_digit(c)) ++digits;
    if (digits < 7 || digits > 15)
        return fail(
            ErrorKind::data,
            fmt::format("phone '{}' has {} digits; a phone number has 7 to 15", text, digits));
    return {};
}

} // namespace dropcat
