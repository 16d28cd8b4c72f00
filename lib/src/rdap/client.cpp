// RDAP look-ups: one worker per RDAP host, each host paced by the configured rate and by the
// waits it asks for, redirects followed by hand so that every hop is paced by its own host.
#include "dropcat/rdap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace dropcat {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::size_t k_max_workers = 32;
constexpr int k_max_attempts = 6; // over-limit answers to one name before it is given up
// A host that refused this many names in a row is not asked again in the run: its names are
// unknown at once, rather than each waiting out the whole back-off again.
constexpr int k_max_names_given_up = 2;
// The longest wait dropcat takes for a host, whatever its Retry-After says.
constexpr milliseconds k_longest_hold = std::chrono::minutes(10);

// "https://rdap.example:8443" of "https://rdap.example:8443/rdap/domain/a.com".
std::string origin_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::string(url);
    auto path = url.find('/', scheme + 3);
    return std::string(url.substr(0, path));
}

// A Location header against the URL it answered.
std::string resolve(std::string_view base, std::string_view location) {
    if (location.find("://") != std::string_view::npos) return std::string(location);
    if (location.starts_with("//")) // scheme-relative
        return std::string(base.substr(0, base.find(':') + 1)) + std::string(location);
    if (!location.empty() && location.front() == '/')
        return origin_of(base) + std::string(location);
    auto slash = base.rfind('/');
    return std::string(base.substr(0, slash + 1)) + std::string(location);
}

bool over_limit(long status) {
    return status == 429 || status == 403 || status == 422;
}

HttpOptions http_options_of(const RdapOptions& options) {
    HttpOptions http;
    http.connect_timeout = options.connect_timeout;
    http.total_timeout = options.timeout;
    http.user_agent = options.user_agent;
    http.clock = options.clock;
    http.ca_file = options.ca_file;
    return http;
}

} // namespace

struct RdapClient::Impl {
    RdapOptions options;
    RdapBootstrap bootstrap;
    HttpLog log;

    struct Host {
        Clock::time_point next_free{};  // the next request's slot by the rate
        Clock::time_point held_until{}; // what the host asked for (Retry-After, back-off)
        milliseconds backoff{0};
        int names_given_up = 0; // names in a row it refused k_max_attempts times
    };
    std::mutex hosts_mutex;
    std::map<std::string, Host> hosts;
    std::atomic<std::size_t> over_limit_answers{0};

    milliseconds interval() const {
        double rate = options.requests_per_second > 0 ? options.requests_per_second : 1.0;
        // A little over the exact spacing, so that arrival jitter never puts one request more
        // in the server's window than the rate allows.
        return milliseconds(static_cast<long>(1000.0 / rate * 1.02) + 1);
    }

    // Books the next slot of `origin`: when it is, or nothing when the host is given up.
    std::optional<Clock::time_point> reserve(const std::string& origin) {
        std::lock_guard lock(hosts_mutex);
        Host& h = hosts[origin];
        if (h.names_given_up >= k_max_names_given_up) return std::nullopt;
        Clock::time_point at = std::max({options.clock->now(), h.next_free, h.held_until});
        h.next_free = at + interval();
        return at;
    }

    // Called when a request's wait is over: whether a hold the host asked for since the slot
    // was booked still runs (the request then waits for it and books again, instead of going
    // inside it). Otherwise the request goes now, and the next slot is counted from now: a
    // request that woke late must not leave the one after it closer than the rate allows.
    bool held(const std::string& origin) {
        std::lock_guard lock(hosts_mutex);
        Host& h = hosts[origin];
        auto now = options.clock->now();
        if (h.held_until > now) return true;
        h.next_free = std::max(h.next_free, now + interval());
        return false;
    }

    // The host asked us to slow down: nothing goes to it before the wait is over. The wait
    // asked (Retry-After) or the back-off (doubling from first_backoff), at most k_longest_hold.
    void hold(const std::string& origin, std::optional<milliseconds> asked) {
        std::lock_guard lock(hosts_mutex);
        Host& h = hosts[origin];
        milliseconds wait;
        if (asked) {
            wait = std::max(*asked, interval());
        } else {
            h.backoff = h.backoff.count() == 0 ? options.first_backoff
                                               : std::min(h.backoff * 2, k_longest_hold);
            wait = h.backoff;
        }
        h.held_until =
            std::max(h.held_until, options.clock->now() + std::min(wait, k_longest_hold));
    }

    void answered(const std::string& origin) {
        std::lock_guard lock(hosts_mutex);
        hosts[origin].backoff = milliseconds(0);
        hosts[origin].names_given_up = 0;
    }

    void gave_up(const std::string& origin) {
        std::lock_guard lock(hosts_mutex);
        ++hosts[origin].names_given_up;
    }

    RdapRecord look_up(HttpClient& http, const std::string& domain, const HttpBounds& bounds);
};

