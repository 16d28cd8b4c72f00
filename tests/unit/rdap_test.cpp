#include "loopback_server.hpp"
#include "test_store.hpp"

#include <dropcat/rdap.hpp>
#include <dropcat/status.hpp>
#include <dropcat/store_tables.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace dropcat;
using namespace std::chrono_literals;
using dropcat::test::NewStore;

namespace {

Instant at(std::string_view text) {
    auto m = parse_drop_date(text);
    REQUIRE(m.has_value());
    REQUIRE(m->time.has_value());
    return *m->time;
}

Observation seen(std::string_view when, Phase phase, std::vector<RdapEvent> events = {}) {
    Observation o;
    o.at = at(when);
    o.phase = phase;
    o.events = std::move(events);
    return o;
}

} // namespace

TEST_CASE("rdap: statuses are normalised whatever their spelling") {
    CHECK(normalise_status("pending delete") == "pending delete");
    CHECK(normalise_status("pendingDelete") == "pending delete");
    CHECK(normalise_status("PENDING DELETE") == "pending delete");
    CHECK(normalise_status("redemptionPeriod") == "redemption period");
    CHECK(normalise_status(
              "clientTransferProhibited https://icann.org/epp#clientTransferProhibited") ==
          "client transfer prohibited");
    CHECK(normalise_status("serverHold (https://icann.org/epp#serverHold)") == "server hold");
    CHECK(normalise_status(" auto renew period ") == "auto renew period");
    CHECK(normalise_status("autoRenewPeriod") == "auto renew period");
    CHECK(normalise_status("ok") == "active");
    CHECK(normalise_status("ok https://icann.org/epp#ok") == "active");
    CHECK(normalise_status("pending_restore") == "pending restore");
}

TEST_CASE("rdap: the phase comes from the status pair, not pending delete alone") {
    using S = std::vector<std::string>;
    CHECK(phase_of(S{"active"}) == Phase::registered);
    CHECK(phase_of(S{"client transfer prohibited", "client hold"}) == Phase::registered);
    CHECK(phase_of(S{"auto renew period", "client hold"}) == Phase::auto_renew_grace);
    // RFC 5731 pendingDelete throughout the RGP, RFC 3915 redemptionPeriod beside it.
    CHECK(phase_of(S{"pending delete", "redemption period"}) == Phase::redemption);
    CHECK(phase_of(S{"pending delete", "pending restore"}) == Phase::pending_restore);
    CHECK(phase_of(S{"pending delete"}) == Phase::pending_delete);
    // A registry that shows only RFC 5731's status (Nominet): pending delete may be redemption.
    CHECK(phase_of(S{"pending delete"}, false) == Phase::redemption);
    for (Phase p :
         {Phase::registered, Phase::auto_renew_grace, Phase::redemption, Phase::pending_restore,
          Phase::pending_delete, Phase::available, Phase::unknown})
        CHECK(parse_phase(phase_name(p)) == p);
}

TEST_CASE("rdap: a domain object is read with its statuses and events") {
    // The shape of Nomulus's rdap_domain_pending_delete_redemption_grace_period fixture.
    auto r = parse_rdap_domain(R"({
      "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_1"],
      "objectClassName": "domain", "handle": "28-LOL", "ldhName": "REDEMPTION.lol",
      "status": ["pending delete", "redemptionPeriod https://icann.org/epp#redemptionPeriod"],
      "events": [
        {"eventAction": "registration", "eventActor": "TheRegistrar", "eventDate": "1999-01-01T00:00:00.000Z"},
        {"eventAction": "expiration", "eventDate": "294247-01-10T04:00:54.775Z"},
        {"eventAction": "deletion", "eventDate": "2026-11-01T10:30:00+02:00"},
        {"eventAction": "last changed", "eventDate": "2026-11-01T08:30:00.5Z"},
        {"eventAction": "last update of RDAP database", "eventDate": "2026-12-01T00:00:00Z"}
      ]})");
    REQUIRE(r.has_value());
    CHECK(r->domain == "redemption.lol");
    CHECK(r->phase == Phase::redemption);
    CHECK(r->statuses == std::vector<std::string>{"pending delete", "redemption period"});
    REQUIRE(r->events.size() == 4); // the year-294247 expiration is not a date we can hold
    CHECK(r->event("registration") == at("1999-01-01T00:00:00Z"));
    CHECK(r->event("deletion") == at("2026-11-01T08:30:00Z"));
    CHECK(r->event("last changed") == at("2026-11-01T08:30:00Z") + 500ms);
    CHECK_FALSE(r->event("expiration"));

    CHECK_FALSE(parse_rdap_domain("<html>busy</html>").has_value());
    CHECK_FALSE(parse_rdap_domain(R"({"objectClassName":"entity"})").has_value());
    CHECK_FALSE(parse_rdap_domain(R"({"objectClassName":"domain","status":"active"})").has_value());
}

