#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

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
    std::chrono::steady_clock::time_point at;
};

// One account's budget, shared by every caller in the process: per-class rules (checks,
// creates), rules over all requests, a cap on requests in flight, and holds the server asked
// for (429 Retry-After, Namecheap's 405, Porkbun's ttlRemaining). Windows are exact sliding
// windows, widened by a small margin. A request counts from when its permit is granted; while
// it is in flight its arrival time is unknown, so it counts as arriving as late as it may, and
// when it completes it counts from its completion (which is no earlier than its arrival): a
// slow connect or TLS handshake can never bring two arrivals closer than a rule allows.
class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    struct Rules {
        std::vector<RateRule> checks;
        std::vector<RateRule> creates;
        std::vector<RateRule> all;
        int max_in_flight = 1;
        std::chrono::milliseconds margin{50};
        // Told of every grant, completion and hold, under the limiter's lock.
        std::function<void(const LimiterEvent&)> journal;
    };

    explicit RateLimiter(Rules rules);

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

    // Waits until a request of this class may be sent and records it. nullopt when `deadline`
    // would pass first (nothing is recorded) or `cancelled` says so.
    std::optional<Permit> acquire(RequestClass kind, Clock::time_point deadline,
                                  const std::function<bool()>& cancelled = {});

    // Without waiting: a permit now, or when to ask again (Clock::time_point::max() when that
    // depends on a request in flight completing).
    std::variant<Permit, Clock::time_point> try_acquire(RequestClass kind);

    // A server hint: no request of this class (or, with `other`, of any class) before `until`.
    void hold(RequestClass kind, Clock::time_point until);
    void hold_all(Clock::time_point until);

    // What earlier processes did (completed requests, holds), counted as if this limiter had
    // seen it; not journalled again.
    void restore(std::span<const LimiterEvent> history);

  private:
    struct Window {
        RateRule rule;
        std::deque<Clock::time_point> sent;
    };
    std::vector<Window>& windows(RequestClass kind);
    Clock::time_point earliest(RequestClass kind, Clock::time_point now);
    void set_hold(RequestClass kind, Clock::time_point until); // with m_mutex held
    void journal(LimiterEvent::Type type, RequestClass kind, Clock::time_point at) const;
    void record(RequestClass kind);
    void release(RequestClass kind);

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Window> m_checks;
    std::vector<Window> m_creates;
    std::vector<Window> m_all;
    int m_max_in_flight;
    int m_in_flight = 0;
    std::chrono::milliseconds m_margin;
    std::function<void(const LimiterEvent&)> m_journal;
    Clock::time_point m_hold_check{};
    Clock::time_point m_hold_create{};
};

} // namespace dropcat
