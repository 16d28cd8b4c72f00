// Porkbun v3 (WIRE.md, "Porkbun v3"): POST /api/json/v3/{ping,domain/checkDomain/N,domain/create/N}
#include "apis.hpp"
#include "money_text.hpp"

#include <httplib.h>

#include <fmt/format.h>

namespace dropcat::sim {

namespace {

Json failure(std::string_view code, std::string_view message) {
    Json body{{"status", "ERROR"}};
    if (!code.empty()) body["code"] = code;
    body["message"] = message;
    return body;
}

// Porkbun's "limits" object; `remaining` adds ttlRemaining, as over-limit answers carry it.
Json limits(const SlidingWindow& window, int used, std::optional<Duration> remaining) {
    long ttl = wait_seconds(window.per());
    Json out{{"TTL", ttl}, {"limit", window.limit()}, {"used", used}};
    if (remaining) out["ttlRemaining"] = wait_seconds(*remaining);
    out["naturalLanguage"] =
        fmt::format("{} out of {} checks within {} seconds used.", used, window.limit(), ttl);
    return out;
}

// true or "true": clients differ in how they spell a flag in JSON.
bool is_true(const Json& body, const char* field) {
    if (!body.contains(field)) return false;
    const Json& value = body[field];
    if (value.is_boolean()) return value.get<bool>();
    return value.is_string() && value == "true";
}

// Why a create would not go through, as Porkbun says it.
struct Refusal {
    int status;
    const char* code;
    const char* outcome;
    std::string message;
};

Refusal refusal(const CreateResult& result, const std::string& name) {
    switch (result.outcome) {
    case CreateOutcome::price_mismatch:
        return {400, "PRICE_MISMATCH", "price-mismatch",
                fmt::format("The cost does not match the price of {} ({} cents).", name,
                            result.total.minor)};
    case CreateOutcome::insufficient_funds:
        return {402, "INSUFFICIENT_FUNDS", "insufficient-funds",
                "Insufficient funds in the account."};
    case CreateOutcome::unsupported_tld:
        return {400, "TLD_NOT_SUPPORTED", "unsupported-tld",
                fmt::format("{} is not a supported domain.", name)};
    default: // not available; premium needs no flag here, the exact cost is its guard
        return {400, "DOMAIN_NOT_AVAILABLE", "not-available",
                fmt::format("{} is not available.", name)};
    }
}

class Porkbun {
  public:
    Porkbun(Context& ctx, const httplib::Request& req, httplib::Response& res, Exchange& ex)
        : m_ctx(ctx), m_req(req), m_res(res), m_ex(ex) {}

    // Names the account before anything runs, so that even a request a fault swallows is
    // logged with it.
    void identify() {
        m_body = Json::parse(m_req.body.empty() ? "{}" : m_req.body, nullptr, false);
        if (!m_body.is_object()) return;
        std::string key = credential("apikey", "X-API-Key");
        std::string secret = credential("secretapikey", "X-Secret-API-Key");
        const auto& accounts = m_ctx.world.accounts();
        for (std::size_t i = 0; i < accounts.size(); ++i)
            if (accounts[i].api == "porkbun" && !key.empty() && accounts[i].key == key &&
                accounts[i].secret == secret) {
                m_account = i;
                m_ex.account = accounts[i].name;
                return;
            }
    }

    void execute() {
        if (!m_body.is_object()) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 400, failure("", "The request body is not a JSON object."));
        }
        if (!m_account) {
            m_ex.outcome = "auth-error";
            return reply_json(m_res, 403, failure("", "Invalid API key. (001)"));
        }
        if (m_ex.command == "ping") {
            m_ex.outcome = "ok";
            return reply_json(m_res, 200,
                              Json{{"status", "SUCCESS"}, {"yourIp", m_req.remote_addr}});
        }
        if (m_ex.command == "check") return check();
        if (m_ex.command == "owns") return list_all();
        create();
    }

  private:
    std::string credential(const char* field, const char* header) const {
        if (m_body.contains(field) && m_body[field].is_string()) return m_body[field];
        return m_req.get_header_value(header);
    }

    // The account's domains, 1000 a page from `start` (sim choice: only the fields dropcat
    // and most clients read).
    void list_all() {
        std::size_t start = 0;
        if (m_body.contains("start")) {
            const Json& s = m_body["start"];
            if (s.is_number_unsigned())
                start = s.get<std::size_t>();
            else if (s.is_string())
                start = std::strtoul(s.get<std::string>().c_str(), nullptr, 10);
        }
        auto guard = m_ctx.world.lock();
        auto names = m_ctx.world.owned_by(*m_account);
        Json domains = Json::array();
        for (std::size_t i = start; i < names.size() && i < start + 1000; ++i) {
            std::string tld = names[i].substr(names[i].rfind('.') + 1);
            domains.push_back(Json{{"domain", names[i]}, {"status", "ACTIVE"}, {"tld", tld}});
        }
        m_ex.outcome = "listed";
        reply_json(m_res, 200, Json{{"status", "SUCCESS"}, {"domains", domains}});
    }

