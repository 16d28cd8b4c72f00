// Namecheap (shared/reference/registrar-apis.md section 2): XML over /xml.response with the
// global parameters on every call, domains.check for up to 50 names, domains.create by a form
// POST with Years=1 always sent (the API's default is 2) and the four contact roles. Its
// over-limit signal is HTTP 405, which comes before execution: even a create may be retried.
#include "registrar/adapter.hpp"
#include "registrar/json_util.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

#include <map>

namespace dropcat::registrar {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Error numbers that say the account cannot be used as configured (global parameters).
bool auth_number(std::string_view number) {
    return number == "1011102" || number == "1011150" || number == "1017150" ||
           number == "1016103" || number == "1017411" || number == "1010101" ||
           number == "1011101" || number == "1010102";
}

struct Answer {
    pugi::xml_document doc;
    pugi::xml_node command; // CommandResponse
    bool ok = false;        // Status="OK"
    std::string number;     // first error
    std::string message;
};

// nullopt when the body is not a Namecheap ApiResponse.
std::optional<std::unique_ptr<Answer>> read_answer(const std::string& body) {
    auto a = std::make_unique<Answer>();
    if (!a->doc.load_buffer(body.data(), body.size())) return std::nullopt;
    pugi::xml_node root = a->doc.child("ApiResponse");
    if (!root) return std::nullopt;
    a->ok = std::string_view(root.attribute("Status").value()) == "OK";
    if (pugi::xml_node error = root.child("Errors").child("Error")) {
        a->number = error.attribute("Number").value();
        a->message = error.text().get();
    }
    a->command = root.child("CommandResponse");
    return a;
}

class Namecheap final : public Adapter {
  public:
    Namecheap(AdapterParts parts, std::string key)
        : Adapter(std::move(parts)), m_key(std::move(key)) {}

    Result<PingResult> ping() override;
    Result<std::vector<CheckResult>> check(std::span<const std::string> names) override;
    RegisterResult register_domain(const RegisterRequest& request) override;

  private:
    std::string encode(std::string_view command, const Params& params) const {
        const auto& a = account();
        std::string out = fmt::format("ApiUser={}&ApiKey={}&UserName={}&ClientIp={}&Command={}",
                                      url_encode(a.api_user), url_encode(m_key),
                                      url_encode(a.username), url_encode(a.client_ip), command);
        for (const auto& [k, v] : params)
            out += "&" + k + "=" + url_encode(v);
        return out;
    }
    HttpRequest get(std::string_view command, const Params& params) const {
        return HttpRequest{"GET", endpoint() + "?" + encode(command, params), {}, {}};
    }
    HttpRequest post(std::string_view command, const Params& params) const {
        return HttpRequest{"POST",
                           endpoint(),
                           {{"Content-Type", "application/x-www-form-urlencoded"}},
                           encode(command, params)};
    }
    // Sends, waiting and retrying after 405 within the deadline. The error is the last
    // transport failure, or "rate-limited" when the waits ran out.
    HttpResult call(RequestClass kind, const HttpRequest& request, Clock::time_point until);
    // What registering a name under `tld` for `years` years costs from the account's price
    // list: the per-year price for that period and the ICANN fee, times the years. The list
    // is fetched once per TLD for the process (Namecheap asks clients to cache it).
    Result<Money> register_price(const std::string& tld, int years, Clock::time_point until);
    // The price list for a TLD: each period's price, as register_price gives it.
    Result<std::map<int, Money>> price_list(const std::string& tld, Clock::time_point until);

