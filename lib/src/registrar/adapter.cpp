#include "registrar/adapter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <random>
#include <variant>

namespace dropcat::registrar {

namespace {

RateLimiter::Rules rules_of(const RegistrarLimits& limits, ratelimit::AccountLedger* ledger) {
    RateLimiter::Rules rules{limits.checks,        limits.creates,   limits.all,
                             limits.max_in_flight, k_limiter_margin, {}};
    if (ledger != nullptr) rules.journal = [ledger](const LimiterEvent& e) { ledger->append(e); };
    return rules;
}

// What the gate says of a request it holds back, as the client reports it.
constexpr const char* k_deferred = "deferred by the account's limits";

std::string_view class_noun(RequestClass kind) {
    switch (kind) {
    case RequestClass::check:
        return "check";
    case RequestClass::create:
        return "create";
    case RequestClass::other:
        break;
    }
    return "request";
}

} // namespace

Adapter::Adapter(AdapterParts parts)
    : m_account(std::move(parts.account)), m_endpoint(std::move(parts.endpoint)),
      m_limits(std::move(parts.limits)), m_clock(*parts.setup.clock),
      m_http(parts.setup.http, std::move(parts.redactor), parts.setup.log),
      m_creates(parts.setup.http, m_http.redactor(), parts.setup.log),
      m_ledger(std::move(parts.ledger)), m_limiter(rules_of(m_limits, m_ledger.get()), m_clock) {
    while (!m_endpoint.empty() && m_endpoint.back() == '/')
        m_endpoint.pop_back();
    if (m_ledger) m_limiter.restore(m_ledger->history());
}

namespace {

// When to ask again after the limiter said "not now": its time, or (only the in-flight cap,
// held by another thread of this process) a short moment.
Clock::time_point retry_time(Clock::time_point at, const Clock& clock) {
    if (at == RateLimiter::k_when_one_completes) return clock.now() + std::chrono::milliseconds(50);
    return at;
}

} // namespace

Clock::time_point Adapter::next_free(RequestClass kind) {
    auto at = m_limiter.next_free(kind);
    return at == RateLimiter::k_when_one_completes ? m_clock.now() : at;
}

std::expected<void, Error> Adapter::warm(const Call& call) {
    std::lock_guard lock(m_creates_mutex);
    // Opened afresh when idle a few seconds: servers close idle connections after their
    // keep-alive time (Apache's default is 5 s), and a create should not meet that close.
    auto warmed = m_creates.warm(m_endpoint + "/", HttpBounds{call.deadline, call.stop},
                                 std::chrono::seconds(3));
    if (!warmed)
        return fail(warmed.error().interrupted ? ErrorKind::interrupted : ErrorKind::unavailable,
                    fmt::format("{}: cannot open a connection for creates: {}", m_account.name,
                                warmed.error().message));
    return {};
}

HttpResult Adapter::send(RequestClass kind, const HttpRequest& request, const Call& call) {
    if (call.stop.stop_requested())
        return std::unexpected(
            HttpError{TransportStage::not_sent, "interrupted before it was sent", true});
    if (m_clock.now() >= call.deadline)
        return std::unexpected(
            HttpError{TransportStage::not_sent, "deadline passed; nothing was sent"});
    auto got = m_limiter.try_acquire(kind);
    if (auto* at = std::get_if<Clock::time_point>(&got)) {
        HttpError error{TransportStage::not_sent,
                        fmt::format("{}'s {} limit leaves no room now; nothing was sent",
                                    m_account.name, class_noun(kind)),
                        false, true};
        error.retry_at = retry_time(*at, m_clock);
        error.wait_reason = fmt::format("{}'s {} limit", m_account.name, class_noun(kind));
        return std::unexpected(std::move(error));
    }
    // The permit is held until the answer is in (the in-flight cap). Creates share one
    // connection, so they go one at a time on it, whatever max_in_flight allows.
    auto sent = m_clock.wall_now();
    HttpResult result = [&] {
        if (kind == RequestClass::create) {
            std::lock_guard lock(m_creates_mutex);
            return m_creates.send_once(request, HttpBounds{call.deadline, call.stop});
        }
        return m_http.perform(request, HttpBounds{call.deadline, call.stop});
    }();
    note_date(result, sent, m_clock.wall_now());
    return result;
}

void Adapter::note_date(const HttpResult& result, Clock::Wall::time_point sent,
                        Clock::Wall::time_point answered) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    if (!result) return;
    auto date = http_date(*result);
    if (!date) return;
    // The server read its clock between our send and its answer, and its Date drops the
    // fraction of the second: its time was in [date, date + 1 s).
    ClockOffset seen{duration_cast<milliseconds>(*date - answered),
                     duration_cast<milliseconds>(*date + std::chrono::seconds(1) - sent)};
    std::lock_guard lock(m_offset_mutex);
    if (!m_offset) {
        m_offset = seen;
        return;
    }
    m_offset->low = std::max(m_offset->low, seen.low);
    m_offset->high = std::min(m_offset->high, seen.high);
    if (m_offset->low > m_offset->high) m_offset = seen; // the clock moved: start again
}

