#include "test_store.hpp"

#include <dropcat/backorder.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <thread>

using namespace dropcat;
using test::backend_under_test;
using test::NewStore;

namespace {

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

BackorderRequest request(std::string domain, std::string email, int priority = 0,
                         std::string note = "") {
    BackorderRequest r;
    r.domain = std::move(domain);
    r.contact.email = std::move(email);
    r.priority = priority;
    r.note = std::move(note);
    return r;
}

std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("backorder: email addresses are checked and normalised") {
    CHECK(normalise_email("  Anna.Berg@Example.COM ") == "Anna.Berg@example.com");
    CHECK(normalise_email("a+tag@mail.example.co.uk") == "a+tag@mail.example.co.uk");
    for (const char* bad :
         {"", "anna", "@example.com", "anna@", "anna@example", "an na@example.com",
          "anna@exa_mple.com", "anna..b@example.com", "anna@-example.com"}) {
        INFO(bad);
        CHECK_FALSE(normalise_email(bad).has_value());
    }
}

TEST_CASE("backorder: a phone number is a valid one, a short national one is not") {
    CHECK(check_phone("+46 8 123 456 78").has_value());
    CHECK_FALSE(check_phone("12345").has_value()); // valid in some countries, but which?
    CHECK(check_phone("+683 4002").has_value());   // Niue, with its country code
    CHECK_FALSE(check_phone("1234567890123456").has_value());
}

TEST_CASE("backorder: statuses by name") {
    CHECK(parse_status("expired") == BackorderStatus::expired);
    CHECK_FALSE(parse_status("paid").has_value());
    CHECK(status_name(BackorderStatus::cancelled) == "cancelled");
    CHECK(status_names().size() == 5);
}

TEST_CASE("backorder: add is idempotent, one customer per email, events recorded", "[store]") {
    NewStore s;
    auto store = s.open();
    Backorders book(store);
    std::vector<BackorderRequest> one{request("example.com", "anna@example.com", 5)};
    auto first = book.add(one, "alice", at(1000));
    REQUIRE(first.has_value());
    REQUIRE(first->size() == 1);
    CHECK((*first)[0].result == AddOutcome::created);
    auto again = book.add(one, "alice", at(2000));
    REQUIRE(again.has_value());
    CHECK((*again)[0].result == AddOutcome::already);
    CHECK((*again)[0].id == (*first)[0].id);
    auto rows = book.on_domain("example.com");
    REQUIRE(rows.has_value());
    CHECK(rows->size() == 1);
    auto events = book.events((*first)[0].id);
    REQUIRE(events.has_value());
    REQUIRE(events->size() == 1);
    CHECK((*events)[0].actor == "alice");
    CHECK((*events)[0].action == "created");
}

TEST_CASE("backorder: allocation order is priority high to low, then oldest first", "[store]") {
    NewStore s;
    auto store = s.open();
    Backorders book(store);
    REQUIRE(
        book.add(std::vector{request("x.com", "first@example.com", 1)}, "t", at(100)).has_value());
    REQUIRE(
        book.add(std::vector{request("x.com", "second@example.com", 9)}, "t", at(200)).has_value());
    REQUIRE(
        book.add(std::vector{request("x.com", "third@example.com", 1)}, "t", at(300)).has_value());
    REQUIRE(
        book.add(std::vector{request("x.com", "fourth@example.com", 9)}, "t", at(400)).has_value());
    auto rows = book.on_domain("x.com");
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 4);
    CHECK((*rows)[0].email == "second@example.com");
    CHECK((*rows)[1].email == "fourth@example.com");
    CHECK((*rows)[2].email == "first@example.com");
    CHECK((*rows)[3].email == "third@example.com");
}

