#pragma once

#include "scenario.hpp"
#include "sliding_window.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dropcat::sim {

enum class Availability { available, taken, reserved, unsupported_tld };

// What a name costs and whether it can be had, at one instant.
struct Quote {
    Availability availability = Availability::unsupported_tld;
    Money price;
    bool premium = false;
    bool non_real_time = false; // the registry completes a registration later (Namecheap says so)
};

enum class LimitClass { check, create };

// The answer to "may this request run?" for an account with a limit.
struct Admission {
    bool admitted = true;
    int used = 0;           // admitted requests in the window, this one included
    Duration retry_after{}; // when refused: until a slot frees
};

struct CreateOrder {
    std::size_t account = 0;
    std::string name;
    int years = 1;
    bool premium_acknowledged = false;
    std::optional<std::int64_t> cost; // the total the client agreed to, in minor units
    bool dry_run = false;
    // The API prices ordinary names by its price list (Namecheap's getPricing: the default
    // price): a name's own scenario price then applies only to a premium name.
    bool list_priced = false;
};

enum class CreateOutcome {
    registered,
    would_succeed, // a dry run that found nothing wrong
    unsupported_tld,
    not_available,
    premium_refused,
    price_mismatch,
    insufficient_funds
};

struct CreateResult {
    CreateOutcome outcome = CreateOutcome::not_available;
    Money total;   // price times years
    Money balance; // after the create
    std::int64_t order_id = 0;
};

// Who holds a registered name, for RDAP.
struct Holding {
    std::vector<std::string> statuses;
    Instant since;
    std::optional<Instant> expires_at;
    std::optional<Instant> deletion_event_at;
};

// An answer kept for a Porkbun Idempotency-Key.
struct StoredAnswer {
    int status = 200;
    std::string body;
};

// The simulated registry and registrars: names, accounts, balances, limits, registrations.
// Not thread-safe by itself: a request holds lock() for all it reads and changes, so that a
// check-then-register is one step, as at a real registry.
class World {
  public:
    explicit World(Scenario scenario);

    std::unique_lock<std::mutex> lock() { return std::unique_lock(m_mutex); }

    // The accounts never change after start, so finding one needs no lock.
    const std::vector<AccountSpec>& accounts() const { return m_scenario.accounts; }
    const std::vector<std::string>& tlds() const { return m_scenario.tlds; }
    const std::string& currency() const { return m_scenario.default_price.currency; }
    const Money& default_price() const { return m_scenario.default_price; }
    Instant start() const { return m_scenario.start; }
    const RdapSpec& rdap() const { return m_scenario.rdap; }
    Duration clock_ahead() const { return m_scenario.clock_ahead; }

    Quote quote(const std::string& name, Instant now) const;
    std::optional<Holding> holding(const std::string& name, Instant now) const;

    // Counts the request at `arrival`, the time the log records (SlidingWindow). Call it only
    // for a request that passed validation: an invalid or refused request does not count.
    Admission admit(std::size_t account, LimitClass what, Instant arrival);
    // The account's limit, when it has one (Porkbun reports it with every check).
    const SlidingWindow* limit(std::size_t account, LimitClass what) const;

    CreateResult create(const CreateOrder& order, Instant now);
    // Whether `account` registered `name` (through any API).
    bool owns(std::size_t account, const std::string& name) const;
    // The names `account` registered, in name order.
    std::vector<std::string> owned_by(std::size_t account) const;
    // From now on `name` costs `price` (a reprice fault: the registrar changed its price).
    void reprice(const std::string& name, Money price) { m_reprices[name] = std::move(price); }
    // The competitor registers `name` at `now` when nobody holds it (a competitor fault: a
    // race lost at once, without waiting for competitor_after).
    void outrun(const std::string& name, Instant now);
    Money balance(std::size_t account) const { return m_state[account].balance; }
    std::int64_t next_id() { return ++m_last_id; }

    const StoredAnswer* replay(std::size_t account, const std::string& key) const;
    void remember(std::size_t account, const std::string& key, StoredAnswer answer);

  private:
    enum class Holder { nobody, original, competitor, client };
    struct Ownership {
        Holder holder = Holder::nobody;
        Instant since{};
    };
    struct AccountState {
        Money balance;
        std::optional<SlidingWindow> checks;
        std::optional<SlidingWindow> creates;
        std::map<std::string, StoredAnswer> answers;
    };

    Ownership ownership(const std::string& name, Instant now) const;
    const DomainSpec* listed(const std::string& name) const;

    std::mutex m_mutex;
    Scenario m_scenario;
    std::vector<AccountState> m_state;
    std::map<std::string, std::size_t, std::less<>> m_listed; // name -> index in domains
    struct Registration {
        Instant at;
        std::size_t account = 0;
    };
    std::map<std::string, Registration> m_client_registrations; // the first wins
    std::map<std::string, Money> m_reprices;                    // prices changed by faults
    std::map<std::string, Instant> m_competitor_takes;          // names competitor faults took
    std::int64_t m_last_id = 100000;
};

} // namespace dropcat::sim
