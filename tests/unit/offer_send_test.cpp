// Offers from draft to send on a real store (both backends) with a stand-in for the mail
// server and a virtual clock: approval, the ledger, the rate limit, suppression right before
// each message, refused, failed, unknown and cut-off hand-offs.
#include "test_store.hpp"

#include <dropcat/clock.hpp>
#include <dropcat/mail.hpp>
#include <dropcat/offer.hpp>
#include <dropcat/store.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <map>

using namespace dropcat;
using namespace std::chrono_literals;
using test::NewStore;

namespace {

OperatorSettings identity() {
    OperatorSettings o;
    o.company = "Example Names AB";
    o.address = "Storgatan 1, Stockholm";
    o.phone = "+46 8 123 456 78";
    o.sender_name = "Anna";
    o.sender_email = "anna@names.example";
    o.unsubscribe_url_base = "https://names.example/u/";
    return o;
}

Instant wall(const VirtualClock& c) {
    return std::chrono::floor<std::chrono::milliseconds>(c.wall_now());
}

// A held name with `n` backorderers a1@buyer.example ... and their drafts, shown and
// approved; the offers' ids.
std::vector<std::int64_t> approved_offers(Store& store, const VirtualClock& clock, int n) {
    REQUIRE(hold_name(store, "gamma.com", "", wall(clock)));
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        for (int i = 1; i <= n; ++i) {
            auto id = tx.customers().add(
                Contact{"a" + std::to_string(i) + "@buyer.example", "", "", ""}, wall(clock));
            tx.backorders().add("gamma.com", id, n - i, "", wall(clock));
        }
        return {};
    }));
    DraftRequest r;
    r.domain = "gamma.com";
    r.price = Money{150000, "USD"};
    r.actor = "test";
    auto drafted = draft_offers(store, identity(), "secret", r, wall(clock));
    REQUIRE(drafted);
    REQUIRE(drafted->drafted.size() == static_cast<std::size_t>(n));
    std::vector<std::int64_t> ids;
    for (const auto& d : drafted->drafted) {
        ids.push_back(d.id);
        REQUIRE(record_shown(store, d.id, wall(clock)));
    }
    REQUIRE(approve_offers(store, ids, "anna", wall(clock)));
    return ids;
}

OfferStatus status(const Store& store, std::int64_t id) {
    auto row = store.read(
        [&](const ReadTx& tx) -> Result<std::optional<OfferRow>> { return tx.offers().get(id); });
    REQUIRE(row);
    REQUIRE(*row);
    return (*row)->status;
}

// The mail server's stand-in: what it was handed, when (virtual wall time), and what it says.
struct Server {
    const VirtualClock& clock;
    std::map<std::string, Handoff> answer; // by recipient; accepted otherwise
    std::map<std::string, int> code;
    std::vector<std::pair<std::string, Instant>> got;

    DeliverFn deliver() {
        return [this](std::string_view, std::string_view to, std::string_view message) {
            got.emplace_back(std::string(to), wall(clock));
            (void)message;
            HandoffResult h;
            auto a = answer.find(std::string(to));
            h.outcome = a == answer.end() ? Handoff::accepted : a->second;
            auto c = code.find(std::string(to));
            h.code = c == code.end() ? (h.outcome == Handoff::accepted ? 250 : 0) : c->second;
            h.detail = std::string(handoff_name(h.outcome));
            return h;
        };
    }
};

} // namespace

TEST_CASE("offer send: at most per_minute hand-offs in any minute, each message once", "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 5);
    Server server{clock, {}, {}, {}};
    SendOptions o;
    o.per_minute = 2;
    auto sum = send_offers(store, identity(), server.deliver(), o, clock);
    REQUIRE(sum);
    CHECK(sum->sent == 5);
    REQUIRE(server.got.size() == 5);
    // Any three hand-offs in a row span more than a minute.
    for (std::size_t i = 2; i < server.got.size(); ++i)
        CHECK(server.got[i].second - server.got[i - 2].second > 60s);
    CHECK(server.got[1].second - server.got[0].second < 1s); // two at once are within the limit
    for (auto id : ids)
        CHECK(status(store, id) == OfferStatus::sent);
    // A second run has nothing to send.
    auto again = send_offers(store, identity(), server.deliver(), o, clock);
    REQUIRE(again);
    CHECK(again->sent == 0);
    CHECK(server.got.size() == 5);
}