TEST_CASE("backorder: made active again, a backorder joins the back of the queue", "[store]") {
    NewStore s;
    auto store = s.open();
    Backorders book(store);
    auto a = book.add(std::vector{request("q.com", "a@example.com", 1)}, "t", at(100));
    REQUIRE(book.add(std::vector{request("q.com", "b@example.com", 1)}, "t", at(200)).has_value());
    REQUIRE(a.has_value());
    std::vector<std::int64_t> ids{(*a)[0].id};
    REQUIRE(book.cancel(ids, "t", at(250)).has_value());
    auto again = book.add(std::vector{request("q.com", "a@example.com", 1)}, "t", at(300));
    REQUIRE(again.has_value());
    CHECK((*again)[0].result == AddOutcome::reactivated);
    auto rows = book.on_domain("q.com");
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].email == "b@example.com"); // oldest first: b has waited since 200
    CHECK((*rows)[1].email == "a@example.com"); // a since 300, despite its lower id
}

TEST_CASE("backorder: a card number in any field refuses the whole call", "[store]") {
    NewStore s;
    auto store = s.open();
    Backorders book(store);
    std::vector<BackorderRequest> two{
        request("ok.com", "anna@example.com"),
        request("card.com", "anna@example.com", 0, "pay with 4111 1111 1111 1111")};
    auto r = book.add(two, "t", at(100));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::data);
    CHECK_THAT(r.error().message, Catch::Contains("dropcat stores no payment data"));
    CHECK_THAT(r.error().message, Catch::Contains("the note of the backorder for card.com"));
    auto ids = book.ids();
    REQUIRE(ids.has_value());
    CHECK(ids->empty());
    std::vector<BackorderRequest> luhn_fails{
        request("ok.com", "anna@example.com", 0, "ref 4111 1111 1111 1112")};
    CHECK(book.add(luhn_fails, "t", at(100)).has_value());
}

TEST_CASE("backorder: cancel and expire change status and leave events", "[store]") {
    NewStore s;
    auto store = s.open();
    Day today = days_from_civil(2026, 12, 10);
    std::vector<DropEntry> drops{
        DropEntry{"old.com", "list", std::nullopt, days_from_civil(2026, 12, 6), 4},
        DropEntry{"recent.com", "list", std::nullopt, days_from_civil(2026, 12, 8), 7}};
    REQUIRE(
        store
            .write([&](Tx& tx) { return tx.drops().import(drops, at(1000), [] { return false; }); })
            .has_value());
    Backorders book(store);
    auto added = book.add(std::vector{request("old.com", "a@example.com"),
                                      request("recent.com", "a@example.com"),
                                      request("never.com", "a@example.com")},
                          "t", at(100));
    REQUIRE(added.has_value());
    CHECK((*added)[0].drop_date == days_from_civil(2026, 12, 6));
    CHECK_FALSE((*added)[2].drop_date.has_value());

    auto expired = book.expire(today, 3, "cron", at(200));
    REQUIRE(expired.has_value());
    CHECK(*expired == 1); // old.com dropped 4 days ago; recent.com 2 days ago
    auto old_rows = book.on_domain("old.com");
    REQUIRE(old_rows.has_value());
    CHECK((*old_rows)[0].status == BackorderStatus::expired);
    CHECK(book.expire(today, 3, "cron", at(300)).value() == 0); // safe to run again

    std::int64_t never_id = (*added)[2].id;
    std::vector<std::int64_t> ids{never_id};
    CHECK(book.cancel(ids, "bob", at(400)).value() == 1);
    CHECK(book.cancel(ids, "bob", at(500)).value() == 0);
    auto events = book.events(never_id);
    REQUIRE(events.has_value());
    REQUIRE(events->size() == 2);
    CHECK((*events)[1].action == "cancelled");
    CHECK((*events)[1].actor == "bob");
    std::vector<std::int64_t> missing{999};
    auto bad = book.cancel(missing, "bob", at(600));
    REQUIRE_FALSE(bad.has_value());
    CHECK_THAT(bad.error().message, Catch::Contains("no backorder 999"));
}

namespace {

// Every file of the store's own database: the SQLite file and its log, or the PostgreSQL
// database's folder under the server's data directory (after a checkpoint, so that what the
// server holds in memory is on disk too).
std::vector<std::filesystem::path> store_files(const NewStore& s) {
    if (s.backend() == Backend::sqlite) return {s.location(), s.location() + "-wal"};
    s.sql("CHECKPOINT");
    std::filesystem::path base = s.sql("SHOW data_directory");
    base /= "base";
    base /= s.sql("SELECT oid FROM pg_database WHERE datname = current_database()");
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(base))
        if (f.is_regular_file()) files.push_back(f.path());
    REQUIRE_FALSE(files.empty());
    return files;
}

