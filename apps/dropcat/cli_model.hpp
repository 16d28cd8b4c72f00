#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dropcat::cli {

// One option as the generators see it, read from the CLI11 definitions.
struct OptionModel {
    std::vector<std::string> names; // "-q", "--quiet"; empty for a positional
    std::string value_name;         // "PATH", "auto|always|never"; empty for a flag
    std::string positional;         // "FILE" for a positional
    std::string description;
    std::string env;
    std::string group;
    std::vector<std::string> choices;
    std::string live; // `dropcat __complete LIVE` lists the values
    bool takes_value = false;
    bool files = false;
    bool directories = false;
    bool repeatable = false;
};

std::vector<OptionModel> describe_options(const CLI::App& app);

// A visible command and, for a group such as `backorder`, its subcommands.
struct CommandModel {
    std::string name;
    std::string summary;
    std::vector<OptionModel> options;
    std::vector<CommandModel> children;
};

// The visible commands of the command table, read from the CLI11 definitions.
std::vector<CommandModel> describe_commands(const CLI::App& root);

} // namespace dropcat::cli
