#include "test_store.hpp"
#include "store/pg_backend.hpp"
#include "store/sqlite_backend.hpp"

#include <dropcat/store.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace dropcat;
using test::NewStore;

namespace {

struct Row {
    std::string domain, date, time, source;
    Instant first_seen, last_seen;
};

std::vector<Row> all_rows(const Store& store, DropQuery query = {}) {
    std::vector<Row> rows;
    auto ok = store.read([&](const ReadTx& tx) -> Result<void> {
        tx.drops().each(query, [&](const DropRecord& r) {
            rows.push_back({std::string(r.domain), format_day(r.drop_date),
                            r.drop_time ? format_utc(*r.drop_time) : "", std::string(r.source),
                            r.first_seen, r.last_seen});
            return true;
        });
        return {};
    });
    REQUIRE(ok.has_value());
    return rows;
}

Result<ImportCounts> import(
    Store& store, std::span<const DropEntry> entries, Instant now, bool dry_run = false,
    const std::function<bool()>& interrupted = [] { return false; }) {
    return store.write([&](Tx& tx) {
        if (dry_run) tx.rollback_at_end();
        return tx.drops().import(entries, now, interrupted);
    });
}

DropEntry entry(std::string_view domain, Day day, std::string_view source = "list",
                std::optional<Instant> time = std::nullopt) {
    return DropEntry{domain, source, time, day, static_cast<std::uint16_t>(domain.rfind('.') + 1)};
}

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

const Day k_dec1 = days_from_civil(2026, 12, 1);
const Day k_dec2 = days_from_civil(2026, 12, 2);

std::string mode_of(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return "missing";
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", st.st_mode & 07777);
    return buf;
}

} // namespace

TEST_CASE("store: a new store has the current schema", "[store]") {
    NewStore s;
    auto store = s.open();
    CHECK(store.schema_version() == Store::known_schema_version());
    CHECK(store.backend() == s.backend());
    // Opening again changes nothing and needs no migration.
    auto again = s.open();
    CHECK(again.schema_version() == Store::known_schema_version());
}

TEST_CASE("store: a store from a newer dropcat is refused and left unchanged", "[store]") {
    NewStore s;
    if (s.backend() == Backend::sqlite) {
        s.sql("CREATE TABLE future (x)");
        s.sql("PRAGMA user_version = 99");
    } else {
        s.sql("CREATE TABLE dropcat_schema (version INTEGER PRIMARY KEY, applied_at BIGINT)");
        s.sql("INSERT INTO dropcat_schema VALUES (99, 0)");
    }
    auto store = Store::open(s.location());
    REQUIRE_FALSE(store.has_value());
    CHECK_THAT(store.error().message, Catch::Contains("newer dropcat (schema 99"));
    if (s.backend() == Backend::sqlite) {
        CHECK(s.sql("PRAGMA user_version") == "99");
        CHECK(s.sql("PRAGMA journal_mode") == "delete");
        CHECK(s.sql("SELECT count(*) FROM sqlite_master") == "1");
    } else {
        CHECK(s.sql("SELECT count(*) FROM dropcat_schema") == "1");
        CHECK(s.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "1");
    }
}

TEST_CASE("store: import adds, re-import changes only last_seen, a new date updates", "[store]") {
    NewStore s;
    auto store = s.open();
    std::vector<DropEntry> first{entry("a.com", k_dec1), entry("b.com", k_dec1)};
    auto c1 = import(store, first, at(1000));
    REQUIRE(c1.has_value());
    CHECK(c1->added == 2);

    auto c2 = import(store, first, at(2000));
    REQUIRE(c2.has_value());
    CHECK(c2->added == 0);
    CHECK(c2->unchanged == 2);
    auto rows = all_rows(store);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].first_seen == at(1000));
    CHECK(rows[0].last_seen == at(2000));

    std::vector<DropEntry> moved{entry("b.com", k_dec2)};
    auto c3 = import(store, moved, at(3000));
    REQUIRE(c3.has_value());
    CHECK(c3->updated == 1);
    rows = all_rows(store);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].domain == "b.com");
    CHECK(rows[1].date == "2026-12-02");
    CHECK(rows[1].first_seen == at(1000));
    CHECK(rows[1].last_seen == at(3000));
    CHECK(rows[0].last_seen == at(2000)); // a.com was not in that list
}

