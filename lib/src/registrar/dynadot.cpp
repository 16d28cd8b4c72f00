// Dynadot api3 (shared/reference/registrar-apis.md section 3.1): GET /api3.json with the key
// in the query string (redacted in every log), `search` for availability and price, `register`
// to buy. Dynadot documents no 429; an over-limit answer is ResponseCode 5, "system_busy".
#include "registrar/dynadot.hpp"
#include "registrar/json_util.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dropcat::registrar {

namespace {

class Dynadot final : public Adapter {
  public:
    Dynadot(AdapterParts parts, std::string key)
        : Adapter(std::move(parts)), m_key(std::move(key)) {}

    Result<PingResult> ping(const Call& call) override;
    Result<std::vector<Quote>> quote(std::span<const std::string> names, int years,
                                     const Call& call, const QuoteSink& sink) override;
    CreateResult create(const CreateRequest& request, const Call& call) override;
    Result<std::vector<OwnsResult>> owns(std::span<const std::string> names,
                                         const Call& call) override;

  private:
    std::string url(std::string_view command, std::string_view rest) const {
        return fmt::format("{}/api3.json?key={}&command={}{}", endpoint(), url_encode(m_key),
                           command, rest);
    }
    std::optional<LimitSignal> read_search(std::span<const std::string> names,
                                           const HttpResult& sent, std::vector<Quote>& out,
                                           std::optional<Error>& refused) const;

    std::string m_key;
    std::string m_currency = "USD";
};

} // namespace

std::optional<DynadotPrice> read_dynadot_price(std::string_view text) {
    // "Registration Price: 10.88 in USD and Renewal price: 10.88 in USD and Domain is not a
    // Premium Domain", the documented "77.00 in USD", or a plain "10.88".
    std::string lower = lowercase(text);
    std::string_view rest = lower;
    if (auto at = rest.find("registration price:"); at != std::string_view::npos)
        rest.remove_prefix(at + std::string_view("registration price:").size());
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    std::size_t end = 0;
    while (end < rest.size() &&
           ((rest[end] >= '0' && rest[end] <= '9') || rest[end] == '.' || rest[end] == ','))
        ++end;
    std::string_view number = rest.substr(0, end);
    rest.remove_prefix(end);
    DynadotPrice out;
    if (rest.starts_with(" in ") && rest.size() >= 7) {
        for (char c : rest.substr(4, 3))
            out.currency += static_cast<char>(c - 'a' + 'A');
        if (out.currency.size() != 3 || !std::all_of(out.currency.begin(), out.currency.end(),
                                                     [](char c) { return c >= 'A' && c <= 'Z'; }))
            return std::nullopt;
        rest.remove_prefix(7);
    } else if (!rest.empty()) {
        return std::nullopt; // not a price dropcat can read: never guess one
    }
    auto money = decimal_money(number, out.currency.empty() ? "USD" : out.currency);
    if (!money) return std::nullopt;
    out.price = *money;
    out.currency = money->currency;
    // The premium clause, when there is one; "is not a premium domain" is the ordinary name.
    out.premium = lower.find("is a premium domain") != std::string::npos &&
                  lower.find("is not a premium domain") == std::string::npos;
    return out;
}

