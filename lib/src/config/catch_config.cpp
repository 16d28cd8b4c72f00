#include "config/catch_config.hpp"

#include "rdap/profile_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace dropcat::config {

namespace {

constexpr std::array<std::string_view, 9> k_keys = {
    "clock_offset_limit_ms", "warm_seconds",     "warm_interval_ms",
    "hot_seconds",           "post_interval_ms", "known_window_seconds",
    "lead_seconds",          "max_price",        "accounts_per_name"};

} // namespace

Result<CatchSettings> read_catch(const toml::node& node, const std::filesystem::path& path) {
    auto at = [&](const toml::node& where, std::string_view key, std::string_view reason) {
        return fail(ErrorKind::config, fmt::format("{}:{}: catch.{}: {}", path.string(),
                                                   where.source().begin.line, key, reason));
    };
    const toml::table* t = node.as_table();
    if (t == nullptr) return at(node, "", "must be a table ([catch])");
    for (auto&& [key, value] : *t) {
        if (std::find(k_keys.begin(), k_keys.end(), key.str()) != k_keys.end()) continue;
        return at(value, key.str(), rdap::unknown_key(key.str(), k_keys));
    }
    CatchSettings s;
    // Each whole-number key with its bounds.
    auto number = [&](std::string_view key, std::int64_t low, std::int64_t high,
                      auto set) -> std::optional<std::unexpected<Error>> {
        const toml::node* n = t->get(key);
        if (n == nullptr) return std::nullopt;
        auto v = n->value<std::int64_t>();
        if (!n->is_integer() || !v || *v < low || *v > high)
            return at(*n, key, fmt::format("must be a whole number from {} to {}", low, high));
        set(*v);
        return std::nullopt;
    };
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    for (auto bad : {
             number("clock_offset_limit_ms", 1, 600000,
                    [&](auto v) { s.clock_offset_limit = milliseconds(v); }),
             number("warm_seconds", 0, 3600, [&](auto v) { s.warm_lead = seconds(v); }),
             number("warm_interval_ms", 10, 600000,
                    [&](auto v) { s.warm_interval = milliseconds(v); }),
             number("hot_seconds", 1, 86400, [&](auto v) { s.hot_span = seconds(v); }),
             number("post_interval_ms", 10, 600000,
                    [&](auto v) { s.post_interval = milliseconds(v); }),
             number("known_window_seconds", 1, 86400, [&](auto v) { s.known_window = seconds(v); }),
             number("lead_seconds", 1, 3600, [&](auto v) { s.lead = seconds(v); }),
             number("accounts_per_name", 0, 100,
                    [&](auto v) { s.accounts_per_name = static_cast<int>(v); }),
         })
        if (bad) return *bad;
    if (const toml::node* price = t->get("max_price")) {
        auto text = price->value<std::string>();
        if (!price->is_string())
            return at(*price, "max_price", "must be an amount such as \"25.00 USD\"");
        auto money = parse_money(*text);
        if (!money) return at(*price, "max_price", money.error().message);
        s.max_price = *money;
    }
    return s;
}

} // namespace dropcat::config
