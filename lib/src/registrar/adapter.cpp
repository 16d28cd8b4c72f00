#include "registrar/adapter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <variant>

namespace dropcat::registrar {

namespace {

RateLimiter::Rules rules_of(const RegistrarLimits& limits, ratelimit::AccountLedger* ledger) {
    RateLimiter::Rules rules{limits.checks,
                             limits.creates,
                             limits.all,
                             limits.max_in_flight,
                             std::chrono::milliseconds(50),
                             {}};
    if (ledger != nullptr) rules.journal = [ledger](const LimiterEvent& e) { ledger->append(e); };
    return rules;
}

} // namespace

Adapter::Adapter(AdapterParts parts)
    : m_account(std::move(parts.account)), m_endpoint(std::move(parts.endpoint)),
      m_limits(std::move(parts.limits)),
      m_http(parts.setup.http, std::move(parts.redactor), parts.setup.log),
      m_ledger(std::move(parts.ledger)), m_limiter(rules_of(m_limits, m_ledger.get())),
      m_patience(parts.setup.patience), m_cancelled(parts.setup.http.cancelled) {
    while (!m_endpoint.empty() && m_endpoint.back() == '/')
        m_endpoint.pop_back();
    if (m_ledger) m_limiter.restore(m_ledger->history());
}

HttpResult Adapter::send(RequestClass kind, const HttpRequest& request,
                         Clock::time_point deadline) {
    auto permit = m_limiter.acquire(kind, deadline, m_cancelled);
    if (!permit) {
        if (cancelled())
            return std::unexpected(
                HttpError{TransportStage::not_sent, "interrupted before it was sent", true});
        return std::unexpected(HttpError{TransportStage::not_sent,
                                         "the account's rate limit leaves no room before the "
                                         "deadline; nothing was sent",
                                         false, true});
    }
    return m_http.perform(request);
}

void Adapter::send_each(
    RequestClass kind, std::size_t count, const std::function<HttpRequest(std::size_t)>& build,
    const std::function<std::optional<LimitSignal>(std::size_t, const HttpResult&)>& handle,
    const std::function<void(std::size_t)>& give_up, Clock::time_point deadline) {
    std::vector<std::size_t> pending(count);
    for (std::size_t i = 0; i < count; ++i)
        pending[i] = i;
    for (int attempt = 0; !pending.empty(); ++attempt) {
        std::vector<HttpRequest> requests;
        for (std::size_t item : pending)
            requests.push_back(build(item));
        // Each request starts the moment the limiter grants it a permit, and holds the permit
        // until it completes (the in-flight cap). After an over-limit answer nothing more
        // starts: the rest wait for the next round, after the wait.
        std::vector<std::optional<RateLimiter::Permit>> permits(pending.size());
        std::vector<std::size_t> refused;
        std::vector<bool> deferred(pending.size(), false);
        LimitSignal signal;
        bool stop = false;
        auto gate = [&](std::size_t k) {
            using Say = HttpClient::Gate::Say;
            if (stop) {
                deferred[k] = true;
                return HttpClient::Gate{Say::skip, {}, "deferred"};
            }
            auto got = m_limiter.try_acquire(kind);
            if (auto* permit = std::get_if<RateLimiter::Permit>(&got)) {
                permits[k].emplace(std::move(*permit));
                return HttpClient::Gate{Say::go, {}, {}};
            }
            auto at = std::get<Clock::time_point>(got);
            if (at != Clock::time_point::max() && at > deadline)
                return HttpClient::Gate{Say::skip,
                                        {},
                                        "the account's rate limit leaves no room before the "
                                        "deadline; nothing was sent"};
            if (Clock::now() >= deadline)
                return HttpClient::Gate{Say::skip, {}, "deadline passed; nothing was sent"};
            return HttpClient::Gate{Say::wait, std::min(at, deadline), {}};
        };
        auto done = [&](std::size_t k, const HttpResult& result) {
            permits[k].reset(); // completed: the limiter counts it from now
            if (deferred[k]) return;
            if (auto limited = handle(pending[k], result)) {
                refused.push_back(pending[k]);
                if (limited->hint && (!signal.hint || *limited->hint > *signal.hint))
                    signal.hint = limited->hint;
                signal.all_classes = signal.all_classes || limited->all_classes;
                stop = true;
            }
        };
        m_http.perform_all(requests, gate, done);
        for (std::size_t k = 0; k < pending.size(); ++k)
            if (deferred[k]) refused.push_back(pending[k]);
        if (refused.empty()) break;
        if (cancelled() ||
            !wait_after_limit(kind, signal.hint, attempt, deadline, signal.all_classes)) {
            for (std::size_t item : refused)
                give_up(item);
            break;
        }
        std::sort(refused.begin(), refused.end());
        pending = std::move(refused);
    }
}

bool Adapter::wait_after_limit(RequestClass kind, std::optional<std::chrono::milliseconds> hint,
                               int attempt, Clock::time_point deadline, bool all_classes) {
    using namespace std::chrono;
    milliseconds backoff =
        std::min(milliseconds(1000) * (1 << std::min(attempt, 6)), milliseconds(60000));
    milliseconds wait =
        std::max(hint.value_or(milliseconds(0)), backoff); // the server's word, at least
    auto until = Clock::now() + wait;
    // Hold even when giving up, so that the next caller in this process obeys the wait too.
    if (all_classes)
        m_limiter.hold_all(until);
    else
        m_limiter.hold(kind, until);
    return attempt + 1 < k_max_limit_attempts && until <= deadline && !cancelled();
}

std::optional<std::chrono::milliseconds> Adapter::retry_hint(const HttpResponse& response) {
    using namespace std::chrono;
    if (auto after = response.header("retry-after")) {
        long seconds = 0;
        auto [end, ec] = std::from_chars(after->data(), after->data() + after->size(), seconds);
        if (ec == std::errc() && seconds >= 0) return milliseconds(seconds * 1000);
        std::tm tm{};
        if (strptime(after->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
            auto at = system_clock::from_time_t(timegm(&tm));
            return std::max(milliseconds(0), duration_cast<milliseconds>(at - system_clock::now()));
        }
    }
    if (auto reset = response.header("x-ratelimit-reset")) {
        long long unix_s = 0;
        auto [end, ec] = std::from_chars(reset->data(), reset->data() + reset->size(), unix_s);
        if (ec == std::errc()) {
            auto at = system_clock::time_point(seconds(unix_s));
            return std::max(milliseconds(0), duration_cast<milliseconds>(at - system_clock::now()));
        }
    }
    return std::nullopt;
}

std::optional<Money> decimal_money(std::string_view text, const std::string& currency) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != '.'; ++i) {
        if (text[i] < '0' || text[i] > '9' || whole > 100000000000LL) return std::nullopt;
        whole = whole * 10 + (text[i] - '0');
    }
    if (i == 0) return std::nullopt;
    std::int64_t cents = 0;
    bool round_up = false;
    if (i < text.size()) {
        std::string_view frac = text.substr(i + 1);
        if (frac.empty()) return std::nullopt;
        for (std::size_t k = 0; k < frac.size(); ++k) {
            char c = frac[k];
            if (c < '0' || c > '9') return std::nullopt;
            if (k < 2)
                cents = cents * 10 + (c - '0');
            else if (c != '0')
                round_up = true;
        }
        if (frac.size() == 1) cents *= 10;
    }
    return Money{whole * 100 + cents + (round_up ? 1 : 0), currency};
}