TEST_CASE("store: times keep their milliseconds", "[store]") {
    NewStore s;
    auto store = s.open();
    Instant t = from_unix_ms(unix_ms(start_of(k_dec1)) + 12'345);
    std::vector<DropEntry> one{entry("a.com", k_dec1, "x", t)};
    REQUIRE(import(store, one, from_unix_ms(1'700'000'000'123)).has_value());
    auto ok = store.read([&](const ReadTx& tx) -> Result<void> {
        tx.drops().each({}, [&](const DropRecord& r) {
            CHECK(r.drop_time == t);
            CHECK(unix_ms(r.first_seen) == 1'700'000'000'123);
            return true;
        });
        return {};
    });
    CHECK(ok.has_value());
}

TEST_CASE("store: a list without a time keeps the time known for the same day", "[store]") {
    NewStore s;
    auto store = s.open();
    Instant t = start_of(k_dec1) + std::chrono::hours(14);
    std::vector<DropEntry> timed{entry("a.com", k_dec1, "registry", t)};
    REQUIRE(import(store, timed, at(1000)).has_value());
    std::vector<DropEntry> untimed{entry("a.com", k_dec1, "registry")};
    auto c = import(store, untimed, at(2000));
    REQUIRE(c.has_value());
    CHECK(c->unchanged == 1);
    auto rows = all_rows(store);
    CHECK(rows[0].time == "2026-12-01T14:00:00Z");
    // A different day without a time drops the old time.
    std::vector<DropEntry> other_day{entry("a.com", k_dec2, "registry")};
    REQUIRE(import(store, other_day, at(3000)).has_value());
    CHECK(all_rows(store)[0].time.empty());
}

TEST_CASE("store: small and large imports agree (looked up and merged)", "[store]") {
    // 8 names already there; a list of 1 looks its name up, a list of 8 is compared with the
    // table in one ordered read (SQLite) or through the staging table (PostgreSQL).
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i)
        names.push_back("n" + std::to_string(i) + ".com");
    std::vector<DropEntry> base;
    for (const auto& n : names)
        base.push_back(entry(n, k_dec1));
    for (bool small : {true, false}) {
        NewStore s;
        auto store = s.open();
        REQUIRE(import(store, base, at(1000)).has_value());
        std::vector<DropEntry> change{entry("n3.com", k_dec2, "other")};
        if (!small) {
            change = base;
            change[3] = entry("n3.com", k_dec2, "other");
        }
        auto c = import(store, change, at(2000));
        REQUIRE(c.has_value());
        CHECK(c->updated == 1);
        CHECK(c->unchanged == (small ? 0u : 7u));
        auto rows = all_rows(store);
        REQUIRE(rows.size() == 8);
        CHECK(rows.back().domain == "n3.com");
        CHECK(rows.back().source == "other");
        CHECK(rows.back().first_seen == at(1000));
    }
}

TEST_CASE("store: a long list with new, changed and unchanged names merges right", "[store]") {
    NewStore s;
    auto store = s.open();
    std::vector<DropEntry> base{entry("a.com", k_dec1), entry("c.com", k_dec1),
                                entry("e.com", k_dec1)};
    REQUIRE(import(store, base, at(1000)).has_value());
    std::vector<DropEntry> list{entry("0.com", k_dec1), entry("a.com", k_dec1),
                                entry("b.com", k_dec1), entry("c.com", k_dec2),
                                entry("d.com", k_dec1)};
    auto c = import(store, list, at(2000));
    REQUIRE(c.has_value());
    CHECK(c->added == 3);
    CHECK(c->updated == 1);
    CHECK(c->unchanged == 1);
    auto rows = all_rows(store);
    REQUIRE(rows.size() == 6);
    std::string order;
    for (const auto& r : rows)
        order += r.domain + " ";
    CHECK(order == "0.com a.com b.com d.com e.com c.com ");
    CHECK(rows[1].first_seen == at(1000));
    CHECK(rows[1].last_seen == at(2000));
    CHECK(rows[4].last_seen == at(1000)); // e.com was not in the list
}

