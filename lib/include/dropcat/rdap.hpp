#pragma once

// Registry state over RDAP (RFC 9082, 9083, 9224): what phase of its lifecycle a name is in,
// and when it will drop.

#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/http.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

// Internal (lib/src/rdap/profile_table.hpp), declared before the public part so that it keeps
// the library's hidden visibility.
namespace dropcat::rdap {
struct ProfileAccess;
}

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// ---- statuses, events and the lifecycle phase

// Where a name is in its lifecycle. `pending_delete` is the final days (RFC 3915's
// pendingDelete rgpStatus), not RFC 5731's pendingDelete, which covers the redemption period
// too. `unknown`: no answer could be had (a timeout, a 5xx, a body that is not RDAP).
enum class Phase {
    registered,
    auto_renew_grace,
    redemption,
    pending_restore,
    pending_delete,
    available,
    unknown
};

std::string_view phase_name(Phase phase); // "auto-renew-grace", ...
std::optional<Phase> parse_phase(std::string_view name);

// A status as RFC 9083 and RFC 8056 spell it: "client transfer prohibited", "pending delete",
// "active". Accepts the camelCase EPP codes ("clientTransferProhibited", "ok"), any case, and
// an appended URL ("clientHold https://icann.org/epp#clientHold").
std::string normalise_status(std::string_view status);

// The phase the registry's statuses (normalised) say. `reports_rgp`: the registry shows the
// redemption period as a status of its own (RFC 3915 through RFC 8056); where it does not
// (Nominet), "pending delete" alone is read as redemption, the longer of the two it may mean.
Phase phase_of(const std::vector<std::string>& statuses, bool reports_rgp = true);

struct RdapEvent {
    std::string action; // RFC 9083 §10.2.3, lower case: "expiration", "last changed", ...
    Instant at{};
};

// One answer about one name.
struct RdapRecord {
    std::string domain; // A-label, lower case, as asked
    Phase phase = Phase::unknown;
    std::vector<std::string> statuses; // normalised, in the registry's order
    std::vector<RdapEvent> events;
    std::string server; // the URL that answered, after redirects
    long http_status = 0;
    std::string problem; // why the phase is unknown, when it is
    bool asked = true;   // false: the run stopped (or ran out of time) before asking

    // The first event with this action.
    std::optional<Instant> event(std::string_view action) const;
};

// Reads an RDAP domain object (RFC 9083 §5.3). Statuses are normalised; events whose dates are
// not RFC 3339 or are out of range are left out. Kind `data` for a body that is not one.
Result<RdapRecord> parse_rdap_domain(std::string_view body, bool reports_rgp = true);

// ---- bootstrap (RFC 9224)

class RdapBootstrap {
  public:
    // Reads IANA's dns.json format. Kind `data` when it is not one.
    static Result<RdapBootstrap> parse(std::string_view json);

    // The base URL (ending in '/') for a name: the service with the longest label that is a
    // suffix of the name on a label boundary; https preferred over http. None: no service.
    std::optional<std::string> base_for(std::string_view domain) const;
    const std::string& publication() const { return m_publication; }
    std::size_t size() const { return m_bases.size(); }

  private:
    std::map<std::string, std::string, std::less<>> m_bases; // label -> base URL
    std::string m_publication;
};

// The copy of IANA's dns.json that ships with dropcat.
std::string_view shipped_bootstrap();

// The bootstrap file in use: the copy `dropcat status --refresh-bootstrap` saved under
// ${XDG_CACHE_HOME:-~/.cache}/dropcat/rdap-dns.json when there is one that reads, else the
// shipped copy.
struct BootstrapInUse {
    RdapBootstrap bootstrap;
    std::string source;              // the cached file's path, or "shipped"
    std::optional<Instant> saved_at; // when the cached copy was saved
};
BootstrapInUse bootstrap_in_use();
// Saves a fetched bootstrap file as the cached copy (written whole, then renamed into place);
// its path.
Result<std::string> save_bootstrap(std::string_view text);

// ---- registry lifecycle profiles

// What a registry does with an expired name and when it releases it. Shipped as data
// (lifecycle.toml), overridable per TLD in the configuration.
struct LifecycleProfile {
    std::string tld;                           // "" for the defaults
    int grace_days_max = 45;                   // auto-renew grace, at most
    int redemption_days = 30;                  // redemption grace period
    int pending_delete_days = 5;               // the final days
    bool reports_rgp = true;                   // see phase_of
    std::string zone = "UTC";                  // the release times' time zone (IANA name)
    std::vector<int> release_minutes{19 * 60}; // releases a day, minutes after 00:00 in zone
    std::vector<int> weekdays;                 // 0 = Sunday; empty: every day
    int release_spread_minutes = 60;           // how long one release takes
    bool list_time = false;                    // the drop list's own time is the release (Nominet)
    std::string note;
};

