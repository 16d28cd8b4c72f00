// Dynadot api3 (WIRE.md, "Dynadot api3"): GET /api3.json?key=K&command=C&...
#include "apis.hpp"
#include "money_text.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <charconv>

namespace dropcat::sim {

namespace {

constexpr int k_max_search = 100;

std::string_view command_of(const std::string& dynadot_command) {
    if (dynadot_command == "search") return "check";
    if (dynadot_command == "register") return "create";
    if (dynadot_command == "account_info") return "ping";
    if (dynadot_command == "domain_info") return "owns";
    return dynadot_command;
}

// domain0..domain99 in index order; one past the limit is kept so it can be refused.
std::vector<std::string> search_names(const httplib::Request& req) {
    std::vector<std::string> names;
    for (int i = 0; i <= k_max_search; ++i) {
        std::string key = fmt::format("domain{}", i);
        if (req.has_param(key.c_str()))
            names.push_back(ascii_lower(req.get_param_value(key.c_str())));
    }
    return names;
}

Json error(std::string_view wrapper, std::string_view message) {
    Json inner;
    inner["ResponseCode"] = "-1";
    if (wrapper != "Response") inner["Status"] = "error";
    inner["Error"] = message;
    Json body;
    body[std::string(wrapper)] = inner;
    return body;
}

Json system_busy(std::string_view wrapper) {
    Json body;
    body[std::string(wrapper)] = Json{{"ResponseCode", "5"}, {"Status", "system_busy"}};
    return body;
}

class Dynadot {
  public:
    Dynadot(Context& ctx, const httplib::Request& req, httplib::Response& res, Exchange& ex)
        : m_ctx(ctx), m_req(req), m_res(res), m_ex(ex) {}

    // Names the account before anything runs, so that even a request a fault swallows is
    // logged with it.
    void identify() {
        std::string key = m_req.get_param_value("key");
        const auto& accounts = m_ctx.world.accounts();
        for (std::size_t i = 0; i < accounts.size(); ++i)
            if (accounts[i].api == "dynadot" && !key.empty() && accounts[i].key == key) {
                m_account = i;
                m_ex.account = accounts[i].name;
                return;
            }
    }

    void execute() {
        if (!m_account) {
            m_ex.outcome = "auth-error";
            return reply_json(m_res, 200, error("Response", "invalid key"));
        }
        std::string currency = m_req.get_param_value("currency");
        if (!currency.empty() && currency != m_ctx.world.currency()) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 200,
                              error(wrapper(), fmt::format("unsupported currency {}", currency)));
        }
        if (m_ex.command == "check") return search();
        if (m_ex.command == "create") return register_name();
        if (m_ex.command == "ping") return account_info();
        if (m_ex.command == "owns") return domain_info();
        m_ex.outcome = "bad-request";
        reply_json(
            m_res, 200,
            error("Response", m_ex.command.empty() ? "missing command" : "unsupported command"));
    }

  private:
    std::string_view wrapper() const {
        if (m_ex.command == "check") return "SearchResponse";
        if (m_ex.command == "create") return "RegisterResponse";
        if (m_ex.command == "ping") return "AccountInfoResponse";
        if (m_ex.command == "owns") return "DomainInfoResponse";
        return "Response";
    }

