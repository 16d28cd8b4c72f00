#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace dropcat::cli {

// Hidden: `dropcat __complete WHAT` prints live values one per line for the shell completions
// (backorder-ids, statuses). Quiet and exit 0 when the store cannot be read: a completion must
// never print errors into the user's prompt.
CLI::App* add_complete_command(CLI::App& parent, Context& ctx);

} // namespace dropcat::cli