std::optional<std::chrono::microseconds> Adapter::network_round_trip() const {
    return m_creates.handshake_round_trip();
}

std::optional<ClockOffset> Adapter::clock_offset() const {
    std::lock_guard lock(m_offset_mutex);
    return m_offset;
}

std::vector<Adapter::Deferred> Adapter::send_each(
    RequestClass kind, std::size_t count, const std::function<HttpRequest(std::size_t)>& build,
    const std::function<std::optional<LimitSignal>(std::size_t, const HttpResult&)>& handle,
    const Call& call) {
    std::vector<HttpRequest> requests;
    requests.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        requests.push_back(build(i));
    // Each request starts the moment the limiter grants it a permit, and holds the permit
    // until it completes (the in-flight cap). After an over-limit answer, or when the limiter
    // says "later", nothing more starts.
    std::vector<std::optional<RateLimiter::Permit>> permits(count);
    std::vector<std::optional<Deferred>> deferred(count);
    std::optional<Deferred> stop; // what stopped the batch: the first deferral
    std::optional<LimitSignal> signal;
    auto gate = [&](std::size_t k) {
        using Say = HttpClient::Gate::Say;
        if (stop) {
            deferred[k] = Deferred{k, stop->retry_at, stop->reason};
            return HttpClient::Gate{Say::skip, {}, k_deferred};
        }
        auto got = m_limiter.try_acquire(kind);
        if (auto* permit = std::get_if<RateLimiter::Permit>(&got)) {
            permits[k].emplace(std::move(*permit));
            return HttpClient::Gate{Say::go, {}, {}};
        }
        auto at = std::get<Clock::time_point>(got);
        if (at == RateLimiter::k_when_one_completes)
            return HttpClient::Gate{Say::wait, m_clock.now() + std::chrono::milliseconds(50),
                                    k_deferred};
        stop = Deferred{k, at, fmt::format("{}'s {} limit", m_account.name, class_noun(kind))};
        deferred[k] = stop;
        return HttpClient::Gate{Say::skip, {}, k_deferred};
    };
    auto done = [&](std::size_t k, const HttpResult& result) {
        permits[k].reset(); // completed: the limiter counts it from now
        if (deferred[k]) return;
        if (!result && result.error().stage == TransportStage::not_sent &&
            result.error().message == k_deferred) {
            // The in-flight cap, held by another thread, with nothing of this call in flight.
            deferred[k] = Deferred{k, retry_time(RateLimiter::k_when_one_completes, m_clock),
                                   fmt::format("{}'s requests in flight", m_account.name)};
            return;
        }
        if (auto limited = handle(k, result)) {
            if (!signal)
                signal = *limited;
            else if (limited->hint && (!signal->hint || *limited->hint > *signal->hint))
                signal->hint = limited->hint;
            if (signal) signal->all_classes = signal->all_classes || limited->all_classes;
            deferred[k] = Deferred{k, {}, limited->reason};
            if (!stop) stop = Deferred{k, {}, limited->reason};
        } else {
            accepted(kind);
        }
    };
    m_http.perform_all(requests, HttpBounds{call.deadline, call.stop}, gate, done);
    // An over-limit answer sets one time for everything it stopped.
    std::optional<Clock::time_point> after_signal;
    if (signal) after_signal = over_limit(kind, *signal);
    std::vector<Deferred> out;
    for (std::size_t k = 0; k < count; ++k) {
        if (!deferred[k]) continue;
        Deferred d = *deferred[k];
        if (signal && (d.retry_at == Clock::time_point{} || d.reason == signal->reason ||
                       d.retry_at < *after_signal)) {
            d.retry_at = *after_signal;
            d.reason = signal->reason;
        }
        out.push_back(std::move(d));
    }
    return out;
}

Clock::time_point Adapter::over_limit(RequestClass kind, const LimitSignal& signal) {
    using namespace std::chrono;
    int& strikes = m_strikes[static_cast<std::size_t>(kind)];
    milliseconds backoff =
        std::min(milliseconds(1000) * (1 << std::min(strikes, 6)), milliseconds(60000));
    ++strikes;
    milliseconds wait =
        std::max(signal.hint.value_or(milliseconds(0)), backoff); // the server's word, at least
    auto until = m_clock.now() + wait;
    // Held in the limiter, so that every later request of this process obeys the wait too.
    if (signal.all_classes)
        m_limiter.hold_all(until);
    else
        m_limiter.hold(kind, until);
    return until;
}