TEST_CASE("store: names sort by byte, hyphens and digits included", "[store]") {
    NewStore s;
    auto store = s.open();
    // A locale's collation would put "a-b" after "ab"; the store sorts as bytes do.
    std::vector<DropEntry> list{entry("a-b.com", k_dec1), entry("a0.com", k_dec1),
                                entry("ab.com", k_dec1), entry("xn--bcher-kva.de", k_dec1)};
    REQUIRE(import(store, list, at(1000)).has_value());
    std::string order;
    for (const auto& r : all_rows(store))
        order += r.domain + " ";
    CHECK(order == "a-b.com a0.com ab.com xn--bcher-kva.de ");
}

TEST_CASE("store: dry run and interruption leave the store as it was", "[store]") {
    NewStore s;
    auto store = s.open();
    std::vector<DropEntry> one{entry("a.com", k_dec1)};
    auto dry = import(store, one, at(1000), true);
    REQUIRE(dry.has_value());
    CHECK(dry->added == 1);
    CHECK(all_rows(store).empty());

    std::vector<std::string> names;
    for (int i = 0; i < 10000; ++i)
        names.push_back("n" + std::to_string(100000 + i) + ".com");
    std::vector<DropEntry> many;
    for (const auto& n : names)
        many.push_back(entry(n, k_dec1));
    auto stopped = import(store, many, at(1000), false, [] { return true; });
    REQUIRE_FALSE(stopped.has_value());
    CHECK(stopped.error().kind == ErrorKind::interrupted);
    CHECK(all_rows(store).empty());
    // And into a store that has rows (PostgreSQL's staging path).
    REQUIRE(import(store, one, at(1000)).has_value());
    stopped = import(store, many, at(2000), false, [] { return true; });
    REQUIRE_FALSE(stopped.has_value());
    CHECK(stopped.error().kind == ErrorKind::interrupted);
    CHECK(all_rows(store).size() == 1);
}

