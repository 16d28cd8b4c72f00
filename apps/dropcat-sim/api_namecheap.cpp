// Namecheap (WIRE.md, "Namecheap"): GET or POST /xml.response, parameters in the query string
// and/or a form-encoded body (cpp-httplib merges both into req.params).
#include "apis.hpp"
#include "money_text.hpp"

#include <httplib.h>
#include <pugixml.hpp>

#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace dropcat::sim {

namespace {

constexpr std::size_t k_max_check = 50;
constexpr std::string_view k_contact_blocks[] = {"Registrant", "Tech", "Admin", "AuxBilling"};
constexpr std::string_view k_contact_fields[] = {"FirstName", "LastName",      "Address1",
                                                 "City",      "StateProvince", "PostalCode",
                                                 "Country",   "Phone",         "EmailAddress"};

// Namecheap reads parameter names without regard to case; so does the simulator.
std::string param(const httplib::Request& req, std::string_view name) {
    if (req.has_param(std::string(name).c_str()))
        return req.get_param_value(std::string(name).c_str());
    std::string wanted = ascii_lower(name);
    for (const auto& [key, value] : req.params)
        if (ascii_lower(key) == wanted) return value;
    return {};
}

std::string_view command_of(const std::string& namecheap_command) {
    std::string c = ascii_lower(namecheap_command);
    if (c == "namecheap.domains.check") return "check";
    if (c == "namecheap.domains.create") return "create";
    if (c == "namecheap.users.getbalances") return "ping";
    if (c == "namecheap.users.getpricing") return "pricing";
    if (c == "namecheap.domains.getinfo") return "owns";
    return namecheap_command;
}

std::vector<std::string> split_list(const std::string& list) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= list.size()) {
        std::size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        std::string item = ascii_lower(list.substr(at, comma - at));
        std::erase(item, ' ');
        if (!item.empty()) out.push_back(item);
        at = comma + 1;
    }
    return out;
}

// <ApiResponse> with its fixed children; CommandResponse is filled by the command.
class Envelope {
  public:
    Envelope(const std::string& command, Instant arrived) {
        auto decl = m_doc.append_child(pugi::node_declaration);
        decl.append_attribute("version") = "1.0";
        decl.append_attribute("encoding") = "utf-8";
        m_root = m_doc.append_child("ApiResponse");
        m_root.append_attribute("Status") = "OK";
        m_root.append_attribute("xmlns") = "http://api.namecheap.com/xml.response";
        m_errors = m_root.append_child("Errors");
        m_root.append_child("Warnings");
        m_root.append_child("RequestedCommand").text() = ascii_lower(command).c_str();
        m_command = m_root.append_child("CommandResponse");
        m_command.append_attribute("Type") = ascii_lower(command).c_str();
        m_root.append_child("Server").text() = "dropcat-sim";
        m_root.append_child("GMTTimeDifference").text() = "+0:00";
        m_time = m_root.append_child("ExecutionTime");
        m_arrived = arrived;
    }

    void error(int number, const std::string& message) {
        m_root.attribute("Status") = "ERROR";
        auto e = m_errors.append_child("Error");
        e.append_attribute("Number") = number;
        e.text() = message.c_str();
    }

    pugi::xml_node command_response() { return m_command; }

    std::string text() {
        double seconds = std::chrono::duration<double>(now() - m_arrived).count();
        m_time.text() = fmt::format("{:.3f}", seconds).c_str();
        std::ostringstream out;
        m_doc.save(out, "  ");
        return out.str();
    }

  private:
    pugi::xml_document m_doc;
    pugi::xml_node m_root, m_errors, m_command, m_time;
    Instant m_arrived;
};

void set(pugi::xml_node node, const char* name, const std::string& value) {
    node.append_attribute(name) = value.c_str();
}

class Namecheap {
  public:
    Namecheap(Context& ctx, const httplib::Request& req, httplib::Response& res, Exchange& ex)
        : m_ctx(ctx), m_req(req), m_res(res), m_ex(ex),
          m_envelope(param(req, "Command"), ex.arrived) {}

    // Names the account before anything runs, so that even a request a fault swallows is
    // logged with it.
    void identify() {
        std::string user = param(m_req, "ApiUser");
        std::string key = param(m_req, "ApiKey");
        const auto& accounts = m_ctx.world.accounts();
        for (std::size_t i = 0; i < accounts.size(); ++i)
            if (accounts[i].api == "namecheap" && !user.empty() && accounts[i].api_user == user &&
                accounts[i].key == key) {
                m_account = i;
                m_ex.account = accounts[i].name;
                return;
            }
    }

    void execute() {
        run();
        if (m_res.status == 200) m_res.set_content(m_envelope.text(), "text/xml; charset=utf-8");
    }

  private:
    void run() {
        if (!authenticate()) return;
        if (m_ex.command == "check") return check();
        if (m_ex.command == "create") return create();
        if (m_ex.command == "ping") return balances();
        if (m_ex.command == "pricing") return pricing();
        if (m_ex.command == "owns") return info();
        fail("bad-request", 2010324,
             m_ex.command.empty() ? "Parameter Command is missing"
                                  : "Parameter Command is invalid");
    }