std::size_t files_holding(const NewStore& s, std::string_view text) {
    std::size_t n = 0;
    for (const auto& file : store_files(s))
        if (std::filesystem::exists(file) && file_bytes(file).find(text) != std::string::npos) ++n;
    return n;
}

} // namespace

TEST_CASE("backorder: forget leaves no trace of the address in the store's files", "[store]") {
    NewStore s;
    auto store = s.open();
    Backorders book(store);
    BackorderRequest r = request("forget-me.com", "unique.person@example.org", 2, "call Ulrika");
    r.contact.name = "Ulrika Uniquename";
    r.contact.phone = "+46 70 123 45 67";
    r.contact.company = "Uniquecorp AB";
    REQUIRE(book.add(std::vector{r}, "t", at(100)).has_value());
    REQUIRE(book.add(std::vector{request("other.com", "unique.person@example.org")}, "t", at(101))
                .has_value());
    // The check below can see the data: before forgetting, it is in the files.
    CHECK(files_holding(s, "Uniquename") > 0);
    auto out = book.forget("unique.person@example.org", "t", at(200));
    REQUIRE(out.has_value());
    CHECK(out->found);
    CHECK(out->backorders == 2);
    // Another session's snapshot (on PostgreSQL, autovacuum's among them) can keep the old rows
    // for a moment: forget then says so, and purging again once it has ended finishes the job.
    if (out->leftover) {
        CHECK(backend_under_test() == Backend::postgresql);
        CHECK(out->leftover->kind == ErrorKind::temporary);
        auto purged = book.purge();
        for (int i = 0; i < 100 && !purged && purged.error().kind == ErrorKind::temporary; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            purged = book.purge();
        }
        REQUIRE(purged.has_value());
    }
    for (const char* text :
         {"unique.person", "Uniquename", "Uniquecorp", "123 45 67", "call Ulrika"}) {
        INFO(text);
        CHECK(files_holding(s, text) == 0);
    }
    auto rows = book.on_domain("forget-me.com");
    REQUIRE(rows.has_value());
    REQUIRE(rows->size() == 1); // the backorder stays, anonymous
    CHECK(rows->front().email.empty());
    CHECK_FALSE(book.forget("unique.person@example.org", "t", at(300)).value().found);
}

TEST_CASE("backorder: forget by a PostgreSQL role that does not own the tables says so",
          "[postgresql]") {
    NewStore s;
    auto owner = s.open();
    Backorders by_owner(owner);
    REQUIRE(by_owner.add(std::vector{request("x.com", "kept.person@example.org")}, "t", at(1))
                .has_value());
    std::string database = s.location().substr(std::string_view("postgresql:///").size());
    test::postgresql_sql("postgres", "DROP ROLE IF EXISTS dropcat_helper");
    test::postgresql_sql("postgres", "CREATE ROLE dropcat_helper LOGIN PASSWORD 'helper-pw'");
    s.sql("GRANT ALL ON ALL TABLES IN SCHEMA public TO dropcat_helper");
    s.sql("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO dropcat_helper");
    {
        auto helper = Store::open("postgresql://dropcat_helper:helper-pw@localhost/" + database);
        REQUIRE(helper.has_value());
        Backorders book(*helper);
        auto out = book.forget("kept.person@example.org", "t", at(2));
        REQUIRE(out.has_value());
        CHECK(out->found);
        REQUIRE(out->leftover.has_value());
        CHECK(out->leftover->kind == ErrorKind::failed);
        CHECK_THAT(out->leftover->message, Catch::Contains("does not own them"));
        CHECK_THAT(out->leftover->message, Catch::Contains("VACUUM FULL"));
        // The rows were erased all the same; only the old copies could not be removed.
        CHECK(s.sql("SELECT count(*) FROM customers WHERE email IS NOT NULL") == "0");
    }
    s.sql("DROP OWNED BY dropcat_helper");
    test::postgresql_sql("postgres", "DROP ROLE dropcat_helper");
}
