#include "options.hpp"
#include "output.hpp"

#include "suggest.hpp"

#include <charconv>
#include <map>
#include <set>

namespace dropcat::cli {

namespace {
std::map<const CLI::Option*, std::vector<std::string>>& choice_registry() {
    static std::map<const CLI::Option*, std::vector<std::string>> registry;
    return registry;
}
std::map<const CLI::Option*, ValueKind>& kind_registry() {
    static std::map<const CLI::Option*, ValueKind> registry;
    return registry;
}
} // namespace

CLI::Option* add_choice(CLI::App& app, const std::string& name, std::string& value,
                        std::vector<std::string> choices, const std::string& description) {
    std::string shown;
    for (const auto& c : choices)
        shown += (shown.empty() ? "" : "|") + c;
    auto* option = app.add_option(name, value, description);
    // Short choice lists show in the placeholder; long ones are named in the help's footer.
    option->type_name(shown.size() <= 24 ? shown : "NAME");
    option->check(CLI::Validator(
        [choices](std::string& given) -> std::string {
            for (const auto& c : choices)
                if (given == c) return {};
            std::vector<std::string_view> views(choices.begin(), choices.end());
            return not_one_of("value", given, views);
        },
        "", "choice"));
    choice_registry()[option] = std::move(choices);
    return option;
}

const std::vector<std::string>* choices_of(const CLI::Option* option) {
    auto it = choice_registry().find(option);
    return it == choice_registry().end() ? nullptr : &it->second;
}

void set_value_kind(CLI::Option* option, ValueKind kind) {
    kind_registry()[option] = kind;
}

ValueKind value_kind_of(const CLI::Option* option) {
    auto it = kind_registry().find(option);
    return it == kind_registry().end() ? ValueKind::none : it->second;
}

namespace {
std::set<const CLI::Option*>& repeatable_registry() {
    static std::set<const CLI::Option*> registry;
    return registry;
}
} // namespace

void set_repeatable(CLI::Option* option) {
    repeatable_registry().insert(option);
}

namespace {
std::map<const CLI::Option*, std::string>& live_registry() {
    static std::map<const CLI::Option*, std::string> registry;
    return registry;
}
} // namespace

void set_live_values(CLI::Option* option, std::string source) {
    live_registry()[option] = std::move(source);
}

const std::string* live_values_of(const CLI::Option* option) {
    auto it = live_registry().find(option);
    return it == live_registry().end() ? nullptr : &it->second;
}

bool is_repeatable(const CLI::Option* option) {
    return repeatable_registry().count(option) != 0 || option->get_expected_max() > 1;
}

std::optional<Day> parse_cli_date(std::string_view text) {
    Day today = day_of(wall_clock_now());
    if (text == "today") return today;
    if (text == "tomorrow") return today + 1;
    if (text == "yesterday") return today - 1;
    auto moment = parse_drop_date(text);
    if (!moment || moment->time) return std::nullopt;
    return moment->day;
}

CLI::Validator count_validator() {
    return CLI::Validator(
        [](std::string& given) -> std::string {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), n);
            if (ec == std::errc() && end == given.data() + given.size() && n >= 1) return {};
            return "'" + given + "' is not a whole number of 1 or more";
        },
        "", "count");
}

CLI::Validator range_validator(long low, long high) {
    return CLI::Validator(
        [low, high](std::string& given) -> std::string {
            long n = 0;
            auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), n);
            if (ec == std::errc() && end == given.data() + given.size() && n >= low && n <= high)
                return {};
            return "'" + given + "' is not a whole number from " + std::to_string(low) + " to " +
                   std::to_string(high);
        },
        "", "range");
}

CLI::Validator date_validator() {
    return CLI::Validator(
        [](std::string& given) -> std::string {
            if (parse_cli_date(given)) return {};
            std::string message =
                "'" + given + "' is not a date (YYYY-MM-DD, today, tomorrow or yesterday)";
            static constexpr std::string_view k_words[] = {"today", "tomorrow", "yesterday"};
            if (auto guess = closest(given, k_words)) message += "; did you mean '" + *guess + "'?";
            return message;
        },
        "", "date");
}

void add_listing_options(CLI::App& app, ListingOptions& options,
                         const std::vector<std::string>& columns) {
    add_choice(app, "--format", options.format, listing_format_names(),
               "output format (default: table on a terminal, else tsv)")
        ->group("Output");
    std::string names;
    for (const auto& c : columns)
        names += (names.empty() ? "" : ",") + c;
    app.add_option("--columns", options.columns,
                   "only these columns, in this order (comma-separated): " + names)
        ->type_name("LIST")
        ->group("Output");
    app.add_flag("--no-header", options.no_header, "no header line (table, tsv, csv)")
        ->group("Output");
    app.add_flag("--no-pager", options.no_pager,
                 "do not page a long table on a terminal through $PAGER")
        ->group("Output");
}

} // namespace dropcat::cli