TEST_CASE("rdap: bootstrap picks the longest matching label and prefers https") {
    auto b = RdapBootstrap::parse(R"({"version":"1.0","publication":"2026-06-26T18:00:02Z",
      "services":[[["com","net"],["http://rdap.example/com/","https://rdap.example/com/"]],
                  [["uk"],["https://rdap.nominet.example/uk"]],
                  [["co.uk"],["https://rdap.co-uk.example/"]]]})");
    REQUIRE(b.has_value());
    CHECK(b->publication() == "2026-06-26T18:00:02Z");
    CHECK(b->base_for("example.com") == "https://rdap.example/com/");
    CHECK(b->base_for("Example.NET.") == "https://rdap.example/com/");
    CHECK(b->base_for("a.co.uk") == "https://rdap.co-uk.example/");
    CHECK(b->base_for("a.org.uk") == "https://rdap.nominet.example/uk/"); // '/' added
    CHECK_FALSE(b->base_for("example.org"));
    CHECK_FALSE(b->base_for("xcom")); // labels, not characters
    CHECK_FALSE(RdapBootstrap::parse("{}").has_value());
    CHECK_FALSE(RdapBootstrap::parse(R"({"services":[["com"]]})").has_value());
}

TEST_CASE("rdap: the shipped bootstrap file reads and knows .com") {
    auto b = RdapBootstrap::parse(shipped_bootstrap());
    REQUIRE(b.has_value());
    CHECK(b->size() > 1000);
    CHECK(b->base_for("example.com") == "https://rdap.verisign.com/com/v1/");
}

TEST_CASE("rdap: the shipped lifecycle profiles read, and overrides are checked") {
    const auto& shipped = LifecycleProfiles::shipped();
    CHECK(shipped.tlds().size() >= 9);
    auto com = shipped.for_domain("example.com");
    CHECK(com.tld == "com");
    CHECK(com.zone == "America/New_York");
    CHECK(com.release_minutes == std::vector<int>{14 * 60});
    auto uk = shipped.for_domain("example.co.uk");
    CHECK(uk.tld == "uk");
    CHECK_FALSE(uk.reports_rgp);
    CHECK(uk.list_time);
    auto ca = shipped.for_domain("example.ca");
    CHECK(ca.weekdays == std::vector<int>{3});
    auto other = shipped.for_domain("example.org");
    CHECK(other.tld.empty());
    CHECK(other.redemption_days == 30);

    auto bad = LifecycleProfiles::parse("[tld.com]\nredemption_dayz = 3\n", "x.toml");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message == "x.toml:2: tld.com.redemption_dayz: unknown key (did you mean "
                                 "'redemption_days'?)");
    auto zone = LifecycleProfiles::parse("[default]\nzone = \"EST\"\n", "x.toml");
    REQUIRE_FALSE(zone.has_value());
    CHECK_THAT(zone.error().message, Catch::StartsWith("x.toml:2: default.zone:"));
    auto times = LifecycleProfiles::parse("[tld.nz]\nrelease_times = [\"25:00\"]\n", "x.toml");
    REQUIRE_FALSE(times.has_value());
}

