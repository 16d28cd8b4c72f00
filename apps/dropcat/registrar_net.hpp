#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace dropcat::cli {

// `dropcat registrar ping|check|register`: the commands that speak to registrars.
void add_registrar_net_commands(CLI::App& group, Context& ctx);

} // namespace dropcat::cli
