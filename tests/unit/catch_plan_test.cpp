#include "temp_files.hpp"

#include <dropcat/catcher.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace dropcat;
using namespace std::chrono_literals;

namespace {

Instant utc(int hour, int minute, int second = 0) {
    return start_of(days_from_civil(2026, 12, 3)) + std::chrono::hours(hour) +
           std::chrono::minutes(minute) + std::chrono::seconds(second);
}

const Day k_day = days_from_civil(2026, 12, 3);

LifecycleProfile batch_profile() {
    LifecycleProfile p;
    p.tld = "com";
    p.zone = "UTC";
    p.release_minutes = {19 * 60};
    p.release_spread_minutes = 180;
    return p;
}

RegistrarAccount account(std::string name, std::string kind) {
    RegistrarAccount a;
    a.name = std::move(name);
    a.kind = std::move(kind);
    a.max_price = Money{2000, "USD"};
    return a;
}

} // namespace

TEST_CASE("catch: a list's time is a known instant; a batch is a window", "[catch]") {
    CatchSettings s;
    auto known = catch_window(k_day, k_day, utc(13, 0, 5), std::nullopt, batch_profile(), s);
    REQUIRE(known);
    CHECK(known->release_at == utc(13, 0, 5));
    CHECK(known->end == utc(13, 1, 5)); // known_window 60 s
    CHECK(known->basis == "drop list time");

    auto batch = catch_window(k_day, k_day, std::nullopt, std::nullopt, batch_profile(), s);
    REQUIRE(batch);
    CHECK_FALSE(batch->release_at);
    CHECK(batch->start == utc(19, 0));
    CHECK(batch->end == utc(22, 0));
    CHECK_THAT(batch->basis, Catch::Contains("registry profile .com"));

    // A registry that releases at one instant (spread 0) gives an instant without a list time.
    auto one = batch_profile();
    one.release_minutes = {9 * 60};
    one.release_spread_minutes = 0;
    auto instant = catch_window(k_day, k_day, std::nullopt, std::nullopt, one, s);
    REQUIRE(instant);
    CHECK(instant->release_at == utc(9, 0));

    // Another day's drop is no target; an RDAP prediction on the day is one.
    CHECK_FALSE(catch_window(k_day, k_day + 1, std::nullopt, std::nullopt, batch_profile(), s));
    NameState state;
    state.drop_earliest = utc(19, 0);
    state.drop_latest = utc(19, 30);
    state.basis = "pending delete first seen";
    auto predicted = catch_window(k_day, std::nullopt, std::nullopt, state, batch_profile(), s);
    REQUIRE(predicted);
    CHECK(predicted->start == utc(19, 0));
    CHECK_THAT(predicted->basis, Catch::StartsWith("RDAP history: "));
}

