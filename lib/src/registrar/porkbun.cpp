// Porkbun v3 (shared/reference/registrar-apis.md section 5): JSON POSTs with the keys in the
// body (never in a URL), checkDomain per name (1 per 10 s by default, its `limits` object says
// what is left), domain/create with `cost` in integer cents that must equal the quote, a real
// `dryRun`, and an Idempotency-Key on every create (sent, never relied on for a resend).
#include "registrar/porkbun.hpp"
#include "registrar/json_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace dropcat::registrar {

namespace {

class Porkbun final : public Adapter {
  public:
    Porkbun(AdapterParts parts, std::string key, std::string secret)
        : Adapter(std::move(parts)), m_key(std::move(key)), m_secret(std::move(secret)) {}

    Result<PingResult> ping(const Call& call) override;
    Result<std::vector<Quote>> quote(std::span<const std::string> names, int years,
                                     const Call& call, const QuoteSink& sink) override;
    CreateResult create(const CreateRequest& request, const Call& call) override;
    Result<std::vector<OwnsResult>> owns(std::span<const std::string> names,
                                         const Call& call) override;

  private:
    HttpRequest post(std::string_view path, Json body, std::string idempotency_key = {}) const {
        body["apikey"] = m_key;
        body["secretapikey"] = m_secret;
        HttpRequest r{"POST",
                      endpoint() + std::string(path),
                      {{"Content-Type", "application/json"}},
                      body.dump()};
        if (!idempotency_key.empty()) r.headers.push_back({"Idempotency-Key", idempotency_key});
        return r;
    }
    std::optional<LimitSignal> read_check(const std::string& name, const HttpResult& sent, Quote& r,
                                          std::optional<Error>& refused) const;