TEST_CASE("rdap: releases follow the profile's zone, times and weekdays") {
    const auto& shipped = LifecycleProfiles::shipped();
    auto com = shipped.for_domain("a.com");
    // 14:00 New York: 19:00 UTC in winter, 18:00 UTC in summer.
    CHECK(next_release(com, at("2026-12-03T10:00:00Z")) == at("2026-12-03T19:00:00Z"));
    CHECK(next_release(com, at("2026-07-03T10:00:00Z")) == at("2026-07-03T18:00:00Z"));
    CHECK(next_release(com, at("2026-12-03T19:00:01Z")) == at("2026-12-04T19:00:00Z"));
    // .ca: Wednesdays only. 2026-12-03 is a Thursday.
    CHECK(next_release(shipped.for_domain("a.ca"), at("2026-12-03T10:00:00Z")) ==
          at("2026-12-09T19:00:00Z"));
    // .au: 13:00 and 13:30 in Brisbane (UTC+10, no summer time).
    auto au = shipped.for_domain("a.com.au");
    CHECK(next_release(au, at("2026-12-03T03:10:00Z")) == at("2026-12-03T03:30:00Z"));
}

TEST_CASE("rdap: the drop window comes from history, narrowest first") {
    LifecycleProfile p; // 45 + 30 + 5 days, releases at 19:00 UTC, an hour long
    Instant now = at("2026-12-03T12:00:00Z");
    SECTION("pending delete seen after redemption: within the 5 days after the change") {
        std::vector<Observation> h{seen("2026-11-20T12:00:00Z", Phase::redemption),
                                   seen("2026-12-01T12:00:00Z", Phase::redemption),
                                   seen("2026-12-02T12:00:00Z", Phase::pending_delete),
                                   seen("2026-12-03T12:00:00Z", Phase::pending_delete)};
        auto w = predict_drop(h, p, now);
        REQUIRE(w.has_value());
        CHECK(w->earliest == at("2026-12-06T19:00:00Z"));
        CHECK(w->latest == at("2026-12-07T20:00:00Z"));
        CHECK(w->basis == "pending delete first seen 2026-12-02T12:00:00Z + 5 days");
    }
    SECTION("redemption first seen right after registered: 35 days from the change") {
        std::vector<Observation> h{seen("2026-11-01T12:00:00Z", Phase::registered),
                                   seen("2026-11-02T12:00:00Z", Phase::redemption)};
        auto w = predict_drop(h, p, at("2026-11-02T12:00:00Z"));
        REQUIRE(w.has_value());
        CHECK(w->earliest == at("2026-12-06T19:00:00Z"));
        CHECK(w->latest == at("2026-12-07T20:00:00Z"));
        CHECK(w->basis == "redemption first seen 2026-11-02T12:00:00Z + 35 days");
    }
    SECTION("a deletion event fixes the day") {
        auto o = seen("2026-11-20T12:00:00Z", Phase::redemption,
                      {RdapEvent{"deletion", at("2026-11-10T08:00:00Z")}});
        auto w = predict_drop({o}, p, at("2026-11-20T12:00:00Z"));
        REQUIRE(w.has_value());
        CHECK(w->basis == "deletion event 2026-11-10T08:00:00Z + 35 days");
        CHECK(w->earliest == at("2026-12-15T19:00:00Z"));
        CHECK(w->latest == at("2026-12-15T20:00:00Z"));
    }
    SECTION("only an expiration date: a bound of 35 to 80 days") {
        auto o = seen("2026-11-20T12:00:00Z", Phase::auto_renew_grace,
                      {RdapEvent{"expiration", at("2026-11-10T08:00:00Z")}});
        auto w = predict_drop({o}, p, at("2026-11-20T12:00:00Z"));
        REQUIRE(w.has_value());
        // Redemption seen first now bounds nothing (auto-renew grace is not deletion), so the
        // expiration bound stands.
        CHECK(w->basis == "expiration 2026-11-10T08:00:00Z + 35 to 80 days");
        // Still in grace on 20 November: not deleted yet, so 35 days from then at the soonest.
        CHECK(w->earliest == at("2026-12-25T19:00:00Z"));
        CHECK(w->latest == at("2027-01-29T20:00:00Z"));
    }
    SECTION("registered and not expired, or available: no window") {
        auto o = seen("2026-11-20T12:00:00Z", Phase::registered,
                      {RdapEvent{"expiration", at("2027-11-10T08:00:00Z")}});
        CHECK_FALSE(predict_drop({o}, p, at("2026-11-20T12:00:00Z")));
        CHECK_FALSE(predict_drop({seen("2026-11-20T12:00:00Z", Phase::available)}, p, now));
        CHECK_FALSE(predict_drop({}, p, now));
    }
    SECTION("an earlier cycle that ended in a restore does not count") {
        std::vector<Observation> h{seen("2026-09-01T12:00:00Z", Phase::pending_delete),
                                   seen("2026-09-02T12:00:00Z", Phase::registered),
                                   seen("2026-12-03T12:00:00Z", Phase::redemption)};
        auto w = predict_drop(h, p, now);
        REQUIRE(w.has_value());
        CHECK(w->basis == "redemption first seen 2026-12-03T12:00:00Z + 35 days");
    }
    CHECK(restored_between(seen("2026-01-01T00:00:00Z", Phase::redemption),
                           seen("2026-01-02T00:00:00Z", Phase::registered)));
    CHECK(restored_between(seen("2026-01-01T00:00:00Z", Phase::pending_delete),
                           seen("2026-01-02T00:00:00Z", Phase::auto_renew_grace)));
    CHECK_FALSE(restored_between(seen("2026-01-01T00:00:00Z", Phase::registered),
                                 seen("2026-01-02T00:00:00Z", Phase::registered)));
    CHECK_FALSE(restored_between(seen("2026-01-01T00:00:00Z", Phase::pending_delete),
                                 seen("2026-01-02T00:00:00Z", Phase::available)));
}

