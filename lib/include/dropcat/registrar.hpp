#pragma once

#include "dropcat/config.hpp"
#include "dropcat/error.hpp"
#include "dropcat/http.hpp"
#include "dropcat/money.hpp"
#include "dropcat/rate_limit.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat {

// What dropcat knows of each registrar API it speaks: endpoints, documented limits and the
// registrar's published stance on automated drop-catching (shared/reference/registrar-apis.md).
struct RegistrarKind {
    std::string_view name;
    std::string_view production;
    std::string_view sandbox;
    int checks_per_minute; // documented limit, used when an account sets none
    int creates_per_minute;
    int max_in_flight;
    int batch;            // names per check request
    int check_rule_count; // the documented check limit as a rule: count per window
    int check_rule_seconds;
    std::string_view over_limit_signal;
    std::string_view dry_run;
    std::string_view catch_policy;
};

std::span<const RegistrarKind> registrar_kinds();
const RegistrarKind* find_registrar_kind(std::string_view name);

// What a registrar says of a name. Only `available`, `taken`, `premium` and `reserved` are
// answers; a timeout, a rate limit, a 5xx or an answer that cannot be read is `unknown`, never
// one of the others.
enum class Availability { available, taken, premium, reserved, unknown };
std::string_view availability_name(Availability a);

struct CheckResult {
    std::string domain;
    Availability availability = Availability::unknown;
    std::optional<Money> price; // first-year registration price, when the API tells
    bool definitive = false;    // the registrar asked the registry (not a cache, not a guess)
    std::string detail;         // why, for unknown answers
};

struct RegisterRequest {
    std::string domain;
    int years = 1;
    Money max_price;             // never paid above, whatever the registrar quotes
    std::string idempotency_key; // sent where the API takes one
    bool dry_run = true;
};

enum class Outcome {
    registered,
    pending,        // accepted, completes later (non-real-time TLDs)
    dry_run_ok,     // a dry run found nothing in the way
    lost_race,      // exists / not available
    price_mismatch, // the price is above the ceiling or is not the one quoted
    insufficient_funds,
    rate_limited,   // with the server's wait in retry_after, when it gave one
    auth_error,     // credentials or whitelisted IP
    policy_refused, // premium without the premium option, TLD not offered, and the like
    transient,      // known not to have executed: safe to try again
    ambiguous,      // may have executed: check the account before trying again
};
std::string_view outcome_name(Outcome o);

struct RegisterResult {
    Outcome outcome = Outcome::ambiguous;
    bool dry_run = false;
    bool sent = false;          // a create (or the registrar's dry run) went to the registrar
    std::optional<Money> price; // the price that was (or would be) paid
    std::string order_id;
    std::optional<std::chrono::milliseconds> retry_after;
    std::string detail;
};

struct PingResult {
    std::string detail; // "credentials accepted", the IP the registrar saw
    std::optional<Money> balance;
    double round_trip_ms = 0;
};

struct RegistrarLimits {
    int batch = 1; // names per check request
    std::vector<RateRule> checks;
    std::vector<RateRule> creates;
    std::vector<RateRule> all;
    int max_in_flight = 1;
    bool idempotent_create = false;
    bool dry_run = false; // the registrar has a dry run of its own
};

// One registrar account, spoken to through its API. Every request goes through the account's
// rate limiter; server hints hold it. Ordinary failures are values: check() fails only when
// the account itself is unusable (credentials, IP), and register_domain() always returns an
// outcome.
class Registrar {
  public:
    virtual ~Registrar() = default;
    virtual const RegistrarAccount& account() const = 0;
    virtual RegistrarLimits limits() const = 0;
    virtual Result<PingResult> ping() = 0;
    virtual Result<std::vector<CheckResult>> check(std::span<const std::string> names) = 0;
    virtual RegisterResult register_domain(const RegisterRequest& request) = 0;
};

struct RegistrarSetup {
    bool sandbox = false;
    HttpOptions http;
    HttpLog log;
    // How long a call may wait for the rate limiter and for retries after server hints.
    std::chrono::milliseconds patience{120000};
    // Where each account's recent requests and its lock are kept between processes
    // (STATE_DIR/accounts/NAME.log, NAME.lock); empty: in memory only, for this process.
    std::filesystem::path state_dir;
    // How long to wait for an account another process is using.
    std::chrono::milliseconds account_wait{5000};
};

// The adapter for an account, with its secrets resolved and its limits set: the account's
// configured figures where it has them (a bulk tier may allow more), else the kind's
// documented ones. With a state_dir it holds the account's lock for its life: open each
// account once per process; another process using it makes this wait, then fail (temporary).
Result<std::unique_ptr<Registrar>>
open_registrar(const Config& config, const RegistrarAccount& account, const RegistrarSetup& setup);

// The endpoint an account speaks to: its own, else its kind's production or sandbox one.
std::string account_endpoint(const RegistrarAccount& account, bool sandbox);

// The rules an account is held to: its configured limits, else the kind's documented ones.
RegistrarLimits account_limits(const RegistrarAccount& account);

} // namespace dropcat