TEST_CASE("store: a writer holding the store makes another wait, then say try later", "[store]") {
    NewStore s;
    StoreOptions quick;
    quick.busy_wait = std::chrono::milliseconds(300);
    auto holder = s.open();
    auto waiter = s.open(quick);
    std::vector<DropEntry> one{entry("a.com", k_dec1)};
    std::atomic<bool> holding{false}, release{false};
    std::thread other([&] {
        auto done = holder.write([&](Tx&) -> Result<void> {
            holding = true;
            for (int i = 0; i < 500 && !release; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return {};
        });
        CHECK(done.has_value());
    });
    for (int i = 0; i < 500 && !holding; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto c = import(waiter, one, at(1000));
    release = true;
    other.join();
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().kind == ErrorKind::temporary);
    CHECK_THAT(c.error().message, Catch::Contains("is busy"));
    // Once the other writer is done, the same call goes through.
    CHECK(import(waiter, one, at(1000)).has_value());
}

TEST_CASE("store: listing filters by date range and source, in date then domain order", "[store]") {
    NewStore s;
    auto store = s.open();
    std::vector<DropEntry> rows{entry("a.com", k_dec2, "x"), entry("b.com", k_dec1, "y"),
                                entry("c.com", k_dec1, "x")};
    REQUIRE(import(store, rows, at(1000)).has_value());
    auto listed = all_rows(store);
    REQUIRE(listed.size() == 3);
    CHECK(listed[0].domain == "b.com");
    CHECK(listed[1].domain == "c.com");
    CHECK(listed[2].domain == "a.com");
    DropQuery one_day;
    one_day.from = one_day.to = k_dec1;
    CHECK(all_rows(store, one_day).size() == 2);
    DropQuery source;
    source.source = "x";
    CHECK(all_rows(store, source).size() == 2);
    CHECK(all_rows(store, source)[0].source == "x");
    DropQuery unknown;
    unknown.source = "never-imported";
    CHECK(all_rows(store, unknown).empty());
}

TEST_CASE("store: a listing stopped early leaves the store usable", "[store]") {
    NewStore s;
    auto store = s.open();
    std::vector<std::string> names;
    for (int i = 0; i < 300; ++i)
        names.push_back("n" + std::to_string(1000 + i) + ".com");
    std::vector<DropEntry> many;
    for (const auto& n : names)
        many.push_back(entry(n, k_dec1));
    REQUIRE(import(store, many, at(1000)).has_value());
    int seen = 0;
    auto ok = store.read([&](const ReadTx& tx) -> Result<void> {
        tx.drops().each({}, [&](const DropRecord&) { return ++seen < 3; });
        CHECK(tx.drops().drop_day("n1000.com") == k_dec1);
        return {};
    });
    CHECK(ok.has_value());
    CHECK(seen == 3);
    CHECK(all_rows(store).size() == 300);
}

TEST_CASE("store: several threads write and read one store at once", "[store]") {
    NewStore s;
    auto store = s.open();
    constexpr int k_threads = 4;
    constexpr int k_writes = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_writes; ++i) {
                Contact c{"t" + std::to_string(t) + "-" + std::to_string(i) + "@example.com", "",
                          "", ""};
                auto done = store.write([&](Tx& tx) -> Result<void> {
                    std::int64_t id = tx.customers().add(c, at(1000));
                    std::int64_t b =
                        tx.backorders().add("x" + std::to_string(t) + ".com", id, i, "", at(1000));
                    tx.events().append(
                        {at(1000), "test", EventSubject::backorder, b, "created", ""});
                    return {};
                });
                if (!done) ++failures;
                auto seen = store.read([&](const ReadTx& tx) -> Result<std::size_t> {
                    return tx.backorders().ids().size();
                });
                if (!seen) ++failures;
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(failures == 0);
    auto ids = store.read([](const ReadTx& tx) -> Result<std::vector<std::int64_t>> {
        return tx.backorders().ids();
    });
    REQUIRE(ids.has_value());
    CHECK(ids->size() == k_threads * k_writes);
    CHECK(s.sql("SELECT count(*) FROM events") == std::to_string(k_threads * k_writes));
}

TEST_CASE("store: a failed body or an exception rolls the transaction back", "[store]") {
    NewStore s;
    auto store = s.open();
    auto refused = store.write([](Tx& tx) -> Result<void> {
        tx.customers().add(Contact{"a@example.com", "", "", ""}, at(1));
        return fail(ErrorKind::data, "no");
    });
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message == "no");
    CHECK_THROWS(store.write([](Tx& tx) -> Result<void> {
        tx.customers().add(Contact{"b@example.com", "", "", ""}, at(1));
        throw std::runtime_error("boom");
    }));
    CHECK(s.sql("SELECT count(*) FROM customers") == "0");
    // A failing statement ends the transaction with the store's error, and the store goes on.
    auto twice = store.write([](Tx& tx) -> Result<void> {
        tx.customers().add(Contact{"c@example.com", "", "", ""}, at(1));
        tx.customers().add(Contact{"c@example.com", "", "", ""}, at(1));
        return {};
    });
    REQUIRE_FALSE(twice.has_value());
    CHECK(twice.error().kind == ErrorKind::failed);
    CHECK(s.sql("SELECT count(*) FROM customers") == "0");
    CHECK(store
              .write([](Tx& tx) -> Result<void> {
                  tx.customers().add(Contact{"c@example.com", "", "", ""}, at(1));
                  return {};
              })
              .has_value());
}

// ---- SQLite only

