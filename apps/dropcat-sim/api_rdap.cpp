// RDAP (RFC 9083) for the simulated names, the IANA-style bootstrap file that points clients
// at it, and the pages that are not an API.
#include "apis.hpp"

#include <httplib.h>

#include <fmt/format.h>

namespace dropcat::sim {

namespace {

constexpr const char* k_rdap_type = "application/rdap+json";

std::string upper(std::string text) {
    for (char& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

void lookup(Context& ctx, const std::string& name, httplib::Response& res, Exchange& ex) {
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
    std::string self = fmt::format("{}/rdap/domain/{}", ctx.base_url, name);
    Json events = Json::array();
    events.push_back(
        Json{{"eventAction", "registration"}, {"eventDate", format_utc_seconds(holding->since)}});
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
    Json service = Json::array({ctx.world.tlds(), {fmt::format("{}/rdap/", ctx.base_url)}});
    reply_json(res, 200,
               Json{{"version", "1.0"},
                    {"publication", format_utc_seconds(ctx.world.start())},
                    {"description", "dropcat-sim: every served TLD answers at this simulator"},
                    {"services", Json::array({service})}});
}

constexpr const char* k_about =
    R"(dropcat-sim: a local registrar and registry simulator for dropcat.

It serves, from the scenario file it was started with:
  GET  /api3.json                      Dynadot api3 (search, register, account_info)
  POST /api/json/v3/...                Porkbun v3 (ping, domain/checkDomain, domain/create)
  GET  /xml.response, POST             Namecheap (domains.check, domains.create,
                                       users.getBalances, users.getPricing)
  GET  /rdap/domain/NAME               RDAP for the simulated names
  GET  /rdap/bootstrap/dns.json        an RDAP bootstrap file pointing here

Names drop at the times the scenario gives; the first registration wins.
Not a real registrar: nothing here is ever bought. See dropcat-sim(1).
)";

} // namespace

void add_rdap(httplib::Server& server, Context& ctx) {
    server.Get("/rdap/domain/([^/]+)", [&ctx](const httplib::Request& req, httplib::Response& res) {
        Exchange ex = start_exchange(req, "rdap", "lookup");
        ex.domains = {ascii_lower(req.matches[1].str())};
        serve(ctx, ex, res, [&] { lookup(ctx, ex.domains.front(), res, ex); });
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
