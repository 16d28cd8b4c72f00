#pragma once

#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"
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
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// A configuration key of an account that belongs to its kind, beyond the keys every account has
// (name, kind, endpoint, ca_file, the limits, tlds, max_price). Configuration checks each by its
// form; a key no account of the kind has is an unknown key.
enum class KeyForm {
    secret_env, // names the environment variable (or secrets-file entry) holding a secret
    text,       // a non-empty string
    ipv4,       // a dotted-quad IPv4 address
    contact,    // a [registrar.contact] table (RegistrarContact)
};
struct KindKey {
    std::string_view name;
    KeyForm form;
    bool required;
    std::string_view defaults_to; // a key whose value this one takes when not given
    std::string_view help;        // what it is, for messages and the manual
};

// What dropcat knows of each registrar API it speaks: endpoints, documented limits, the
// configuration an account of it needs, and the registrar's published stance on automated
// drop-catching (shared/reference/registrar-apis.md). Each kind is one entry, defined in its
// adapter's file pair (lib/src/registrar/KIND.hpp/.cpp) with the adapter itself, its own rules
// and its factory; the table in kinds.cpp lists the entries.
struct RegistrarKind {
    std::string_view name;
    std::string_view production;
    std::string_view sandbox;
    int checks_per_minute; // documented limit, used when an account sets none
    int creates_per_minute;
    int max_in_flight;
    int batch;            // names per check request, by default
    int max_batch;        // the most names one check request may carry
    int check_rule_count; // the documented check limit as a rule: count per window
    int check_rule_seconds;
    std::string_view over_limit_signal;
    std::string_view dry_run;
    std::string_view catch_policy;
    // How long after a create the registrar may take to list the name in the account: before
    // that, "not in the account" does not settle a create whose outcome was unclear.
    int listing_lag_minutes;
    // Whether dropcat catch fires from an account of the kind that does not say (`catch`):
    // false where the registrar's terms are reported to forbid drop-catching.
    bool catching_default;
    // The account's own keys (KindKey): their secrets are resolved when an account is opened
    // and handed to the adapter, keyed by the key that names them (e.g. "key_env").
    std::span<const KindKey> keys;
};

// The kind's own key called `name`, or nullptr.
const KindKey* find_kind_key(const RegistrarKind& kind, std::string_view name);

std::span<const RegistrarKind> registrar_kinds();
const RegistrarKind* find_registrar_kind(std::string_view name);

// What a registrar says of a name. Only `available`, `taken`, `premium` and `reserved` are
// answers; a timeout, a rate limit, a 5xx or an answer that cannot be read is `unknown`, never
// one of the others. `taken` means registered now (not dropped yet, or someone's): only a
// quote says it. A create that finds the name gone says Outcome::lost_race instead.
enum class Availability { available, taken, premium, reserved, unknown };
std::string_view availability_name(Availability a);

// Every registrar call's bounds: no request starts after `deadline` (on the account's clock)
// and none is waited on past it, and a stop request ends the call at once (requests in flight
// fail as maybe sent).
struct Call {
    Clock::time_point deadline = Clock::time_point::max();
    std::stop_token stop;
};

// A quote: availability and first-year price of one name, and when it was given.
struct Quote {
    std::string domain;
    Availability availability = Availability::unknown;
    std::optional<Money> price; // first-year registration price, when the API tells
    bool definitive = false;    // the registrar asked the registry (not a cache, not a guess)
    std::string detail;         // why, for unknown answers
    Clock::time_point at{};     // when the answer came, on the account's clock
    int years = 1;              // the period `price` covers
    // Set on an unknown answer when the account's limits (its own budget, or the server's
    // over-limit answer) kept the name from being asked: ask again from then on.
    std::optional<Clock::time_point> retry_at;
    std::string wait_reason; // what holds it, for people: "porkbun rate limit (ttlRemaining)"
};

