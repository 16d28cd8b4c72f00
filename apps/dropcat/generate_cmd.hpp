#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace dropcat::cli {

// Hidden: writes the generated parts of the man pages (option lists) and the bash, zsh and fish
// completions from the CLI11 definitions, or with --check says whether the committed files
// have drifted from them.
CLI::App* add_generate_command(CLI::App& parent, Context& ctx);

// The generated texts, for a given root app.
std::string man_options(const CLI::App& app, bool global);
std::string man_kinds(); // the registrar kinds, from the kinds table
std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string fish_completion(const CLI::App& app);

// Replaces the text between the generated-options markers of a man page.
std::string splice_man_page(const std::string& page, const std::string& options);
// The same for the block called `name` (".\" BEGIN GENERATED NAME (dropcat generate man)");
// the page as it was when it has no such block.
std::string splice_man_block(const std::string& page, std::string_view name,
                             const std::string& text);

} // namespace dropcat::cli
