#pragma once

#include "report.hpp"

#include <dropcat/config.hpp>

#include <dropcat/error.hpp>
#include <dropcat/store.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace dropcat::cli {

// What every command gets: the global options, the one voice on stderr, and the action the
// parsed subcommand chose.
struct Context {
    std::string db_path;     // --db / DROPCAT_DB; empty: the XDG default
    std::string config_path; // --config / DROPCAT_CONFIG
    int verbosity = 0;       // -v count
    bool quiet = false;      // -q
    std::string color = "auto";
    Reporter report;
    std::function<int()> action; // set by the subcommand that was parsed

    std::filesystem::path store_path() const {
        return db_path.empty() ? default_store_path() : std::filesystem::path(db_path);
    }
    // Opens the store, reporting a failure in the one voice; empty on failure, with `code` set.
    std::optional<Store> open_store(int& code);
    // The configuration: --config (which must exist) or the default path (which may not).
    Result<Config> load_configuration() const;
    // Reports an Error and returns its exit code.
    int failed(const Error& error);
};

} // namespace dropcat::cli