struct CreateRequest {
    std::string domain;
    int years = 1;
    Money max_price; // never paid above, whatever the registrar quotes
    // The quote the create relies on. Its price is sent where the API takes one (Porkbun's
    // cost); where the API takes none, the create is sent only when quote_allows_create says
    // the quote still holds.
    Quote quote;
    std::string idempotency_key; // sent where the API takes one
    bool dry_run = true;
};

enum class Outcome {
    registered,
    pending,        // accepted, completes later (non-real-time TLDs)
    dry_run_ok,     // a dry run found nothing in the way
    taken,          // the quote found the name registered: no create was sent
    lost_race,      // the create's answer: someone else has it
    price_mismatch, // the price is above the ceiling or is not the one quoted
    insufficient_funds,
    rate_limited,   // nothing executed; retry_at says when the account may ask again
    auth_error,     // credentials or whitelisted IP
    policy_refused, // premium without the premium option, TLD not offered, and the like
    transient,      // known not to have executed: safe to try again
    ambiguous,      // may have executed: check the account before trying again
    unresolved,     // an earlier create of this name by this account has no known outcome
};
std::string_view outcome_name(Outcome o);

struct CreateResult {
    Outcome outcome = Outcome::ambiguous;
    bool dry_run = false;
    bool sent = false;          // a create (or the registrar's dry run) went to the registrar
    std::optional<Money> price; // the price that was (or would be) paid
    std::string order_id;
    std::optional<Clock::time_point> retry_at; // rate_limited: ask again from then on
    std::string wait_reason;
    std::string detail;
};

// A new idempotency key for a create: a random version-4 UUID.
std::string new_idempotency_key();

// How long a quote stands for a create whose API takes no price (Dynadot, Namecheap's ordinary
// names): the create is sent only on a quote that is available (not premium), at or under the
// ceiling in its currency, and taken within this long. A catch engine quotes each name in
// the minutes before its drop and fires on that quote without asking again.
constexpr std::chrono::minutes k_quote_stands_for{10};

// Why a create may not be sent on `request.quote` at `now`, as the outcome it would end in
// (taken, reserved, unknown, no price, another currency, above the ceiling, stale where the
// API takes no price); nullopt when nothing stands in the way. `price_sent`: the API's create
// carries the quoted price and the registrar refuses another, so a quote of any age holds.
std::optional<CreateResult> quote_blocks_create(const CreateRequest& request, Clock::time_point now,
                                                bool price_sent);

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
    bool dry_run = false;    // the registrar has a dry run of its own
    bool price_sent = false; // the create carries the quoted price (Porkbun's cost)
};

// Whether a name is in an account now, as the account says.
enum class Owned { yes, no, unknown };
std::string_view owned_name(Owned o); // "yes", "no", "unknown"

struct OwnsResult {
    std::string domain;
    Owned owned = Owned::unknown;
    std::string detail; // why, for unknown answers
    // Set when the account's limits kept the name from being asked: ask again from then on.
    std::optional<Clock::time_point> retry_at;
    std::string wait_reason;
};

// How far a registrar's clock is from ours (its time minus ours), as bounds: its HTTP Date
// header has whole seconds, so the offset is known only to within the second and the round
// trip.
struct ClockOffset {
    std::chrono::milliseconds low{};
    std::chrono::milliseconds high{};
    // The offset is surely beyond `limit` either way.
    bool beyond(std::chrono::milliseconds limit) const { return low > limit || high < -limit; }
};

// Told of each name's answer as soon as it comes, before the call returns.
using QuoteSink = std::function<void(const Quote&)>;