    void fail(const char* outcome, int number, const std::string& message) {
        m_ex.outcome = outcome;
        m_envelope.error(number, message);
    }

    bool authenticate() {
        if (!m_account) {
            fail("auth-error", 1011102, "API Key is invalid or API access has not been enabled");
            return false;
        }
        const AccountSpec& account = m_ctx.world.accounts()[*m_account];
        std::string username = param(m_req, "UserName");
        if (username.empty()) {
            fail("bad-request", 2010324, "Parameter UserName is missing");
            return false;
        }
        if (username != account.username) {
            fail("auth-error", 1016103, "UserName is not authorized for this ApiUser");
            return false;
        }
        if (param(m_req, "ClientIp") != account.client_ip) {
            fail("auth-error", 1011150, "Invalid request IP: the ClientIp is not whitelisted");
            return false;
        }
        return true;
    }

    // Namecheap answers an over-limit request with HTTP 405 and no body. Call it with the
    // world locked, once the request is known to be valid.
    bool admitted(LimitClass what) {
        if (m_ctx.world.admit(*m_account, what, m_ex.arrived).admitted) return true;
        m_ex.outcome = "rate-limited";
        m_res.status = 405;
        return false;
    }

    void check() {
        const auto& names = m_ex.domains;
        if (names.empty()) return fail("bad-request", 2010324, "Parameter DomainList is missing");
        if (names.size() > k_max_check)
            return fail("bad-request", 2011169,
                        "Only 50 domains allowed in a single check command");
        auto guard = m_ctx.world.lock();
        if (!admitted(LimitClass::check)) return;
        Instant t = now();
        std::vector<Quote> quotes;
        for (const auto& name : names) {
            quotes.push_back(m_ctx.world.quote(name, t));
            if (quotes.back().availability == Availability::unsupported_tld)
                return fail("unsupported-tld", 2030166, fmt::format("Domain {} is invalid", name));
        }
        auto out = m_envelope.command_response();
        for (std::size_t i = 0; i < names.size(); ++i) {
            const Quote& q = quotes[i];
            bool available = q.availability == Availability::available;
            std::string premium_price = q.premium ? plain_amount(q.price, 4) : "0";
            auto r = out.append_child("DomainCheckResult");
            set(r, "Domain", names[i]);
            set(r, "Available", available ? "true" : "false");
            set(r, "ErrorNo", "0");
            set(r, "Description", "");
            set(r, "IsPremiumName", q.premium ? "true" : "false");
            set(r, "PremiumRegistrationPrice", premium_price);
            set(r, "PremiumRenewalPrice", premium_price);
            set(r, "PremiumRestorePrice", "0");
            set(r, "PremiumTransferPrice", "0");
            set(r, "IcannFee", "0");
            set(r, "EapFee", "0");
            m_ex.outcome = available                                  ? "available"
                           : q.availability == Availability::reserved ? "reserved"
                                                                      : "taken";
        }
        if (names.size() > 1) m_ex.outcome = "checked";
    }

    // The first required create parameter the request lacks, or "".
    std::string missing_parameter() const {
        if (param(m_req, "DomainName").empty()) return "DomainName";
        // The real API defaults Years to 2; the simulator refuses, so a client that forgets it
        // is caught before it buys two years by accident.
        if (param(m_req, "Years").empty()) return "Years";
        for (auto block : k_contact_blocks)
            for (auto field : k_contact_fields) {
                std::string name = fmt::format("{}{}", block, field);
                if (param(m_req, name).empty()) return name;
            }
        return {};
    }

