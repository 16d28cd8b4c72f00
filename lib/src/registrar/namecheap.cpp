// Namecheap (shared/reference/registrar-apis.md section 2): XML over /xml.response with the
// global parameters on every call, domains.check for up to 50 names, domains.create by a form
// POST with Years=1 always sent (the API's default is 2) and the four contact roles. Its
// over-limit signal is HTTP 405, which comes before execution: even a create may be retried.
#include "registrar/namecheap.hpp"
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

    Result<PingResult> ping(const Call& call) override;
    Result<std::vector<Quote>> quote(std::span<const std::string> names, int years,
                                     const Call& call, const QuoteSink& sink) override;
    CreateResult create(const CreateRequest& request, const Call& call) override;
    Result<std::vector<OwnsResult>> owns(std::span<const std::string> names,
                                         const Call& call) override;

  private:
    std::string encode(std::string_view command, const Params& params) const {
        const auto& a = account();
        std::string out = fmt::format("ApiUser={}&ApiKey={}&UserName={}&ClientIp={}&Command={}",
                                      url_encode(a.setting("api_user")), url_encode(m_key),
                                      url_encode(a.setting("username")),
                                      url_encode(a.setting("client_ip")), command);
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
    // Sends once. A 405 (Namecheap's over-limit answer, which counts every call) holds every
    // class and comes back as a rate-limited HttpError with when to ask again.
    HttpResult call(RequestClass kind, const HttpRequest& request, const Call& bounds);
    // What registering a name under `tld` for `years` years costs from the account's price
    // list: the per-year price for that period and the ICANN fee, times the years. The list
    // is fetched once per TLD for the process (Namecheap asks clients to cache it).
    Result<Money> register_price(const std::string& tld, int years, const Call& bounds,
                                 std::optional<HttpError>& limited);
    // The price list for a TLD: each period's price, as register_price gives it.
    Result<std::map<int, Money>> price_list(const std::string& tld, const Call& bounds,
                                            std::optional<HttpError>& limited);

    std::string m_key;
    std::map<std::string, std::map<int, Money>> m_prices; // per TLD, per period in years
    // Per name, from its last check, in cents (Namecheap bills in USD): the early-access fee and
    // the premium price without fees (what PremiumPrice must say).
    struct Listed {
        std::int64_t eap_fee = 0;
        std::int64_t premium = 0;
        std::int64_t total = 0; // premium, early-access and ICANN fees: the quoted price
    };
    std::map<std::string, Listed> m_listed;
};

HttpResult Namecheap::call(RequestClass kind, const HttpRequest& request, const Call& bounds) {
    auto sent = send(kind, request, bounds);
    if (!sent) return sent;
    if (sent->status != 405) {
        accepted(kind);
        return sent;
    }
    LimitSignal signal{retry_hint(*sent), true, "namecheap rate limit (HTTP 405)"};
    HttpError error{TransportStage::not_sent, "rate-limited (HTTP 405); nothing was executed",
                    false, true};
    error.retry_at = over_limit(kind, signal);
    error.wait_reason = signal.reason;
    return std::unexpected(std::move(error));
}