// One registrar account, spoken to through its API. Every request goes through the account's
// rate limiter; server hints hold it. No call sleeps: when the account's limits (or the
// server) say wait, the call returns at once with the moment to ask again (`retry_at`), and
// the caller owns the waiting. Ordinary failures are values: quote() fails only when the
// account itself is unusable (credentials, IP), and create() always returns an outcome.
class Registrar {
  public:
    virtual ~Registrar() = default;
    virtual const RegistrarAccount& account() const = 0;
    virtual RegistrarLimits limits() const = 0;
    virtual const Clock& clock() const = 0;
    // When the account's limits (and the server's holds) allow a request of this class: now or
    // earlier means at once. For a caller that waits before a call, such as a ping.
    virtual Clock::time_point next_free(RequestClass kind) = 0;
    // Credentials, the address the registrar sees, the balance where the API tells it. Fails
    // with ErrorKind::temporary, sending nothing, when the limits allow no request now.
    virtual Result<PingResult> ping(const Call& call) = 0;
    // Availability and price of each name for `years` years, in the order given, as many as
    // the account's limits allow now (the rest unknown with retry_at). Callable any time
    // (planning). A registrar that quotes one year only answers other periods unknown, sending
    // nothing.
    virtual Result<std::vector<Quote>> quote(std::span<const std::string> names, int years,
                                             const Call& call, const QuoteSink& sink = {}) = 0;
    // Whether each name is in the account now (Dynadot domain_info, Porkbun domain/listAll,
    // Namecheap domains.getInfo), in the order given, as many as the limits allow now. How an
    // unclear create is settled. Fails only when the account itself is unusable.
    virtual Result<std::vector<OwnsResult>> owns(std::span<const std::string> names,
                                                 const Call& call) = 0;
    // Opens the connection creates ride on (TCP and TLS) now, unless it is open, alive and
    // used in the last 3 s (a server may close a connection idle for longer), so that a
    // create shortly after pays neither. Sends no request.
    virtual std::expected<void, Error> warm(const Call& call) = 0;
    // Sends one create at once, on the warm connection (opened first when it is not), with no
    // check before it: refused unsent when the quote
    // does not allow it (quote_blocks_create) or the account's limits leave no room now
    // (rate_limited with retry_at). Never sent twice: an unclear answer is `ambiguous`.
    virtual CreateResult create(const CreateRequest& request, const Call& call) = 0;
    // The offset of the registrar's clock, from the Date headers of its answers so far (the
    // narrowest bounds seen); none before an answer with one.
    virtual std::optional<ClockOffset> clock_offset() const { return std::nullopt; }
    // About one network round trip to the registrar: the TCP handshake of the connection
    // creates ride on (warm opens it), with no server's work in it, longer when a SYN was
    // lost; none before it is opened.
    virtual std::optional<std::chrono::microseconds> network_round_trip() const {
        return std::nullopt;
    }
};

struct RegistrarSetup {
    bool sandbox = false;
    HttpOptions http;
    HttpLog log;
    // The clock the account's limits, quotes and deadlines are read on; must outlive the
    // adapter.
    const Clock* clock = &real_clock();
    // Where each account's recent requests and its lock are kept between processes
    // (STATE_DIR/accounts/NAME.log, NAME.lock); empty: in memory only, for this process.
    std::filesystem::path state_dir;
    // How long to wait for an account another process is using, and what stops that wait.
    std::chrono::milliseconds account_wait{5000};
    std::stop_token stop;
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

// The account named `name`, or nullptr.
const RegistrarAccount* find_account(const Config& config, std::string_view name);
// Whether dropcat catch may fire from an account: its `catch` key, else its kind's stance.
bool catch_allowed(const RegistrarAccount& account);
// Whether an account serves a domain's TLD (one with no `tlds` serves every TLD).
bool account_serves(const RegistrarAccount& account, std::string_view domain);
// The first configured account that serves the domain's TLD, or nullptr.
const RegistrarAccount* account_for(const Config& config, std::string_view domain);

// What an outcome makes of a command's exit status: nothing for registered, pending and
// dry-run-ok; temporary (75) for rate-limited, config (78) for auth-error, unavailable (69) for
// transient, failed (1) for the rest.
std::optional<ErrorKind> outcome_error(Outcome o);

} // namespace dropcat

DROPCAT_PUBLIC_END
