#pragma once

#include "context.hpp"

#include <dropcat/backorder.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace dropcat::cli {

// `dropcat backorder`: the group and its subcommands (add, import, list, show, set, cancel,
// forget, expire, merge-customers). Options shared by all of them live here.
struct BackorderGroup {
    std::string by; // --by: who does this; default: the login name
    std::string actor() const;
};

CLI::App* add_backorder_command(CLI::App& parent, Context& ctx);

// The subcommands, each in its own file pair's worth of code.
void add_backorder_add(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared);
void add_backorder_import(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared);
void add_backorder_list(CLI::App& group, Context& ctx);
void add_backorder_show(CLI::App& group, Context& ctx);
void add_backorder_change(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared);
void add_backorder_merge(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared);

} // namespace dropcat::cli