Result<std::vector<Quote>> Namecheap::quote(std::span<const std::string> names, int years,
                                            const Call& bounds, const QuoteSink& sink) {
    std::vector<Quote> out;
    auto batch = static_cast<std::size_t>(std::max(1, std::min(50, limits().batch)));
    std::optional<HttpError> held; // the limits said wait: the rest is not asked
    // An ordinary name's price is the account's price list for its TLD and period, plus any
    // early-access fee the check names: one getPricing call per TLD for the process, asked
    // before the checks so that an over-limit answer to it never throws checked names away.
    // Without a list the answers stand, without a price.
    std::map<std::string, Result<Money>> prices;
    for (const auto& n : names) {
        std::string tld = n.substr(n.rfind('.') + 1);
        if (held || prices.contains(tld)) continue;
        std::optional<HttpError> limited;
        auto price = register_price(tld, years, bounds, limited);
        if (limited)
            held = limited;
        else
            prices.emplace(tld, std::move(price));
    }
    for (std::size_t i = 0; i < names.size(); i += batch) {
        auto part = names.subspan(i, std::min(batch, names.size() - i));
        auto unknown = [&](const std::string& why) {
            for (const auto& n : part) {
                Quote q;
                q.domain = n;
                q.detail = why;
                q.at = m_clock.now();
                out.push_back(std::move(q));
            }
        };
        if (held) {
            for (const auto& n : part)
                out.push_back(deferred_quote(n, *held->retry_at, held->wait_reason));
            continue;
        }
        std::string list;
        for (const auto& n : part)
            list += (list.empty() ? "" : ",") + n;
        auto sent = call(RequestClass::check,
                         get("namecheap.domains.check", {{"DomainList", list}}), bounds);
        if (!sent && sent.error().rate_limited && sent.error().retry_at) {
            held = sent.error();
            for (const auto& n : part)
                out.push_back(deferred_quote(n, *held->retry_at, held->wait_reason));
            continue;
        }
        if (!sent) {
            unknown(sent.error().message);
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
            Quote r;
            r.domain = name;
            r.detail = "not in the answer";
            r.at = m_clock.now();
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
                    r.availability = Availability::taken;
                    r.definitive = true;
                    r.detail.clear();
                } else if (available == "true") {
                    r.availability = premium ? Availability::premium : Availability::available;
                    r.definitive = true;
                    r.detail.clear();
                    m_listed[name] = Listed{fee("EapFee"), 0};
                    // What a premium name costs in all: the price, the early-access fee and
                    // the ICANN fee (an ordinary name's price comes from the price list).
                    if (premium)
                        if (auto p = decimal_money(
                                item.attribute("PremiumRegistrationPrice").value(), "USD")) {
                            m_listed[name].premium = p->minor;
                            r.price = Money{p->minor + fee("EapFee") + fee("IcannFee"), "USD"};
                            m_listed[name].total = r.price->minor;
                        }
                } else {
                    r.detail = fmt::format("Available is '{}'", available);
                }
            }
            out.push_back(std::move(r));
        }
    }
    for (auto& r : out) {
        r.years = years;
        if (r.retry_at) continue;
        if (r.availability == Availability::premium && years != 1) {
            // A premium name's check gives its first-year price only.
            r.price.reset();
            r.detail = fmt::format("premium: Namecheap quotes its first year only, so a price "
                                   "for {} years cannot be known",
                                   years);
            continue;
        }
        if (r.availability != Availability::available || r.price) continue;
        auto& listed = prices.at(r.domain.substr(r.domain.rfind('.') + 1));
        if (listed)
            r.price = Money{listed->minor + m_listed[r.domain].eap_fee, listed->currency};
        else
            r.detail = "no price: " + listed.error().message;
    }
    if (sink)
        for (const auto& r : out)
            if (!r.retry_at) sink(r);
    return out;
}

Result<std::map<int, Money>> Namecheap::price_list(const std::string& tld, const Call& bounds,
                                                   std::optional<HttpError>& limited) {
    if (auto it = m_prices.find(tld); it != m_prices.end()) return it->second;
    auto sent =
        call(RequestClass::other,
             get("namecheap.users.getPricing",
                 {{"ProductType", "DOMAIN"}, {"ActionName", "REGISTER"}, {"ProductName", tld}}),
             bounds);
    if (!sent && sent.error().rate_limited && sent.error().retry_at) {
        limited = sent.error();
        return fail(ErrorKind::temporary, "price list: " + sent.error().message);
    }
    if (!sent) return fail(ErrorKind::unavailable, "price list: " + sent.error().message);
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

Result<Money> Namecheap::register_price(const std::string& tld, int years, const Call& bounds,
                                        std::optional<HttpError>& limited) {
    auto list = price_list(tld, bounds, limited);
    if (!list) return std::unexpected(list.error());
    auto found = list->find(years);
    if (found == list->end())
        return fail(ErrorKind::unavailable,
                    fmt::format("price list: no {}-year price for .{}", years, tld));
    return found->second;
}

Result<PingResult> Namecheap::ping(const Call& bounds) {
    auto sent = call(RequestClass::other, get("namecheap.users.getBalances", {}), bounds);
    if (!sent)
        return fail(sent.error().rate_limited ? ErrorKind::temporary : ErrorKind::unavailable,
                    fmt::format("{}: {}", account().name, sent.error().message));
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
        fmt::format("credentials and whitelisted IP {} accepted", account().setting("client_ip")),
        std::nullopt, sent->total_ms};
    if (pugi::xml_node b = a.command.child("UserGetBalancesResult")) {
        std::string currency = b.attribute("Currency").value();
        result.balance = decimal_money(b.attribute("AvailableBalance").value(),
                                       currency.empty() ? "USD" : currency);
    }
    return result;
}