RdapRecord RdapClient::Impl::look_up(HttpClient& http, const std::string& domain,
                                     const HttpBounds& bounds) {
    RdapRecord r;
    r.domain = domain;
    auto unknown = [&](std::string problem) {
        r.phase = Phase::unknown;
        r.problem = std::move(problem);
        return r;
    };
    auto base = bootstrap.base_for(domain);
    if (!base) {
        auto dot = domain.rfind('.');
        return unknown(fmt::format("no RDAP server is known for .{}",
                                   dot == std::string::npos ? domain : domain.substr(dot + 1)));
    }
    std::string url = *base + "domain/" + domain;
    int hops = 0;
    int limited = 0;
    while (true) {
        std::string origin = origin_of(url);
        std::optional<Clock::time_point> at;
        do {
            at = reserve(origin);
            if (!at) { // reported as unknown, not dropped: the run decided, no stop did
                return unknown(
                    fmt::format("{} keeps refusing (HTTP 403, 422 or 429): not asked", origin));
            }
            if (*at > bounds.deadline || bounds.stop.stop_requested() ||
                !options.clock->sleep_until(*at, bounds.stop)) {
                r.asked = false;
                return unknown("not asked: the run was stopped or its time was up");
            }
        } while (held(origin));
        HttpRequest request;
        request.url = url;
        request.headers.push_back({"Accept", "application/rdap+json"});
        HttpResult result = http.perform(request, bounds);
        r.server = url;
        if (!result) {
            if (result.error().interrupted) {
                r.asked = hops > 0 || limited > 0;
                return unknown("stopped before an answer");
            }
            return unknown(result.error().message);
        }
        const HttpResponse& res = *result;
        r.http_status = res.status;
        if (res.status >= 300 && res.status < 400) {
            auto location = res.header("location");
            if (!location || location->empty())
                return unknown(fmt::format("HTTP {} without a Location", res.status));
            if (++hops > options.max_redirects)
                return unknown(fmt::format("more than {} redirects", options.max_redirects));
            std::string next = resolve(url, *location);
            if (url.starts_with("https://") && !next.starts_with("https://"))
                return unknown(fmt::format("a redirect from https to {} was refused", next));
            url = std::move(next);
            continue;
        }
        if (over_limit(res.status)) {
            ++over_limit_answers;
            hold(origin, retry_after(res, options.clock->wall_now()));
            if (++limited >= k_max_attempts) {
                gave_up(origin);
                return unknown(fmt::format("HTTP {} {} times in a row: the server's limit",
                                           res.status, limited));
            }
            continue;
        }
        answered(origin);
        if (res.status == 404) {
            r.phase = Phase::available;
            return r;
        }
        if (res.status != 200) return unknown(fmt::format("HTTP {}", res.status));
        auto parsed = parse_rdap_domain(res.body, options.profiles.for_domain(domain).reports_rgp);
        if (!parsed) return unknown(parsed.error().message);
        parsed->domain = domain;
        parsed->server = url;
        parsed->http_status = res.status;
        return *parsed;
    }
}

RdapClient::RdapClient(RdapOptions options, RdapBootstrap bootstrap, HttpLog log)
    : m(std::make_unique<Impl>()) {
    m->options = std::move(options);
    m->bootstrap = std::move(bootstrap);
    m->log = std::move(log);
}

RdapClient::~RdapClient() = default;

std::size_t RdapClient::over_limit_answers() const {
    return m->over_limit_answers;
}

void RdapClient::lookup(const std::vector<std::string>& domains, const Done& done,
                        const HttpBounds& bounds) {
    // Names by the host their bootstrap service names, each host's names in the order given.
    std::map<std::string, std::deque<std::string>> by_host;
    std::vector<std::string> host_order;
    for (const auto& d : domains) {
        auto base = m->bootstrap.base_for(d);
        std::string origin = base ? origin_of(*base) : std::string();
        auto [it, fresh] = by_host.try_emplace(origin);
        if (fresh) host_order.push_back(origin);
        it->second.push_back(d);
    }
    std::mutex queue_mutex; // the hosts not yet taken by a worker
    std::deque<std::string> queue(host_order.begin(), host_order.end());
    std::mutex done_mutex;
    auto worker = [&] {
        HttpClient http(http_options_of(m->options), Redactor(), m->log);
        while (true) {
            std::string host;
            {
                std::lock_guard lock(queue_mutex);
                if (queue.empty()) return;
                host = std::move(queue.front());
                queue.pop_front();
            }
            for (const auto& d : by_host[host]) {
                RdapRecord r = m->look_up(http, d, bounds);
                std::lock_guard lock(done_mutex);
                done(r);
            }
        }
    };
    std::size_t workers = std::min(k_max_workers, host_order.size());
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < workers; ++i)
        threads.emplace_back(worker);
    if (workers > 0) worker();
}

Result<std::string> fetch_bootstrap(const RdapOptions& options, const HttpBounds& bounds) {
    HttpClient http(http_options_of(options), Redactor(), {});
    std::string url = options.bootstrap_url;
    for (int hop = 0; hop <= options.max_redirects; ++hop) {
        HttpRequest request;
        request.url = url;
        request.headers.push_back({"Accept", "application/json"});
        HttpResult result = http.perform(request, bounds);
        if (!result)
            return fail(ErrorKind::unavailable,
                        fmt::format("cannot fetch {}: {}", url, result.error().message));
        if (result->status >= 300 && result->status < 400) {
            auto location = result->header("location");
            if (!location || location->empty())
                return fail(ErrorKind::unavailable,
                            fmt::format("cannot fetch {}: HTTP {} without a Location", url,
                                        result->status));
            url = resolve(url, *location);
            continue;
        }
        if (result->status != 200)
            return fail(ErrorKind::unavailable,
                        fmt::format("cannot fetch {}: HTTP {}", url, result->status));
        if (auto parsed = RdapBootstrap::parse(result->body); !parsed)
            return fail(ErrorKind::unavailable, fmt::format("{}: {}", url, parsed.error().message));
        return std::move(result->body);
    }
    return fail(ErrorKind::unavailable, fmt::format("cannot fetch {}: too many redirects", url));
}

} // namespace dropcat