std::optional<std::chrono::milliseconds> Adapter::retry_hint(const HttpResponse& response) const {
    using namespace std::chrono;
    auto wall = m_clock.wall_now();
    if (auto after = retry_after(response, wall)) return after;
    if (auto reset = response.header("x-ratelimit-reset")) {
        long long unix_s = 0;
        auto [end, ec] = std::from_chars(reset->data(), reset->data() + reset->size(), unix_s);
        if (ec == std::errc()) {
            auto at = system_clock::time_point(seconds(unix_s));
            return std::max(milliseconds(0), duration_cast<milliseconds>(at - wall));
        }
    }
    return std::nullopt;
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

CreateResult with(CreateResult result, Outcome outcome, std::string detail) {
    result.outcome = outcome;
    result.detail = std::move(detail);
    return result;
}

CreateResult limited(CreateResult result, Clock::time_point retry_at, std::string reason) {
    result.outcome = Outcome::rate_limited;
    result.retry_at = retry_at;
    result.detail = fmt::format("rate-limited ({}); nothing was executed", reason);
    result.wait_reason = std::move(reason);
    return result;
}

CreateResult transport_outcome(const HttpError& error, CreateResult result) {
    if (error.rate_limited && error.retry_at) {
        result = limited(std::move(result), *error.retry_at, error.wait_reason);
        result.detail = error.message;
        return result;
    }
    if (error.stage == TransportStage::not_sent)
        return with(std::move(result), Outcome::transient,
                    fmt::format("nothing was sent: {}", error.message));
    result.sent = true;
    return with(std::move(result), Outcome::ambiguous,
                fmt::format("no answer to the create ({}); it may have executed: check the "
                            "account before trying again",
                            error.message));
}

std::optional<CreateResult> refuse_period(const CreateRequest& request, int quoted_years) {
    if (request.years == quoted_years) return std::nullopt;
    // A first-year quote says nothing of the later years (promotions end, renewals cost more),
    // so a ceiling for a longer period could not be held.
    CreateResult r;
    r.dry_run = request.dry_run;
    return with(r, Outcome::policy_refused,
                fmt::format("the registrar quotes {} only, so a ceiling for {} years cannot be "
                            "held; register for {} and renew; no create was sent",
                            quoted_years == 1 ? "one year" : fmt::format("{} years", quoted_years),
                            request.years,
                            quoted_years == 1 ? "1 year" : fmt::format("{} years", quoted_years)));
}

std::vector<Quote> unquoted_period(std::span<const std::string> names, int years,
                                   Clock::time_point now) {
    std::vector<Quote> out;
    for (const auto& n : names) {
        Quote q;
        q.domain = n;
        q.at = now;
        q.years = years;
        q.detail = fmt::format("the registrar quotes one year only, so a price for {} years "
                               "cannot be known; nothing was sent",
                               years);
        out.push_back(std::move(q));
    }
    return out;
}

} // namespace dropcat::registrar

namespace dropcat {

std::string new_idempotency_key() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    std::uint64_t a = gen(), b = gen();
    a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL; // a version-4 UUID
    b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF,
                       a & 0xFFFF, b >> 48, b & 0xFFFFFFFFFFFFULL);
}

std::optional<CreateResult> quote_blocks_create(const CreateRequest& request, Clock::time_point now,
                                                bool price_sent) {
    using registrar::with;
    const Quote& quote = request.quote;
    CreateResult r;
    r.dry_run = request.dry_run;
    r.price = quote.price;
    switch (quote.availability) {
    case Availability::unknown:
        if (quote.retry_at) {
            r.retry_at = quote.retry_at;
            r.wait_reason = quote.wait_reason;
            return with(r, Outcome::rate_limited,
                        fmt::format("not quoted yet ({}); no create was sent", quote.wait_reason));
        }
        return with(r, Outcome::transient,
                    fmt::format("availability and price could not be confirmed ({}); no create "
                                "was sent",
                                quote.detail));
    case Availability::taken:
        return with(r, Outcome::taken,
                    "registered (not dropped, or someone's); no create was sent");
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
    if (!price_sent && quote.availability == Availability::premium)
        return with(r, Outcome::policy_refused,
                    "premium: this registrar's create takes no price, so dropcat does not buy "
                    "premium names through it; no create was sent");
    if (!price_sent && now - quote.at > k_quote_stands_for)
        return with(r, Outcome::transient,
                    fmt::format("the quote is older than {} minutes and this registrar's create "
                                "takes no price: quote again; no create was sent",
                                k_quote_stands_for.count()));
    return std::nullopt;
}

} // namespace dropcat