TEST_CASE("offer send: the opt-outs are checked again right before each message", "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 2);
    REQUIRE(suppress_address(store, "A2@buyer.example", "command", "", wall(clock)));
    Server server{clock, {}, {}, {}};
    auto sum = send_offers(store, identity(), server.deliver(), SendOptions{}, clock);
    REQUIRE(sum);
    CHECK(sum->sent == 1);
    CHECK(sum->suppressed == 1);
    REQUIRE(server.got.size() == 1);
    CHECK(server.got[0].first == "a1@buyer.example");
    CHECK(status(store, ids[1]) == OfferStatus::withdrawn);
}

TEST_CASE("offer send: refused for now is tried again, for good is failed, unknown never again",
          "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 3);
    Server server{clock, {}, {}, {}};
    server.answer["a1@buyer.example"] = Handoff::refused;
    server.code["a1@buyer.example"] = 451;
    server.answer["a2@buyer.example"] = Handoff::refused;
    server.code["a2@buyer.example"] = 550;
    server.answer["a3@buyer.example"] = Handoff::unknown;
    auto sum = send_offers(store, identity(), server.deliver(), SendOptions{}, clock);
    REQUIRE(sum);
    CHECK(sum->refused == 1);
    CHECK(sum->failed == 1);
    CHECK(sum->unknown == 1);
    CHECK(status(store, ids[0]) == OfferStatus::approved);
    CHECK(status(store, ids[1]) == OfferStatus::failed);
    CHECK(status(store, ids[2]) == OfferStatus::unknown);
    // The next run: only the one refused for now goes again, and now it is taken.
    server.answer.clear();
    server.code.clear();
    auto next = send_offers(store, identity(), server.deliver(), SendOptions{}, clock);
    REQUIRE(next);
    CHECK(next->sent == 1);
    REQUIRE(server.got.size() == 4);
    CHECK(server.got[3].first == "a1@buyer.example");
    CHECK(status(store, ids[0]) == OfferStatus::sent);
}

TEST_CASE("offer send: a hand-off a crashed process left is never sent again", "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 2);
    // What a process killed during the first hand-off leaves: the ledger row and `sending`.
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        auto row = tx.offers().get(ids[0]);
        REQUIRE(row);
        REQUIRE(tx.offers().begin_send(*row, wall(clock)));
        CHECK_FALSE(tx.offers().begin_send(*row, wall(clock))); // one row per message
        std::array from = {OfferStatus::approved};
        REQUIRE(tx.offers().move(ids[0], from, OfferStatus::sending, {}, wall(clock)));
        return {};
    }));
    Server server{clock, {}, {}, {}};
    SendOptions o;
    o.stale = 10s;
    auto soon = send_offers(store, identity(), server.deliver(), o, clock);
    REQUIRE(soon);
    CHECK(soon->cut_off == 0); // it may still be in a live process's hands
    CHECK(status(store, ids[0]) == OfferStatus::sending);
    clock.advance(11s);
    auto later = send_offers(store, identity(), server.deliver(), o, clock);
    REQUIRE(later);
    CHECK(later->cut_off == 1);
    CHECK(status(store, ids[0]) == OfferStatus::unknown);
    REQUIRE(server.got.size() == 1);
    CHECK(server.got[0].first == "a2@buyer.example"); // the other one, once
}

TEST_CASE("offers: approval needs the message shown first; accepting withdraws the others",
          "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    REQUIRE(hold_name(store, "delta.com", "", wall(clock)));
    DraftRequest r;
    r.domain = "delta.com";
    r.to = OfferAudience::addresses;
    r.addresses = {"x@buyer.example", "y@buyer.example"};
    r.reason = "you own delta.org";
    r.price = Money{90000, "EUR"};
    auto drafted = draft_offers(store, identity(), "secret", r, wall(clock));
    REQUIRE(drafted);
    REQUIRE(drafted->drafted.size() == 2);
    auto x = drafted->drafted[0].id, y = drafted->drafted[1].id;
    std::vector<std::int64_t> both{x, y};
    REQUIRE(record_shown(store, x, wall(clock)));
    auto refused = approve_offers(store, both, "anna", wall(clock));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("offer " + std::to_string(y) + " is a first contact") !=
          std::string::npos);
    CHECK(status(store, x) == OfferStatus::draft); // all or nothing
    REQUIRE(approve_offers(store, std::vector<std::int64_t>{x}, "anna", wall(clock)));
    Server server{clock, {}, {}, {}};
    REQUIRE(send_offers(store, identity(), server.deliver(), SendOptions{}, clock));
    auto marked = mark_offer(store, x, OfferStatus::accepted, "paid", "anna", wall(clock));
    REQUIRE(marked);
    CHECK(marked->withdrawn == std::vector<std::int64_t>{y});
    CHECK(status(store, y) == OfferStatus::withdrawn);
    // A person may draft again (the buyer backed out): the outcome says it was accepted.
    r.addresses = {"z@buyer.example"};
    auto again = draft_offers(store, identity(), "secret", r, wall(clock));
    REQUIRE(again);
    CHECK(again->accepted == std::optional<std::int64_t>(x));
    CHECK(again->drafted.size() == 1);
    REQUIRE(mark_offer(store, x, OfferStatus::withdrawn, "backed out", "anna", wall(clock)));
}

