#pragma once

#include "context.hpp"
#include "output.hpp"

#include <dropcat/registrar.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// What the commands that speak to registrars share: their options, the waiting they do on the
// library's behalf, and their output rows.
namespace dropcat::cli {

struct NetOptions {
    bool sandbox = false;
    ListingOptions listing;         // --format, --columns, --no-header, --no-pager
    std::vector<std::string> names; // accounts (ping) or domains (check)
    std::string registrar;
    std::string max_price;
    int years = 1;
    bool live = false;
};

// The longest one wait for an account's limits may be: a longer one ends the command with 75
// (rate-limited), so that a registrar's wait of an hour does not hang a cron job.
constexpr std::chrono::seconds k_patience{120};
// After this many over-limit answers in a row for one account, dropcat stops asking (as
// Namecheap's SDK does after 4 attempts).
constexpr int k_max_limit_rounds = 6;

// "10.99", or empty without a price.
std::string price_text(const std::optional<Money>& price);

// One output row from owned texts, kept until the rows before it are out. `true` marks a JSON
// bare value.
using Row = std::vector<std::pair<std::string, bool>>;
void write_row(RowWriter& writer, Row values);

// A call's bounds: a request may take the account's own timeout, within two minutes.
Call call_now(const Registrar& r);

// Waits on the registrar's clock until `until`, saying so when the wait is longer than a
// second (on a terminal, and with -v). False when interrupted.
bool wait_until(const Registrar& r, Clock::time_point until, std::string_view reason, Context& ctx);

// Waits (within the patience) until the account's limits allow a request of `kind`, saying
// so as wait_until does. False only when interrupted; a longer wait is not taken, and the
// request that follows is then refused by the limits, unsent.
bool wait_for_room(Registrar& r, RequestClass kind, Context& ctx);

// The request log at -vv: "GET URL -> 200 in 1.2 ms (connect ..., first byte ...)".
HttpLog http_debug_log(Context& ctx);

// What opening an account takes from the command line (no state folder: see open_account).
RegistrarSetup setup_for(const NetOptions& o, Context& ctx);
// Opens an account with the command line's setup and the state folder of what earlier runs
// sent (an error of kind config when there is no such folder: no HOME, no XDG_STATE_HOME).
Result<std::unique_ptr<Registrar>> open_account(const Config& config,
                                                const RegistrarAccount& account,
                                                const NetOptions& o, Context& ctx);
Error no_such_account(const Config& config, std::string_view name);

// The domains named on the line, or read one per line from stdin for "-".
Result<std::vector<std::string>> domains_from(const std::vector<std::string>& args);

// What check and owns start from: the configuration (an unknown --registrar is a usage error,
// no accounts a configuration error) and the names given. On failure, the exit code (the
// error already said).
struct NamesJob {
    Config config;
    std::vector<std::string> names;
};
std::expected<NamesJob, int> names_job(const NetOptions& o, Context& ctx);

// --sandbox and --format.
// The columns of each command's rows (an interface: new ones go at the end).
inline const std::vector<std::string> k_ping_columns{"name",     "kind", "ok",    "balance",
                                                     "currency", "ms",   "detail"};
inline const std::vector<std::string> k_check_columns{
    "domain", "registrar", "availability", "price", "currency", "definitive", "detail"};
inline const std::vector<std::string> k_register_columns{
    "domain", "registrar", "outcome", "dry_run", "price", "currency", "order_id", "detail"};
inline const std::vector<std::string> k_owns_columns{"domain",  "registrar",  "owned",
                                                     "settled", "unresolved", "detail"};

// --sandbox and the listing options, for a command whose rows have these columns.
void add_common(CLI::App& cmd, NetOptions& o, const std::vector<std::string>& columns);
// The view of a command's rows its listing options ask for, the pager started; a usage error
// (reported, with its exit status) when --columns names an unknown column.
int open_view(const NetOptions& o, const std::vector<std::string>& columns, Context& ctx,
              RowView& view);

int run_ping(const NetOptions& o, Context& ctx);
int run_check(const NetOptions& o, Context& ctx);
int run_register(const NetOptions& o, Context& ctx);
int run_owns(const NetOptions& o, Context& ctx);

} // namespace dropcat::cli
