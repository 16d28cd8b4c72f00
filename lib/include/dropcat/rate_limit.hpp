#pragma once

#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// At most `count` requests in any window of `window`.
struct RateRule {
    int count = 1;
    std::chrono::milliseconds window{60000};
};

enum class RequestClass { check, create, other };

// What the limiter did, for a journal that keeps an account's recent requests beyond the
// process (AccountLedger): a request granted, a request completed (it counts from then on),
// a hold until `at` (for `other`: every class).
struct LimiterEvent {
    enum class Type { granted, completed, held };
    Type type = Type::granted;
    RequestClass kind = RequestClass::other;
    Clock::time_point at;
};

// How much wider than its rule each window is kept by default: a request's trip may be slower
// than the one before it, and the server counts arrivals.
inline constexpr std::chrono::milliseconds k_limiter_margin{50};

// One account's budget, shared by every caller in the process: per-class rules (checks,
// creates), rules over all requests, a cap on requests in flight, and holds the server asked
// for (429 Retry-After, Namecheap's 405, Porkbun's ttlRemaining). Windows are exact sliding
// windows, widened by a small margin. A request counts from when its permit is granted; while
// it is in flight its arrival time is unknown, so it counts as arriving as late as it may, and
// when it completes it counts from its completion (which is no earlier than its arrival): a
// slow connect or TLS handshake can never bring two arrivals closer than a rule allows.
//
// It never waits: a request that may not go now is told when to ask again, and the caller
// owns the waiting. Time comes from the injected clock.
class RateLimiter {
  public:
    using time_point = Clock::time_point;
    // "When a request in flight completes": the in-flight cap, not a window, holds the next.
    static constexpr time_point k_when_one_completes = time_point::max();

    struct Rules {
        std::vector<RateRule> checks;
        std::vector<RateRule> creates;
        std::vector<RateRule> all;
        int max_in_flight = 1;
        std::chrono::milliseconds margin = k_limiter_margin;
        // Told of every grant, completion and hold, under the limiter's lock.
        std::function<void(const LimiterEvent&)> journal;
    };

    explicit RateLimiter(Rules rules, const Clock& clock = real_clock());

    // Releases its in-flight slot when destroyed: the request completed.
    class Permit {
      public:
        Permit(RateLimiter* owner, RequestClass kind) : m_owner(owner), m_kind(kind) {}
        Permit(Permit&& other) noexcept
            : m_owner(std::exchange(other.m_owner, nullptr)), m_kind(other.m_kind) {}
        Permit& operator=(Permit&&) = delete;
        ~Permit();

      private:
        RateLimiter* m_owner;
        RequestClass m_kind;
    };

    // A permit now (the request is recorded), or when to ask again: a time on the clock, or
    // k_when_one_completes when only the in-flight cap stands in the way.
    std::variant<Permit, time_point> try_acquire(RequestClass kind);

    // When a request of this class could go, without recording anything (now or earlier: at
    // once; k_when_one_completes: when one in flight completes).
    time_point next_free(RequestClass kind);

    // A server hint: no request of this class (or, with `other`, of any class) before `until`.
    // A hold on checks or on creates does not hold the other requests (pings, owns).
    void hold(RequestClass kind, time_point until);
    void hold_all(time_point until);

    const Clock& clock() const { return m_clock; }

    // What earlier processes did (completed requests, holds), counted as if this limiter had
    // seen it; not journalled again.
    void restore(std::span<const LimiterEvent> history);

  private:
    struct Window {
        RateRule rule;
        std::deque<time_point> sent;
    };
    std::vector<Window>& windows(RequestClass kind);
    time_point earliest(RequestClass kind, time_point now);
    void set_hold(RequestClass kind, time_point until); // with m_mutex held
    void journal(LimiterEvent::Type type, RequestClass kind, time_point at) const;
    void record(RequestClass kind);
    void release(RequestClass kind);

    const Clock& m_clock;
    std::mutex m_mutex;
    std::vector<Window> m_checks;
    std::vector<Window> m_creates;
    std::vector<Window> m_all;
    int m_max_in_flight;
    int m_in_flight = 0;
    std::chrono::milliseconds m_margin;
    std::function<void(const LimiterEvent&)> m_journal;
    time_point m_hold_check{};
    time_point m_hold_create{};
    time_point m_hold_other{}; // pings, price lists, owns: held only by a hold on every class
};

} // namespace dropcat

DROPCAT_PUBLIC_END