TEST_CASE("catch: phases of a window and the grid skip missed slots", "[catch]") {
    CatchSettings s; // warm 10 s, hot 300 s
    CatchWindow w{utc(19, 0), utc(20, 0), std::nullopt, ""};
    CHECK(phase_at(w, s, utc(18, 59, 49)) == CatchPhase::idle);
    CHECK(phase_at(w, s, utc(18, 59, 50)) == CatchPhase::warm);
    CHECK(phase_at(w, s, utc(19, 0)) == CatchPhase::hot);
    CHECK(phase_at(w, s, utc(19, 5)) == CatchPhase::post);
    CHECK(phase_at(w, s, utc(20, 0)) == CatchPhase::done);

    Clock::time_point anchor{std::chrono::seconds(1000)};
    // The next point strictly after, on the grid; one is exactly at the anchor.
    CHECK(next_on_grid(anchor, 100ms, anchor - 1ms) == anchor);
    CHECK(next_on_grid(anchor, 100ms, anchor) == anchor + 100ms);
    CHECK(next_on_grid(anchor, 100ms, anchor + 250ms) == anchor + 300ms);
    CHECK(next_on_grid(anchor, 100ms, anchor - 250ms) == anchor - 200ms);
    // After a long wait, the slots missed are skipped: the next one after it, not a burst.
    CHECK(next_on_grid(anchor, 100ms, anchor + 10'050ms) == anchor + 10'100ms);
}

TEST_CASE("catch: the plan chooses accounts, cadences and says what will not fit", "[catch]") {
    Config config;
    config.registrars.push_back(account("dyn", "dynadot"));
    config.registrars.back().checks_per_minute = 600;
    config.registrars.back().creates_per_second = 1;
    config.registrars.back().tlds = {"com"};
    config.registrars.push_back(account("nc", "namecheap")); // forbids catching by default
    config.registrars.back().tlds = {"com"};
    auto pb = account("pb", "porkbun");
    pb.max_price.reset(); // and no [catch] max_price: no ceiling
    config.registrars.push_back(pb);
    auto com = account("only-net", "dynadot");
    com.tlds = {"net"};
    config.registrars.push_back(com);

    CatchTarget a{"a.com", k_day, 2, 5, false, {utc(13, 0), utc(13, 1), utc(13, 0), "list"}};
    CatchTarget b{"b.com", k_day, 1, 0, false, {utc(13, 0), utc(13, 1), utc(13, 0), "list"}};
    CatchTarget c{"c.com", k_day, 1, 0, false, {utc(19, 0), utc(22, 0), std::nullopt, "batch"}};
    CatchTarget x{"x.xyz", k_day, 1, 0, false, {utc(19, 0), utc(22, 0), std::nullopt, "batch"}};
    config.registrars.back().tlds = {"net"};
    auto plan = plan_catch({a, b, c, x}, config, {});
    REQUIRE(plan);
    REQUIRE(plan->targets.size() == 4);
    CHECK(plan->targets[0].accounts == std::vector<std::string>{"dyn"});
    CHECK(plan->targets[0].known_instant());
    // b's instant is a's: one create a second leaves dyn no budget to be on time for b.
    CHECK(plan->targets[0].warnings.empty());
    REQUIRE(plan->targets[1].warnings.size() == 1);
    CHECK_THAT(plan->targets[1].warnings[0], Catch::Contains("dyn cannot be on time"));
    // A window: warm, hot and post cadences, and checks spent.
    const auto& cp = plan->targets[2];
    REQUIRE(cp.cadence.size() == 3);
    CHECK(cp.cadence[0].phase == CatchPhase::warm);
    CHECK(cp.cadence[1].phase == CatchPhase::hot);
    CHECK(cp.cadence[1].every == 100ms); // 600 checks a minute, one target
    CHECK(cp.planned_requests() > 0);
    // No account for .xyz; namecheap and the ceiling-less porkbun said once each.
    CHECK(plan->targets[3].accounts.empty());
    CHECK_THAT(plan->targets[3].warnings.at(0), Catch::Contains("no account serves .xyz"));
    REQUIRE(plan->warnings.size() == 2);
    CHECK_THAT(plan->warnings[0], Catch::Contains("nc does not catch"));
    CHECK_THAT(plan->warnings[1], Catch::Contains("pb does not catch: it has no price ceiling"));

    // `catch = true` lets namecheap fire; --accounts-per-name and --registrar narrow.
    config.registrars[1].catching = true;
    PlanOptions narrow;
    narrow.accounts_per_name = 1;
    auto one = plan_catch({a}, config, narrow);
    REQUIRE(one);
    CHECK(one->targets[0].accounts == std::vector<std::string>{"dyn"});
    PlanOptions only;
    only.registrars = {"nc"};
    auto nc = plan_catch({a}, config, only);
    REQUIRE(nc);
    CHECK(nc->targets[0].accounts == std::vector<std::string>{"nc"});
    only.registrars = {"nope"};
    auto bad = plan_catch({a}, config, only);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::usage);
}

TEST_CASE("catch: [catch] and an account's catch key are read and checked", "[catch]") {
    dropcat::test::TempDir dir;
    auto good = dir.write("good.toml", "[catch]\nmax_price = \"25.00 USD\"\nhot_seconds = 60\n"
                                       "accounts_per_name = 2\n\n[[registrar]]\nname = \"d\"\n"
                                       "kind = \"dynadot\"\nkey_env = \"K\"\ncatch = false\n");
    auto config = load_config(good, true);
    REQUIRE(config);
    CHECK(config->catching.max_price == Money{2500, "USD"});
    CHECK(config->catching.hot_span == std::chrono::seconds(60));
    CHECK(config->catching.accounts_per_name == 2);
    CHECK_FALSE(catch_allowed(config->registrars.at(0))); // dynadot's default is true

    auto bad = dir.write("bad.toml", "[catch]\nlead_seconds = 0\n");
    auto refused = load_config(bad, true);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::config);
    CHECK_THAT(refused.error().message,
               Catch::Contains("bad.toml:2: catch.lead_seconds: must be a whole number from 1"));
    auto typo = dir.write("typo.toml", "[catch]\nhot_second = 5\n");
    auto unknown = load_config(typo, true);
    REQUIRE_FALSE(unknown);
    CHECK_THAT(unknown.error().message, Catch::Contains("did you mean 'hot_seconds'"));
    auto flag = dir.write("flag.toml", "[[registrar]]\nname = \"d\"\nkind = \"dynadot\"\n"
                                       "key_env = \"K\"\ncatch = \"yes\"\n");
    auto not_bool = load_config(flag, true);
    REQUIRE_FALSE(not_bool);
    CHECK_THAT(not_bool.error().message, Catch::Contains("catch: must be true or false"));
}

