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
    std::string format = "text";
    bool strict = false;
    bool dry_run = false;
};

CLI::App* add_import_command(CLI::App& parent, Context& ctx);
int run_import(const ImportOptions& options, Context& ctx);

} // namespace dropcat::cli
