#pragma once

#include "dropcat/error.hpp"
#include "dropcat/money.hpp"
#include "timing.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dropcat::sim {

// One [[account]]: a registrar account clients authenticate as.
struct AccountSpec {
    std::string name; // the log's label for it; never the key
    std::string api;  // dynadot | porkbun | namecheap
    std::string key;
    std::string secret;    // porkbun
    std::string api_user;  // namecheap
    std::string username;  // namecheap's UserName; api_user unless the scenario says
    std::string client_ip; // namecheap
    Money balance;
    std::optional<int> checks;  // check requests per `per`
    std::optional<int> creates; // create requests per `per`
    Duration per = std::chrono::minutes(1);
};

// One [[domain]]: a name the scenario gives a history.
struct DomainSpec {
    std::string name;
    std::optional<Instant> deleted_at; // delete_at plus the jitter drawn at start
    std::vector<std::string> statuses{"active"};
    std::optional<Money> price;
    bool premium = false;
    bool reserved = false;
    bool non_real_time = false; // Namecheap's create says NonRealTimeDomain="true"
    std::optional<Duration> competitor_after;
    // RDAP: the statuses from a time on ([[domain.phase]]), replacing `statuses` then; the
    // expiration and deletion events the registry shows.
    struct StatusChange {
        Instant at{};
        std::vector<std::string> statuses;
    };
    std::vector<StatusChange> phases; // by time
    std::optional<Instant> expires_at;
    std::optional<Instant> deletion_event_at;
};

// [rdap]: how the registry side is served. Each of `hosts` extra listeners (on the same
// address, ports of their own) answers RDAP for a share of the TLDs, round robin; with
// `per_second`, each host answers at most that many look-ups in any second and then 429 with
// Retry-After; with `redirect`, the bootstrap file points at the main address, which answers
// each look-up with a 302 to the host that holds the name's TLD.
struct RdapSpec {
    int hosts = 0;
    std::optional<int> per_second;
    bool redirect = false;
};

enum class FaultKind { delay, status, reset, malformed, lost_response, reprice, competitor };
std::string_view fault_kind_name(FaultKind kind); // "lost-response", ...

// The longest `delay` a fault may have: a wait beyond it is a typo, not a scenario.
inline constexpr Duration k_max_delay = std::chrono::minutes(10);

// One [[fault]]: which requests it hits (an empty field matches anything) and how.
struct FaultSpec {
    std::string api;     // dynadot | porkbun | namecheap | rdap
    std::string command; // check | create | ping | pricing | lookup | bootstrap
    std::string domain;
    FaultKind kind = FaultKind::status;
    Duration delay{};
    int status = 0;
    std::optional<Money> price;          // reprice: the name's price from this request on
    int times = 1;                       // 0: every matching request
    std::optional<Duration> retry_after; // status: a Retry-After header with the answer
};

struct Scenario {
    Money default_price{1099, "USD"};
    std::vector<std::string> tlds{"com", "net", "org"};
    std::uint64_t seed = 1;
    Duration clock_ahead{}; // the registrar's clock, as its Date headers show it, runs ahead
    Instant start{};
    std::vector<AccountSpec> accounts;
    std::vector<DomainSpec> domains;
    std::vector<FaultSpec> faults;
    RdapSpec rdap;
};

// Reads and checks a scenario file; relative times count from `start`. Problems come back as
// ErrorKind::data with "FILE:LINE: KEY: REASON".
Result<Scenario> load_scenario(const std::filesystem::path& path, Instant start);

// The served TLD a name falls under (the longest that matches), or "" when none does.
std::string_view tld_of(std::string_view name, const std::vector<std::string>& tlds);

// "a.com" and "xn--bcher-kva.net" are names; "A.com", "a..com", "-a.com" and "com" are not.
bool valid_name(std::string_view name);

} // namespace dropcat::sim
