// Registry lifecycle profiles: the shipped lifecycle.toml and the configuration's overrides.
#include "rdap/profile_table.hpp"

#include "core/text.hpp"
#include "dropcat/suggest.hpp"

#include <fmt/format.h>

#include <array>

namespace dropcat {

std::string_view embedded_lifecycle_toml(); // embedded_data.cpp, made from data/lifecycle.toml

namespace rdap {

namespace {

constexpr std::array<std::string_view, 10> k_keys = {
    "grace_days_max", "redemption_days", "pending_delete_days",    "reports_rgp", "zone",
    "release_times",  "weekdays",        "release_spread_minutes", "list_time",   "note"};
constexpr std::array<std::string_view, 7> k_weekdays = {"sun", "mon", "tue", "wed",
                                                        "thu", "fri", "sat"};

std::size_t line_of(const toml::node& node) {
    return node.source().begin.line;
}

} // namespace

std::optional<ProfileProblem> apply_profile_table(const toml::table& table, LifecycleProfile& p) {
    for (const auto& [key, node] : table) {
        std::string_view k = key.str();
        auto problem = [&](std::string reason) {
            return ProfileProblem{std::string(k), std::move(reason), line_of(node)};
        };
        auto days = [&](int& into, int max) -> std::optional<ProfileProblem> {
            auto v = node.value<std::int64_t>();
            if (!node.is_integer() || !v || *v < 0 || *v > max)
                return problem(fmt::format("must be a whole number of days from 0 to {}", max));
            into = static_cast<int>(*v);
            return std::nullopt;
        };
        auto flag = [&](bool& into) -> std::optional<ProfileProblem> {
            if (!node.is_boolean()) return problem("must be true or false");
            into = *node.value<bool>();
            return std::nullopt;
        };
        std::optional<ProfileProblem> bad;
        if (k == "grace_days_max") {
            bad = days(p.grace_days_max, 365);
        } else if (k == "redemption_days") {
            bad = days(p.redemption_days, 365);
        } else if (k == "pending_delete_days") {
            bad = days(p.pending_delete_days, 365);
        } else if (k == "reports_rgp") {
            bad = flag(p.reports_rgp);
        } else if (k == "list_time") {
            bad = flag(p.list_time);
        } else if (k == "zone") {
            auto v = node.value<std::string>();
            if (!node.is_string() || !v) return problem("must be a time zone name such as \"UTC\"");
            if (auto zone = TimeZone::load(*v); !zone && *v != "UTC")
                return problem(zone.error().message);
            p.zone = *v;
        } else if (k == "release_times") {
            const toml::array* a = node.as_array();
            if (a == nullptr) return problem("must be a list of times such as [\"19:00\"]");
            std::vector<int> minutes;
            for (const auto& t : *a) {
                auto v = t.value<std::string>();
                auto m = v ? parse_time_of_day(*v) : std::nullopt;
                if (!t.is_string() || !m || *m % 60 != 0)
                    return problem("must be a list of times such as [\"19:00\"]");
                minutes.push_back(*m / 60);
            }
            std::sort(minutes.begin(), minutes.end());
            p.release_minutes = std::move(minutes);
        } else if (k == "weekdays") {
            const toml::array* a = node.as_array();
            if (a == nullptr) return problem("must be a list of days such as [\"wed\"]");
            std::vector<int> days_of_week;
            for (const auto& d : *a) {
                auto v = d.value<std::string>();
                auto it = v ? std::find(k_weekdays.begin(), k_weekdays.end(), text::ascii_lower(*v))
                            : k_weekdays.end();
                if (it == k_weekdays.end())
                    return problem("must be a list of days such as [\"wed\"] (sun to sat)");
                days_of_week.push_back(static_cast<int>(it - k_weekdays.begin()));
            }
            p.weekdays = std::move(days_of_week);
        } else if (k == "release_spread_minutes") {
            auto v = node.value<std::int64_t>();
            if (!node.is_integer() || !v || *v < 0 || *v > 1440)
                return problem("must be a number of minutes from 0 to 1440");
            p.release_spread_minutes = static_cast<int>(*v);
        } else if (k == "note") {
            auto v = node.value<std::string>();
            if (!node.is_string() || !v) return problem("must be a string");
            p.note = *v;
        } else {
            return problem(unknown_key(k, k_keys));
        }
        if (bad) return bad;
    }
    return std::nullopt;
}

std::string unknown_key(std::string_view key, std::span<const std::string_view> known) {
    auto near = closest_match(key, known);
    return near ? fmt::format("unknown key (did you mean '{}'?)", *near) : "unknown key";
}

std::optional<ProfileProblem> check_profile_table(const toml::table& table) {
    LifecycleProfile scratch;
    return apply_profile_table(table, scratch);
}

} // namespace rdap

namespace rdap {
// A comparator of the library's own, hidden: the map's code is instantiated here with it, and so
// stays out of the library's exported symbols (toml::table is a type toml++ exports).
struct __attribute__((visibility("hidden"))) TldOrder {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a < b; }
};
} // namespace rdap