TEST_CASE("store: SQLite is created on first use with its folder, WAL and private modes",
          "[sqlite]") {
    test::TempDir dir;
    auto path = dir.path() / "a" / "b" / "dropcat.db";
    auto store = Store::open(path.string());
    REQUIRE(store.has_value());
    CHECK(std::filesystem::exists(path));
    CHECK(mode_of(path) == "0600");
    CHECK(mode_of(dir.path() / "a") == "0700");
    CHECK(mode_of(dir.path() / "a" / "b") == "0700");
    auto written = store->write([](Tx& tx) -> Result<void> {
        tx.customers().add(Contact{"a@example.com", "", "", ""}, at(1));
        return {};
    });
    REQUIRE(written.has_value());
    CHECK(mode_of(path.string() + "-wal") == "0600");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, nullptr);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) == "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

TEST_CASE("store: SQLite store opened by several runs at once is set up for all of them",
          "[sqlite]") {
    // Cron jobs started together on a fresh store: each run (a process of its own) creates,
    // switches to WAL mode and migrates, or waits for the one that does. None may say "busy".
    test::TempDir dir;
    for (int round = 0; round < 25; ++round) {
        auto path = dir.path() / fmt::format("fresh-{}.db", round);
        std::vector<pid_t> children;
        for (int i = 0; i < 4; ++i) {
            pid_t pid = ::fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                auto store = Store::open(path.string());
                ::_exit(store.has_value() ? 0 : 1);
            }
            children.push_back(pid);
        }
        int opened = 0;
        for (pid_t pid : children) {
            int status = 0;
            REQUIRE(::waitpid(pid, &status, 0) == pid);
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++opened;
        }
        INFO("round " << round);
        REQUIRE(opened == 4);
    }
}

TEST_CASE("store: SQLite keeps an existing store's mode", "[sqlite]") {
    test::TempDir dir;
    auto path = dir.path() / "shared.db";
    { REQUIRE(Store::open(path.string()).has_value()); }
    std::filesystem::permissions(path, std::filesystem::perms(0640));
    REQUIRE(Store::open(path.string()).has_value());
    CHECK(mode_of(path) == "0640");
}

TEST_CASE("store: SQLite store that fails to be created leaves no file behind", "[sqlite]") {
    test::TempDir dir;
    // The write-ahead log cannot be made (a folder is in its place), so the new store cannot
    // be set up after its file was created: the file must go again.
    auto path = dir.path() / "new" / "store.db";
    std::filesystem::create_directories(path.string() + "-wal");
    std::ofstream(path.string() + "-wal/keep") << "x";
    auto store = Store::open(path.string());
    REQUIRE_FALSE(store.has_value());
    CHECK_FALSE(std::filesystem::exists(path));
    // A path under a plain file fails before anything is made.
    std::ofstream(dir.path() / "plain") << "x";
    auto under_file = dir.path() / "plain" / "s.db";
    CHECK_FALSE(Store::open(under_file.string()).has_value());
    CHECK_FALSE(std::filesystem::exists(under_file));
}

TEST_CASE("store: SQLite file that is not a database is refused and not removed", "[sqlite]") {
    test::TempDir dir;
    auto path = dir.write("notes.db", std::string(4096, 'x'));
    auto store = Store::open(path.string());
    REQUIRE_FALSE(store.has_value());
    CHECK_THAT(store.error().message, Catch::Contains("not a dropcat store"));
    CHECK(std::filesystem::file_size(path) == 4096);
}

// ---- PostgreSQL only

TEST_CASE("store: PostgreSQL server that does not answer is 'unavailable', host named",
          "[postgresql]") {
    auto store =
        Store::open("postgresql://dropcat:pw-not-shown@127.0.0.1:1/nothing?connect_timeout=2");
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == ErrorKind::unavailable);
    CHECK_THAT(store.error().message, Catch::Contains("127.0.0.1"));
    CHECK_THAT(store.error().message, !Catch::Contains("pw-not-shown"));
}

