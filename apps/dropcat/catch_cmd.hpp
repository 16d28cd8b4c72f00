#pragma once

#include "context.hpp"
#include "output.hpp"

#include <dropcat/catcher.hpp>

#include <CLI/CLI.hpp>

#include <set>
#include <string>
#include <vector>

namespace dropcat::cli {

struct CatchOptions {
    std::string date;                    // --date DATE; empty: today (UTC)
    std::vector<std::string> registrars; // --registrar NAME...
    std::string target;                  // --target FILE|-
    int accounts_per_name = -1;          // --accounts-per-name N
    std::string until;                   // --until TIME
    bool live = false;
    bool sandbox = false;
    std::string domain; // resolve DOMAIN
    bool caught = false;
    bool lost = false;
    ListingOptions listing;
};

// The columns of each listing (an interface: new ones go at the end).
extern const std::vector<std::string> k_plan_columns;
extern const std::vector<std::string> k_run_columns;
extern const std::vector<std::string> k_results_columns;

// `dropcat catch plan|run|results|resolve`.
CLI::App* add_catch_command(CLI::App& parent, Context& ctx);

// --date as a day (today, UTC, when not given); none when it is not a date.
std::optional<Day> catch_day(const CatchOptions& o);

// What plan and run start from: the day, the configuration, the targets and their plan.
struct CatchJob {
    Day date = 0;
    Config config;
    std::vector<CatchTarget> targets;
    CatchPlan plan;
};
// On failure the exit code (the error already said).
std::expected<CatchJob, int> catch_job(const CatchOptions& o, const Store& store, Context& ctx);

// Opens the named accounts, once each; accounts that cannot be opened (not configured, or in
// use by another process past the lock wait) are warned about and left out.
std::map<std::string, std::unique_ptr<Registrar>>
open_accounts(const Config& config, const std::set<std::string>& names, bool sandbox, Context& ctx);
// Opens every account the plan fires from.
std::map<std::string, std::unique_ptr<Registrar>> open_plan_accounts(const CatchJob& job,
                                                                     bool sandbox, Context& ctx);

int run_catch_plan(const CatchOptions& o, Context& ctx);
int run_catch_run(const CatchOptions& o, Context& ctx);
int run_catch_results(const CatchOptions& o, Context& ctx);
int run_catch_resolve(const CatchOptions& o, Context& ctx);

} // namespace dropcat::cli
