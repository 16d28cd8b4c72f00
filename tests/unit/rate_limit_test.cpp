#include <dropcat/clock.hpp>
#include <dropcat/rate_limit.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <variant>
#include <vector>

using namespace dropcat;
using namespace std::chrono;
using TimePoint = Clock::time_point;

namespace {

RateLimiter::Rules checks(int count, milliseconds window) {
    RateLimiter::Rules rules;
    rules.checks = {RateRule{count, window}};
    rules.max_in_flight = 8;
    rules.margin = milliseconds(0);
    return rules;
}

// A permit now, or nothing (the limiter said "later").
std::optional<RateLimiter::Permit> now_or_never(RateLimiter& limiter, RequestClass kind) {
    auto got = limiter.try_acquire(kind);
    if (auto* permit = std::get_if<RateLimiter::Permit>(&got)) return std::move(*permit);
    return std::nullopt;
}

// When the limiter says to ask again (it must say "later").
TimePoint later(RateLimiter& limiter, RequestClass kind) {
    auto got = limiter.try_acquire(kind);
    REQUIRE(std::holds_alternative<TimePoint>(got));
    return std::get<TimePoint>(got);
}

} // namespace

TEST_CASE("rate limit: never more than the rule allows in any window, and it never waits") {
    VirtualClock clock;
    RateLimiter limiter(checks(2, milliseconds(300)), clock);
    std::vector<TimePoint> sent;
    // A caller that does what the limiter says: ask, and when told "later", sleep until then
    // (on the virtual clock, which only moves).
    for (int round = 0; sent.size() < 6 && round < 20; ++round) {
        auto got = limiter.try_acquire(RequestClass::check);
        if (std::holds_alternative<RateLimiter::Permit>(got)) {
            sent.push_back(clock.now());
            continue;
        }
        auto at = std::get<TimePoint>(got);
        REQUIRE(at > clock.now());
        clock.sleep_until(at);
    }
    REQUIRE(sent.size() == 6);
    // Every third request is at least a window after the one two before it, and no later
    // than that: the limiter names the first moment that is free.
    for (std::size_t i = 2; i < sent.size(); ++i) {
        CHECK(sent[i] - sent[i - 2] >= milliseconds(300));
        CHECK(sent[i] - sent[i - 2] <= milliseconds(301));
    }
}

TEST_CASE("rate limit: checks and creates have separate budgets") {
    VirtualClock clock;
    RateLimiter::Rules rules = checks(1, seconds(60));
    rules.creates = {RateRule{1, seconds(60)}};
    RateLimiter limiter(rules, clock);
    REQUIRE(now_or_never(limiter, RequestClass::check));
    CHECK(later(limiter, RequestClass::check) == clock.now() + seconds(60)); // the budget is spent
    CHECK(now_or_never(limiter, RequestClass::create));                      // a create still goes
}

TEST_CASE("rate limit: a server hold stops requests until it ends") {
    VirtualClock clock;
    RateLimiter limiter(checks(100, seconds(1)), clock);
    auto start = clock.now();
    limiter.hold(RequestClass::check, start + milliseconds(200));
    CHECK(now_or_never(limiter, RequestClass::create)); // not held
    CHECK(later(limiter, RequestClass::check) == start + milliseconds(200));
    CHECK(limiter.next_free(RequestClass::check) == start + milliseconds(200));
    clock.advance(milliseconds(199));
    CHECK_FALSE(now_or_never(limiter, RequestClass::check));
    clock.advance(milliseconds(1));
    CHECK(now_or_never(limiter, RequestClass::check));
}

TEST_CASE("rate limit: a hold on creates or checks leaves other requests free") {
    VirtualClock clock;
    RateLimiter limiter(checks(100, seconds(1)), clock);
    limiter.hold(RequestClass::create, clock.now() + minutes(10));
    limiter.hold(RequestClass::check, clock.now() + minutes(10));
    CHECK(limiter.next_free(RequestClass::other) <= clock.now()); // an owns or a ping may go
    CHECK(limiter.next_free(RequestClass::create) == clock.now() + minutes(10));
}