    std::string m_key;
    std::string m_secret;
};

// Porkbun's over-limit answer: status ERROR with a `limits` object whose checks are used up.
// The wait is ttlRemaining (or the window's TTL) seconds.
std::optional<std::chrono::milliseconds> porkbun_limit(const Json& body) {
    if (text_of(body, "status") != "ERROR") return std::nullopt;
    const Json* limits = member(body, "limits");
    if (limits == nullptr || !limits->is_object()) return std::nullopt;
    // Only a spent budget: `used` at `limit`, or a `ttlRemaining` to wait. Another refusal
    // that happens to carry `limits` is not a rate limit.
    std::string remaining = text_of(*limits, "ttlRemaining");
    long used = std::atol(text_of(*limits, "used").c_str());
    long limit = std::atol(text_of(*limits, "limit").c_str());
    if (remaining.empty() && !(limit > 0 && used >= limit)) return std::nullopt;
    if (remaining.empty()) remaining = text_of(*limits, "TTL");
    long seconds = remaining.empty() ? 10 : std::atol(remaining.c_str());
    return std::chrono::milliseconds(std::max(1L, seconds) * 1000);
}

bool auth_refusal(const HttpResponse& response, const Json* body) {
    if (response.status == 401 || response.status == 403) return true;
    return body != nullptr &&
           lowercase(text_of(*body, "message")).find("api key") != std::string::npos;
}

std::optional<Adapter::LimitSignal> Porkbun::read_check(const std::string& name,
                                                        const HttpResult& sent, Quote& r,
                                                        std::optional<Error>& refused) const {
    r = Quote{};
    r.domain = name;
    r.at = m_clock.now();
    if (!sent) return r.detail = sent.error().message, std::nullopt;
    auto body = parse_json(sent->body);
    if (sent->status == 429 || (body && porkbun_limit(*body))) {
        r.detail = "rate-limited";
        if (sent->status == 429)
            return LimitSignal{retry_hint(*sent), false, "porkbun rate limit (HTTP 429)"};
        return LimitSignal{porkbun_limit(*body), false, "porkbun rate limit (ttlRemaining)"};
    }
    if (auth_refusal(*sent, body ? &*body : nullptr)) {
        refused = Error{ErrorKind::config,
                        fmt::format("{}: Porkbun refused the credentials: {}", account().name,
                                    body ? clean(text_of(*body, "message")) : excerpt(sent->body))};
        return r.detail = "credentials refused", std::nullopt;
    }
    if (!body) return r.detail = "unreadable answer: " + excerpt(sent->body), std::nullopt;
    if (sent->status != 200 || text_of(*body, "status") != "SUCCESS")
        return r.detail =
                   fmt::format("HTTP {}: {}", sent->status, clean(text_of(*body, "message"))),
               std::nullopt;
    const Json* response = member(*body, "response");
    if (response == nullptr) return r.detail = "no response object", std::nullopt;
    std::string avail = text_of(*response, "avail");
    if (avail == "no") {
        r.availability = Availability::taken;
        r.definitive = true;
        return std::nullopt;
    }
    if (avail != "yes") return r.detail = "avail is '" + avail + "'", std::nullopt;
    r.availability =
        text_of(*response, "premium") == "yes" ? Availability::premium : Availability::available;
    r.price = decimal_money(text_of(*response, "price"), "USD");
    r.definitive = true;
    return std::nullopt;
}

Result<std::vector<Quote>> Porkbun::quote(std::span<const std::string> names, int years,
                                          const Call& call, const QuoteSink& sink) {
    // The check quotes one year; so does dropcat's ceiling.
    if (years != 1) return unquoted_period(names, years, m_clock.now());
    std::vector<Quote> out(names.size());
    std::optional<Error> refused;
    auto deferred = send_each(
        RequestClass::check, names.size(),
        [&](std::size_t i) { return post("/domain/checkDomain/" + names[i], Json::object()); },
        [&](std::size_t i, const HttpResult& sent) {
            auto signal = read_check(names[i], sent, out[i], refused);
            if (!signal && sink) sink(out[i]);
            return signal;
        },
        call);
    if (refused) return std::unexpected(*refused);
    for (const auto& d : deferred)
        out[d.item] = deferred_quote(names[d.item], d.retry_at, d.reason);
    return out;
}

Result<PingResult> Porkbun::ping(const Call& call) {
    auto sent = send(RequestClass::other, post("/ping", Json::object()), call);
    if (!sent && sent.error().rate_limited)
        return fail(ErrorKind::temporary,
                    fmt::format("{}: {}", account().name, sent.error().message));
    if (!sent)
        return fail(ErrorKind::unavailable,
                    fmt::format("{}: {}", account().name, sent.error().message));
    auto body = parse_json(sent->body);
    if (auth_refusal(*sent, body ? &*body : nullptr))
        return fail(ErrorKind::config,
                    fmt::format("{}: Porkbun refused the credentials: {}", account().name,
                                body ? clean(text_of(*body, "message")) : excerpt(sent->body)));
    if (!body || text_of(*body, "status") != "SUCCESS")
        return fail(ErrorKind::unavailable, fmt::format("{}: HTTP {}: {}", account().name,
                                                        sent->status, excerpt(sent->body)));
    return PingResult{
        fmt::format("credentials accepted; Porkbun sees IP {}", text_of(*body, "yourIp")),
        std::nullopt, sent->total_ms};
}

// domain/listAll, 1000 names a page from `start`: a name is in the account when a page lists
// it. Pages are read until one is short or every name is found (at most 100 pages).
Result<std::vector<OwnsResult>> Porkbun::owns(std::span<const std::string> names,
                                              const Call& call) {
    std::vector<OwnsResult> out;
    std::set<std::string> listed;
    std::string unknown;
    bool whole = false; // the listing was read to its end (or every name was found)
    for (int page = 0; page < 100; ++page) {
        auto sent =
            send(RequestClass::other,
                 post("/domain/listAll", Json{{"start", std::to_string(page * 1000)}}), call);
        if (!sent && sent.error().rate_limited && sent.error().retry_at) {
            for (const auto& n : names)
                out.push_back(deferred_owns(n, *sent.error().retry_at, sent.error().wait_reason));
            return out;
        }
        if (!sent) {
            unknown = sent.error().message;
            break;
        }
        auto body = parse_json(sent->body);
        if (sent->status == 429 || (body && porkbun_limit(*body))) {
            LimitSignal signal{sent->status == 429 ? retry_hint(*sent) : porkbun_limit(*body),
                               false, "porkbun rate limit"};
            auto at = over_limit(RequestClass::other, signal);
            for (const auto& n : names)
                out.push_back(deferred_owns(n, at, signal.reason));
            return out;
        }
        if (auth_refusal(*sent, body ? &*body : nullptr))
            return fail(ErrorKind::config,
                        fmt::format("{}: Porkbun refused the credentials: {}", account().name,
                                    body ? clean(text_of(*body, "message")) : excerpt(sent->body)));
        const Json* domains = body ? member(*body, "domains") : nullptr;
        if (!body || text_of(*body, "status") != "SUCCESS" || domains == nullptr ||
            !domains->is_array()) {
            unknown = fmt::format("HTTP {}: {}", sent->status, excerpt(sent->body));
            break;
        }
        accepted(RequestClass::other);
        for (const auto& d : *domains)
            listed.insert(lowercase(text_of(d, "domain")));
        bool all_found = std::all_of(names.begin(), names.end(),
                                     [&](const std::string& n) { return listed.contains(n); });
        if (domains->size() < 1000 || all_found) {
            whole = true;
            break;
        }
    }
    if (!whole && unknown.empty()) unknown = "the account lists more than 100,000 names";
    for (const auto& n : names) {
        OwnsResult r;
        r.domain = n;
        if (listed.contains(n))
            r.owned = Owned::yes;
        else if (unknown.empty())
            r.owned = Owned::no;
        else
            r.detail = unknown;
        out.push_back(std::move(r));
    }
    return out;
}

CreateResult Porkbun::create(const CreateRequest& request, const Call& call) {
    CreateResult result;
    result.dry_run = request.dry_run;
    // The check quotes one year; so does dropcat's ceiling.
    if (auto refused = refuse_period(request, 1)) return *refused;
    // The create carries the quoted price in cents and Porkbun refuses another: a quote of
    // any age holds, within the ceiling.
    if (auto refused = quote_blocks_create(request, m_clock.now(), true)) return *refused;
    result.price = request.quote.price;
    Json body{{"cost", request.quote.price->minor}, {"agreeToTerms", "yes"}};
    if (request.dry_run) body["dryRun"] = true;
    std::string key =
        request.idempotency_key.empty() ? new_idempotency_key() : request.idempotency_key;
    // A dry run executes nothing, so a failure is only ever transient. A real create whose
    // answer was lost is ambiguous and is not sent again, Idempotency-Key or not: Porkbun
    // does not document the key's replay (the reference knows it from client code only),
    // and an unclear outcome is resolved by asking the account, never by sending again.
    Outcome unsure = request.dry_run ? Outcome::transient : Outcome::ambiguous;
    HttpRequest create = post("/domain/create/" + request.domain, body, key);
    // A dry run buys nothing and Porkbun does not count it against the create limit: it goes as
    // an ordinary request, outside the account's create budget.
    auto sent = send(request.dry_run ? RequestClass::other : RequestClass::create, create, call);
    if (!sent) {
        if (request.dry_run && sent.error().stage != TransportStage::not_sent)
            return with(result, Outcome::transient,
                        fmt::format("no answer to the dry run ({}); nothing was bought",
                                    sent.error().message));
        return transport_outcome(sent.error(), result);
    }
    result.sent = true;
    auto json = parse_json(sent->body);
    if (sent->status == 429 || (json && porkbun_limit(*json))) {
        // Refused before execution: the caller may ask again after the wait.
        LimitSignal signal =
            sent->status == 429
                ? LimitSignal{retry_hint(*sent), false, "porkbun rate limit (HTTP 429)"}
                : LimitSignal{porkbun_limit(*json), false, "porkbun rate limit (ttlRemaining)"};
        return limited(result, over_limit(RequestClass::create, signal), signal.reason);
    }
    accepted(RequestClass::create);
    if (sent->status >= 500 || !json)
        return with(result, unsure,
                    fmt::format("HTTP {} to a {}; {}: {}", sent->status,
                                request.dry_run ? "dry run" : "create",
                                request.dry_run ? "nothing was bought" : "it may have executed",
                                excerpt(sent->body)));
    std::string status = text_of(*json, "status");
    std::string code = text_of(*json, "code");
    std::string message = clean(text_of(*json, "message"));
    if (status == "SUCCESS") {
        if (request.dry_run) {
            const Json* would = member(*json, "wouldSucceed");
            if (would != nullptr && would->is_boolean() && would->get<bool>())
                return with(result, Outcome::dry_run_ok,
                            "Porkbun's dry run found nothing in the way; nothing was bought");
            if (text_of(*json, "sufficientFunds") == "false")
                return with(result, Outcome::insufficient_funds, "dry run: " + message);
            return with(result, Outcome::policy_refused, "dry run would not succeed: " + message);
        }
        result.order_id = text_of(*json, "orderId");
        return with(result, Outcome::registered, "registered");
    }
    if (auth_refusal(*sent, &*json)) return with(result, Outcome::auth_error, message);
    if (code == "INSUFFICIENT_FUNDS" || sent->status == 402)
        return with(result, Outcome::insufficient_funds, message);
    if (code == "DOMAIN_NOT_AVAILABLE") return with(result, Outcome::lost_race, message);
    if (code == "PRICE_MISMATCH") return with(result, Outcome::price_mismatch, message);
    return with(result, Outcome::policy_refused,
                fmt::format("Porkbun refused ({}): {}", code.empty() ? "no code" : code, message));
}

// Porkbun's create takes an Idempotency-Key and the quoted cost, and has a dry run of its own.
void porkbun_limits(const RegistrarAccount&, RegistrarLimits& limits) {
    limits.idempotent_create = true;
    limits.dry_run = true;
    limits.price_sent = true;
}

std::unique_ptr<Registrar> make_porkbun(AdapterParts parts, Secrets secrets) {
    return std::make_unique<Porkbun>(std::move(parts), std::move(secrets.at("key_env")),
                                     std::move(secrets.at("secret_env")));
}

constexpr KindKey k_keys[] = {
    {"key_env", KeyForm::secret_env, true, "", "the variable that holds the API key (pk1_…)"},
    {"secret_env", KeyForm::secret_env, true, "",
     "the variable that holds the secret API key (sk1_…)"},
};

} // namespace

// Figures from shared/reference/registrar-apis.md (section 5).
const KindEntry k_porkbun{
    RegistrarKind{"porkbun", "https://api.porkbun.com/api/json/v3",
                  "https://api.porkbun.com/api/json/v3 (sandbox keys pk1_sb_)", 6, 60, 1, 1, 1, 1,
                  10, "status ERROR with its limits (1 check per 10 s)", "dryRun: true",
                  "not stated; creates have their own budget and a monthly spend limit", 30, true,
                  k_keys},
    porkbun_limits, make_porkbun};

} // namespace dropcat::registrar
