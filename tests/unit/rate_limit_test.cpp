#include <dropcat/rate_limit.hpp>

#include <catch2/catch.hpp>

#include <thread>

using namespace dropcat;
using namespace std::chrono;
using Clock = RateLimiter::Clock;

namespace {

RateLimiter::Rules checks(int count, milliseconds window) {
    RateLimiter::Rules rules;
    rules.checks = {RateRule{count, window}};
    rules.max_in_flight = 8;
    rules.margin = milliseconds(0);
    return rules;
}

} // namespace

TEST_CASE("rate limit: never more than the rule allows in any window") {
    RateLimiter limiter(checks(2, milliseconds(300)));
    std::vector<Clock::time_point> sent;
    auto deadline = Clock::now() + seconds(10);
    for (int i = 0; i < 6; ++i) {
        auto permit = limiter.acquire(RequestClass::check, deadline);
        REQUIRE(permit);
        sent.push_back(Clock::now());
    }
    // Every third request is at least a window after the one two before it.
    for (std::size_t i = 2; i < sent.size(); ++i) CHECK(sent[i] - sent[i - 2] >= milliseconds(300));
}

TEST_CASE("rate limit: checks and creates have separate budgets") {
    RateLimiter::Rules rules = checks(1, seconds(60));
    rules.creates = {RateRule{1, seconds(60)}};
    RateLimiter limiter(rules);
    auto soon = Clock::now() + milliseconds(100);
    REQUIRE(limiter.acquire(RequestClass::check, soon));
    CHECK_FALSE(limiter.acquire(RequestClass::check, soon)); // the check budget is spent
    CHECK(limiter.acquire(RequestClass::create, soon));      // a create still goes
}

TEST_CASE("rate limit: a server hold stops requests until it ends") {
    RateLimiter limiter(checks(100, seconds(1)));
    auto start = Clock::now();
    limiter.hold(RequestClass::check, start + milliseconds(200));
    CHECK(limiter.acquire(RequestClass::create, start + milliseconds(50))); // not held
    auto permit = limiter.acquire(RequestClass::check, start + seconds(5));
    REQUIRE(permit);
    CHECK(Clock::now() - start >= milliseconds(200));
}

TEST_CASE("rate limit: a deadline before the next free slot sends nothing") {
    RateLimiter limiter(checks(1, seconds(60)));
    REQUIRE(limiter.acquire(RequestClass::check, Clock::now() + seconds(1)));
    auto start = Clock::now();
    CHECK_FALSE(limiter.acquire(RequestClass::check, start + milliseconds(100)));
    CHECK(Clock::now() - start < seconds(5)); // gave up at once rather than waiting the minute
}

TEST_CASE("rate limit: the in-flight cap holds callers until a permit is released") {
    RateLimiter::Rules rules = checks(100, seconds(1));
    rules.max_in_flight = 1;
    RateLimiter limiter(rules);
    auto first = limiter.acquire(RequestClass::check, Clock::now() + seconds(1));
    REQUIRE(first);
    CHECK_FALSE(limiter.acquire(RequestClass::check, Clock::now() + milliseconds(50)));
    std::optional<RateLimiter::Permit> held(std::move(*first));
    first.reset();
    std::thread releaser([&] {
        std::this_thread::sleep_for(milliseconds(100));
        held.reset();
    });
    CHECK(limiter.acquire(RequestClass::check, Clock::now() + seconds(5)));
    releaser.join();
}

TEST_CASE("rate limit: rules over all requests count every class") {
    RateLimiter::Rules rules;
    rules.all = {RateRule{2, seconds(60)}};
    rules.margin = milliseconds(0);
    RateLimiter limiter(rules);
    auto soon = Clock::now() + milliseconds(50);
    REQUIRE(limiter.acquire(RequestClass::check, soon));
    REQUIRE(limiter.acquire(RequestClass::create, soon));
    CHECK_FALSE(limiter.acquire(RequestClass::other, soon));
}

TEST_CASE("rate limit: a request in flight counts until it completes, then from its completion") {
    RateLimiter::Rules rules = checks(1, milliseconds(200));
    rules.max_in_flight = 4;
    RateLimiter limiter(rules);
    auto first = limiter.acquire(RequestClass::check, Clock::now() + seconds(1));
    REQUIRE(first);
    // While it is in flight its arrival is unknown: no second request, however long it takes.
    std::this_thread::sleep_for(milliseconds(300));
    auto got = limiter.try_acquire(RequestClass::check);
    CHECK(std::holds_alternative<Clock::time_point>(got));
    auto completed = Clock::now();
    first.reset();
    // Then the window runs from the completion, not from when the permit was granted.
    auto second = limiter.acquire(RequestClass::check, Clock::now() + seconds(5));
    REQUIRE(second);
    CHECK(Clock::now() - completed >= milliseconds(200));
}
