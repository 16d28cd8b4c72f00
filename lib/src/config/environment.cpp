// Settings read from the environment rather than the configuration file: they concern one
// run (how long it waits for another), not the operator's accounts.
#include "dropcat/config.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

namespace dropcat {

namespace {
constexpr std::chrono::milliseconds k_default_lock_wait{5000};
constexpr long long k_max_lock_wait_ms = 3600 * 1000;

// "SECONDS[.FRACTION]" with at most three decimals, as milliseconds; nullopt when it is not.
std::optional<long long> parse_seconds(std::string_view text) {
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 7 || fraction.size() > 3) return std::nullopt;
    if (dot != std::string_view::npos && fraction.empty()) return std::nullopt;
    long long ms = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        ms = ms * 10 + (c - '0');
    }
    ms *= 1000;
    long long scale = 100;
    for (char c : fraction) {
        if (c < '0' || c > '9') return std::nullopt;
        ms += (c - '0') * scale;
        scale /= 10;
    }
    return ms;
}
} // namespace

Result<std::chrono::milliseconds> lock_wait_from_environment() {
    const char* value = std::getenv("DROPCAT_LOCK_WAIT");
    if (value == nullptr || *value == '\0') return k_default_lock_wait;
    auto ms = parse_seconds(value);
    if (!ms || *ms > k_max_lock_wait_ms)
        return fail(ErrorKind::config,
                    fmt::format("DROPCAT_LOCK_WAIT: '{}' is not a number of seconds from 0 to 3600 "
                                "(e.g. 30 or 0.5)",
                                std::string_view(value).substr(0, 40)));
    return std::chrono::milliseconds(*ms);
}

} // namespace dropcat
