// Dynadot api3 (shared/reference/registrar-apis.md section 3.1): GET /api3.json with the key
// in the query string (redacted in every log), `search` for availability and price, `register`
// to buy. Dynadot documents no 429; an over-limit answer is ResponseCode 5, "system_busy".
#include "registrar/adapter.hpp"
#include "registrar/json_util.hpp"

#include <fmt/format.h>

namespace dropcat::registrar {

namespace {

class Dynadot final : public Adapter {
  public:
    Dynadot(AdapterParts parts, std::string key)
        : Adapter(std::move(parts)), m_key(std::move(key)) {}

    Result<PingResult> ping() override;
    Result<std::vector<CheckResult>> check(std::span<const std::string> names) override;
    RegisterResult register_domain(const RegisterRequest& request) override;

  private:
    std::string url(std::string_view command, std::string_view rest) const {
        return fmt::format("{}/api3.json?key={}&command={}{}", endpoint(), url_encode(m_key),
                           command, rest);
    }
    std::optional<LimitSignal> read_search(std::span<const std::string> names,
                                           const HttpResult& sent, std::vector<CheckResult>& out,
                                           std::optional<Error>& refused) const;

    std::string m_key;
    std::string m_currency = "USD";
};

bool auth_words(std::string_view error) {
    std::string lower = lowercase(error);
    return lower.find("key") != std::string::npos || lower.find(" ip") != std::string::npos ||
           lower.starts_with("ip ");
}

// Reads one search answer into `out` (one result per name, in order). A LimitSignal when
// Dynadot said system_busy or 429; an Error when it refused the key.
std::optional<Adapter::LimitSignal> Dynadot::read_search(std::span<const std::string> names,
                                                         const HttpResult& sent,
                                                         std::vector<CheckResult>& out,
                                                         std::optional<Error>& refused) const {
    out.clear();
    auto unknown = [&](const std::string& why) {
        for (const auto& n : names)
            out.push_back(CheckResult{n, Availability::unknown, {}, false, why});
        return std::nullopt;
    };
    if (!sent) return unknown(sent.error().message);
    if (sent->status == 429) {
        unknown("rate-limited (HTTP 429)");
        return LimitSignal{retry_hint(*sent), false};
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
            return LimitSignal{std::nullopt, true}; // one request at a time: hold them all
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
        CheckResult r{name, Availability::unknown, {}, false, "not in the answer"};
        if (results != nullptr && results->is_array())
            for (const auto& item : *results) {
                if (lowercase(text_of(item, "DomainName")) != name) continue;
                std::string avail = lowercase(text_of(item, "Available"));
                if (avail == "yes")
                    r = CheckResult{name,
                                    Availability::available,
                                    decimal_money(text_of(item, "Price"), m_currency),
                                    true,
                                    {}};
                else if (avail == "no")
                    r = CheckResult{name, Availability::taken, {}, true, {}};
                else
                    r.detail = "Available is '" + avail + "'";
            }
        out.push_back(std::move(r));
    }
    return std::nullopt;
}

Result<std::vector<CheckResult>> Dynadot::check(std::span<const std::string> names) {
    auto batch = static_cast<std::size_t>(std::max(1, limits().batch));
    std::vector<std::span<const std::string>> parts;
    for (std::size_t i = 0; i < names.size(); i += batch)
        parts.push_back(names.subspan(i, std::min(batch, names.size() - i)));
    std::vector<std::vector<CheckResult>> answers(parts.size());
    std::optional<Error> refused;
    send_each(
        RequestClass::check, parts.size(),
        [&](std::size_t i) {
            std::string rest;
            for (std::size_t k = 0; k < parts[i].size(); ++k)
                rest += fmt::format("&domain{}={}", k, url_encode(parts[i][k]));
            rest += "&show_price=1&currency=" + m_currency;
            return HttpRequest{"GET", url("search", rest), {}, {}};
        },
        [&](std::size_t i, const HttpResult& sent) {
            return read_search(parts[i], sent, answers[i], refused);
        },
        [](std::size_t) {}, deadline());
    if (refused) return std::unexpected(*refused);
    std::vector<CheckResult> out;
    for (auto& a : answers)
        out.insert(out.end(), a.begin(), a.end());
    return out;
}

Result<PingResult> Dynadot::ping() {
    auto until = deadline();
    auto sent =
        send(RequestClass::other, HttpRequest{"GET", url("account_info", ""), {}, {}}, until);
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

RegisterResult Dynadot::register_domain(const RegisterRequest& request) {
    auto until = deadline();
    RegisterResult result;
    result.dry_run = request.dry_run;
    // The check quotes one year; so does dropcat's ceiling.
    if (auto refused = refuse_period(request, 1)) return *refused;
    // Dynadot's register takes no price, so the ceiling is enforced by asking first.
    auto quote = check(std::span(&request.domain, 1));
    if (!quote)
        return RegisterResult{Outcome::auth_error,  request.dry_run, false, {}, {}, {},
                              quote.error().message};
    if (auto refused = refuse_by_quote(quote->front(), request)) return *refused;
    result.price = quote->front().price;
    if (request.dry_run) {
        result.outcome = Outcome::dry_run_ok;
        result.detail = "Dynadot has no dry run outside its sandbox: available at the price; "
                        "no create was sent";
        return result;
    }
    std::string rest = fmt::format("&domain={}&duration={}&currency={}", url_encode(request.domain),
                                   request.years, m_currency);
    for (int attempt = 0;; ++attempt) {
        HttpRequest create{"GET", url("register", rest), {}, {}};
        create.fresh_connection = true; // see HttpRequest: libcurl must never resend it
        auto sent = send(RequestClass::create, create, until);
        if (!sent) return transport_outcome(sent.error(), result);
        result.sent = true;
        if (sent->status == 429) {
            auto hint = retry_hint(*sent);
            if (wait_after_limit(RequestClass::create, hint, attempt, until)) continue;
            return limited(result, hint, "HTTP 429");
        }
        if (sent->status != 200)
            return with(result, Outcome::ambiguous,
                        fmt::format("HTTP {} to a create: it may have executed", sent->status));
        auto body = parse_json(sent->body);
        const Json* response = body ? member(*body, "RegisterResponse") : nullptr;
        if (response == nullptr)
            return with(result, Outcome::ambiguous,
                        "unreadable answer to a create: it may have executed: " +
                            excerpt(sent->body));
        std::string code = text_of(*response, "ResponseCode");
        std::string status = text_of(*response, "Status");
        std::string error = clean(text_of(*response, "Error"));
        if (code == "0" && status == "success")
            return with(result, Outcome::registered, "registered");
        if (code == "1" || status == "not_available")
            return with(result, Outcome::lost_race, "not available");
        if (code == "5" || status == "system_busy") {
            if (wait_after_limit(RequestClass::create, std::nullopt, attempt, until, true))
                continue;
            return limited(result, std::nullopt, "system_busy");
        }
        std::string lower = lowercase(error);
        if (lower.find("premium") != std::string::npos)
            return with(result, Outcome::policy_refused,
                        "a premium name: dropcat does not send Dynadot's premium option: " + error);
        if (lower.find("balance") != std::string::npos || lower.find("fund") != std::string::npos)
            return with(result, Outcome::insufficient_funds, error);
        if (auth_words(error)) return with(result, Outcome::auth_error, error);
        return with(result, Outcome::policy_refused,
                    fmt::format("Dynadot refused (ResponseCode {}): {}", code, error));
    }
}

} // namespace

std::unique_ptr<Registrar> make_dynadot(AdapterParts parts, std::string key) {
    parts.redactor.add_secret(key);
    return std::make_unique<Dynadot>(std::move(parts), std::move(key));
}

} // namespace dropcat::registrar
