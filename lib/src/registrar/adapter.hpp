#pragma once

#include "dropcat/registrar.hpp"
#include "ratelimit/ledger.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat::registrar {

using Clock = std::chrono::steady_clock;

// A short, single-line extract of a body for messages (never the whole body).
std::string body_excerpt(std::string_view body);

// What an adapter is made of: the account as configured, where it speaks to, the rules it keeps,
// the ledger that carries its recent requests from process to process (none: in memory only),
// and a redactor that knows its secrets.
struct AdapterParts {
    RegistrarAccount account;
    std::string endpoint;
    RegistrarLimits limits;
    RegistrarSetup setup;
    std::shared_ptr<ratelimit::AccountLedger> ledger;
    Redactor redactor;
};

// What every adapter shares: the account, its HTTP client (connections kept warm), its rate
// limiter, and the rules for waiting after an over-limit signal.
class Adapter : public Registrar {
  public:
    const RegistrarAccount& account() const override { return m_account; }
    RegistrarLimits limits() const override { return m_limits; }

  protected:
    explicit Adapter(AdapterParts parts);

    // Sends one request once the limiter allows it before `deadline`. An HttpError with stage
    // not_sent when the limiter would have to wait past the deadline.
    HttpResult send(RequestClass kind, const HttpRequest& request, Clock::time_point deadline);

    // An over-limit answer: the server's wait if it gave one, and whether it holds every
    // request class (Namecheap, Dynadot) or only the one that was refused.
    struct LimitSignal {
        std::optional<std::chrono::milliseconds> hint;
        bool all_classes = false;
    };

    // Sends one request per item concurrently (at most max_in_flight at once, through one curl
    // multi handle), each through the limiter. `handle` reads an item's answer and returns a
    // LimitSignal when the server's limit refused it; such items are sent again after the wait
    // while the deadline allows, and `give_up` is called for those still refused after it.
    void send_each(
        RequestClass kind, std::size_t count, const std::function<HttpRequest(std::size_t)>& build,
        const std::function<std::optional<LimitSignal>(std::size_t, const HttpResult&)>& handle,
        const std::function<void(std::size_t)>& give_up, Clock::time_point deadline);

    // After an over-limit signal: holds the limiter for the server's wait, but at least a
    // backoff that doubles with each attempt (1 s, 2 s, 4 s… up to 60 s), and says whether a
    // retry still fits: within the deadline and at most k_max_limit_attempts signals.
    bool wait_after_limit(RequestClass kind, std::optional<std::chrono::milliseconds> hint,
                          int attempt, Clock::time_point deadline, bool all_classes = false);

    // 429 with Retry-After (seconds or an HTTP date) or x-ratelimit-reset (a Unix time).
    static std::optional<std::chrono::milliseconds> retry_hint(const HttpResponse& response);

    // A short extract of a body for messages, redacted (before it is cut, so that no part of
    // a secret survives the cut).
    std::string excerpt(std::string_view body) const {
        return body_excerpt(m_http.redactor().redact(body));
    }
    // A registrar's own words, redacted, for messages.
    std::string clean(std::string_view text) const { return m_http.redactor().redact(text); }
    bool cancelled() const { return m_cancelled && m_cancelled(); }

    Clock::time_point deadline() const { return Clock::now() + m_patience; }
    const std::string& endpoint() const { return m_endpoint; }

    RegistrarAccount m_account;
    std::string m_endpoint;
    RegistrarLimits m_limits;
    HttpClient m_http;
    std::shared_ptr<ratelimit::AccountLedger> m_ledger; // outlives the limiter that writes to it
    RateLimiter m_limiter;
    std::chrono::milliseconds m_patience;
    std::function<bool()> m_cancelled;
};

// After this many over-limit answers in one call, dropcat stops asking (as Namecheap's SDK
// does after 4 attempts).
constexpr int k_max_limit_attempts = 6;

// A decimal price as the APIs write it ("10.99", "13000.0000", "9.5") in minor units,
// rounded up to the cent so that a ceiling comparison never errs on the cheap side.
std::optional<Money> decimal_money(std::string_view text, const std::string& currency);

// "10.99" for 1099 minor units.
std::string decimal_text(std::int64_t minor);

// Registration outcomes every adapter builds the same way.
RegisterResult with(RegisterResult result, Outcome outcome, std::string detail);
RegisterResult limited(RegisterResult result, std::optional<std::chrono::milliseconds> wait,
                       std::string_view signal);
// A failed create: held back by the account's limits is rate-limited, `not_sent` transient,
// anything else ambiguous.
RegisterResult transport_outcome(const HttpError& error, RegisterResult result);
// Refuses a request for a period other than the one the registrar's quote covers: the ceiling
// could not be held for it.
std::optional<RegisterResult> refuse_period(const RegisterRequest& request, int quoted_years);
// Refuses before any create when the quote says the name cannot be had within the request:
// unknown, taken, reserved, no price, another currency or above the ceiling. `quote.price` is
// the price of the whole period requested.
std::optional<RegisterResult> refuse_by_quote(const CheckResult& quote,
                                              const RegisterRequest& request);

// The factories, one per adapter file.
std::unique_ptr<Registrar> make_dynadot(AdapterParts parts, std::string key);
std::unique_ptr<Registrar> make_porkbun(AdapterParts parts, std::string key, std::string secret);
std::unique_ptr<Registrar> make_namecheap(AdapterParts parts, std::string key);

} // namespace dropcat::registrar