TEST_CASE("store: observations keep history, prediction and restored names", "[store]") {
    NewStore s;
    auto store = s.open();
    const LifecycleProfile com = LifecycleProfiles::shipped().for_domain("gone.com");
    auto record = [](Phase phase, std::vector<std::string> statuses) {
        RdapRecord r;
        r.domain = "gone.com";
        r.phase = phase;
        r.statuses = std::move(statuses);
        r.events = {RdapEvent{"expiration", at("2026-09-01T00:00:00Z")}};
        r.server = "https://rdap.example/com/domain/gone.com";
        return r;
    };
    // A backorder on it, to be told when the name comes back.
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        auto customer =
            tx.customers().add(Contact{"a@example.org", "A", "", ""}, at("2026-11-01T00:00:00Z"));
        tx.backorders().add("gone.com", customer, 0, "", at("2026-11-01T00:00:00Z"));
        return {};
    }));
    auto look = [&](const RdapRecord& r, std::string_view when) {
        auto report = store.write([&](Tx& tx) -> Result<StatusReport> {
            return record_status(tx, r, com, at(when), "test");
        });
        REQUIRE(report.has_value());
        return *report;
    };
    auto first = look(record(Phase::redemption, {"pending delete", "redemption period"}),
                      "2026-11-20T12:00:00Z");
    CHECK(first.phase == Phase::redemption);
    REQUIRE(first.window.has_value());
    CHECK(first.window->basis == "redemption first seen 2026-11-20T12:00:00Z + 35 days");
    // A look-up without an answer is kept but changes nothing.
    RdapRecord lost;
    lost.domain = "gone.com";
    lost.problem = "timed out";
    auto second = look(lost, "2026-11-21T12:00:00Z");
    CHECK(second.phase == Phase::redemption);
    CHECK(second.known_at == at("2026-11-20T12:00:00Z"));
    CHECK(second.window.has_value());
    look(record(Phase::redemption, {"pending delete", "redemption period"}),
         "2026-12-21T12:00:00Z");
    auto third = look(record(Phase::pending_delete, {"pending delete"}), "2026-12-22T12:00:00Z");
    REQUIRE(third.window.has_value());
    CHECK(third.window->basis == "pending delete first seen 2026-12-22T12:00:00Z + 5 days");
    CHECK_FALSE(third.restored);
    auto fourth = look(record(Phase::registered, {"active"}), "2026-12-23T12:00:00Z");
    CHECK(fourth.restored);
    CHECK(fourth.backorders_told == 1);
    CHECK_FALSE(fourth.window.has_value());

    auto read = store.read([&](const ReadTx& tx) -> Result<void> {
        auto rows = tx.observations().of("gone.com");
        REQUIRE(rows.size() == 5);
        CHECK(rows[0].previous_phase.empty());
        CHECK(rows[1].phase == "unknown");
        CHECK(rows[1].problem == "timed out");
        CHECK(rows[2].previous_phase == "redemption");
        CHECK(rows[3].previous_phase == "redemption");
        CHECK(rows[4].previous_phase == "pending-delete");
        CHECK(rows[0].statuses == std::vector<std::string>{"pending delete", "redemption period"});
        REQUIRE(rows[0].events.size() == 1);
        CHECK(rows[0].events[0].at == at("2026-09-01T00:00:00Z"));
        std::vector<std::string> changed;
        tx.observations().changes(at("2026-11-01T00:00:00Z"), [&](const ObservationRow& r) {
            changed.push_back(r.previous_phase + ">" + r.phase);
            return true;
        });
        CHECK(changed ==
              std::vector<std::string>{"redemption>pending-delete", "pending-delete>registered"});
        auto state = tx.observations().state("gone.com");
        REQUIRE(state.has_value());
        CHECK(state->phase == "registered");
        CHECK(state->restored_at == at("2026-12-23T12:00:00Z"));
        auto events = tx.events().of(EventSubject::backorder, tx.backorders().ids().front());
        CHECK(events.back().action == "restored");
        return {};
    });
    CHECK(read.has_value());
}