    void create() {
        if (std::string missing = missing_parameter(); !missing.empty())
            return fail("bad-request", 2010324, fmt::format("Parameter {} is missing", missing));
        int years = 0;
        std::string text = param(m_req, "Years");
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), years);
        if (ec != std::errc() || end != text.data() + text.size() || years < 1 || years > 10)
            return fail("bad-request", 2010324, "Parameter Years is invalid");
        auto guard = m_ctx.world.lock();
        if (!admitted(LimitClass::create)) return;
        Instant t = now();
        CreateOrder order;
        order.account = *m_account;
        order.name = m_ex.domains.front();
        order.years = years;
        Quote q = m_ctx.world.quote(order.name, t);
        if (q.availability == Availability::available && q.premium) {
            auto stated = parse_plain_amount(param(m_req, "PremiumPrice"), q.price.currency);
            if (ascii_lower(param(m_req, "IsPremiumDomain")) != "true" || stated != q.price.minor)
                return fail("premium-refused", 2030280,
                            fmt::format("{} is a premium domain: IsPremiumDomain=True and "
                                        "PremiumPrice={} are required",
                                        order.name, plain_amount(q.price)));
        }
        order.premium_acknowledged = true; // checked just above, with the price
        order.list_priced = true;
        CreateResult result = m_ctx.world.create(order, t);
        switch (result.outcome) {
        case CreateOutcome::registered: {
            m_ex.outcome = "registered";
            auto r = m_envelope.command_response().append_child("DomainCreateResult");
            set(r, "Domain", order.name);
            set(r, "Registered", "true");
            set(r, "ChargedAmount", plain_amount(result.total, 4));
            set(r, "DomainID", std::to_string(m_ctx.world.next_id()));
            set(r, "OrderID", std::to_string(result.order_id));
            set(r, "TransactionID", std::to_string(m_ctx.world.next_id()));
            set(r, "WhoisguardEnable", "false");
            set(r, "NonRealTimeDomain", q.non_real_time ? "true" : "false");
            return;
        }
        case CreateOutcome::insufficient_funds:
            return fail("insufficient-funds", 2528166, "Insufficient funds");
        case CreateOutcome::unsupported_tld:
            return fail("unsupported-tld", 2030166,
                        fmt::format("Domain {} is invalid", order.name));
        default:
            return fail("not-available", 3031166, "Domain is not available");
        }
    }

    // namecheap.users.getPricing for domain registrations: the check gives no price for an
    // ordinary name, so clients ask here. Every served TLD costs the default price, all of it
    // in Price (AdditionalCost 0), so that what a client adds up is what a create charges.
    void pricing() {
        if (ascii_lower(param(m_req, "ProductType")) != "domain")
            return fail("bad-request", 2010324, "Parameter ProductType must be DOMAIN");
        std::string action = ascii_lower(param(m_req, "ActionName"));
        if (!action.empty() && action != "register")
            return fail("bad-request", 2010324, "Parameter ActionName: only REGISTER is simulated");
        std::string only = ascii_lower(param(m_req, "ProductName"));
        m_ex.outcome = "ok";
        auto category = m_envelope.command_response()
                            .append_child("UserGetPricingResult")
                            .append_child("ProductType");
        category.append_attribute("Name") = "domains";
        category = category.append_child("ProductCategory");
        category.append_attribute("Name") = "register";
        std::string price = plain_amount(m_ctx.world.default_price());
        for (const auto& tld : m_ctx.world.tlds()) {
            if (!only.empty() && only != tld) continue;
            auto product = category.append_child("Product");
            set(product, "Name", tld);
            for (int years = 1; years <= 10; ++years) {
                auto p = product.append_child("Price");
                set(p, "Duration", std::to_string(years));
                set(p, "DurationType", "YEAR");
                set(p, "Price", price);
                set(p, "PricingType", "MULTIPLE");
                set(p, "AdditionalCost", "0.00");
                set(p, "RegularPrice", price);
                set(p, "YourPrice", price);
                set(p, "Currency", m_ctx.world.currency());
            }
        }
    }

    // domains.getInfo: the name in the account, or error 2019166 "Domain not found" (the
    // number live answers give for a name the account does not hold; WIRE.md).
    void info() {
        std::string name = ascii_lower(param(m_req, "DomainName"));
        if (name.empty()) return fail("bad-request", 2019166, "Domain not found");
        auto guard = m_ctx.world.lock();
        if (!m_ctx.world.owns(*m_account, name))
            return fail("not-owned", 2019166, fmt::format("Domain {} not found", name));
        m_ex.outcome = "owned";
        auto r = m_envelope.command_response().append_child("DomainGetInfoResult");
        set(r, "Status", "Ok");
        set(r, "ID", "1");
        set(r, "DomainName", name);
        set(r, "OwnerName", m_ctx.world.accounts()[*m_account].name);
        set(r, "IsOwner", "true");
        set(r, "IsPremium", "false");
    }

    void balances() {
        m_ex.outcome = "ok";
        auto guard = m_ctx.world.lock();
        std::string balance = plain_amount(m_ctx.world.balance(*m_account));
        auto r = m_envelope.command_response().append_child("UserGetBalancesResult");
        set(r, "Currency", m_ctx.world.currency());
        set(r, "AvailableBalance", balance);
        set(r, "AccountBalance", balance);
        set(r, "EarnedAmount", "0.00");
        set(r, "WithdrawableAmount", "0.00");
        set(r, "FundsRequiredForAutoRenew", "0.00");
    }

    Context& m_ctx;
    const httplib::Request& m_req;
    httplib::Response& m_res;
    Exchange& m_ex;
    Envelope m_envelope;
    std::optional<std::size_t> m_account;
};

void handle(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    std::string command = param(req, "Command");
    Exchange ex = start_exchange(req, "namecheap", command_of(command));
    if (ex.command == "check")
        ex.domains = split_list(param(req, "DomainList"));
    else if ((ex.command == "create" || ex.command == "owns") && !param(req, "DomainName").empty())
        ex.domains = {ascii_lower(param(req, "DomainName"))};
    Namecheap namecheap(ctx, req, res, ex);
    namecheap.identify();
    serve(ctx, ex, res, [&] { namecheap.execute(); });
}

} // namespace

void add_namecheap(httplib::Server& server, Context& ctx) {
    auto handler = [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle(ctx, req, res);
    };
    server.Get("/xml.response", handler);
    server.Post("/xml.response", handler);
}

} // namespace dropcat::sim
