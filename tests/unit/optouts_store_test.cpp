#include "test_store.hpp"

#include <dropcat/mail.hpp>
#include <dropcat/store.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;
using test::NewStore;

TEST_CASE("opt-out store: a suppression is kept once, forever, and outlives the address",
          "[store]") {
    NewStore s;
    auto store = s.open();
    std::string hash = address_hash("bob@example.net");
    auto added = store.write([&](Tx& tx) -> Result<std::pair<bool, bool>> {
        bool first = tx.optouts().suppress(
            Suppression{hash, "bob@example.net", "command", "asked by phone", from_unix_ms(1000)});
        bool again = tx.optouts().suppress(
            Suppression{hash, "bob@example.net", "one-click", "", from_unix_ms(2000)});
        tx.optouts().remember_token(optout_token("k", "bob@example.net"), hash, "bob@example.net");
        return std::pair{first, again};
    });
    REQUIRE(added);
    CHECK(added->first);
    CHECK_FALSE(added->second); // the first stands: its source, reason and time
    auto list = store.read(
        [&](const ReadTx& tx) -> Result<std::vector<Suppression>> { return tx.optouts().list(); });
    REQUIRE(list);
    REQUIRE(list->size() == 1);
    CHECK(list->at(0).address == std::optional<std::string>("bob@example.net"));
    CHECK(list->at(0).source == "command");
    CHECK(list->at(0).created_at == from_unix_ms(1000));

    // Erasing the address (backorder forget) keeps the suppression, by its hash.
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        tx.optouts().erase_address(hash);
        return {};
    }));
    auto after =
        store.read([&](const ReadTx& tx) -> Result<std::pair<bool, std::vector<Suppression>>> {
            return std::pair{tx.optouts().suppressed(address_hash("BOB@example.net")),
                             tx.optouts().list()};
        });
    REQUIRE(after);
    CHECK(after->first);
    CHECK_FALSE(after->second.at(0).address);
    auto token = store.read([&](const ReadTx& tx) {
        return Result<std::optional<std::pair<std::string, std::optional<std::string>>>>(
            tx.optouts().token(optout_token("k", "bob@example.net")));
    });
    REQUIRE(token);
    REQUIRE(*token);
    CHECK((*token)->first == hash);
    CHECK_FALSE((*token)->second);
    auto unknown = store.read([&](const ReadTx& tx) {
        return Result<bool>(
            tx.optouts().token(optout_token("other", "bob@example.net")).has_value());
    });
    REQUIRE(unknown);
    CHECK_FALSE(*unknown);
}

TEST_CASE("opt-out store: names held to offer", "[store]") {
    NewStore s;
    auto store = s.open();
    auto held = store.write([&](Tx& tx) -> Result<std::vector<Holding>> {
        CHECK(tx.optouts().hold(Holding{"b.com", from_unix_ms(5), "bought at auction"}));
        CHECK(tx.optouts().hold(Holding{"a.com", from_unix_ms(6), ""}));
        CHECK_FALSE(tx.optouts().hold(Holding{"a.com", from_unix_ms(7), "again"}));
        CHECK(tx.optouts().held("a.com"));
        CHECK_FALSE(tx.optouts().held("c.com"));
        return tx.optouts().holdings();
    });
    REQUIRE(held);
    REQUIRE(held->size() == 2);
    CHECK(held->at(0).domain == "a.com");
    CHECK(held->at(0).since == from_unix_ms(6));
    CHECK(held->at(1).note == "bought at auction");
}
