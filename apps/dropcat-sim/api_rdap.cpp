// RDAP (RFC 9083) for the simulated names, the IANA-style bootstrap file that points clients
// at it, the registry hosts of [rdap] hosts, and the pages that are not an API.
#include "apis.hpp"
#include "sliding_window.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <map>
#include <mutex>

namespace dropcat::sim {

namespace {

constexpr const char* k_rdap_type = "application/rdap+json";

std::string upper(std::string text) {
    for (char& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

// Which registry host answers for a TLD: with [rdap] hosts, the TLDs are dealt out round robin
// in the order [sim] tlds lists them; without, the main address answers all.
int host_of(const Context& ctx, std::string_view name) {
    if (ctx.rdap_hosts.empty()) return 0;
    std::string_view tld = tld_of(name, ctx.world.tlds());
    const auto& tlds = ctx.world.tlds();
    auto it = std::find(tlds.begin(), tlds.end(), tld);
    if (it == tlds.end()) return 1;
    return static_cast<int>((it - tlds.begin()) % static_cast<long>(ctx.rdap_hosts.size())) + 1;
}

std::string host_base(const Context& ctx, int host) {
    return host == 0 ? ctx.base_url : ctx.rdap_hosts[static_cast<std::size_t>(host - 1)];
}

std::string host_label(int host) {
    return host == 0 ? "main" : std::to_string(host);
}

// Each host's own limit ([rdap] per_second): look-ups over it get 429 and Retry-After.
class HostLimits {
  public:
    bool admit(int host, int per_second, Instant arrival) {
        std::lock_guard lock(m_mutex);
        auto it = m_windows.find(host);
        if (it == m_windows.end())
            it = m_windows
                     .emplace(host, SlidingWindow(per_second, std::chrono::seconds(1),
                                                  std::chrono::seconds(5)))
                     .first;
        return it->second.admit(arrival);
    }

  private:
    std::mutex m_mutex;
    std::map<int, SlidingWindow> m_windows;
};

HostLimits& host_limits() {
    static HostLimits limits;
    return limits;
}

void lookup(Context& ctx, const std::string& name, int host, httplib::Response& res, Exchange& ex) {
    if (auto per_second = ctx.world.rdap().per_second) {
        if (!host_limits().admit(host, *per_second, ex.arrived)) {
            ex.outcome = "over-limit";
            res.set_header("Retry-After", "1");
            return reply_json(
                res, 429,
                Json{{"rdapConformance", {"rdap_level_0"}},
                     {"errorCode", 429},
                     {"title", "Too Many Requests"},
                     {"description", {fmt::format("at most {} look-ups a second", *per_second)}}},
                k_rdap_type);
        }
    }
    if (host != host_of(ctx, name)) {
        ex.outcome = "not-found";
        return reply_json(res, 404,
                          Json{{"errorCode", 404},
                               {"title", "Not Found"},
                               {"description", {"this server does not serve that TLD"}}},
                          k_rdap_type);
    }
    std::optional<Holding> holding;
    {
        auto guard = ctx.world.lock();
        holding = ctx.world.holding(name, now());
    }
    if (!holding) {
        ex.outcome = "not-found";
        return reply_json(res, 404,
                          Json{{"rdapConformance", {"rdap_level_0"}},
                               {"errorCode", 404},
                               {"title", "Not Found"},
                               {"description", {fmt::format("{} is not registered.", name)}}},
                          k_rdap_type);
    }
    ex.outcome = "found";
    std::string self = fmt::format("{}/rdap/domain/{}", host_base(ctx, host), name);
    Json events = Json::array();
    // To the microsecond: when the create that registered it arrived (RFC 3339 allows the
    // fraction; most registries give whole seconds), so that catch results can measure it.
    events.push_back(
        Json{{"eventAction", "registration"}, {"eventDate", format_utc_micros(holding->since)}});
    if (holding->expires_at)
        events.push_back(Json{{"eventAction", "expiration"},
                              {"eventDate", format_utc_seconds(*holding->expires_at)}});
    if (holding->deletion_event_at)
        events.push_back(Json{{"eventAction", "deletion"},
                              {"eventDate", format_utc_seconds(*holding->deletion_event_at)}});
    events.push_back(Json{{"eventAction", "last update of RDAP database"},
                          {"eventDate", format_utc_seconds(now())}});
    reply_json(
        res, 200,
        Json{{"objectClassName", "domain"},
             {"handle", fmt::format("SIM-{}", upper(name))},
             {"ldhName", upper(name)},
             {"status", holding->statuses},
             {"events", events},
             {"rdapConformance", {"rdap_level_0"}},
             {"links",
              Json::array({Json{
                  {"value", self}, {"rel", "self"}, {"href", self}, {"type", k_rdap_type}}})}},
        k_rdap_type);
}

void bootstrap(Context& ctx, httplib::Response& res, Exchange& ex) {
    ex.outcome = "ok";
    Json services = Json::array();
    if (ctx.world.rdap().redirect) {
        services.push_back(
            Json::array({ctx.world.tlds(), {fmt::format("{}/rdap-redirect/", ctx.base_url)}}));
    } else if (ctx.rdap_hosts.empty()) {
        services.push_back(
            Json::array({ctx.world.tlds(), {fmt::format("{}/rdap/", ctx.base_url)}}));
    } else {
        std::map<int, std::vector<std::string>> by_host;
        for (const auto& tld : ctx.world.tlds())
            by_host[host_of(ctx, "x." + tld)].push_back(tld);
        for (const auto& [host, tlds] : by_host)
            services.push_back(
                Json::array({tlds, {fmt::format("{}/rdap/", host_base(ctx, host))}}));
    }
    reply_json(res, 200,
               Json{{"version", "1.0"},
                    {"publication", format_utc_seconds(ctx.world.start())},
                    {"description", "dropcat-sim: every served TLD answers at this simulator"},
                    {"services", services}});
}

constexpr const char* k_about =
    R"(dropcat-sim: a local registrar and registry simulator for dropcat.

It serves, from the scenario file it was started with:
  GET  /api3.json                      Dynadot api3 (search, register, account_info)
  POST /api/json/v3/...                Porkbun v3 (ping, domain/checkDomain, domain/create)
  GET  /xml.response, POST             Namecheap (domains.check, domains.create,
                                       users.getBalances, users.getPricing)
  GET  /rdap/domain/NAME               RDAP for the simulated names
  GET  /rdap-redirect/domain/NAME      a redirect to the RDAP host of the name's TLD
  GET  /rdap/bootstrap/dns.json        an RDAP bootstrap file pointing here

Names drop at the times the scenario gives; the first registration wins.
Not a real registrar: nothing here is ever bought. See dropcat-sim(1).
)";

} // namespace

void add_rdap_host(httplib::Server& server, Context& ctx, int host) {
    server.Get("/rdap/domain/([^/]+)",
               [&ctx, host](const httplib::Request& req, httplib::Response& res) {
                   Exchange ex = start_exchange(req, "rdap", "lookup");
                   ex.domains = {ascii_lower(req.matches[1].str())};
                   ex.host = host_label(host);
                   serve(ctx, ex, res, [&] { lookup(ctx, ex.domains.front(), host, res, ex); });
               });
}

void add_rdap(httplib::Server& server, Context& ctx) {
    add_rdap_host(server, ctx, 0);
    server.Get("/rdap-redirect/domain/([^/]+)", [&ctx](const httplib::Request& req,
                                                       httplib::Response& res) {
        Exchange ex = start_exchange(req, "rdap", "lookup");
        ex.domains = {ascii_lower(req.matches[1].str())};
        ex.host = "redirect";
        serve(ctx, ex, res, [&] {
            ex.outcome = "redirect";
            int host = host_of(ctx, ex.domains.front());
            res.status = 302;
            res.set_header("Location", fmt::format("{}/rdap/domain/{}", host_base(ctx, host),
                                                   ex.domains.front()));
        });
    });
    server.Get("/rdap/bootstrap/dns.json",
               [&ctx](const httplib::Request& req, httplib::Response& res) {
                   Exchange ex = start_exchange(req, "rdap", "bootstrap");
                   serve(ctx, ex, res, [&] { bootstrap(ctx, res, ex); });
               });
}

void add_about(httplib::Server& server, Context& ctx) {
    server.Get("/", [&ctx](const httplib::Request& req, httplib::Response& res) {
        Exchange ex = start_exchange(req, "sim", "about");
        ex.outcome = "ok";
        ex.status = 200;
        res.set_content(k_about, "text/plain; charset=utf-8");
        ctx.log.write(ex);
    });
    // Registered last, so it only sees what no API route took: a misspelled path or a method
    // nothing serves is logged rather than silently refused. Always 404, never 405: HTTP 405 is
    // Namecheap's over-limit signal, and a client must not read a wrong method as a rate limit.
    auto unknown = [&ctx](const httplib::Request& req, httplib::Response& res) {
        Exchange ex = start_exchange(req, "sim", fmt::format("{} {}", req.method, req.path));
        ex.outcome = "bad-request";
        ex.status = 404;
        res.status = 404;
        res.set_content(
            fmt::format("dropcat-sim: nothing is served at {} {}\n", req.method, req.path),
            "text/plain; charset=utf-8");
        ctx.log.write(ex);
    };
    server.Get(".*", unknown);
    server.Post(".*", unknown);
    server.Put(".*", unknown);
    server.Delete(".*", unknown);
    server.Patch(".*", unknown);
    server.Options(".*", unknown);
}

} // namespace dropcat::sim
