#include "registrar/adapter.hpp"

#include <dropcat/registrar.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace dropcat;
using namespace dropcat::registrar;

namespace {

Quote quote_of(Availability a, std::optional<Money> price, Clock::time_point at) {
    Quote q;
    q.domain = "example.com";
    q.availability = a;
    q.price = std::move(price);
    q.definitive = a != Availability::unknown;
    q.at = at;
    return q;
}

} // namespace

TEST_CASE("registrar: the quote refuses a create before anything is sent") {
    VirtualClock clock;
    auto now = clock.now();
    CreateRequest req;
    req.domain = "example.com";
    req.max_price = Money{1200, "USD"};
    req.dry_run = false;
    auto refused = [&](Quote q, bool price_sent = true) {
        req.quote = std::move(q);
        return quote_blocks_create(req, now, price_sent);
    };
    CHECK(refused(quote_of(Availability::unknown, {}, now))->outcome == Outcome::transient);
    // A check that finds the name registered is `taken`, never `lost_race` (only a create's
    // answer says that).
    CHECK(refused(quote_of(Availability::taken, {}, now))->outcome == Outcome::taken);
    CHECK(refused(quote_of(Availability::reserved, {}, now))->outcome == Outcome::policy_refused);
    // No price: the ceiling cannot be enforced.
    CHECK(refused(quote_of(Availability::available, {}, now))->outcome == Outcome::price_mismatch);
    CHECK(refused(quote_of(Availability::premium, Money{250000, "USD"}, now))->outcome ==
          Outcome::price_mismatch);
    CHECK(refused(quote_of(Availability::available, Money{1000, "EUR"}, now))->outcome ==
          Outcome::price_mismatch);
    CHECK_FALSE(refused(quote_of(Availability::available, Money{1200, "USD"}, now)));
    CHECK(refused(quote_of(Availability::available, Money{1201, "USD"}, now))->outcome ==
          Outcome::price_mismatch);
    for (auto o : {Outcome::transient, Outcome::taken, Outcome::price_mismatch})
        CHECK(outcome_error(o).has_value());
}

TEST_CASE("registrar: a create whose API takes no price fires only on a fresh, plain quote") {
    VirtualClock clock;
    auto quoted = clock.now();
    CreateRequest req;
    req.domain = "example.com";
    req.max_price = Money{1200, "USD"};
    req.quote = quote_of(Availability::available, Money{1088, "USD"}, quoted);
    CHECK_FALSE(quote_blocks_create(req, clock.now(), false));
    clock.advance(k_quote_stands_for);
    CHECK_FALSE(quote_blocks_create(req, clock.now(), false)); // at the limit it still stands
    clock.advance(std::chrono::milliseconds(1));
    auto stale = quote_blocks_create(req, clock.now(), false);
    REQUIRE(stale);
    CHECK(stale->outcome == Outcome::transient);
    CHECK_THAT(stale->detail, Catch::Contains("quote again"));
    // Where the create carries the price, the registrar refuses another: any age holds.
    CHECK_FALSE(quote_blocks_create(req, clock.now(), true));
    // A premium name is never bought through a create that takes no price, even under the
    // ceiling.
    req.quote = quote_of(Availability::premium, Money{1100, "USD"}, clock.now());
    auto premium = quote_blocks_create(req, clock.now(), false);
    REQUIRE(premium);
    CHECK(premium->outcome == Outcome::policy_refused);
    CHECK_FALSE(quote_blocks_create(req, clock.now(), true));
}

TEST_CASE("registrar: a quote held back by the limits says when to ask again") {
    VirtualClock clock;
    CreateRequest req;
    req.domain = "example.com";
    req.max_price = Money{1200, "USD"};
    req.quote = deferred_quote("example.com", clock.now() + std::chrono::seconds(28),
                               "porkbun rate limit (ttlRemaining)");
    CHECK(req.quote.availability == Availability::unknown);
    auto r = quote_blocks_create(req, clock.now(), true);
    REQUIRE(r);
    CHECK(r->outcome == Outcome::rate_limited);
    REQUIRE(r->retry_at);
    CHECK(*r->retry_at == clock.now() + std::chrono::seconds(28));
    CHECK(r->wait_reason == "porkbun rate limit (ttlRemaining)");
    CHECK_FALSE(r->sent);
    CHECK(outcome_error(Outcome::rate_limited) == ErrorKind::temporary);
}

TEST_CASE("registrar: Dynadot's price sentence gives the registration price and premium flag") {
    auto plain = read_dynadot_price("Registration Price: 10.88 in USD and Renewal price: 11.50 in "
                                    "USD and Domain is not a Premium Domain");
    REQUIRE(plain);
    CHECK(plain->price == Money{1088, "USD"}); // the registration price, not the renewal
    CHECK_FALSE(plain->premium);
    auto premium = read_dynadot_price("Registration Price: 1,499.00 in USD and Renewal price: "
                                      "10.88 in USD and Domain is a Premium Domain");
    REQUIRE(premium);
    CHECK(premium->price == Money{149900, "USD"});
    CHECK(premium->premium);
    auto euro = read_dynadot_price("Registration Price: 9.10 in EUR and Renewal price: 9.10 in "
                                   "EUR and Domain is not a Premium Domain");
    REQUIRE(euro);
    CHECK(euro->price == Money{910, "EUR"});
    auto documented = read_dynadot_price("77.00 in USD"); // the documentation's example
    REQUIRE(documented);
    CHECK(documented->price == Money{7700, "USD"});
    auto decimal = read_dynadot_price("10.99"); // a plain decimal is read too
    REQUIRE(decimal);
    CHECK(decimal->price == Money{1099, "USD"});
    CHECK_FALSE(decimal->premium);
    // Anything else is no price at all, never a guess.
    CHECK_FALSE(read_dynadot_price(""));
    CHECK_FALSE(read_dynadot_price("call us"));
    CHECK_FALSE(read_dynadot_price("Registration Price: n/a"));
    CHECK_FALSE(read_dynadot_price("10.88 dollars"));
}

