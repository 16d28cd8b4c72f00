#pragma once

#include "report.hpp"

#include <dropcat/config.hpp>

#include <dropcat/error.hpp>
#include <dropcat/store.hpp>

#include <chrono>
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
    // DROPCAT_LOCK_WAIT: how long to wait for another run holding the store or an account.
    std::chrono::milliseconds lock_wait{5000};
    Reporter report;
    std::function<int()> action;      // set by the subcommand that was parsed
    std::string help_hint = "--help"; // "drops --help": what a usage error tells to try

    // --db as given (a path or a postgresql:// URI), else the default path (an error of kind
    // config when there is none: no HOME and no absolute XDG_DATA_HOME).
    Result<std::string> store_location() const {
        if (!db_path.empty()) return db_path;
        auto path = default_store_path();
        if (!path) return std::unexpected(path.error());
        return path->string();
    }
    // Whether the store is there already: an SQLite file that exists, or any PostgreSQL URI
    // (whose database must exist; dropcat does not create databases).
    bool store_exists() const;
    // Opens the store, reporting a failure in the one voice; empty on failure, with `code` set.
    // A read-only command opens with `read_only`, so that a store the user may only read works,
    // and makes no store: one that does not exist is exit 66 (a typo in --db is noticed).
    // A dry run opens with `create` false, so that it makes no store. With -v, says which
    // store was opened.
    std::optional<Store> open_store(int& code, bool read_only = false, bool create = true);
    // The configuration: --config (which must exist) or the default path (which may not).
    Result<Config> load_configuration() const;
    // Reports an Error and returns its exit code.
    int failed(const Error& error);
};

} // namespace dropcat::cli