TEST_CASE("store: PostgreSQL unknown database or login is a configuration error", "[postgresql]") {
    auto missing = Store::open("postgresql:///dropcat_no_such_database");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == ErrorKind::config);
    CHECK_THAT(missing.error().message, Catch::Contains("dropcat_no_such_database"));

    test::postgresql_sql("postgres", "DROP ROLE IF EXISTS dropcat_stranger");
    test::postgresql_sql("postgres", "CREATE ROLE dropcat_stranger LOGIN PASSWORD 'right-one'");
    for (const char* uri :
         {"postgresql://dropcat_stranger:Wr%6Fng-s3cret@localhost/postgres",
          "postgresql://localhost/postgres?user=dropcat_stranger&password=Wrong-s3cret"}) {
        INFO(uri);
        auto login = Store::open(uri);
        REQUIRE_FALSE(login.has_value());
        CHECK(login.error().kind == ErrorKind::config);
        CHECK_THAT(login.error().message, !Catch::Contains("s3cret"));
        CHECK_THAT(login.error().message, !Catch::Contains("Wr%6F"));
    }
    test::postgresql_sql("postgres", "DROP ROLE dropcat_stranger");
}

TEST_CASE("store: PostgreSQL stores opened at once migrate once", "[postgresql]") {
    NewStore s;
    std::vector<std::thread> threads;
    std::atomic<int> opened{0};
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            if (Store::open(s.location()).has_value()) ++opened;
        });
    for (auto& t : threads)
        t.join();
    CHECK(opened == 4);
    CHECK(s.sql("SELECT count(*) FROM dropcat_schema") ==
          std::to_string(Store::known_schema_version()));
}

TEST_CASE("store: no part of a PostgreSQL URI's password reaches a message") {
    struct Case {
        const char* uri;
        std::vector<std::string> secrets; // what must never be printed
    };
    const std::vector<Case> cases{
        {"postgresql://u:Plain-Secret1@db.example/x", {"Plain-Secret1"}},
        {"postgresql://u:ab?cd-Secret2@db.example/x", {"ab?cd-Secret2"}},
        {"postgresql://u:Enc%40oded-3@db.example/x", {"Enc%40oded-3", "Enc@oded-3"}},
        {"postgresql://u:Split@Part-4@db.example/x", {"Split@Part-4", "Part-4", "Split"}},
        {"postgresql://db.example/x?password=Param-Secret5", {"Param-Secret5"}},
        {"postgresql://db.example/x?pass%77ord=Hidden-Name6", {"Hidden-Name6"}},
        {"postgresql://db.example/x?sslmode=require&password=Second-Param7", {"Second-Param7"}},
        {"postgresql://u:%zzBad-Escape8@db.example/x", {"%zzBad-Escape8"}},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        std::string name = store::redact_uri(c.uri);
        std::string message = "failed at " + std::string(c.uri) + " for " + name;
        for (const auto& s : c.secrets)
            message += " [" + s + "]";
        std::string cleaned = store::without_password(message, c.uri);
        for (const auto& s : c.secrets) {
            CHECK_THAT(name, !Catch::Contains(s));
            CHECK_THAT(cleaned, !Catch::Contains(s));
        }
        CHECK_THAT(name, Catch::StartsWith("postgresql://"));
    }
    // A password with an unencoded '/' or a second '@' cannot be told apart: refused, unshown.
    for (const char* uri : {"postgresql://u:ab/Slash-Secret9@db.example/x",
                            "postgresql://u:12/Slash-Secret10@db.example/x",
                            "postgresql://u:a@b:Short-c@db.example/x"}) {
        INFO(uri);
        CHECK_THAT(store::redact_uri(uri), !Catch::Contains("Secret"));
        CHECK_THAT(store::redact_uri(uri), !Catch::Contains("Short"));
        auto opened = Store::open(uri);
        REQUIRE_FALSE(opened.has_value());
        CHECK(opened.error().kind == ErrorKind::config);
        CHECK_THAT(opened.error().message, !Catch::Contains("Secret"));
        CHECK_THAT(opened.error().message, !Catch::Contains("Short"));
        CHECK_THAT(opened.error().message, Catch::Contains("%40 and %2F"));
    }
    // A message quoting the whole URI (libpq's syntax errors do) shows it as "(the --db URI)",
    // so even a password too short to search for is not printed.
    CHECK(store::without_password("bad URI \"postgresql://u:pw@h/x?zz\"",
                                  "postgresql://u:pw@h/x?zz") == "bad URI \"(the --db URI)\"");
    // What is not secret stays readable.
    CHECK(store::redact_uri("postgresql://anna:pw-123@db.example:5433/dropcat?sslmode=require") ==
          "postgresql://anna@db.example:5433/dropcat");
    CHECK(store::redact_uri("postgresql:///dropcat") == "postgresql:///dropcat");
    CHECK(store::redact_uri("postgresql://") == "postgresql:///");
}