    void search() {
        const auto& names = m_ex.domains;
        if (names.empty() || static_cast<int>(names.size()) > k_max_search) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 200,
                              error(wrapper(), names.empty() ? "missing domain0"
                                                             : "at most 100 domains per search"));
        }
        auto guard = m_ctx.world.lock();
        if (!m_ctx.world.admit(*m_account, LimitClass::check, m_ex.arrived).admitted) {
            m_ex.outcome = "rate-limited";
            return reply_json(m_res, 200, system_busy(wrapper()));
        }
        Instant t = now();
        bool show_price = m_req.get_param_value("show_price") == "1";
        Json results = Json::array();
        for (const auto& name : names) {
            Quote q = m_ctx.world.quote(name, t);
            Json result{{"DomainName", name}};
            if (q.availability == Availability::unsupported_tld) {
                result["Available"] = "error";
                result["Error"] = "unsupported tld";
                m_ex.outcome = "unsupported-tld";
            } else if (q.availability == Availability::available) {
                result["Available"] = "yes";
                // The sentence live answers give (WIRE.md): registration price, renewal price
                // (the same here) and whether the name is premium.
                if (show_price)
                    result["Price"] = fmt::format(
                        "Registration Price: {0} in {1} and Renewal price: {0} in {1} and Domain "
                        "is {2}a Premium Domain",
                        plain_amount(q.price), q.price.currency, q.premium ? "" : "not ");
                m_ex.outcome = "available";
            } else {
                result["Available"] = "no";
                m_ex.outcome = q.availability == Availability::reserved ? "reserved" : "taken";
            }
            results.push_back(result);
        }
        if (names.size() > 1) m_ex.outcome = "checked";
        Json body;
        body["SearchResponse"] = Json{{"ResponseCode", "0"}, {"SearchResults", results}};
        reply_json(m_res, 200, body);
    }

    void register_name() {
        if (m_ex.domains.empty()) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 200, error(wrapper(), "missing domain"));
        }
        int years = 1;
        std::string duration = m_req.get_param_value("duration");
        if (!duration.empty()) {
            auto [end, ec] =
                std::from_chars(duration.data(), duration.data() + duration.size(), years);
            if (ec != std::errc() || end != duration.data() + duration.size() || years < 1 ||
                years > 10) {
                m_ex.outcome = "bad-request";
                return reply_json(m_res, 200, error(wrapper(), "invalid duration"));
            }
        }
        auto guard = m_ctx.world.lock();
        if (!m_ctx.world.admit(*m_account, LimitClass::create, m_ex.arrived).admitted) {
            m_ex.outcome = "rate-limited";
            return reply_json(m_res, 200, system_busy(wrapper()));
        }
        Instant t = now();
        CreateOrder order;
        order.account = *m_account;
        order.name = m_ex.domains.front();
        order.years = years;
        order.premium_acknowledged = m_req.get_param_value("premium") == "1";
        CreateResult result = m_ctx.world.create(order, t);
        switch (result.outcome) {
        case CreateOutcome::registered: {
            m_ex.outcome = "registered";
            auto expiry = t + std::chrono::days(365) * years;
            auto millis =
                std::chrono::duration_cast<std::chrono::milliseconds>(expiry.time_since_epoch());
            Json body;
            body["RegisterResponse"] = Json{{"ResponseCode", "0"},
                                            {"Status", "success"},
                                            {"DomainName", order.name},
                                            {"Expiration", std::to_string(millis.count())}};
            return reply_json(m_res, 200, body);
        }
        case CreateOutcome::not_available: {
            m_ex.outcome = "not-available";
            Json body;
            body["RegisterResponse"] = Json{{"ResponseCode", "1"}, {"Status", "not_available"}};
            return reply_json(m_res, 200, body);
        }
        case CreateOutcome::premium_refused:
            m_ex.outcome = "premium-refused";
            return reply_json(
                m_res, 200,
                error(wrapper(), "this domain is a premium domain, please use premium option"));
        case CreateOutcome::insufficient_funds:
            m_ex.outcome = "insufficient-funds";
            return reply_json(m_res, 200, error(wrapper(), "not enough account balance"));
        case CreateOutcome::unsupported_tld:
            m_ex.outcome = "unsupported-tld";
            return reply_json(m_res, 200, error(wrapper(), "unsupported tld"));
        case CreateOutcome::price_mismatch:
        case CreateOutcome::would_succeed:
            break; // no cost and no dry run in a Dynadot order
        }
    }

    void account_info() {
        m_ex.outcome = "ok";
        auto guard = m_ctx.world.lock();
        Money balance = m_ctx.world.balance(*m_account);
        Json body;
        body["AccountInfoResponse"] = Json{{"ResponseCode", "0"},
                                           {"AccountInfo", Json{{"Balance", plain_amount(balance)},
                                                                {"Currency", balance.currency}}}};
        reply_json(m_res, 200, body);
    }

    // In the account: ResponseCode 0 (a number, as live answers have it) and the name; not in
    // it: ResponseCode "-1" and Dynadot's "could not find domain in your account".
    void domain_info() {
        if (m_ex.domains.empty()) {
            m_ex.outcome = "bad-request";
            return reply_json(m_res, 200, error(wrapper(), "missing domain"));
        }
        auto guard = m_ctx.world.lock();
        const std::string& name = m_ex.domains.front();
        if (!m_ctx.world.owns(*m_account, name)) {
            m_ex.outcome = "not-owned";
            return reply_json(m_res, 200,
                              error(wrapper(), "could not find domain in your account"));
        }
        m_ex.outcome = "owned";
        Json body;
        body["DomainInfoResponse"] =
            Json{{"ResponseCode", 0}, {"Status", "success"}, {"DomainInfo", Json{{"Name", name}}}};
        reply_json(m_res, 200, body);
    }

    Context& m_ctx;
    const httplib::Request& m_req;
    httplib::Response& m_res;
    Exchange& m_ex;
    std::optional<std::size_t> m_account;
};

} // namespace

void add_dynadot(httplib::Server& server, Context& ctx) {
    server.Get("/api3.json", [&ctx](const httplib::Request& req, httplib::Response& res) {
        std::string command = req.get_param_value("command");
        Exchange ex = start_exchange(req, "dynadot", command_of(command));
        if (command == "search")
            ex.domains = search_names(req);
        else if (req.has_param("domain"))
            ex.domains = {ascii_lower(req.get_param_value("domain"))};
        Dynadot dynadot(ctx, req, res, ex);
        dynadot.identify();
        serve(ctx, ex, res, [&] { dynadot.execute(); });
    });
}

} // namespace dropcat::sim
