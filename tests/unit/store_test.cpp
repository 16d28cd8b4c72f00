#include "temp_files.hpp"

#include <dropcat/store.hpp>

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace dropcat;

namespace {

struct Row {
    std::string domain, date, time, source;
    std::int64_t first_seen, last_seen;
};

std::vector<Row> all_rows(const Store& store, DropQuery query = {}) {
    std::vector<Row> rows;
    auto ok = store.each_drop(query, [&](const DropRecord& r) {
        rows.push_back({std::string(r.domain), format_day(r.drop_date),
                        r.drop_time ? format_utc(*r.drop_time) : "", std::string(r.source),
                        r.first_seen, r.last_seen});
        return true;
    });
    REQUIRE(ok.has_value());
    return rows;
}

DropEntry entry(std::string_view domain, Day day, std::string_view source = "list",
                std::optional<std::int64_t> time = std::nullopt) {
    return DropEntry{domain, source, time, day, static_cast<std::uint16_t>(domain.rfind('.') + 1)};
}

const Day k_dec1 = days_from_civil(2026, 12, 1);
const Day k_dec2 = days_from_civil(2026, 12, 2);
const std::function<bool()> k_never = [] { return false; };

} // namespace

TEST_CASE("store: created on first use with its folder, WAL and the current schema") {
    test::TempDir dir;
    auto path = dir.path() / "a" / "b" / "dropcat.db";
    auto store = Store::open(path);
    REQUIRE(store.has_value());
    CHECK(std::filesystem::exists(path));
    CHECK(store->schema_version() == Store::known_schema_version());
    SQLite::Database db(path.string());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("store: a store from a newer dropcat is refused and left unchanged") {
    test::TempDir dir;
    auto path = dir.path() / "new.db";
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE future (x); PRAGMA user_version = 99");
    }
    auto before = std::filesystem::file_size(path);
    auto store = Store::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK_THAT(store.error().message, Catch::Contains("newer dropcat"));
    CHECK(std::filesystem::file_size(path) == before);
    SQLite::Database db(path.string());
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 99);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "delete");
}

TEST_CASE("store: a file that is not a database is refused") {
    test::TempDir dir;
    auto path = dir.write("notes.db", std::string(4096, 'x'));
    auto store = Store::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK_THAT(store.error().message, Catch::Contains("not a dropcat store"));
}

TEST_CASE("store: import adds, re-import changes only last_seen, a new date updates") {
    test::TempDir dir;
    auto store = Store::open(dir.path() / "s.db");
    REQUIRE(store.has_value());
    std::vector<DropEntry> first{entry("a.com", k_dec1), entry("b.com", k_dec1)};
    auto c1 = store->import_drops(first, 1000, false, k_never);
    REQUIRE(c1.has_value());
    CHECK(c1->added == 2);

    auto c2 = store->import_drops(first, 2000, false, k_never);
    REQUIRE(c2.has_value());
    CHECK(c2->added == 0);
    CHECK(c2->unchanged == 2);
    auto rows = all_rows(*store);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].first_seen == 1000);
    CHECK(rows[0].last_seen == 2000);

    std::vector<DropEntry> moved{entry("b.com", k_dec2)};
    auto c3 = store->import_drops(moved, 3000, false, k_never);
    REQUIRE(c3.has_value());
    CHECK(c3->updated == 1);
    rows = all_rows(*store);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].domain == "b.com");
    CHECK(rows[1].date == "2026-12-02");
    CHECK(rows[1].first_seen == 1000);
    CHECK(rows[1].last_seen == 3000);
    CHECK(rows[0].last_seen == 2000); // a.com was not in that list
}

TEST_CASE("store: a list without a time keeps the time known for the same day") {
    test::TempDir dir;
    auto store = Store::open(dir.path() / "s.db");
    REQUIRE(store.has_value());
    std::int64_t t = std::int64_t{k_dec1} * 86400 + 14 * 3600;
    std::vector<DropEntry> timed{entry("a.com", k_dec1, "registry", t)};
    REQUIRE(store->import_drops(timed, 1000, false, k_never).has_value());
    std::vector<DropEntry> untimed{entry("a.com", k_dec1, "registry")};
    auto c = store->import_drops(untimed, 2000, false, k_never);
    REQUIRE(c.has_value());
    CHECK(c->unchanged == 1);
    auto rows = all_rows(*store);
    CHECK(rows[0].time == "2026-12-01T14:00:00Z");
    // A different day without a time drops the old time.
    std::vector<DropEntry> other_day{entry("a.com", k_dec2, "registry")};
    REQUIRE(store->import_drops(other_day, 3000, false, k_never).has_value());
    CHECK(all_rows(*store)[0].time.empty());
}