class LifecycleProfiles {
  public:
    LifecycleProfiles(); // the built-in defaults, no TLD of its own
    // Reads a profiles file (lifecycle.toml's form): [default] and [tld.NAME] tables. Kind
    // `config` with "NAME:LINE: KEY: REASON" for a problem.
    static Result<LifecycleProfiles> parse(std::string_view toml, std::string_view name);
    // The shipped profiles (data/lifecycle.toml, built in).
    static const LifecycleProfiles& shipped();

    // The profile for a name: the longest listed suffix's keys ("uk" for "a.co.uk") over the
    // defaults.
    LifecycleProfile for_domain(std::string_view domain) const;
    std::vector<std::string> tlds() const;

  private:
    friend struct rdap::ProfileAccess; // the configuration's overrides
    struct Tables;
    std::shared_ptr<const Tables> m_tables;
};

// ---- prediction

// One stored look-up of a name.
struct Observation {
    Instant at{};
    Phase phase = Phase::unknown;
    std::vector<std::string> statuses;
    std::vector<RdapEvent> events;
};

struct DropWindow {
    Instant earliest{};
    Instant latest{};
    std::string basis; // "pending delete first seen 2026-12-01T10:00:00Z + 5 days", ...
};

// The drop window history (oldest first) and the profile give, or none when nothing bounds
// it (a name registered and not yet expired, available, or never answered). Candidates: final
// pending delete first seen + the pending-delete days; redemption first seen + redemption and
// pending-delete days; a deletion event + the same; the expiration date + redemption and
// pending-delete days, up to the longest grace more. Each is bounded on both sides by the
// observation before the phase was first seen, none starts before what the current phase
// allows (in redemption the final days are still ahead), and each end moves to the profile's
// next release. The narrowest window wins; one that has passed with the name still there is
// dropped, and when all have, the window is the next release ("overdue: ...").
std::optional<DropWindow> predict_drop(const std::vector<Observation>& history,
                                       const LifecycleProfile& profile, Instant now);

// The first release (by the profile's times, zone and weekdays) at or after `t`.
Instant next_release(const LifecycleProfile& profile, Instant t);

// Whether the name left redemption or pending delete for registered again (a restore, or a
// renewal in grace) between the last two observations.
bool restored_between(const Observation& before, const Observation& after);

// ---- the client

struct RdapOptions {
    std::string bootstrap_url = "https://data.iana.org/rdap/dns.json";
    double requests_per_second = 1.0; // per RDAP host, shared by every look-up of a client
    std::chrono::milliseconds timeout{15000};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds first_backoff{5000}; // a 429 without Retry-After, a 403 or 422
    int max_redirects = 5;
    std::string ca_file;
    std::string user_agent = "dropcat";
    const Clock* clock = &real_clock();
    LifecycleProfiles profiles = LifecycleProfiles::shipped(); // whether a TLD reports RGP
};

// Looks names up over RDAP within a per-host request rate: requests to one host are spaced
// by the rate and held for any wait the host asked for (a hold that comes while a request
// waits for its slot holds it too); the names of each bootstrap host are asked by a worker of
// their own, so different hosts are asked at once. Waits on the options' clock (the waiting
// is the look-up's own pacing), never past the bounds' deadline, and ends at once on their
// stop. A wait is at most 10 minutes, whatever Retry-After says; a host that refused two
// names in a row six times each is not asked again in the run.
class RdapClient {
  public:
    RdapClient(RdapOptions options, RdapBootstrap bootstrap, HttpLog log = {});
    ~RdapClient();
    RdapClient(const RdapClient&) = delete;
    RdapClient& operator=(const RdapClient&) = delete;

    using Done = std::function<void(const RdapRecord&)>;

    // Looks every name up (A-labels) and calls `done` for each as it completes (from worker
    // threads, one call at a time). A name no service covers, a timeout, a 5xx or a body that
    // is not RDAP comes back as phase unknown with a problem, never as available; only a 404
    // is available. A 429 waits for its Retry-After (or backs off from first_backoff, doubling
    // per host) and asks again, as a 403 or 422 does. A name the run stopped before asking
    // comes back unknown with `asked` false.
    void lookup(const std::vector<std::string>& domains, const Done& done,
                const HttpBounds& bounds = {});

    // Over-limit answers (429, 403, 422) seen so far.
    std::size_t over_limit_answers() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// Fetches a bootstrap file (for `status --refresh-bootstrap`): its text, once it parses.
Result<std::string> fetch_bootstrap(const RdapOptions& options, const HttpBounds& bounds = {});

} // namespace dropcat

DROPCAT_PUBLIC_END
