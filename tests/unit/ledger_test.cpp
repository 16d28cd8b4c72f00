#include "ratelimit/ledger.hpp"
#include "temp_files.hpp"

#include <dropcat/rate_limit.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <variant>

using namespace dropcat;
using namespace std::chrono;
using ratelimit::AccountLedger;
using Steady = steady_clock;

namespace {

std::unique_ptr<AccountLedger> open_ledger(const test::TempDir& dir,
                                           milliseconds keep = minutes(1)) {
    auto ledger = AccountLedger::open(dir.path() / "accounts", "acct", keep, milliseconds(200));
    REQUIRE(ledger.has_value());
    return std::move(*ledger);
}

// Whether `a` is within 5 ms of `b` (the file keeps milliseconds).
bool near(Steady::time_point a, Steady::time_point b) {
    return a - b < milliseconds(5) && b - a < milliseconds(5);
}

} // namespace

TEST_CASE("ledger: a process's requests and holds are there for the next process") {
    test::TempDir dir;
    auto now = Steady::now();
    {
        auto ledger = open_ledger(dir);
        CHECK(ledger->history().empty());
        ledger->append({LimiterEvent::Type::granted, RequestClass::check, now - seconds(3)});
        ledger->append({LimiterEvent::Type::completed, RequestClass::check, now - seconds(2)});
        ledger->append({LimiterEvent::Type::held, RequestClass::create, now + seconds(30)});
        ledger->append({LimiterEvent::Type::held, RequestClass::other, now - seconds(1)}); // over
    }
    auto ledger = open_ledger(dir);
    const auto& h = ledger->history();
    REQUIRE(h.size() == 2);
    CHECK(h[0].type == LimiterEvent::Type::completed);
    CHECK(h[0].kind == RequestClass::check);
    CHECK(near(h[0].at, now - seconds(2))); // counted from its completion
    CHECK(h[1].type == LimiterEvent::Type::held);
    CHECK(h[1].kind == RequestClass::create);
    CHECK(near(h[1].at, now + seconds(30)));
}

TEST_CASE("ledger: old requests are dropped, an unfinished one counts as late as it may") {
    test::TempDir dir;
    auto now = Steady::now();
    {
        auto ledger = open_ledger(dir);
        ledger->append({LimiterEvent::Type::granted, RequestClass::create, now - minutes(5)});
        ledger->append({LimiterEvent::Type::completed, RequestClass::create, now - minutes(5)});
        // Killed in flight: never completed.
        ledger->append({LimiterEvent::Type::granted, RequestClass::create, now - minutes(10)});
        ledger->append({LimiterEvent::Type::granted, RequestClass::check, now - seconds(2)});
    }
    // Kept for ten minutes: the old completed create stays, and the unfinished ones count at
    // their grant plus the longest a request can take, or now.
    auto ledger = open_ledger(dir, minutes(10));
    const auto& h = ledger->history();
    REQUIRE(h.size() == 3);
    CHECK(near(h[0].at, now - minutes(5)));
    std::vector<LimiterEvent> unfinished{h[1], h[2]};
    auto check = unfinished[0].kind == RequestClass::check ? unfinished[0] : unfinished[1];
    auto create = unfinished[0].kind == RequestClass::create ? unfinished[0] : unfinished[1];
    CHECK(create.kind == RequestClass::create);
    CHECK(near(create.at, now - minutes(10) + AccountLedger::k_longest_request));
    CHECK(check.at >= now - milliseconds(5)); // it may still be in flight: now
    CHECK(check.at <= Steady::now());         // not its grant plus the longest request
    // Kept for one minute: only the unfinished check is recent enough.
    ledger.reset();
    ledger = open_ledger(dir, minutes(1));
    REQUIRE(ledger->history().size() == 1);
    CHECK(ledger->history()[0].kind == RequestClass::check);
}

TEST_CASE("ledger: lines it cannot read are skipped") {
    test::TempDir dir;
    { auto ledger = open_ledger(dir); }
    {
        std::ofstream log(dir.path() / "accounts" / "acct.log", std::ios::app);
        log << "x c 12 12\ng q 1 1\ng c notanumber 5\nd c 1\nd c 1 1\n"
            << "c c 2";
    }
    auto ledger = open_ledger(dir, hours(24 * 365 * 100));
    REQUIRE(ledger->history().size() == 1); // "d c 1 1": a completion just after boot
    CHECK(ledger->history()[0].at <= Steady::now());
}