TEST_CASE("rdap: a host that refuses is left alone for a doubling wait, then given up") {
    // Every answer a 403, as some registries limit: waits of 1, 2, 4, 8 and 16 s on the
    // virtual clock between a name's six tries, then the name is unknown, never available.
    // After two names given up so, the host is not asked again in the run.
    std::string refusal = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
    test::LoopbackServer server(
        {test::LoopbackServer::Connection(12, test::LoopbackServer::Reply::answer)}, refusal);
    auto bootstrap = RdapBootstrap::parse(
        fmt::format(R"({{"services":[[["com"],["{}"]]]}})", server.url("/rdap/")));
    REQUIRE(bootstrap.has_value());
    VirtualClock clock;
    RdapOptions options;
    options.clock = &clock;
    options.first_backoff = std::chrono::seconds(1);
    options.requests_per_second = 100;
    RdapClient client(options, *bootstrap);
    auto start = clock.now();
    std::vector<RdapRecord> got;
    std::optional<std::chrono::milliseconds> first_done;
    client.lookup({"refused.com", "second.com", "third.com"}, [&](const RdapRecord& r) {
        if (!first_done)
            first_done = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
        got.push_back(r);
    });
    REQUIRE(got.size() == 3);
    for (const auto& r : got) {
        CHECK(r.phase == Phase::unknown);
        CHECK(r.asked);
    }
    CHECK_THAT(got[0].problem, Catch::Contains("HTTP 403 6 times in a row"));
    CHECK_THAT(got[1].problem, Catch::Contains("HTTP 403 6 times in a row"));
    CHECK_THAT(got[2].problem, Catch::Contains("keeps refusing"));
    CHECK(server.requests() == 12);
    CHECK(client.over_limit_answers() == 12);
    REQUIRE(first_done.has_value());
    CHECK(*first_done >= std::chrono::seconds(31));
    CHECK(*first_done < std::chrono::seconds(32));
}

TEST_CASE("store: a registry that lists drop times gives the list's time as the drop", "[store]") {
    NewStore s;
    auto store = s.open();
    Instant now = wall_clock_now();
    Instant listed = now + std::chrono::hours(50);
    DropEntry entry{"gone.co.uk", "nominet", listed, day_of(listed),
                    static_cast<std::uint16_t>(std::string_view("gone.co.uk").rfind('.') + 1)};
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        auto counts = tx.drops().import(std::span(&entry, 1), now, [] { return false; });
        if (!counts) return std::unexpected(counts.error());
        return {};
    }));
    RdapRecord r;
    r.domain = "gone.co.uk";
    r.phase = phase_of({"pending delete"}, false); // Nominet: RFC 5731's status only
    r.statuses = {"pending delete"};
    auto uk = LifecycleProfiles::shipped().for_domain("gone.co.uk");
    auto report = store.write(
        [&](Tx& tx) -> Result<StatusReport> { return record_status(tx, r, uk, now, "test"); });
    REQUIRE(report.has_value());
    CHECK(report->phase == Phase::redemption);
    REQUIRE(report->window.has_value());
    CHECK(report->window->earliest == listed);
    CHECK(report->window->latest == listed);
    CHECK(report->window->basis == "the drop list's time");
}
