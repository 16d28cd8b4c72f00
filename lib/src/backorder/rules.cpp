#include "dropcat/backorder.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <array>

namespace dropcat {

namespace {

constexpr std::array<std::string_view, 5> k_status_names{"active", "cancelled", "caught", "lost",
                                                         "expired"};

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

} // namespace dropcat
