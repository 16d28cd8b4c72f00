#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace dropcat::cli {

// `dropcat registrar`: the registrar accounts of the configuration. `list`, `ping`, `check`,
// `register`.
CLI::App* add_registrar_command(CLI::App& parent, Context& ctx);

} // namespace dropcat::cli