TEST_CASE("store: PostgreSQL import interrupted while its statements run leaves the store",
          "[postgresql]") {
    NewStore s;
    auto store = s.open();
    std::vector<DropEntry> one{entry("a.com", k_dec1)};
    REQUIRE(import(store, one, at(1000)).has_value());
    std::vector<std::string> names;
    for (int i = 0; i < 10000; ++i)
        names.push_back("n" + std::to_string(100000 + i) + ".com");
    std::vector<DropEntry> many;
    for (const auto& n : names)
        many.push_back(entry(n, k_dec1));
    // The answer turns to "interrupted" at different points of the import (the statements
    // before the COPY ask too, and the COPY every 4,096 rows); wherever it comes, nothing stays.
    // (The cancelling of a statement that runs long is the next test.)
    for (int after : {2, 3, 4}) {
        INFO("interrupted after " << after << " polls");
        int polls = 0;
        auto stopped = import(store, many, at(2000), false, [&] { return ++polls > after; });
        REQUIRE_FALSE(stopped.has_value());
        CHECK(stopped.error().kind == ErrorKind::interrupted);
        CHECK(polls > after);
        CHECK(all_rows(store).size() == 1);
    }
}

TEST_CASE("store: a long PostgreSQL statement is cancelled when the interrupt answers",
          "[postgresql]") {
    NewStore s;
    auto pool = store::open_postgresql(s.location(), {});
    REQUIRE(pool.has_value());
    auto& c = static_cast<store::PgConnection&>(*(*pool)->idle.front());
    auto start = std::chrono::steady_clock::now();
    c.cancel_when = [&] {
        return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(200);
    };
    bool cancelled = false;
    try {
        c.exec("SELECT pg_sleep(20)");
    } catch (const store::Failure& f) {
        cancelled = f.error.kind == ErrorKind::interrupted;
    }
    CHECK(cancelled);
    // Cancelled, not waited out: far sooner than the 20 s the statement asked for.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    c.cancel_when = nullptr;
    CHECK_NOTHROW(c.exec("SELECT 1")); // the connection goes on
}

TEST_CASE("store: PostgreSQL SQL of several statements fails when any of them fails",
          "[postgresql]") {
    NewStore s;
    auto pool = store::open_postgresql(s.location(), {});
    REQUIRE(pool.has_value());
    auto& c = static_cast<store::PgConnection&>(*(*pool)->idle.front());
    // A migration's DDL is several statements in one string: a failure after the first counts.
    CHECK_THROWS_AS(c.exec("SELECT 1; SELECT * FROM dropcat_no_such_table; SELECT 2"),
                    store::Failure);
    CHECK_NOTHROW(c.exec("SELECT 1; SELECT 2"));
}

TEST_CASE("store: a full disk is named as such, not as an I/O error", "[sqlite]") {
    for (auto [code, system_errno] :
         {std::pair{SQLITE_FULL, 0}, std::pair{SQLITE_IOERR_WRITE, ENOSPC},
          std::pair{SQLITE_IOERR_FSYNC, ENOSPC}}) {
        INFO(code);
        auto e = store::sqlite_error("s.db", code, "disk I/O error", system_errno);
        CHECK(e.message == "store s.db: the disk is full (no space left to write the store or "
                           "its log); nothing was changed");
        CHECK(e.message.find("I/O") == std::string::npos);
    }
    // Another I/O error keeps SQLite's words.
    auto other = store::sqlite_error("s.db", SQLITE_IOERR_READ, "disk I/O error", EIO);
    CHECK(other.message == "store s.db: disk I/O error");
}