    std::string m_key;
    std::map<std::string, std::map<int, Money>> m_prices; // per TLD, per period in years
    // Per name, from its last check, in cents: the early-access fee and the premium price
    // without fees (what PremiumPrice must say).
    struct Listed {
        std::int64_t eap_fee = 0;
        std::int64_t premium = 0;
    };
    std::map<std::string, Listed> m_listed;
};

HttpResult Namecheap::call(RequestClass kind, const HttpRequest& request, Clock::time_point until) {
    for (int attempt = 0;; ++attempt) {
        auto sent = send(kind, request, until);
        if (!sent || sent->status != 405) return sent;
        // 405 is Namecheap's over-limit answer and it counts every call: hold them all.
        if (!wait_after_limit(kind, retry_hint(*sent), attempt, until, true)) return sent;
    }
}

Result<std::vector<CheckResult>> Namecheap::check(std::span<const std::string> names) {
    std::vector<CheckResult> out;
    auto until = deadline();
    auto batch = static_cast<std::size_t>(std::max(1, std::min(50, limits().batch)));
    for (std::size_t i = 0; i < names.size(); i += batch) {
        auto part = names.subspan(i, std::min(batch, names.size() - i));
        auto unknown = [&](const std::string& why) {
            for (const auto& n : part)
                out.push_back(CheckResult{n, Availability::unknown, {}, false, why});
        };
        std::string list;
        for (const auto& n : part)
            list += (list.empty() ? "" : ",") + n;
        auto sent = call(RequestClass::check,
                         get("namecheap.domains.check", {{"DomainList", list}}), until);
        if (!sent) {
            unknown(sent.error().message);
            continue;
        }
        if (sent->status == 405) {
            unknown("rate-limited (HTTP 405)");
            continue;
        }
        if (sent->status != 200) {
            unknown(fmt::format("HTTP {}", sent->status));
            continue;
        }
        auto answer = read_answer(sent->body);
        if (!answer) {
            unknown("unreadable answer: " + excerpt(sent->body));
            continue;
        }
        const Answer& a = **answer;
        if (!a.ok) {
            if (auth_number(a.number))
                return fail(ErrorKind::config,
                            fmt::format("{}: Namecheap refused the account ({}): {}",
                                        account().name, a.number, clean(a.message)));
            unknown(fmt::format("Namecheap error {}: {}", a.number, clean(a.message)));
            continue;
        }
        for (const auto& name : part) {
            CheckResult r{name, Availability::unknown, {}, false, "not in the answer"};
            for (pugi::xml_node item : a.command.children("DomainCheckResult")) {
                if (lowercase(item.attribute("Domain").value()) != name) continue;
                std::string available = lowercase(item.attribute("Available").value());
                bool premium = lowercase(item.attribute("IsPremiumName").value()) == "true";
                std::string error_no = item.attribute("ErrorNo").value();
                auto fee = [&](const char* attribute) {
                    auto m = decimal_money(item.attribute(attribute).value(), "USD");
                    return m ? m->minor : 0;
                };
                if (!error_no.empty() && error_no != "0") {
                    // A per-name error: its Available says nothing.
                    r.detail = fmt::format("Namecheap error {} for this name: {}", error_no,
                                           clean(item.attribute("Description").value()));
                } else if (available == "false") {
                    r = CheckResult{name, Availability::taken, {}, true, {}};
                } else if (available == "true") {
                    r = CheckResult{name,
                                    premium ? Availability::premium : Availability::available,
                                    {},
                                    true,
                                    {}};
                    m_listed[name] = Listed{fee("EapFee"), 0};
                    // What a premium name costs in all: the price, the early-access fee and
                    // the ICANN fee (an ordinary name's price comes from the price list).
                    if (premium)
                        if (auto p = decimal_money(
                                item.attribute("PremiumRegistrationPrice").value(), "USD")) {
                            m_listed[name].premium = p->minor;
                            r.price = Money{p->minor + fee("EapFee") + fee("IcannFee"), "USD"};
                        }
                } else {
                    r.detail = fmt::format("Available is '{}'", available);
                }
            }
            out.push_back(std::move(r));
        }
    }
    // An ordinary name's price is the account's price list for its TLD, plus any early-access
    // fee the check named: one getPricing call per TLD for the process, and one attempt per
    // TLD in a check, so that a TLD with no list cannot spend the account's calls name by
    // name. Without the list the answer stands, without a price.
    std::map<std::string, Result<Money>> tried;
    for (auto& r : out) {
        if (r.availability != Availability::available || r.price) continue;
        std::string tld = r.domain.substr(r.domain.rfind('.') + 1);
        auto it = tried.find(tld);
        if (it == tried.end()) it = tried.emplace(tld, register_price(tld, 1, until)).first;
        if (it->second)
            r.price = Money{it->second->minor + m_listed[r.domain].eap_fee, it->second->currency};
        else
            r.detail = "no price: " + it->second.error().message;
    }
    return out;
}

Result<std::map<int, Money>> Namecheap::price_list(const std::string& tld,
                                                   Clock::time_point until) {
    if (auto it = m_prices.find(tld); it != m_prices.end()) return it->second;
    auto sent =
        call(RequestClass::other,
             get("namecheap.users.getPricing",
                 {{"ProductType", "DOMAIN"}, {"ActionName", "REGISTER"}, {"ProductName", tld}}),
             until);
    if (!sent) return fail(ErrorKind::unavailable, "price list: " + sent.error().message);
    if (sent->status == 405)
        return fail(ErrorKind::temporary, "price list: rate-limited (HTTP 405)");
    if (sent->status != 200)
        return fail(ErrorKind::unavailable, fmt::format("price list: HTTP {}", sent->status));
    auto answer = read_answer(sent->body);
    if (!answer)
        return fail(ErrorKind::unavailable,
                    "price list: unreadable answer: " + excerpt(sent->body));
    const Answer& a = **answer;
    if (!a.ok)
        return fail(auth_number(a.number) ? ErrorKind::config : ErrorKind::unavailable,
                    fmt::format("{}: price list: Namecheap error {}: {}", account().name, a.number,
                                clean(a.message)));
    // Each Price is per year for a registration of that Duration (the documented example
    // lists a dearer 2-year price than 1-year one): the period's price times its years. Were
    // it the whole period's price instead, this would overstate it, never understate it.
    std::map<int, Money> periods;
    for (pugi::xpath_node found :
         a.command.select_nodes("UserGetPricingResult/ProductType/ProductCategory/Product/Price")) {
        pugi::xml_node p = found.node();
        int years = p.attribute("Duration").as_int();
        std::string unit = lowercase(p.attribute("DurationType").value());
        if (years < 1 || years > 10 || (!unit.empty() && unit != "year")) continue;
        std::string currency = p.attribute("Currency").value();
        if (currency.empty()) currency = "USD";
        std::string your = p.attribute("YourPrice").value();
        auto price = decimal_money(your.empty() ? p.attribute("Price").value() : your, currency);
        if (!price) continue;
        if (auto extra = decimal_money(p.attribute("AdditionalCost").value(), currency))
            price->minor += extra->minor; // the ICANN fee is paid too
        price->minor *= years;
        periods.emplace(years, *price);
    }
    if (periods.empty())
        return fail(ErrorKind::unavailable, fmt::format("price list: no prices for .{}", tld));
    m_prices[tld] = periods;
    return periods;
}

Result<Money> Namecheap::register_price(const std::string& tld, int years,
                                        Clock::time_point until) {
    auto list = price_list(tld, until);
    if (!list) return std::unexpected(list.error());
    auto found = list->find(years);
    if (found == list->end())
        return fail(ErrorKind::unavailable,
                    fmt::format("price list: no {}-year price for .{}", years, tld));
    return found->second;
}

Result<PingResult> Namecheap::ping() {
    auto sent = call(RequestClass::other, get("namecheap.users.getBalances", {}), deadline());
    if (!sent)
        return fail(ErrorKind::unavailable,
                    fmt::format("{}: {}", account().name, sent.error().message));
    if (sent->status == 405)
        return fail(ErrorKind::temporary,
                    fmt::format("{}: rate-limited (HTTP 405)", account().name));
    auto answer = sent->status == 200 ? read_answer(sent->body) : std::nullopt;
    if (!answer)
        return fail(ErrorKind::unavailable, fmt::format("{}: HTTP {}: {}", account().name,
                                                        sent->status, excerpt(sent->body)));
    const Answer& a = **answer;
    if (!a.ok)
        return fail(auth_number(a.number) ? ErrorKind::config : ErrorKind::unavailable,
                    fmt::format("{}: Namecheap refused ({}): {}", account().name, a.number,
                                clean(a.message)));
    PingResult result{
        fmt::format("credentials and whitelisted IP {} accepted", account().client_ip),
        std::nullopt, sent->total_ms};
    if (pugi::xml_node b = a.command.child("UserGetBalancesResult")) {
        std::string currency = b.attribute("Currency").value();
        result.balance = decimal_money(b.attribute("AvailableBalance").value(),
                                       currency.empty() ? "USD" : currency);
    }
    return result;
}

RegisterResult Namecheap::register_domain(const RegisterRequest& request) {
    auto until = deadline();
    RegisterResult result;
    result.dry_run = request.dry_run;
    auto quote = check(std::span(&request.domain, 1));
    if (!quote) return with(result, Outcome::auth_error, quote.error().message);
    CheckResult q = quote->front();
    bool premium = q.availability == Availability::premium;
    // A premium name's check gives its first-year price only.
    if (premium)
        if (auto refused = refuse_period(request, 1)) return *refused;
    if (q.availability == Availability::available) {
        // domains.check gives no price for ordinary names; the account's price list does.
        std::string tld = request.domain.substr(request.domain.rfind('.') + 1);
        auto price = register_price(tld, request.years, until);
        if (!price) {
            Outcome o = price.error().kind == ErrorKind::config      ? Outcome::auth_error
                        : price.error().kind == ErrorKind::temporary ? Outcome::rate_limited
                                                                     : Outcome::transient;
            return with(result, o, price.error().message + "; no create was sent");
        }
        q.price = Money{price->minor + m_listed[request.domain].eap_fee, price->currency};
    }
    if (auto refused = refuse_by_quote(q, request)) return *refused;
    result.price = q.price;
    if (request.dry_run)
        return with(result, Outcome::dry_run_ok,
                    "Namecheap has no dry run outside its sandbox: available at the price; no "
                    "create was sent");
    Params params{{"DomainName", request.domain}, {"Years", std::to_string(request.years)}};
    const RegistrarContact& c = *account().contact;
    for (std::string role : {"Registrant", "Tech", "Admin", "AuxBilling"}) {
        params.insert(params.end(), {{role + "FirstName", c.first_name},
                                     {role + "LastName", c.last_name},
                                     {role + "Address1", c.address},
                                     {role + "City", c.city},
                                     {role + "StateProvince", c.state_province},
                                     {role + "PostalCode", c.postal_code},
                                     {role + "Country", c.country},
                                     {role + "Phone", c.phone},
                                     {role + "EmailAddress", c.email}});
    }
    if (premium) {
        const Listed& listed = m_listed[request.domain];
        params.push_back({"IsPremiumDomain", "True"});
        params.push_back({"PremiumPrice", decimal_text(listed.premium)});
        if (listed.eap_fee > 0) params.push_back({"EapFee", decimal_text(listed.eap_fee)});
    }
    HttpRequest create = post("namecheap.domains.create", params);
    create.fresh_connection = true; // see HttpRequest: libcurl must never resend it itself
    auto sent = call(RequestClass::create, create, until);
    if (!sent) return transport_outcome(sent.error(), result);
    result.sent = true;
    if (sent->status == 405) return limited(result, std::nullopt, "HTTP 405");
    if (sent->status != 200)
        return with(result, Outcome::ambiguous,
                    fmt::format("HTTP {} to a create: it may have executed", sent->status));
    auto answer = read_answer(sent->body);
    if (!answer)
        return with(result, Outcome::ambiguous,
                    "unreadable answer to a create: it may have executed: " + excerpt(sent->body));
    const Answer& a = **answer;
    if (a.ok) {
        pugi::xml_node r = a.command.child("DomainCreateResult");
        if (lowercase(r.attribute("Registered").value()) != "true")
            return with(result, Outcome::ambiguous, "the answer does not say Registered=\"true\"");
        result.order_id = r.attribute("OrderID").value();
        if (auto charged = decimal_money(r.attribute("ChargedAmount").value(), "USD"))
            result.price = charged;
        if (lowercase(r.attribute("NonRealTimeDomain").value()) == "true")
            return with(result, Outcome::pending, "accepted; the registry completes it later");
        return with(result, Outcome::registered, "registered");
    }
    std::string lower = lowercase(a.message);
    std::string said = fmt::format("Namecheap error {}: {}", a.number, clean(a.message));
    if (auth_number(a.number)) return with(result, Outcome::auth_error, said);
    if (lower.find("insufficient") != std::string::npos || lower.find("fund") != std::string::npos)
        return with(result, Outcome::insufficient_funds, said);
    if (lower.find("not available") != std::string::npos ||
        lower.find("taken") != std::string::npos)
        return with(result, Outcome::lost_race, said);
    if (lower.find("price") != std::string::npos)
        return with(result, Outcome::price_mismatch, said);
    return with(result, Outcome::policy_refused, said);
}

} // namespace

std::unique_ptr<Registrar> make_namecheap(AdapterParts parts, std::string key) {
    parts.redactor.add_secret(key);
    return std::make_unique<Namecheap>(std::move(parts), std::move(key));
}

} // namespace dropcat::registrar