struct LifecycleProfiles::Tables {
    toml::table defaults;
    std::map<std::string, toml::table, rdap::TldOrder> tlds;
};

namespace {

Error profile_error(std::string_view name, std::size_t line, std::string_view key,
                    std::string_view reason) {
    return Error{ErrorKind::config, fmt::format("{}:{}: {}: {}", name, line, key, reason)};
}

} // namespace

LifecycleProfiles::LifecycleProfiles() : m_tables(std::make_shared<Tables>()) {}

Result<LifecycleProfiles> LifecycleProfiles::parse(std::string_view toml_text,
                                                   std::string_view name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, name);
    } catch (const toml::parse_error& e) {
        return std::unexpected(
            profile_error(name, e.source().begin.line, "syntax", e.description()));
    }
    LifecycleProfiles out;
    auto tables = std::make_shared<Tables>();
    for (const auto& [key, node] : root) {
        if (key.str() == "default" && node.is_table()) {
            if (auto bad = rdap::check_profile_table(*node.as_table()))
                return std::unexpected(
                    profile_error(name, bad->line, "default." + bad->key, bad->reason));
            tables->defaults = *node.as_table();
        } else if (key.str() == "tld" && node.is_table()) {
            for (const auto& [tld, table] : *node.as_table()) {
                if (!table.is_table())
                    return std::unexpected(profile_error(name, rdap::line_of(table),
                                                         fmt::format("tld.{}", tld.str()),
                                                         "must be a table"));
                if (auto bad = rdap::check_profile_table(*table.as_table()))
                    return std::unexpected(
                        profile_error(name, bad->line,
                                      fmt::format("tld.{}.{}", tld.str(), bad->key), bad->reason));
                tables->tlds.emplace(text::ascii_lower(tld.str()), *table.as_table());
            }
        } else {
            return std::unexpected(profile_error(name, rdap::line_of(node), key.str(),
                                                 "unknown table (only [default] and [tld.NAME])"));
        }
    }
    out.m_tables = std::move(tables);
    return out;
}

const LifecycleProfiles& LifecycleProfiles::shipped() {
    static const LifecycleProfiles profiles = [] {
        auto parsed = parse(embedded_lifecycle_toml(), "lifecycle.toml");
        // A unit test reads the shipped file; should it ever not parse, the built-in defaults
        // stand rather than no profiles at all.
        return parsed ? *parsed : LifecycleProfiles();
    }();
    return profiles;
}

Result<void> rdap::ProfileAccess::override_with(LifecycleProfiles& profiles, std::string_view tld,
                                                const toml::table& table,
                                                std::size_t& problem_line) {
    if (auto bad = rdap::check_profile_table(table)) {
        problem_line = bad->line;
        return fail(ErrorKind::config, fmt::format("{}: {}", bad->key, bad->reason));
    }
    auto copy = std::make_shared<LifecycleProfiles::Tables>(*profiles.m_tables);
    toml::table& into = tld == "default" ? copy->defaults : copy->tlds[text::ascii_lower(tld)];
    for (const auto& [key, node] : table)
        into.insert_or_assign(key, node);
    profiles.m_tables = std::move(copy);
    return {};
}

LifecycleProfile LifecycleProfiles::for_domain(std::string_view domain) const {
    LifecycleProfile p;
    rdap::apply_profile_table(m_tables->defaults, p);
    // The longest listed suffix on a label boundary ("co.uk" before "uk").
    std::string name = text::ascii_lower(domain);
    std::string_view rest = name;
    while (!rest.empty()) {
        if (auto it = m_tables->tlds.find(rest); it != m_tables->tlds.end()) {
            rdap::apply_profile_table(it->second, p);
            p.tld = it->first;
            return p;
        }
        auto dot = rest.find('.');
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    return p;
}

std::vector<std::string> LifecycleProfiles::tlds() const {
    std::vector<std::string> out;
    for (const auto& [tld, table] : m_tables->tlds)
        out.push_back(tld);
    return out;
}

} // namespace dropcat
