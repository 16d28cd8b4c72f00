#include "test_store.hpp"

#include <dropcat/store.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace dropcat;
using test::NewStore;

namespace {

Instant at(std::int64_t seconds) {
    return from_unix_ms(1'796'000'000'000 + seconds * 1000);
}

TargetRow wanted(std::string domain, Day cycle) {
    TargetRow t;
    t.domain = std::move(domain);
    t.cycle = cycle;
    t.window_start = at(100);
    t.window_end = at(160);
    t.release_at = at(100);
    t.basis = "drop list time";
    return t;
}

} // namespace

TEST_CASE("catch store: targets are armed once per day and move only from the state expected",
          "[store]") {
    NewStore s;
    auto store = s.open();
    Day day = day_of(at(0));
    auto armed = store.write([&](Tx& tx) -> Result<TargetRow> {
        tx.catches().arm(wanted("a.com", day), at(1));
        return tx.catches().arm(wanted("a.com", day), at(2)); // again: the same target
    });
    REQUIRE(armed);
    CHECK(armed->state == TargetState::armed);
    CHECK(armed->release_at == at(100));
    auto first = *armed;

    // armed -> registering, with the attempt row, in one transaction.
    auto moved = store.write([&](Tx& tx) -> Result<std::int64_t> {
        std::array from{TargetState::armed, TargetState::checking, TargetState::available};
        if (!tx.catches().move(first.id, from, TargetState::registering, {}, at(3)))
            return fail(ErrorKind::failed, "not moved");
        return tx.catches().begin_attempt(AttemptStart{first.id, "dyn", false, 7, 1'000'000});
    });
    REQUIRE(moved);
    // A second move from armed finds it registering and changes nothing.
    auto again = store.write([&](Tx& tx) -> Result<bool> {
        std::array from{TargetState::armed};
        return tx.catches().move(first.id, from, TargetState::caught, {}, at(4));
    });
    REQUIRE(again);
    CHECK_FALSE(*again);

    auto unanswered = store.read([](const ReadTx& tx) -> Result<std::vector<AttemptRow>> {
        return tx.catches().unanswered();
    });
    REQUIRE(unanswered);
    REQUIRE(unanswered->size() == 1);
    CHECK(unanswered->front().domain == "a.com");
    CHECK(unanswered->front().create_id == 7);

    auto done = store.write([&](Tx& tx) -> Result<void> {
        tx.catches().finish_attempt(*moved, 1'000'000, "registered", "", 1'004'250);
        std::array from{TargetState::registering};
        TargetUpdate u;
        u.account = "dyn";
        u.caught_at = at(100);
        if (!tx.catches().move(first.id, from, TargetState::caught, u, at(5)))
            return fail(ErrorKind::failed, "not moved");
        return {};
    });
    REQUIRE(done);
    auto rows = store.read([&](const ReadTx& tx) -> Result<std::vector<AttemptRow>> {
        return tx.catches().attempts(first.id);
    });
    REQUIRE(rows);
    REQUIRE(rows->size() == 1);
    CHECK(rows->front().latency_us == 4250);
    CHECK(rows->front().outcome == "registered");

    // A caught target keeps its window when armed again.
    auto late = wanted("a.com", day);
    late.window_start = at(500);
    auto kept =
        store.write([&](Tx& tx) -> Result<TargetRow> { return tx.catches().arm(late, at(6)); });
    REQUIRE(kept);
    CHECK(kept->state == TargetState::caught);
    CHECK(kept->window_start == at(100));
    CHECK(kept->account == "dyn");
    CHECK(kept->caught_at == at(100));
}

TEST_CASE("catch store: one catch run at a time, the second told who holds it", "[store]") {
    NewStore s;
    auto store = s.open();
    auto other = s.open();
    {
        auto held = store.lock_run("host-a pid 1");
        REQUIRE(held);
        auto refused = other.lock_run("host-b pid 2");
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == ErrorKind::temporary);
        CHECK_THAT(refused.error().message, Catch::Contains("host-a pid 1"));
    }
    // Released with its holder.
    auto next = other.lock_run("host-b pid 2");
    CHECK(next.has_value());
}

TEST_CASE("catch store: state names read back", "[store]") {
    for (auto state : {TargetState::armed, TargetState::checking, TargetState::available,
                       TargetState::registering, TargetState::caught, TargetState::lost,
                       TargetState::ambiguous, TargetState::failed})
        CHECK(parse_target_state(target_state_name(state)) == state);
    CHECK_FALSE(parse_target_state("won"));
    CHECK(is_final(TargetState::lost));
    CHECK_FALSE(is_final(TargetState::ambiguous));
}