namespace {

bool auth_words(std::string_view error) {
    std::string lower = lowercase(error);
    return lower.find("key") != std::string::npos || lower.find(" ip") != std::string::npos ||
           lower.starts_with("ip ");
}

// Reads one search answer into `out` (one result per name, in order). A LimitSignal when
// Dynadot said system_busy or 429; an Error when it refused the key.
std::optional<Adapter::LimitSignal> Dynadot::read_search(std::span<const std::string> names,
                                                         const HttpResult& sent,
                                                         std::vector<Quote>& out,
                                                         std::optional<Error>& refused) const {
    out.clear();
    auto unknown = [&](const std::string& why) {
        for (const auto& n : names) {
            Quote q;
            q.domain = n;
            q.detail = why;
            q.at = m_clock.now();
            out.push_back(std::move(q));
        }
        return std::nullopt;
    };
    if (!sent) return unknown(sent.error().message);
    if (sent->status == 429) {
        unknown("rate-limited (HTTP 429)");
        return LimitSignal{retry_hint(*sent), false, "dynadot rate limit (HTTP 429)"};
    }
    if (sent->status != 200) return unknown(fmt::format("HTTP {}", sent->status));
    auto body = parse_json(sent->body);
    if (!body) return unknown("unreadable answer: " + excerpt(sent->body));
    const Json* response = member(*body, "SearchResponse");
    std::string code = response ? text_of(*response, "ResponseCode") : std::string();
    if (response == nullptr || code != "0") {
        const Json* any = response ? response : member(*body, "Response");
        if (any &&
            (text_of(*any, "ResponseCode") == "5" || text_of(*any, "Status") == "system_busy")) {
            unknown("rate-limited (system_busy)");
            // One request at a time: hold them all.
            return LimitSignal{std::nullopt, true, "dynadot rate limit (system_busy)"};
        }
        std::string error = any ? text_of(*any, "Error") : std::string();
        if (!error.empty() && auth_words(error))
            refused =
                Error{ErrorKind::config, fmt::format("{}: Dynadot refused the credentials: {}",
                                                     account().name, clean(error))};
        return unknown(error.empty() ? "unexpected answer: " + excerpt(sent->body)
                                     : fmt::format("Dynadot answered ResponseCode {}: {}", code,
                                                   clean(error)));
    }
    const Json* results = member(*response, "SearchResults");
    for (const auto& name : names) {
        Quote r;
        r.domain = name;
        r.detail = "not in the answer";
        r.at = m_clock.now();
        if (results != nullptr && results->is_array())
            for (const auto& item : *results) {
                if (lowercase(text_of(item, "DomainName")) != name) continue;
                std::string avail = lowercase(text_of(item, "Available"));
                if (avail == "yes") {
                    std::string said = text_of(item, "Price");
                    auto price = read_dynadot_price(said);
                    r.availability =
                        price && price->premium ? Availability::premium : Availability::available;
                    r.definitive = true;
                    r.detail.clear();
                    if (price)
                        r.price = price->price;
                    else if (!said.empty())
                        r.detail = "a price dropcat cannot read: " + clean(said);
                } else if (avail == "no") {
                    r.availability = Availability::taken;
                    r.definitive = true;
                    r.detail.clear();
                } else {
                    std::string error = clean(text_of(item, "Error"));
                    r.detail = "Available is '" + avail + "'" + (error.empty() ? "" : ": " + error);
                }
            }
        out.push_back(std::move(r));
    }
    return std::nullopt;
}

Result<std::vector<Quote>> Dynadot::quote(std::span<const std::string> names, int years,
                                          const Call& call, const QuoteSink& sink) {
    // The check quotes one year; so does dropcat's ceiling.
    if (years != 1) return unquoted_period(names, years, m_clock.now());
    auto batch = static_cast<std::size_t>(std::max(1, limits().batch));
    std::vector<std::span<const std::string>> parts;
    for (std::size_t i = 0; i < names.size(); i += batch)
        parts.push_back(names.subspan(i, std::min(batch, names.size() - i)));
    std::vector<std::vector<Quote>> answers(parts.size());
    std::optional<Error> refused;
    auto deferred = send_each(
        RequestClass::check, parts.size(),
        [&](std::size_t i) {
            std::string rest;
            for (std::size_t k = 0; k < parts[i].size(); ++k)
                rest += fmt::format("&domain{}={}", k, url_encode(parts[i][k]));
            rest += "&show_price=1&currency=" + m_currency;
            return HttpRequest{"GET", url("search", rest), {}, {}};
        },
        [&](std::size_t i, const HttpResult& sent) {
            auto signal = read_search(parts[i], sent, answers[i], refused);
            if (!signal && sink)
                for (const auto& q : answers[i])
                    sink(q);
            return signal;
        },
        call);
    if (refused) return std::unexpected(*refused);
    for (const auto& d : deferred) {
        answers[d.item].clear();
        for (const auto& n : parts[d.item])
            answers[d.item].push_back(deferred_quote(n, d.retry_at, d.reason));
    }
    std::vector<Quote> out;
    for (auto& a : answers)
        out.insert(out.end(), a.begin(), a.end());
    return out;
}

Result<PingResult> Dynadot::ping(const Call& call) {
    auto sent =
        send(RequestClass::other, HttpRequest{"GET", url("account_info", ""), {}, {}}, call);
    if (!sent && sent.error().rate_limited)
        return fail(ErrorKind::temporary,
                    fmt::format("{}: {}", account().name, sent.error().message));
    if (!sent)
        return fail(ErrorKind::unavailable,
                    fmt::format("{}: {}", account().name, sent.error().message));
    if (sent->status != 200)
        return fail(ErrorKind::unavailable,
                    fmt::format("{}: HTTP {}", account().name, sent->status));
    auto body = parse_json(sent->body);
    if (!body)
        return fail(ErrorKind::unavailable,
                    fmt::format("{}: unreadable answer: {}", account().name, excerpt(sent->body)));
    const Json* response = member(*body, "AccountInfoResponse");
    if (response == nullptr || text_of(*response, "ResponseCode") != "0") {
        const Json* any = response ? response : member(*body, "Response");
        std::string error = any ? clean(text_of(*any, "Error")) : excerpt(sent->body);
        return fail(auth_words(error) ? ErrorKind::config : ErrorKind::unavailable,
                    fmt::format("{}: Dynadot refused: {}", account().name, error));
    }
    PingResult result{"credentials accepted", std::nullopt, sent->total_ms};
    if (const Json* info = member(*response, "AccountInfo")) {
        std::string currency = text_of(*info, "Currency");
        result.balance =
            decimal_money(text_of(*info, "Balance"), currency.empty() ? "USD" : currency);
    }
    return result;
}

// domain_info per name: ResponseCode 0 (a number in live answers) in the account; "-1" with
// "could not find domain in your account" not in it. A name registered moments ago may not be
// listed yet (Dynadot's own advice is to wait up to 30 minutes), so "no" is never taken as
// proof that a recent create failed.
Result<std::vector<OwnsResult>> Dynadot::owns(std::span<const std::string> names,
                                              const Call& call) {
    std::vector<OwnsResult> out(names.size());
    std::optional<Error> refused;
    auto deferred = send_each(
        RequestClass::other, names.size(),
        [&](std::size_t i) {
            return HttpRequest{
                "GET", url("domain_info", "&domain=" + url_encode(names[i])), {}, {}};
        },
        [&](std::size_t i, const HttpResult& sent) -> std::optional<LimitSignal> {
            OwnsResult& r = out[i];
            r.domain = names[i];
            if (!sent) return r.detail = sent.error().message, std::nullopt;
            if (sent->status == 429) {
                r.detail = "rate-limited (HTTP 429)";
                return LimitSignal{retry_hint(*sent), false, "dynadot rate limit (HTTP 429)"};
            }
            auto body = sent->status == 200 ? parse_json(sent->body) : std::nullopt;
            const Json* response = body ? member(*body, "DomainInfoResponse") : nullptr;
            if (response == nullptr) response = body ? member(*body, "Response") : nullptr;
            if (response == nullptr)
                return r.detail = fmt::format("HTTP {}: {}", sent->status, excerpt(sent->body)),
                       std::nullopt;
            std::string code = text_of(*response, "ResponseCode");
            std::string status = text_of(*response, "Status");
            std::string error = clean(text_of(*response, "Error"));
            if (code == "5" || status == "system_busy") {
                r.detail = "rate-limited (system_busy)";
                return LimitSignal{std::nullopt, true, "dynadot rate limit (system_busy)"};
            }
            if (code == "0") {
                r.owned = Owned::yes;
            } else if (lowercase(error).find("could not find") != std::string::npos) {
                r.owned = Owned::no;
                r.detail = error;
            } else {
                if (auth_words(error))
                    refused = Error{ErrorKind::config,
                                    fmt::format("{}: Dynadot refused the credentials: {}",
                                                account().name, error)};
                r.detail = fmt::format("Dynadot answered ResponseCode {}: {}", code, error);
            }
            return std::nullopt;
        },
        call);
    if (refused) return std::unexpected(*refused);
    for (const auto& d : deferred)
        out[d.item] = deferred_owns(names[d.item], d.retry_at, d.reason);
    return out;
}

CreateResult Dynadot::create(const CreateRequest& request, const Call& call) {
    CreateResult result;
    result.dry_run = request.dry_run;
    // The search quotes one year; so does dropcat's ceiling.
    if (auto refused = refuse_period(request, 1)) return *refused;
    // Dynadot's register takes no price: the create goes only on a quote that still holds.
    if (auto refused = quote_blocks_create(request, m_clock.now(), false)) return *refused;
    result.price = request.quote.price;
    if (request.dry_run)
        return with(result, Outcome::dry_run_ok,
                    "Dynadot has no dry run outside its sandbox: available at the price; no "
                    "create was sent");
    std::string rest = fmt::format("&domain={}&duration={}&currency={}", url_encode(request.domain),
                                   request.years, m_currency);
    HttpRequest create{"GET", url("register", rest), {}, {}};
    auto sent = send(RequestClass::create, create, call);
    if (!sent) return transport_outcome(sent.error(), result);
    result.sent = true;
    if (sent->status == 429) {
        LimitSignal signal{retry_hint(*sent), false, "dynadot rate limit (HTTP 429)"};
        return limited(result, over_limit(RequestClass::create, signal), signal.reason);
    }
    if (sent->status != 200)
        return with(result, Outcome::ambiguous,
                    fmt::format("HTTP {} to a create: it may have executed", sent->status));
    auto body = parse_json(sent->body);
    const Json* response = body ? member(*body, "RegisterResponse") : nullptr;
    if (response == nullptr)
        return with(result, Outcome::ambiguous,
                    "unreadable answer to a create: it may have executed: " + excerpt(sent->body));
    std::string code = text_of(*response, "ResponseCode");
    std::string status = text_of(*response, "Status");
    std::string error = clean(text_of(*response, "Error"));
    if (code == "5" || status == "system_busy") {
        // Refused before execution: the caller may ask again after the wait.
        LimitSignal signal{std::nullopt, true, "dynadot rate limit (system_busy)"};
        return limited(result, over_limit(RequestClass::create, signal), signal.reason);
    }
    accepted(RequestClass::create);
    if (code == "0" && status == "success") return with(result, Outcome::registered, "registered");
    if (code == "1" || status == "not_available")
        return with(result, Outcome::lost_race, "not available");
    if (status == "order_pending_process")
        return with(result, Outcome::ambiguous,
                    "Dynadot is still processing the order: it may complete; check the account");
    std::string lower = lowercase(error);
    if (lower.find("premium") != std::string::npos)
        return with(result, Outcome::policy_refused,
                    "a premium name: dropcat does not send Dynadot's premium option: " + error);
    if (status == "insufficient_funds" || lower.find("balance") != std::string::npos ||
        lower.find("fund") != std::string::npos)
        return with(result, Outcome::insufficient_funds, error.empty() ? status : error);
    if (auth_words(error)) return with(result, Outcome::auth_error, error);
    return with(result, Outcome::policy_refused,
                fmt::format("Dynadot refused (ResponseCode {}): {}", code, error));
}

// Dynadot's tiers are per account, whatever the command: 60 a minute and one a second on a
// regular account (a bulk account configures its own figure).
void dynadot_limits(const RegistrarAccount& account, RegistrarLimits& limits) {
    using std::chrono::milliseconds;
    int per_minute = std::max({account.checks_per_minute, account.creates_per_minute, 60});
    limits.all.push_back(RateRule{per_minute, milliseconds(60000)});
    limits.all.push_back(RateRule{std::max(1, per_minute / 60), milliseconds(1000)});
}

std::unique_ptr<Registrar> make_dynadot(AdapterParts parts, Secrets secrets) {
    return std::make_unique<Dynadot>(std::move(parts), std::move(secrets.at("key_env")));
}

constexpr KindKey k_keys[] = {
    {"key_env", KeyForm::secret_env, true, "", "the variable that holds the API key"},
};

} // namespace

// Figures from shared/reference/registrar-apis.md (sections 0 and 3): the lowest documented
// tier is the default, and an account's configuration may raise it.
const KindEntry k_dynadot{
    RegistrarKind{"dynadot", "https://api.dynadot.com", "https://api-sandbox.dynadot.com", 60, 60,
                  1, 1, 100, 60, 60, "system_busy status (no 429 documented)", "sandbox only",
                  "advertises drop-catching through its API; confirm the current terms",
                  30, // Dynadot's advice: a new name may take that long to be listed
                  true, k_keys},
    dynadot_limits, make_dynadot};

} // namespace dropcat::registrar