TEST_CASE("store: small and large imports agree (looked up and merged)") {
    // 8 names already there; a list of 1 looks its name up, a list of 8 is compared with the
    // table in one ordered read.
    test::TempDir dir;
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) names.push_back("n" + std::to_string(i) + ".com");
    std::vector<DropEntry> base;
    for (const auto& n : names) base.push_back(entry(n, k_dec1));
    for (bool small : {true, false}) {
        auto store = Store::open(dir.path() / (small ? "small.db" : "large.db"));
        REQUIRE(store.has_value());
        REQUIRE(store->import_drops(base, 1000, false, k_never).has_value());
        std::vector<DropEntry> change{entry("n3.com", k_dec2, "other")};
        if (!small) {
            change = base;
            change[3] = entry("n3.com", k_dec2, "other");
        }
        auto c = store->import_drops(change, 2000, false, k_never);
        REQUIRE(c.has_value());
        CHECK(c->updated == 1);
        CHECK(c->unchanged == (small ? 0u : 7u));
        auto rows = all_rows(*store);
        REQUIRE(rows.size() == 8);
        CHECK(rows.back().domain == "n3.com");
        CHECK(rows.back().source == "other");
        CHECK(rows.back().first_seen == 1000);
        SQLite::Database db((dir.path() / (small ? "small.db" : "large.db")).string());
        CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'drops_by_date'")
                  .getInt() == 1);
    }
}

TEST_CASE("store: a long list with new, changed and unchanged names merges right") {
    test::TempDir dir;
    auto store = Store::open(dir.path() / "s.db");
    REQUIRE(store.has_value());
    std::vector<DropEntry> base{entry("a.com", k_dec1), entry("c.com", k_dec1), entry("e.com", k_dec1)};
    REQUIRE(store->import_drops(base, 1000, false, k_never).has_value());
    std::vector<DropEntry> list{entry("0.com", k_dec1), entry("a.com", k_dec1), entry("b.com", k_dec1),
                                entry("c.com", k_dec2), entry("d.com", k_dec1)};
    auto c = store->import_drops(list, 2000, false, k_never);
    REQUIRE(c.has_value());
    CHECK(c->added == 3);
    CHECK(c->updated == 1);
    CHECK(c->unchanged == 1);
    auto rows = all_rows(*store);
    REQUIRE(rows.size() == 6);
    std::string order;
    for (const auto& r : rows) order += r.domain + " ";
    CHECK(order == "0.com a.com b.com d.com e.com c.com ");
    CHECK(rows[1].first_seen == 1000);
    CHECK(rows[1].last_seen == 2000);
    CHECK(rows[4].last_seen == 1000); // e.com was not in the list
}

TEST_CASE("store: dry run and interruption leave the store as it was") {
    test::TempDir dir;
    auto store = Store::open(dir.path() / "s.db");
    REQUIRE(store.has_value());
    std::vector<DropEntry> one{entry("a.com", k_dec1)};
    auto dry = store->import_drops(one, 1000, true, k_never);
    REQUIRE(dry.has_value());
    CHECK(dry->added == 1);
    CHECK(all_rows(*store).empty());

    std::vector<std::string> names;
    for (int i = 0; i < 10000; ++i) names.push_back("n" + std::to_string(100000 + i) + ".com");
    std::vector<DropEntry> many;
    for (const auto& n : names) many.push_back(entry(n, k_dec1));
    auto stopped = store->import_drops(many, 1000, false, [] { return true; });
    REQUIRE_FALSE(stopped.has_value());
    CHECK(stopped.error().kind == ErrorKind::interrupted);
    CHECK(all_rows(*store).empty());
}

TEST_CASE("store: a writer holding the store makes another wait, then say try later") {
    test::TempDir dir;
    auto path = dir.path() / "s.db";
    auto store = Store::open(path);
    REQUIRE(store.has_value());
    SQLite::Database other(path.string(), SQLite::OPEN_READWRITE);
    other.exec("PRAGMA busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    std::vector<DropEntry> one{entry("a.com", k_dec1)};
    // busy_timeout is 5 s in the store: this waits that long, then gives up.
    auto c = store->import_drops(one, 1000, false, k_never);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().kind == ErrorKind::temporary);
    other.exec("ROLLBACK");
}

TEST_CASE("store: listing filters by date range and source, in date then domain order") {
    test::TempDir dir;
    auto store = Store::open(dir.path() / "s.db");
    REQUIRE(store.has_value());
    std::vector<DropEntry> rows{entry("a.com", k_dec2, "x"), entry("b.com", k_dec1, "y"),
                                entry("c.com", k_dec1, "x")};
    REQUIRE(store->import_drops(rows, 1000, false, k_never).has_value());
    auto listed = all_rows(*store);
    REQUIRE(listed.size() == 3);
    CHECK(listed[0].domain == "b.com");
    CHECK(listed[1].domain == "c.com");
    CHECK(listed[2].domain == "a.com");
    DropQuery one_day;
    one_day.from = one_day.to = k_dec1;
    CHECK(all_rows(*store, one_day).size() == 2);
    DropQuery source;
    source.source = "x";
    CHECK(all_rows(*store, source).size() == 2);
    CHECK(all_rows(*store, source)[0].source == "x");
    DropQuery unknown;
    unknown.source = "never-imported";
    CHECK(all_rows(*store, unknown).empty());
}
