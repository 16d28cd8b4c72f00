#pragma once
// The catch (dropcat catch): which names to register on a drop day, when each is released,
// which accounts fire at it and how often, and the run that turns backorders into
// registrations within every account's limits, never buying twice.
#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"
#include "dropcat/config.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/rdap.hpp"
#include "dropcat/registrar.hpp"
#include "dropcat/store.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// ---- targets

// When a name is released: a known instant (the drop list's time, or a registry that releases
// at one time of day), or only a window (a registry batch, an RDAP prediction).
struct CatchWindow {
    Instant start{};
    Instant end{};
    std::optional<Instant> release_at; // a known instant (then start)
    std::string basis;                 // "drop list time", "registry profile .com: ...", ...
};

// The window of a name for the drop day `date`, from what is known of it: the list's time,
// else a registry profile that releases at one instant, else the RDAP prediction
// (`state`) when it falls on the day, else the profile's release on the day. None when the
// name does not drop on the day as far as dropcat knows.
std::optional<CatchWindow> catch_window(Day date, std::optional<Day> drop_day,
                                        std::optional<Instant> list_time,
                                        const std::optional<NameState>& state,
                                        const LifecycleProfile& profile,
                                        const CatchSettings& settings);

struct CatchTarget {
    std::string domain; // A-label
    Day cycle = 0;      // the drop day
    int backorders = 0; // active backorders on it
    int top_priority = 0;
    bool wished = false; // named by --target
    CatchWindow window;
};

// The targets of a drop day: names with active backorders that drop on it, and the names
// given (`wished`, A-labels), each with its window; ordered by active backorders, then their
// highest priority, then the earlier window, then name. A wished name with no known drop on
// the day gets its registry profile's release on the day.
Result<std::vector<CatchTarget>> catch_targets(const Store& store, const Config& config, Day date,
                                               std::span<const std::string> wished);

// ---- the plan

enum class CatchPhase { idle, warm, hot, post, done };
std::string_view catch_phase_name(CatchPhase phase);

// The phase a window-only target is in at `t`: idle before start - warm_lead, warm until the
// start, hot for hot_span from it, post until the window ends, done after.
CatchPhase phase_at(const CatchWindow& window, const CatchSettings& settings, Instant t);

// The first point of the grid anchor + k * every (k any whole number) after `after`: slots
// missed are skipped, never made up.
Clock::time_point next_on_grid(Clock::time_point anchor, std::chrono::nanoseconds every,
                               Clock::time_point after);

// How often one account checks one target in a phase (window only), or creates (a known
// instant: phase hot).
struct PhaseCadence {
    CatchPhase phase = CatchPhase::hot;
    Instant from{};
    Instant to{};
    std::chrono::milliseconds every{};
};

// The requests an account will spend on a target at most: checks (names checked; where the
// API checks several names in one request they share it) and creates.
struct AccountShare {
    std::string account;
    std::int64_t checks = 0;
    std::int64_t creates = 0;
};

struct TargetPlan {
    CatchTarget target;
    std::vector<std::string> accounts; // the accounts that fire, in order
    std::vector<PhaseCadence> cadence; // of the first account
    std::vector<AccountShare> requests;
    std::map<std::string, Money> ceilings; // per account
    std::optional<Quote> quote;            // the first account's quote, when asked
    std::vector<std::string> warnings;
    bool known_instant() const { return target.window.release_at.has_value(); }
    std::int64_t planned_requests() const;
};

struct PlanOptions {
    std::vector<std::string> registrars; // only these accounts; empty: every account
    int accounts_per_name = -1;          // -1: the configuration's
};

struct CatchPlan {
    std::vector<TargetPlan> targets;
    std::vector<std::string> warnings; // for the run as a whole (accounts, budgets)
};

// Which accounts fire at each target (serving its TLD, allowed to catch, with a ceiling), at
// what cadence, and what that costs each account's budget; warnings for a target no account
// serves, an account whose budget is too small for its targets, creates that cannot all be
// at their instants. Kind `usage` for an unknown --registrar.
Result<CatchPlan> plan_catch(const std::vector<CatchTarget>& targets, const Config& config,
                             const PlanOptions& options);

// Keeps at most `per_name` accounts per target (plan_catch does, for --accounts-per-name).
void choose_accounts(CatchPlan& plan, const Config& config, int per_name);

