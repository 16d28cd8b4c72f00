#pragma once

// Internal to rdap and config: a lifecycle profile's keys read from a TOML table, so that the
// shipped profiles and the configuration's overrides are read by one function.

#include "dropcat/rdap.hpp"

#include <toml++/toml.h>

#include <optional>
#include <span>
#include <string>

namespace dropcat::rdap {

struct ProfileProblem {
    std::string key;
    std::string reason;
    std::size_t line = 0;
};

// "unknown key", with "(did you mean 'x'?)" when one of `known` is close: the reason the
// profiles and the [rdap] table give for a key they do not know.
std::string unknown_key(std::string_view key, std::span<const std::string_view> known);

// Sets on `profile` every key `table` gives; the first unknown or ill-formed key is a problem.
std::optional<ProfileProblem> apply_profile_table(const toml::table& table,
                                                  LifecycleProfile& profile);

// Checks a table's keys without keeping them.
std::optional<ProfileProblem> check_profile_table(const toml::table& table);

// Sets a table's keys over one TLD's profile ("default": the defaults). Kind `config` with
// "KEY: REASON" (the caller adds where).
struct ProfileAccess {
    static Result<void> override_with(LifecycleProfiles& profiles, std::string_view tld,
                                      const toml::table& table, std::size_t& problem_line);
};

} // namespace dropcat::rdap