std::string decimal_text(std::int64_t minor) {
    return fmt::format("{}.{:02}", minor / 100, minor % 100);
}

std::string body_excerpt(std::string_view body) {
    std::string out;
    for (char c : body.substr(0, 160))
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (body.size() > 160) out += "...";
    return out;
}

} // namespace dropcat::registrar

namespace dropcat::registrar {

RegisterResult with(RegisterResult result, Outcome outcome, std::string detail) {
    result.outcome = outcome;
    result.detail = std::move(detail);
    return result;
}

RegisterResult limited(RegisterResult result, std::optional<std::chrono::milliseconds> wait,
                       std::string_view signal) {
    result.outcome = Outcome::rate_limited;
    result.retry_after = wait;
    result.detail = fmt::format("rate-limited ({}); nothing was executed", signal);
    return result;
}

RegisterResult transport_outcome(const HttpError& error, RegisterResult result) {
    if (error.rate_limited) return with(std::move(result), Outcome::rate_limited, error.message);
    if (error.stage == TransportStage::not_sent)
        return with(std::move(result), Outcome::transient,
                    fmt::format("nothing was sent: {}", error.message));
    result.sent = true;
    return with(std::move(result), Outcome::ambiguous,
                fmt::format("no answer to the create ({}); it may have executed: check the "
                            "account before trying again",
                            error.message));
}

std::optional<RegisterResult> refuse_period(const RegisterRequest& request, int quoted_years) {
    if (request.years == quoted_years) return std::nullopt;
    // A first-year quote says nothing of the later years (promotions end, renewals cost more),
    // so a ceiling for a longer period could not be held.
    RegisterResult r;
    r.dry_run = request.dry_run;
    return with(r, Outcome::policy_refused,
                fmt::format("the registrar quotes {} only, so a ceiling for {} years cannot be "
                            "held; register for {} and renew; no create was sent",
                            quoted_years == 1 ? "one year" : fmt::format("{} years", quoted_years),
                            request.years,
                            quoted_years == 1 ? "1 year" : fmt::format("{} years", quoted_years)));
}

std::optional<RegisterResult> refuse_by_quote(const CheckResult& quote,
                                              const RegisterRequest& request) {
    RegisterResult r;
    r.dry_run = request.dry_run;
    r.price = quote.price;
    switch (quote.availability) {
    case Availability::unknown:
        return with(r, Outcome::transient,
                    fmt::format("availability and price could not be confirmed ({}); no create "
                                "was sent",
                                quote.detail));
    case Availability::taken:
        return with(r, Outcome::lost_race, "not available; no create was sent");
    case Availability::reserved:
        return with(r, Outcome::policy_refused, "reserved; no create was sent");
    case Availability::available:
    case Availability::premium:
        break;
    }
    if (!quote.price)
        return with(r, Outcome::price_mismatch,
                    "the registrar quoted no price, so the ceiling cannot be enforced; no create "
                    "was sent");
    if (quote.price->currency != request.max_price.currency)
        return with(r, Outcome::price_mismatch,
                    fmt::format("the price is {} and the ceiling {}: another currency; no create "
                                "was sent",
                                format_money(*quote.price), format_money(request.max_price)));
    if (quote.price->minor > request.max_price.minor)
        return with(
            r, Outcome::price_mismatch,
            fmt::format("{}{}{} is above the ceiling {}; no create was sent",
                        quote.availability == Availability::premium ? "premium: " : "",
                        format_money(*quote.price),
                        request.years > 1 ? fmt::format(" for {} years", request.years) : "",
                        format_money(request.max_price)));
    return std::nullopt;
}

} // namespace dropcat::registrar
