#pragma once

#include "dropcat/registrar.hpp"
#include "http/once.hpp"
#include "ratelimit/ledger.hpp"

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat::registrar {

// A short, single-line extract of a body for messages (never the whole body).
std::string body_excerpt(std::string_view body);

// What an adapter is made of: the account as configured, where it speaks to, the rules it keeps,
// the ledger that carries its recent requests from process to process (none: in memory only),
// and a redactor that knows its secrets.
// An account's secrets, keyed by the configuration keys that name them ("key_env").
using Secrets = std::map<std::string, std::string, std::less<>>;

struct AdapterParts {
    RegistrarAccount account;
    std::string endpoint;
    RegistrarLimits limits;
    RegistrarSetup setup;
    std::shared_ptr<ratelimit::AccountLedger> ledger;
    Redactor redactor;
};

// What every adapter shares: the account, its HTTP client (connections kept warm), its rate
// limiter, and the rules after an over-limit signal. Nothing here waits: a request the limits
// do not allow now is not sent, and the caller is told when to ask again.
class Adapter : public Registrar {
  public:
    const RegistrarAccount& account() const override { return m_account; }
    RegistrarLimits limits() const override { return m_limits; }
    const Clock& clock() const override { return m_clock; }
    Clock::time_point next_free(RequestClass kind) override;
    std::expected<void, Error> warm(const Call& call) override;
    std::optional<ClockOffset> clock_offset() const override;
    std::optional<std::chrono::microseconds> network_round_trip() const override;

  protected:
    explicit Adapter(AdapterParts parts);

    // Sends one request now if the limiter allows it. When it does not: an HttpError with stage
    // not_sent, rate_limited, and retry_at. A create (or a registrar's dry run of one) goes on
    // the account's warm connection, exactly once (http::OnceConnection): never resent by any
    // layer, whatever happens to the connection.
    HttpResult send(RequestClass kind, const HttpRequest& request, const Call& call);

    // An over-limit answer: the server's wait if it gave one, whether it holds every request
    // class (Namecheap, Dynadot) or only the one that was refused, and what to tell people.
    struct LimitSignal {
        std::optional<std::chrono::milliseconds> hint;
        bool all_classes = false;
        std::string reason; // "porkbun rate limit (ttlRemaining)"
    };

    // An item send_each did not get an answer for, because the limits said wait.
    struct Deferred {
        std::size_t item;
        Clock::time_point retry_at;
        std::string reason;
    };

    // Sends one request per item concurrently (at most max_in_flight at once, through one curl
    // multi handle), each as soon as the limiter grants it a permit. `handle` reads an item's
    // answer and returns a LimitSignal when the server's limit refused it. After a refusal, or
    // when the limiter has no room now, nothing more starts: those items are returned, with
    // when to ask again.
    std::vector<Deferred> send_each(
        RequestClass kind, std::size_t count, const std::function<HttpRequest(std::size_t)>& build,
        const std::function<std::optional<LimitSignal>(std::size_t, const HttpResult&)>& handle,
        const Call& call);

    // After an over-limit signal: holds the limiter for the server's wait, but at least a
    // backoff that doubles with each signal in a row for the class (1 s, 2 s, 4 s… up to 60 s),
    // and returns when the account may ask again.
    Clock::time_point over_limit(RequestClass kind, const LimitSignal& signal);
    // An answer that was not an over-limit one: the backoff starts again from 1 s.
    void accepted(RequestClass kind) { m_strikes[static_cast<std::size_t>(kind)] = 0; }

    // 429 with Retry-After (seconds or an HTTP date) or x-ratelimit-reset (a Unix time).
    std::optional<std::chrono::milliseconds> retry_hint(const HttpResponse& response) const;

    // A short extract of a body for messages, redacted (before it is cut, so that no part of
    // a secret survives the cut).
    std::string excerpt(std::string_view body) const {
        return body_excerpt(m_http.redactor().redact(body));
    }
    // A registrar's own words, redacted, for messages.
    std::string clean(std::string_view text) const { return m_http.redactor().redact(text); }

    const std::string& endpoint() const { return m_endpoint; }

    RegistrarAccount m_account;
    std::string m_endpoint;
    RegistrarLimits m_limits;
    const Clock& m_clock;
    HttpClient m_http;
    http::OnceConnection m_creates; // the connection creates ride on, warmed before them
    std::mutex m_creates_mutex;     // one create on it at a time, whatever the thread
    std::shared_ptr<ratelimit::AccountLedger> m_ledger; // outlives the limiter that writes to it
    RateLimiter m_limiter;
    std::array<int, 3> m_strikes{}; // over-limit signals in a row, per RequestClass
    mutable std::mutex m_offset_mutex;
    std::optional<ClockOffset> m_offset; // the narrowest bounds the Date headers gave

  private:
    void note_date(const HttpResult& result, Clock::Wall::time_point sent,
                   Clock::Wall::time_point answered);
};

// Create outcomes every adapter builds the same way.
CreateResult with(CreateResult result, Outcome outcome, std::string detail);
CreateResult limited(CreateResult result, Clock::time_point retry_at, std::string reason);
// A failed create: held back by the account's limits is rate-limited, `not_sent` transient,
// anything else ambiguous.
CreateResult transport_outcome(const HttpError& error, CreateResult result);
// Refuses a request for a period other than the one the registrar's quote covers: the ceiling
// could not be held for it.
std::optional<CreateResult> refuse_period(const CreateRequest& request, int quoted_years);
// An answer (a Quote, an OwnsResult) for a name the limits kept from being asked: unknown,
// with when to ask again and why.
template <typename Answer>
Answer deferred(std::string domain, Clock::time_point retry_at, std::string reason) {
    Answer a;
    a.domain = std::move(domain);
    a.detail = "not asked: " + reason;
    a.retry_at = retry_at;
    a.wait_reason = std::move(reason);
    return a;
}
inline Quote deferred_quote(std::string domain, Clock::time_point retry_at, std::string reason) {
    return deferred<Quote>(std::move(domain), retry_at, std::move(reason));
}
inline OwnsResult deferred_owns(std::string domain, Clock::time_point retry_at,
                                std::string reason) {
    return deferred<OwnsResult>(std::move(domain), retry_at, std::move(reason));
}
// Unknown quotes for a period a registrar does not quote (it quotes one year only): nothing
// is sent for them.
std::vector<Quote> unquoted_period(std::span<const std::string> names, int years,
                                   Clock::time_point now);

// What Dynadot's search says of a price: "Registration Price: 10.88 in USD and Renewal price:
// 10.88 in USD and Domain is not a Premium Domain" (as live answers and public clients have
// it), the documented "77.00 in USD", or a plain decimal (USD). nullopt for anything else.
struct DynadotPrice {
    Money price;
    std::string currency;
    bool premium = false;
};
std::optional<DynadotPrice> read_dynadot_price(std::string_view text);

// One registrar kind: its description and what only it knows, defined next to its adapter
// (KIND.hpp declares it, KIND.cpp defines it) and listed in kinds.cpp's table.
struct KindEntry {
    RegistrarKind info;
    // Rules beyond the common per-class ones (rules over all requests) and the API's flags
    // (a dry run of its own, a price in the create, an idempotency key).
    void (*limits)(const RegistrarAccount& account, RegistrarLimits& limits);
    // The adapter, with the account's secrets keyed by the keys that name them ("key_env"):
    // every secret_env key the account has, already given to parts.redactor.
    std::unique_ptr<Registrar> (*make)(AdapterParts parts, Secrets secrets);
};

// The table's entries, and the one for a kind (nullptr for one dropcat does not know).
std::span<const KindEntry* const> kind_entries();
const KindEntry* find_kind_entry(std::string_view name);

} // namespace dropcat::registrar