// domains.getInfo per name: in the account when it answers with IsOwner="true"; error 2019166
// ("Domain not found"), or IsOwner="false" (shared with the account, someone else's), is not.
Result<std::vector<OwnsResult>> Namecheap::owns(std::span<const std::string> names,
                                                const Call& bounds) {
    std::vector<OwnsResult> out;
    std::optional<HttpError> held;
    for (const auto& name : names) {
        if (held) {
            out.push_back(deferred_owns(name, *held->retry_at, held->wait_reason));
            continue;
        }
        OwnsResult r;
        r.domain = name;
        auto sent = call(RequestClass::other,
                         get("namecheap.domains.getInfo", {{"DomainName", name}}), bounds);
        if (!sent && sent.error().rate_limited && sent.error().retry_at) {
            held = sent.error();
            out.push_back(deferred_owns(name, *held->retry_at, held->wait_reason));
            continue;
        }
        auto answer = sent && sent->status == 200 ? read_answer(sent->body) : std::nullopt;
        if (!sent) {
            r.detail = sent.error().message;
        } else if (!answer) {
            r.detail = fmt::format("HTTP {}: {}", sent->status, excerpt(sent->body));
        } else if ((*answer)->ok) {
            pugi::xml_node info = (*answer)->command.child("DomainGetInfoResult");
            std::string owner = lowercase(info.attribute("IsOwner").value());
            r.owned = owner == "true" ? Owned::yes : owner == "false" ? Owned::no : Owned::unknown;
            if (r.owned == Owned::unknown) r.detail = "the answer does not say IsOwner";
        } else if (auth_number((*answer)->number)) {
            return fail(ErrorKind::config,
                        fmt::format("{}: Namecheap refused the account ({}): {}", account().name,
                                    (*answer)->number, clean((*answer)->message)));
        } else if ((*answer)->number == "2019166") {
            r.owned = Owned::no;
            r.detail = clean((*answer)->message);
        } else {
            r.detail =
                fmt::format("Namecheap error {}: {}", (*answer)->number, clean((*answer)->message));
        }
        out.push_back(std::move(r));
    }
    return out;
}

CreateResult Namecheap::create(const CreateRequest& request, const Call& bounds) {
    CreateResult result;
    result.dry_run = request.dry_run;
    const Quote& q = request.quote;
    bool premium = q.availability == Availability::premium;
    // The quote's price covers its period; a premium name's, one year.
    if (auto refused = refuse_period(request, q.years)) return *refused;
    // The create carries a premium name's price (PremiumPrice), not an ordinary one's: that
    // goes only on a quote that still holds.
    if (auto refused = quote_blocks_create(request, m_clock.now(), premium)) return *refused;
    result.price = q.price;
    auto listed = m_listed.find(request.domain);
    if (premium && listed == m_listed.end())
        return with(result, Outcome::transient,
                    "a premium name must be quoted through this account first (its premium "
                    "price goes with the create); no create was sent");
    // The premium price sent is the last check's: it must be the one the ceiling was held to.
    if (premium && (!q.price || listed->second.total != q.price->minor))
        return with(result, Outcome::transient,
                    "the premium price changed since this quote: quote again; no create was "
                    "sent");
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
        params.push_back({"IsPremiumDomain", "True"});
        params.push_back({"PremiumPrice", amount_text(Money{listed->second.premium, "USD"})});
        if (listed->second.eap_fee > 0)
            params.push_back({"EapFee", amount_text(Money{listed->second.eap_fee, "USD"})});
    }
    HttpRequest create = post("namecheap.domains.create", params);
    auto sent = send(RequestClass::create, create, bounds);
    if (!sent) return transport_outcome(sent.error(), result);
    result.sent = true;
    if (sent->status == 405) {
        // Refused before execution, every class held: the caller may ask again after it.
        LimitSignal signal{retry_hint(*sent), true, "namecheap rate limit (HTTP 405)"};
        return limited(result, over_limit(RequestClass::create, signal), signal.reason);
    }
    accepted(RequestClass::create);
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

// Namecheap counts every call, whatever the command: 20 a minute, 700 an hour, 8000 a day (its
// FAQ); an account's own figure raises the minute's.
void namecheap_limits(const RegistrarAccount& account, RegistrarLimits& limits) {
    using std::chrono::milliseconds;
    int per_minute = std::max(account.checks_per_minute, account.creates_per_minute);
    limits.all.push_back(RateRule{per_minute > 0 ? per_minute : 20, milliseconds(60000)});
    limits.all.push_back(RateRule{700, milliseconds(3600000)});
    limits.all.push_back(RateRule{8000, milliseconds(86400000)});
}

std::unique_ptr<Registrar> make_namecheap(AdapterParts parts, Secrets secrets) {
    return std::make_unique<Namecheap>(std::move(parts), std::move(secrets.at("key_env")));
}

constexpr KindKey k_keys[] = {
    {"api_user", KeyForm::text, true, "", "the API user (ApiUser)"},
    {"username", KeyForm::text, false, "api_user", "the user acted for (UserName)"},
    {"key_env", KeyForm::secret_env, true, "", "the variable that holds the API key"},
    {"client_ip", KeyForm::ipv4, true, "", "the IPv4 address whitelisted with Namecheap"},
    {"contact", KeyForm::contact, true, "",
     "the [registrar.contact] table: the registrant, admin, tech and billing contact"},
};

} // namespace

// Figures from shared/reference/registrar-apis.md (section 2).
const KindEntry k_namecheap{
    RegistrarKind{"namecheap", "https://api.namecheap.com/xml.response",
                  "https://api.sandbox.namecheap.com/xml.response", 20, 20, 1, 50, 50, 20, 60,
                  "HTTP 405", "sandbox only",
                  "API terms reported to prohibit drop-catching; confirm before using it",
                  1440 /* non-real-time registries complete later */,
                  false /* catch only with the account's catch = true */, k_keys},
    namecheap_limits, make_namecheap};

} // namespace dropcat::registrar