TEST_CASE("ledger: times travel on the monotonic clock, the wall clock only across a reboot") {
    test::TempDir dir;
    auto path = dir.path() / "accounts" / "acct.log";
    auto mono = [](Steady::time_point t) {
        return duration_cast<milliseconds>(t.time_since_epoch()).count();
    };
    auto wall = [](system_clock::time_point t) {
        return duration_cast<milliseconds>(t.time_since_epoch()).count();
    };
    auto now = Steady::now();
    { auto ledger = open_ledger(dir); }
    std::string boot;
    {
        std::ifstream in(path);
        std::getline(in, boot);
    }
    REQUIRE(boot.starts_with("boot "));
    // A wall time an hour off (the clock was set since): on this boot the monotonic time wins.
    {
        std::ofstream log(path, std::ios::app);
        log << "c c " << mono(now - seconds(2)) << ' ' << wall(system_clock::now() - hours(1))
            << '\n';
    }
    auto ledger = open_ledger(dir);
    REQUIRE(ledger->history().size() == 1);
    CHECK(near(ledger->history()[0].at, now - seconds(2)));
    ledger.reset();
    // Another boot: the monotonic clock started again, so the wall time is what is known. The
    // monotonic time to expect is read beside the wall time written: the opens before took
    // their time (a busy disk makes each fsync slow), and only the conversion is under test.
    auto written = Steady::now();
    {
        std::ofstream log(path, std::ios::trunc);
        log << "boot another-boot\n"
            << "c c 5 " << wall(system_clock::now() - seconds(3)) << '\n'
            << "h o 5 " << wall(system_clock::now() + hours(30)) << '\n';
    }
    ledger = open_ledger(dir, minutes(1));
    const auto& h = ledger->history();
    REQUIRE(h.size() == 2);
    CHECK(near(h[0].at, written - seconds(3)));
    // A hold lasts at most an hour (or the history kept, if longer): one absurd wait cannot
    // stop every later run.
    CHECK(h[1].type == LimiterEvent::Type::held);
    CHECK(h[1].at <= Steady::now() + hours(1));
    CHECK(h[1].at > Steady::now() + minutes(59));
}

TEST_CASE("ledger: one process at a time speaks for an account") {
    test::TempDir dir;
    auto first = open_ledger(dir);
    // The wait is on the injected clock: a virtual one shows it waited the whole 30 s (in
    // 50 ms polls) without taking them.
    VirtualClock clock;
    auto started = clock.now();
    auto second =
        AccountLedger::open(dir.path() / "accounts", "acct", minutes(1), seconds(30), {}, clock);
    REQUIRE_FALSE(second.has_value());
    CHECK(clock.now() - started >= seconds(30)); // it waited first
    CHECK(clock.now() - started < seconds(31));
    CHECK(second.error().kind == ErrorKind::temporary);
    CHECK_THAT(second.error().message,
               Catch::Contains("account acct is in use by another dropcat process (pid "));
    // Ctrl-C while waiting: interrupted, at once.
    auto wall = Steady::now();
    std::stop_source stop;
    stop.request_stop();
    auto cancelled = AccountLedger::open(dir.path() / "accounts", "acct", minutes(1), seconds(10),
                                         stop.get_token());
    REQUIRE_FALSE(cancelled.has_value());
    CHECK(cancelled.error().kind == ErrorKind::interrupted);
    CHECK(Steady::now() - wall < seconds(2));
    auto other = AccountLedger::open(dir.path() / "accounts", "other", minutes(1), milliseconds(0));
    CHECK(other.has_value()); // another account is not held
    first.reset();
    CHECK(AccountLedger::open(dir.path() / "accounts", "acct", minutes(1), milliseconds(0))
              .has_value());
}

TEST_CASE("ledger: a limiter restored from it keeps the earlier process's requests in its rules") {
    test::TempDir dir;
    RateLimiter::Rules rules;
    rules.checks = {RateRule{1, seconds(2)}};
    rules.margin = milliseconds(0);
    {
        auto ledger = open_ledger(dir);
        rules.journal = [&](const LimiterEvent& e) { ledger->append(e); };
        RateLimiter first(rules);
        auto permit = first.try_acquire(RequestClass::check);
        REQUIRE(std::holds_alternative<RateLimiter::Permit>(permit));
        first.hold(RequestClass::create, Steady::now() + seconds(60));
    }
    auto ledger = open_ledger(dir);
    rules.journal = {};
    RateLimiter next(rules);
    next.restore(ledger->history());
    auto check = next.try_acquire(RequestClass::check);
    REQUIRE(std::holds_alternative<Steady::time_point>(check)); // the window is still full
    CHECK(std::get<Steady::time_point>(check) - Steady::now() > milliseconds(1500));
    auto create = next.try_acquire(RequestClass::create);
    REQUIRE(std::holds_alternative<Steady::time_point>(create)); // the server's hold holds
    CHECK(std::get<Steady::time_point>(create) - Steady::now() > seconds(55));
}