TEST_CASE("catch: one account per name goes to an account that can be on time", "[catch]") {
    Config config;
    for (const char* name : {"a", "b", "c"}) {
        config.registrars.push_back(account(name, "dynadot"));
        config.registrars.back().creates_per_second = 1;
    }
    std::vector<CatchTarget> targets;
    for (int i = 0; i < 6; ++i) {
        Instant t = utc(13, 0) + std::chrono::milliseconds(300 * i);
        targets.push_back({fmt::format("n{}.com", i), k_day, 1, 0, false, {t, t + 60s, t, "list"}});
    }
    PlanOptions one;
    one.accounts_per_name = 1;
    auto plan = plan_catch(targets, config, one);
    REQUIRE(plan);
    // Three names 300 ms apart take the three accounts. The fourth, 900 ms after the first,
    // finds none free (a create a second, and the limiter's margin): it is late, said so, and
    // takes no budget, so the fifth (at 1.2 s) and sixth (1.5 s) are on time for a and b.
    std::vector<std::string> chosen;
    for (const auto& p : plan->targets)
        chosen.push_back(p.accounts.at(0));
    CHECK(chosen == std::vector<std::string>{"a", "b", "c", "a", "a", "b"});
    for (int i : {0, 1, 2, 4, 5})
        CHECK(plan->targets[static_cast<std::size_t>(i)].warnings.empty());
    REQUIRE(plan->targets[3].warnings.size() == 1);
    CHECK_THAT(plan->targets[3].warnings[0], Catch::Contains("a cannot be on time"));
}

TEST_CASE("catch: results time a catch from the release to the registry's arrival", "[catch]") {
    TargetRow t;
    t.release_at = utc(13, 0);
    AttemptRow refused;
    refused.sent_us = unix_ms(utc(12, 59, 59)) * 1000;
    refused.outcome = "lost-race";
    AttemptRow accepted;
    accepted.sent_us = unix_ms(utc(13, 0)) * 1000 + 900;
    accepted.answered_us = accepted.sent_us + 3000;
    accepted.outcome = "registered";
    std::vector<AttemptRow> attempts{refused, accepted};

    // No look-up since: the create's send plus half its round trip.
    auto estimate = catch_timing(t, attempts, {});
    CHECK(estimate.arrived_from == "estimate");
    REQUIRE(estimate.arrived_us);
    CHECK(*estimate.arrived_us == accepted.sent_us + 1500);
    REQUIRE(estimate.release_to_create_ms);
    CHECK(*estimate.release_to_create_ms == Approx(2.4));

    // A later look-up whose registration event is to the millisecond: the registry's time.
    ObservationRow later;
    later.at = utc(13, 5);
    later.events = {{"registration", utc(13, 0) + std::chrono::milliseconds(2)},
                    {"expiration", utc(13, 0) + std::chrono::days(365)}};
    auto measured = catch_timing(t, attempts, std::vector{later});
    CHECK(measured.arrived_from == "rdap");
    REQUIRE(measured.release_to_create_ms);
    CHECK(*measured.release_to_create_ms == Approx(2.0));

    // A registration on a whole second that falls within the create's round trip is the
    // registry's time to the millisecond (a create that arrived under a millisecond after a
    // whole-second instant).
    AttemptRow on_the_second = accepted;
    on_the_second.sent_us = unix_ms(utc(13, 0)) * 1000 - 300;
    on_the_second.answered_us = on_the_second.sent_us + 2000;
    ObservationRow exact = later;
    exact.events = {{"registration", utc(13, 0)}};
    auto whole = catch_timing(t, std::vector{refused, on_the_second}, std::vector{exact});
    CHECK(whole.arrived_from == "rdap");
    REQUIRE(whole.release_to_create_ms);
    CHECK(*whole.release_to_create_ms == Approx(0.0));

    // Whole seconds (most registries), a look-up before the create, or another registration
    // (an hour off) leave the estimate.
    ObservationRow seconds = later;
    seconds.events = {{"registration", utc(13, 0, 1)}};
    ObservationRow before = later;
    before.at = utc(12, 0);
    ObservationRow other = later;
    other.events = {{"registration", utc(14, 0) + std::chrono::milliseconds(5)}};
    for (const auto& o : {seconds, before, other})
        CHECK(catch_timing(t, attempts, std::vector{o}).arrived_from == "estimate");

    // Nothing accepted: no arrival, the release still said.
    auto none = catch_timing(t, std::vector{refused}, {});
    CHECK(none.arrived_from.empty());
    CHECK_FALSE(none.release_to_create_ms);
    CHECK(none.released == t.release_at);
}