    void check() {
        const std::string& name = m_ex.domains.front();
        auto guard = m_ctx.world.lock();
        Admission admission = m_ctx.world.admit(*m_account, LimitClass::check, m_ex.arrived);
        const SlidingWindow* window = m_ctx.world.limit(*m_account, LimitClass::check);
        if (!admission.admitted) {
            m_ex.outcome = "rate-limited";
            Json body = failure("", "");
            body["limits"] = limits(*window, admission.used, admission.retry_after);
            body["message"] = body["limits"]["naturalLanguage"];
            return reply_json(m_res, 400, body);
        }
        Quote q = m_ctx.world.quote(name, now());
        if (q.availability == Availability::unsupported_tld) {
            m_ex.outcome = "unsupported-tld";
            return reply_json(
                m_res, 400,
                failure("TLD_NOT_SUPPORTED", fmt::format("{} is not a supported domain.", name)));
        }
        bool available = q.availability == Availability::available;
        m_ex.outcome = available                                  ? "available"
                       : q.availability == Availability::reserved ? "reserved"
                                                                  : "taken";
        std::string price = plain_amount(q.price);
        Json body{{"status", "SUCCESS"},
                  {"response", Json{{"avail", available ? "yes" : "no"},
                                    {"type", "registration"},
                                    {"price", price},
                                    {"regularPrice", price},
                                    {"firstYearPromo", "no"},
                                    {"premium", q.premium ? "yes" : "no"},
                                    {"minDuration", 1}}}};
        // An account without a check limit has no budget to report.
        if (window != nullptr) body["limits"] = limits(*window, admission.used, std::nullopt);
        reply_json(m_res, 200, body);
    }

    void create() {
        std::string idempotency_key = m_req.get_header_value("Idempotency-Key");
        bool dry_run = is_true(m_body, "dryRun");
        auto guard = m_ctx.world.lock();
        if (!idempotency_key.empty() && !dry_run) {
            if (const StoredAnswer* first = m_ctx.world.replay(*m_account, idempotency_key)) {
                m_ex.outcome = "replayed";
                m_res.status = first->status;
                return m_res.set_content(first->body, "application/json");
            }
        }
        if (!m_body.contains("cost") || !m_body["cost"].is_number_integer()) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 400,
                              failure("INVALID_COST", "cost must be the price in whole cents."));
        }
        if (!m_body.contains("agreeToTerms") || m_body["agreeToTerms"] != "yes") {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 400,
                              failure("TERMS_NOT_AGREED", "agreeToTerms must be \"yes\"."));
        }
        // A dry run costs no create budget (Porkbun's documented promise).
        if (!dry_run && !admitted_create()) return;
        CreateOrder order;
        order.account = *m_account;
        order.name = m_ex.domains.front();
        order.premium_acknowledged = true; // the exact cost is Porkbun's premium guard
        order.cost = m_body["cost"].get<std::int64_t>();
        order.dry_run = dry_run;
        CreateResult result = m_ctx.world.create(order, now());
        if (dry_run) return dry_run_answer(result);
        answer(result);
        if (!idempotency_key.empty())
            m_ctx.world.remember(*m_account, idempotency_key,
                                 StoredAnswer{m_res.status, m_res.body});
    }

    // Porkbun answers an over-limit create with HTTP 429 and Retry-After. Call it with the
    // world locked, once the request is known to be valid.
    bool admitted_create() {
        Admission admission = m_ctx.world.admit(*m_account, LimitClass::create, m_ex.arrived);
        if (admission.admitted) return true;
        m_ex.outcome = "rate-limited";
        const SlidingWindow* window = m_ctx.world.limit(*m_account, LimitClass::create);
        m_res.set_header("Retry-After", std::to_string(wait_seconds(admission.retry_after)));
        reply_json(
            m_res, 429,
            failure("", fmt::format("{} out of {} creates within {} seconds used.", admission.used,
                                    window->limit(), wait_seconds(window->per()))));
        return false;
    }

    void answer(const CreateResult& result) {
        if (result.outcome != CreateOutcome::registered) {
            Refusal r = refusal(result, m_ex.domains.front());
            m_ex.outcome = r.outcome;
            return reply_json(m_res, r.status, failure(r.code, r.message));
        }
        m_ex.outcome = "registered";
        reply_json(m_res, 200,
                   Json{{"status", "SUCCESS"},
                        {"domain", m_ex.domains.front()},
                        {"cost", result.total.minor},
                        {"orderId", result.order_id},
                        {"balance", plain_amount(result.balance)}});
    }

    void dry_run_answer(const CreateResult& result) {
        m_ex.outcome = "dry-run";
        bool ok = result.outcome == CreateOutcome::would_succeed;
        std::int64_t shortfall =
            std::max<std::int64_t>(0, result.total.minor - result.balance.minor);
        Json body{{"status", "SUCCESS"},
                  {"dryRun", true},
                  {"wouldSucceed", ok},
                  {"balance", plain_amount(result.balance)},
                  {"sufficientFunds", shortfall == 0},
                  {"shortfall", shortfall}};
        if (!ok) body["message"] = refusal(result, m_ex.domains.front()).message;
        reply_json(m_res, 200, body);
    }

    Context& m_ctx;
    const httplib::Request& m_req;
    httplib::Response& m_res;
    Exchange& m_ex;
    Json m_body;
    std::optional<std::size_t> m_account;
};

void route(Context& ctx, std::string_view command, const httplib::Request& req,
           httplib::Response& res) {
    Exchange ex = start_exchange(req, "porkbun", command);
    if (req.matches.size() > 1) ex.domains = {ascii_lower(req.matches[1].str())};
    Porkbun porkbun(ctx, req, res, ex);
    porkbun.identify();
    serve(ctx, ex, res, [&] { porkbun.execute(); });
}

} // namespace

void add_porkbun(httplib::Server& server, Context& ctx) {
    server.Post("/api/json/v3/ping", [&ctx](const httplib::Request& req, httplib::Response& res) {
        route(ctx, "ping", req, res);
    });
    server.Post("/api/json/v3/domain/checkDomain/([^/]+)",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    route(ctx, "check", req, res);
                });
    server.Post("/api/json/v3/domain/listAll",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    route(ctx, "owns", req, res);
                });
    server.Post("/api/json/v3/domain/create/([^/]+)",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    route(ctx, "create", req, res);
                });
}

} // namespace dropcat::sim
