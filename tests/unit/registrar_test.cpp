#include "registrar/adapter.hpp"

#include <dropcat/registrar.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;
using namespace dropcat::registrar;

TEST_CASE("registrar: API decimals become minor units, rounded up to the cent") {
    CHECK(decimal_money("10.99", "USD") == Money{1099, "USD"});
    CHECK(decimal_money("13000.0000", "USD") == Money{1300000, "USD"});
    CHECK(decimal_money("9.5", "USD") == Money{950, "USD"});
    CHECK(decimal_money("12", "USD") == Money{1200, "USD"});
    CHECK(decimal_money("10.871", "USD") == Money{1088, "USD"}); // never on the cheap side
    CHECK_FALSE(decimal_money("", "USD"));
    CHECK_FALSE(decimal_money("1.2.3", "USD"));
    CHECK_FALSE(decimal_money("-5", "USD"));
    CHECK_FALSE(decimal_money("12.", "USD"));
    CHECK(decimal_text(1099) == "10.99");
    CHECK(decimal_text(5) == "0.05");
}

TEST_CASE("registrar: the quote refuses a create before anything is sent") {
    RegisterRequest req{"example.com", 1, Money{1200, "USD"}, {}, false};
    auto refused = [&](CheckResult q) { return refuse_by_quote(q, req); };
    CHECK(refused({"example.com", Availability::unknown, {}, false, "timeout"})->outcome ==
          Outcome::transient);
    CHECK(refused({"example.com", Availability::taken, {}, true, {}})->outcome ==
          Outcome::lost_race);
    CHECK(refused({"example.com", Availability::reserved, {}, true, {}})->outcome ==
          Outcome::policy_refused);
    CHECK(refused({"example.com", Availability::available, {}, true, {}})->outcome ==
          Outcome::price_mismatch); // no price: the ceiling cannot be enforced
    CHECK(
        refused({"example.com", Availability::premium, Money{250000, "USD"}, true, {}})->outcome ==
        Outcome::price_mismatch);
    CHECK(
        refused({"example.com", Availability::available, Money{1000, "EUR"}, true, {}})->outcome ==
        Outcome::price_mismatch);
    CHECK_FALSE(refused({"example.com", Availability::available, Money{1200, "USD"}, true, {}}));
    CHECK(
        refused({"example.com", Availability::available, Money{1201, "USD"}, true, {}})->outcome ==
        Outcome::price_mismatch);
}

TEST_CASE("registrar: a period the quote does not cover is refused before anything is sent") {
    RegisterRequest one{"example.com", 1, Money{5000, "USD"}, {}, false};
    CHECK_FALSE(refuse_period(one, 1));
    RegisterRequest three = one;
    three.years = 3;
    auto refused = refuse_period(three, 1);
    REQUIRE(refused);
    CHECK(refused->outcome == Outcome::policy_refused);
    CHECK_FALSE(refused->sent);
    CHECK_THAT(refused->detail, Catch::Contains("quotes one year only"));
    CHECK_FALSE(refuse_period(three, 3)); // a quote for the whole period
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
