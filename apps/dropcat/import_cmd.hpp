#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dropcat::cli {

struct ImportOptions {
    std::vector<std::string> files;
    std::string input_format = "auto";
    std::string domain_column;
    std::string date_column;
    std::string drop_date;
    std::string source;
    std::string date_order = "auto"; // --date-order: auto, mdy, dmy, ymd
    std::string timezone;            // --timezone: an IANA name; empty: UTC
    std::string format = "text";
    bool strict = false;
    bool dry_run = false;
    std::string max_rejected; // --max-rejected: "N" rows or "N%" of the rows read; empty: none
};

// The most rejected rows --max-rejected allows out of `rows` read: "N" or "N%" (rounded down);
// nullopt when `text` is neither.
std::optional<std::size_t> allowed_rejections(std::string_view text, std::size_t rows);

CLI::App* add_import_command(CLI::App& parent, Context& ctx);
int run_import(const ImportOptions& options, Context& ctx);

} // namespace dropcat::cli
