#include "config/rdap_config.hpp"

#include "rdap/profile_table.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace dropcat::config {

namespace {

constexpr std::array<std::string_view, 6> k_keys = {"bootstrap_url",   "requests_per_second",
                                                    "timeout_seconds", "backoff_seconds",
                                                    "ca_file",         "profile"};

} // namespace

Result<RdapSettings> read_rdap(const toml::node& node, const std::filesystem::path& path) {
    auto at = [&](const toml::node& where, std::string_view key, std::string_view reason) {
        return fail(ErrorKind::config, fmt::format("{}:{}: rdap.{}: {}", path.string(),
                                                   where.source().begin.line, key, reason));
    };
    const toml::table* t = node.as_table();
    if (t == nullptr) return at(node, "", "must be a table ([rdap])");
    RdapSettings s;
    auto seconds = [&](std::string_view key, double max,
                       int& into_ms) -> std::optional<std::unexpected<Error>> {
        const toml::node* n = t->get(key);
        if (n == nullptr) return std::nullopt;
        auto v = n->value<double>();
        if (!(n->is_number()) || !v || !std::isfinite(*v) || *v <= 0 || *v > max)
            return at(*n, key, fmt::format("must be a number of seconds above 0, at most {}", max));
        into_ms = static_cast<int>(*v * 1000);
        return std::nullopt;
    };
    for (auto&& [key, value] : *t) {
        if (std::find(k_keys.begin(), k_keys.end(), key.str()) != k_keys.end()) continue;
        return at(value, key.str(), rdap::unknown_key(key.str(), k_keys));
    }
    if (const toml::node* n = t->get("bootstrap_url")) {
        auto v = n->value<std::string>();
        if (!n->is_string() || !v || (v->rfind("https://", 0) != 0 && v->rfind("http://", 0) != 0))
            return at(*n, "bootstrap_url", "must be an http:// or https:// URL");
        s.bootstrap_url = *v;
    }
    if (const toml::node* n = t->get("requests_per_second")) {
        auto v = n->value<double>();
        if (!n->is_number() || !v || !std::isfinite(*v) || *v <= 0 || *v > 1000)
            return at(*n, "requests_per_second", "must be a number above 0, at most 1000");
        s.requests_per_second = *v;
    }
    if (auto bad = seconds("timeout_seconds", 600, s.timeout_ms)) return *bad;
    if (auto bad = seconds("backoff_seconds", 3600, s.backoff_ms)) return *bad;
    if (const toml::node* n = t->get("ca_file")) {
        auto v = n->value<std::string>();
        if (!n->is_string() || !v || v->empty()) return at(*n, "ca_file", "must be a path");
        std::filesystem::path file = *v;
        if (file.is_relative()) file = path.parent_path() / file;
        s.ca_file = file.string();
    }
    if (const toml::node* n = t->get("profile")) {
        const toml::table* profiles = n->as_table();
        if (profiles == nullptr)
            return at(*n, "profile", "must be tables such as [rdap.profile.com]");
        // [rdap.profile.default] first, so that a TLD's own keys stay over it.
        auto apply = [&](std::string_view tld, const toml::node& table) -> Result<void> {
            const toml::table* keys = table.as_table();
            if (keys == nullptr)
                return at(table, fmt::format("profile.{}", tld), "must be a table");
            std::size_t line = table.source().begin.line;
            auto done = rdap::ProfileAccess::override_with(s.profiles, tld, *keys, line);
            if (!done)
                return fail(ErrorKind::config,
                            fmt::format("{}:{}: rdap.profile.{}.{}", path.string(), line, tld,
                                        done.error().message));
            return {};
        };
        if (const toml::node* d = profiles->get("default"))
            if (auto r = apply("default", *d); !r) return std::unexpected(r.error());
        for (auto&& [tld, table] : *profiles)
            if (tld.str() != "default")
                if (auto r = apply(tld.str(), table); !r) return std::unexpected(r.error());
    }
    return s;
}

} // namespace dropcat::config