TEST_CASE("offer send: an opt-out or a forget during a run stops the messages still to go",
          "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 3);
    Server server{clock, {}, {}, {}};
    SendOptions o;
    // After the first message: a2 opts out, a3 is forgotten (backorder forget's erasure).
    o.on_message = [&](const OfferRow& row, std::string_view outcome, std::string_view, std::size_t,
                       std::size_t) {
        if (row.id != ids[0] || outcome.empty()) return;
        REQUIRE(suppress_address(store, "a2@buyer.example", "command", "", wall(clock)));
        REQUIRE(store.write([&](Tx& tx) -> Result<void> {
            tx.offers().erase_recipient(address_hash("a3@buyer.example"), wall(clock));
            return {};
        }));
    };
    auto sum = send_offers(store, identity(), server.deliver(), o, clock);
    REQUIRE(sum);
    CHECK(sum->sent == 1);
    CHECK(sum->suppressed == 1);
    REQUIRE(server.got.size() == 1);
    CHECK(server.got[0].first == "a1@buyer.example");
    CHECK(status(store, ids[1]) == OfferStatus::withdrawn);
    CHECK(status(store, ids[2]) == OfferStatus::failed); // no address left to write to
}

TEST_CASE("offer mark: an unknown outcome is settled by a person; notices only so", "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    auto ids = approved_offers(store, clock, 2);
    Server server{clock, {}, {}, {}};
    server.answer["a1@buyer.example"] = Handoff::unknown;
    REQUIRE(send_offers(store, identity(), server.deliver(), SendOptions{}, clock));
    REQUIRE(status(store, ids[0]) == OfferStatus::unknown);
    auto early = mark_offer(store, ids[1], OfferStatus::sent, "", "anna", wall(clock));
    CHECK(status(store, ids[1]) == OfferStatus::sent); // it was sent: nothing to settle
    REQUIRE_FALSE(early);
    REQUIRE(mark_offer(store, ids[0], OfferStatus::sent, "in the log", "anna", wall(clock)));
    CHECK(status(store, ids[0]) == OfferStatus::sent);
    auto ledger = store.read([&](const ReadTx& tx) -> Result<std::optional<SendRow>> {
        return tx.offers().send_of(ids[0]);
    });
    REQUIRE(ledger);
    REQUIRE(*ledger);
    CHECK((*ledger)->state == SendState::sent);
}

TEST_CASE("offers: a name that would add a header gets no draft", "[store]") {
    NewStore s;
    auto store = s.open();
    VirtualClock clock;
    REQUIRE(hold_name(store, "eta.com", "", wall(clock)));
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        auto bad = tx.customers().add(
            Contact{"mallory@buyer.example", "Mallory\r\nBcc: all@example.net", "", ""},
            wall(clock));
        tx.backorders().add("eta.com", bad, 0, "", wall(clock));
        auto good = tx.customers().add(Contact{"olga@buyer.example", "Olga", "", ""}, wall(clock));
        tx.backorders().add("eta.com", good, 0, "", wall(clock));
        return {};
    }));
    DraftRequest r;
    r.domain = "eta.com";
    r.price = Money{10000, "USD"};
    auto drafted = draft_offers(store, identity(), "secret", r, wall(clock));
    REQUIRE(drafted);
    REQUIRE(drafted->drafted.size() == 1);
    CHECK(drafted->drafted[0].recipient == std::optional<std::string>("olga@buyer.example"));
    REQUIRE(drafted->skipped.size() == 1);
    CHECK(drafted->skipped[0].recipient == "mallory@buyer.example");
    CHECK(drafted->skipped[0].why.find("To name holds a line break") != std::string::npos);
}