TEST_CASE("rate limit: a hold over every class holds creates too") {
    VirtualClock clock;
    RateLimiter limiter(checks(100, seconds(1)), clock);
    limiter.hold_all(clock.now() + seconds(5));
    CHECK(later(limiter, RequestClass::create) == clock.now() + seconds(5));
    CHECK(later(limiter, RequestClass::other) == clock.now() + seconds(5));
}

TEST_CASE("rate limit: the in-flight cap says 'when one completes', then frees at once") {
    VirtualClock clock;
    RateLimiter::Rules rules = checks(100, seconds(1));
    rules.max_in_flight = 1;
    RateLimiter limiter(rules, clock);
    auto first = now_or_never(limiter, RequestClass::check);
    REQUIRE(first);
    CHECK(later(limiter, RequestClass::check) == RateLimiter::k_when_one_completes);
    CHECK(limiter.next_free(RequestClass::check) == RateLimiter::k_when_one_completes);
    first.reset(); // completed
    CHECK(now_or_never(limiter, RequestClass::check));
}

TEST_CASE("rate limit: rules over all requests count every class") {
    VirtualClock clock;
    RateLimiter::Rules rules;
    rules.all = {RateRule{2, seconds(60)}};
    rules.margin = milliseconds(0);
    rules.max_in_flight = 8;
    RateLimiter limiter(rules, clock);
    REQUIRE(now_or_never(limiter, RequestClass::check));
    REQUIRE(now_or_never(limiter, RequestClass::create));
    CHECK_FALSE(now_or_never(limiter, RequestClass::other));
}

TEST_CASE("rate limit: a request in flight counts until it completes, then from its completion") {
    VirtualClock clock;
    RateLimiter::Rules rules = checks(1, milliseconds(200));
    rules.max_in_flight = 4;
    RateLimiter limiter(rules, clock);
    auto first = now_or_never(limiter, RequestClass::check);
    REQUIRE(first);
    // While it is in flight its arrival is unknown: no second request, however long it takes.
    clock.advance(milliseconds(300));
    CHECK(later(limiter, RequestClass::check) == RateLimiter::k_when_one_completes);
    auto completed = clock.now();
    first.reset();
    // Then the window runs from the completion, not from when the permit was granted.
    CHECK(later(limiter, RequestClass::check) == completed + milliseconds(200));
    clock.advance(milliseconds(200));
    CHECK(now_or_never(limiter, RequestClass::check));
}

TEST_CASE("rate limit: the margin widens every window") {
    VirtualClock clock;
    RateLimiter::Rules rules = checks(1, seconds(10));
    rules.margin = milliseconds(50);
    RateLimiter limiter(rules, clock);
    {
        auto p = now_or_never(limiter, RequestClass::check);
        REQUIRE(p);
    }
    CHECK(later(limiter, RequestClass::check) == clock.now() + milliseconds(10050));
}

TEST_CASE("clock: a virtual clock moves only when told, and a sleep on it takes no time") {
    VirtualClock clock;
    auto start = clock.now();
    auto wall = clock.wall_now();
    CHECK(clock.now() == start);
    CHECK(clock.sleep_until(start + hours(2)));
    CHECK(clock.now() == start + hours(2));
    CHECK(clock.wall_now() == wall + hours(2));
    CHECK(clock.sleep_until(start)); // never backwards
    CHECK(clock.now() == start + hours(2));
    std::stop_source stop;
    stop.request_stop();
    CHECK_FALSE(clock.sleep_until(start + hours(3), stop.get_token()));
    CHECK(clock.now() == start + hours(2));
}

TEST_CASE("clock: the system clock's sleep ends at once on a stop request") {
    std::stop_source stop;
    stop.request_stop();
    auto before = steady_clock::now();
    CHECK_FALSE(real_clock().sleep_until(real_clock().now() + seconds(30), stop.get_token()));
    CHECK(steady_clock::now() - before < seconds(5));
}
