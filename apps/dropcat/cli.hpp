#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <span>
#include <string_view>

namespace dropcat::cli {

// One row of the command table: it feeds dispatch, help, man pages and completions.
struct CommandInfo {
    std::string_view name;
    std::string_view summary;
    CLI::App* (*add)(CLI::App& parent, Context& ctx);
    bool hidden = false;
};

std::span<const CommandInfo> commands();

// The whole command line, global options and every subcommand, bound to `ctx`.
std::unique_ptr<CLI::App> build_app(Context& ctx);

// Runs dropcat with these arguments and returns the exit code.
int run(int argc, char** argv);

} // namespace dropcat::cli
