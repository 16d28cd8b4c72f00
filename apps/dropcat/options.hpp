#pragma once

#include <dropcat/date.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat::cli {

// An option whose value must be one of `choices`; a wrong value gets "did you mean". The
// choices are recorded so that generated completions and man pages can list them.
CLI::Option* add_choice(CLI::App& app, const std::string& name, std::string& value,
                        std::vector<std::string> choices, const std::string& description);

// The choices recorded for an option, or nullptr.
const std::vector<std::string>* choices_of(const CLI::Option* option);

// Marks an option's argument as a file name or a directory for completions.
enum class ValueKind { none, file, directory };
void set_value_kind(CLI::Option* option, ValueKind kind);
ValueKind value_kind_of(const CLI::Option* option);

// Marks an option whose values completions ask the program for: `dropcat __complete SOURCE`.
void set_live_values(CLI::Option* option, std::string source);
const std::string* live_values_of(const CLI::Option* option);

// Marks a flag that counts its repeats (-vv), for completions.
void set_repeatable(CLI::Option* option);
bool is_repeatable(const CLI::Option* option);

// --format FORMAT, --columns LIST, --no-header and --no-pager for a listing whose columns are
// `columns` (group "Output").
struct ListingOptions;
void add_listing_options(CLI::App& app, ListingOptions& options,
                         const std::vector<std::string>& columns);

// A date on the command line: YYYY-MM-DD (and the other forms drop lists use), or today,
// tomorrow, yesterday (UTC).
std::optional<Day> parse_cli_date(std::string_view text);
// A CLI11 check for such dates.
CLI::Validator date_validator();

// A CLI11 check for a whole number of 1 or more.
CLI::Validator count_validator();
// A CLI11 check for a whole number from `low` to `high`.
CLI::Validator range_validator(long low, long high);

} // namespace dropcat::cli