TEST_CASE("registrar: the account for a name is the first that serves its TLD") {
    Config config;
    RegistrarAccount com;
    com.name = "a";
    com.kind = "dynadot";
    com.tlds = {"com"};
    RegistrarAccount any;
    any.name = "b";
    any.kind = "porkbun";
    config.registrars = {com, any};
    CHECK(account_for(config, "example.com")->name == "a");
    CHECK(account_for(config, "example.net")->name == "b");
    CHECK_FALSE(account_serves(com, "example.net"));
    CHECK_FALSE(account_serves(com, "examplecom")); // a whole label, not a suffix of one
    CHECK_FALSE(account_serves(com, "com"));
    config.registrars = {com};
    CHECK(account_for(config, "example.net") == nullptr);
    CHECK(find_account(config, "a") != nullptr);
    CHECK(find_account(config, "z") == nullptr);
}

TEST_CASE("registrar: limits come from the account, else from the kind's documented figures") {
    RegistrarAccount pork;
    pork.kind = "porkbun";
    auto limits = account_limits(pork);
    REQUIRE(limits.checks.size() == 1);
    CHECK(limits.checks[0].count == 1);
    CHECK(limits.checks[0].window == std::chrono::seconds(10)); // 1 check per 10 s
    CHECK(limits.idempotent_create);
    CHECK(limits.dry_run);

    RegistrarAccount nc;
    nc.kind = "namecheap";
    nc.checks_per_second = 2;
    limits = account_limits(nc);
    CHECK(limits.batch == 50);
    REQUIRE(limits.checks.size() == 2);
    CHECK(limits.checks[1].count == 2);
    REQUIRE(limits.all.size() == 3); // 20/min, 700/h, 8000/day over every call
    CHECK(limits.all[0].count == 20);
    CHECK_FALSE(limits.idempotent_create);

    RegistrarAccount dyn;
    dyn.kind = "dynadot";
    dyn.checks_per_minute = 600;
    limits = account_limits(dyn);
    CHECK(limits.checks[0].count == 600);
    CHECK(limits.checks[0].window == std::chrono::seconds(60));
    CHECK(limits.batch == 1); // a regular account: one name per search
    dyn.check_batch = 100;
    CHECK(account_limits(dyn).batch == 100);
}

TEST_CASE("registrar: the endpoint is the account's own, else the kind's production or sandbox") {
    RegistrarAccount dyn;
    dyn.kind = "dynadot";
    CHECK(account_endpoint(dyn, false) == "https://api.dynadot.com");
    CHECK(account_endpoint(dyn, true) == "https://api-sandbox.dynadot.com");
    RegistrarAccount pork;
    pork.kind = "porkbun";
    CHECK(account_endpoint(pork, true) == "https://api.porkbun.com/api/json/v3"); // sandbox keys
    RegistrarAccount nc;
    nc.kind = "namecheap";
    CHECK(account_endpoint(nc, true) == "https://api.sandbox.namecheap.com/xml.response");
    nc.endpoint = "http://127.0.0.1:9/xml.response";
    CHECK(account_endpoint(nc, true) == "http://127.0.0.1:9/xml.response");
}

TEST_CASE("registrar: every kind in the table is whole: limits, batch, endpoints, policy") {
    REQUIRE(registrar_kinds().size() == 3);
    for (const RegistrarKind& kind : registrar_kinds()) {
        INFO(kind.name);
        CHECK(find_registrar_kind(kind.name) == &kind);
        CHECK(kind.batch >= 1);
        CHECK(kind.batch <= kind.max_batch);
        CHECK(kind.production.starts_with("https://"));
        CHECK_FALSE(kind.catch_policy.empty());
        RegistrarAccount a;
        a.kind = std::string(kind.name);
        auto limits = account_limits(a);
        CHECK(limits.batch == kind.batch);
        CHECK_FALSE(limits.checks.empty());
        CHECK_FALSE(limits.creates.empty());
    }
    // A kind dropcat does not know gets the most careful rule, and no crash.
    RegistrarAccount unknown;
    unknown.kind = "godaddy";
    auto careful = account_limits(unknown);
    REQUIRE(careful.all.size() == 1);
    CHECK(careful.all[0].count == 1);
    CHECK(find_registrar_kind("godaddy") == nullptr);
}

TEST_CASE("registrar: how long each kind may take to list a new name") {
    CHECK(find_registrar_kind("dynadot")->listing_lag_minutes == 30);
    CHECK(find_registrar_kind("namecheap")->listing_lag_minutes == 1440);
    CHECK(find_registrar_kind("porkbun")->listing_lag_minutes > 0);
}

TEST_CASE("registrar: an account made in code without a required secret is a configuration "
          "error, not a crash") {
    for (const RegistrarKind& kind : registrar_kinds()) {
        INFO(kind.name);
        Config config;
        RegistrarAccount a;
        a.name = "made-in-code";
        a.kind = std::string(kind.name);
        a.endpoint = "http://127.0.0.1:9/";
        RegistrarSetup setup; // no state folder: nothing written
        auto opened = open_registrar(config, a, setup);
        REQUIRE_FALSE(opened.has_value());
        CHECK(opened.error().kind == ErrorKind::config);
        CHECK_THAT(
            opened.error().message,
            Catch::Contains(fmt::format("made-in-code: key_env is required for {}", kind.name)));
    }
}
