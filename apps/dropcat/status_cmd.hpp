#pragma once

#include "context.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dropcat::cli {

struct StatusOptions {
    std::vector<std::string> names; // DOMAIN... or "-"
    std::string due;                // --due DATE
    bool backordered = false;
    bool refresh_bootstrap = false;
    std::string domain; // status history DOMAIN
    std::string since;  // status changes --since DATE
    ListingOptions listing;
};

// The columns of each listing (an interface: new ones go at the end).
extern const std::vector<std::string> k_status_columns;
extern const std::vector<std::string> k_history_columns;
extern const std::vector<std::string> k_changes_columns;

// Statuses for tables and TSV ("pending delete, redemption period") and for JSON (a list).
std::string statuses_text(const std::vector<std::string>& statuses);
std::string statuses_json(const std::vector<std::string>& statuses);

// `dropcat status`: registry state over RDAP, drop prediction, history, changes.
CLI::App* add_status_command(CLI::App& parent, Context& ctx);

int run_status(const StatusOptions& o, Context& ctx);
int run_status_history(const StatusOptions& o, Context& ctx);
int run_status_changes(const StatusOptions& o, Context& ctx);

} // namespace dropcat::cli