// The requests one account may make in a second, by its tightest rule (checks, or creates).
double requests_per_second(const std::vector<RateRule>& rules, const std::vector<RateRule>& all);

// Adds what the accounts say to the plan: each target's quote from its first account (a
// premium over the ceiling is a warning), and each account's balance against the sum of the
// ceilings of the targets it may buy (a warning when below), and its clock against ours (a
// warning when surely further off than clock_offset_limit). Asks within the accounts' limits
// now, never waiting: what the limits hold back stays unasked.
struct AccountFacts {
    std::optional<Money> balance;
    double round_trip_ms = 0;
    std::optional<ClockOffset> clock_offset; // from the ping's Date header
    std::string problem;                     // the ping's failure
};
void add_quotes(CatchPlan& plan, std::map<std::string, Registrar*> accounts,
                std::map<std::string, AccountFacts>& facts, const Call& call,
                std::chrono::milliseconds clock_offset_limit = std::chrono::milliseconds(500));

// ---- the run

// One thing a run did, for progress and JSON Lines.
struct CatchEvent {
    Instant at{};
    std::string kind; // state, check, create, note, warning
    std::string domain;
    std::string account;
    std::string state;   // the target's state after it
    std::string outcome; // a check's availability, a create's outcome
    std::string detail;
    bool dry_run = false;
    std::optional<std::int64_t> latency_us;
};

struct RunOptions {
    bool live = false; // false: creates are dry runs, and nothing is written to the store
    std::optional<Instant> until;                    // stop then, whatever is left
    std::function<void(const CatchEvent&)> on_event; // from the run's threads, one at a time
    std::stop_token stop;
    const Clock* clock = &real_clock();
    std::string actor = "dropcat catch"; // the events' actor
};

struct RunSummary {
    std::map<std::string, int> states; // target state -> targets in it at the end
    int creates_sent = 0;
    int checks_sent = 0;
    int ambiguous = 0;
    int failed = 0;
    bool stopped = false; // stopped by the caller or --until before every target ended
};

// What the next run must settle first: targets a killed run left registering (now
// ambiguous) and ambiguous ones, asked of their accounts (registrar owns). Caught when an
// account has the name, back to armed when every unclear create is settled as not
// registered, still ambiguous otherwise.
struct Recovered {
    std::string domain;
    std::string account;
    TargetState state = TargetState::ambiguous;
    std::string detail;
};
// The accounts recover_targets needs: those with an unclear create of a target left
// registering or ambiguous.
Result<std::set<std::string>> accounts_to_ask(const Store& store);
Result<std::vector<Recovered>> recover_targets(Store& store,
                                               std::map<std::string, Registrar*> accounts,
                                               const Call& call, std::string_view actor);

// Runs a plan: one thread per account, each sleeping until its next slot. Known instant: the
// first create is timed to reach the registrar at the instant, then creates at the account's
// create cadence until the target ends or its window does. Window only: checks on a grid
// anchored at the window's start (warm, hot, post), batched where the API allows, a create at
// once on an available answer. Every create of a live run is written (its attempt, the move
// to registering) before it leaves.
Result<RunSummary> run_catch(Store& store, const Config& config, const CatchPlan& plan,
                             std::map<std::string, Registrar*> accounts,
                             std::map<std::string, AccountFacts> facts, const RunOptions& options);

// `dropcat catch resolve`: a person's finding for an ambiguous (or any unfinished) target of
// the latest cycle: caught or lost, with the unclear creates settled to match and the
// backorders updated. Kind `usage` when the name has no target, `failed` when it has ended.
Result<TargetRow> resolve_target(Store& store, std::string_view domain, bool caught,
                                 std::string_view actor, Instant now);

// From a name's release to its accepted create (`dropcat catch results`).
struct CatchTiming {
    // The known instant (a list or registry profile), or else when a check first found the
    // name free (the release was no later).
    std::optional<Instant> released;
    // When the accepted create reached the registry (Unix microseconds): its registration
    // event in the name's latest RDAP look-up since (a later `dropcat status`), or else when
    // it left plus half its round trip.
    std::optional<std::int64_t> arrived_us;
    std::string arrived_from; // "rdap" or "estimate"; empty: no accepted create
    std::optional<double> release_to_create_ms;
};
CatchTiming catch_timing(const TargetRow& target, std::span<const AttemptRow> attempts,
                         std::span<const ObservationRow> observations);

} // namespace dropcat

DROPCAT_PUBLIC_END
