#pragma once

#include "context.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dropcat::cli {

struct DropsOptions {
    std::string date;
    std::string from;
    std::string to;
    std::vector<std::string> tlds;
    std::string source;
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    bool no_hyphens = false;
    bool no_digits = false;
    bool backordered = false;
    bool not_backordered = false;
    bool restored = false; // --restored: only names dropcat status saw restored
    std::string match;
    std::optional<std::size_t> limit;
    std::string new_since; // --new-since DATE: first seen on or after that day
    std::string sort = "drop_date";
    bool reverse = false;
    bool count = false; // --count: the number of names, nothing else
    ListingOptions listing;
};

CLI::App* add_drops_command(CLI::App& parent, Context& ctx);
int run_drops(const DropsOptions& options, Context& ctx);

} // namespace dropcat::cli
