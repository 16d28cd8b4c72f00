#include "test_store.hpp"

#include <dropcat/create_journal.hpp>
#include <dropcat/store.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;
using namespace std::chrono;

namespace {

Instant at_ms(std::int64_t ms) {
    return from_unix_ms(ms);
}

// A registrar account whose answers the test sets: the journal's rules are about what it is
// told and when, which a virtual clock decides; the HTTP exchanges themselves are tested
// against dropcat-sim (tests/cli/registrar_journal.sh).
class ScriptedRegistrar final : public Registrar {
  public:
    explicit ScriptedRegistrar(const VirtualClock& clock) : m_clock(clock) {
        m_account.name = "acct";
        m_account.kind = "dynadot";
    }
    const RegistrarAccount& account() const override { return m_account; }
    RegistrarLimits limits() const override { return {}; }
    const Clock& clock() const override { return m_clock; }
    Clock::time_point next_free(RequestClass) override { return m_clock.now(); }
    Result<PingResult> ping(const Call&) override { return PingResult{}; }
    Result<std::vector<Quote>> quote(std::span<const std::string>, int, const Call&,
                                     const QuoteSink&) override {
        return std::vector<Quote>{};
    }
    Result<std::vector<OwnsResult>> owns(std::span<const std::string> names, const Call&) override {
        ++owns_asked;
        return std::vector<OwnsResult>{OwnsResult{names.front(), listed, {}, {}, {}}};
    }
    std::expected<void, Error> warm(const Call&) override { return {}; }
    CreateResult create(const CreateRequest& request, const Call&) override {
        ++creates_sent;
        keys.push_back(request.idempotency_key);
        CreateResult r;
        r.outcome = answer;
        r.sent = true;
        return r;
    }

    Outcome answer = Outcome::registered;
    Owned listed = Owned::unknown;
    int creates_sent = 0;
    int owns_asked = 0;
    std::vector<std::string> keys;

  private:
    RegistrarAccount m_account;
    const VirtualClock& m_clock;
};

CreateRequest request_for(const std::string& domain, bool dry_run = false) {
    CreateRequest r;
    r.domain = domain;
    r.max_price = Money{1200, "USD"};
    r.dry_run = dry_run;
    return r;
}

} // namespace

TEST_CASE("store: creates are written before they are sent and completed after", "[store]") {
    test::NewStore fresh;
    Store store = fresh.open();
    auto id = store.write([](Tx& tx) -> Result<std::int64_t> {
        return tx.creates().begin(CreateStart{"acct", "example.com", "key-1", false, at_ms(1000)});
    });
    REQUIRE(id);
    auto open = unresolved_creates(store, "acct", "example.com");
    REQUIRE(open);
    REQUIRE(open->size() == 1); // unfinished: the outcome is not known
    CHECK(open->front().idempotency_key == "key-1");
    CHECK(open->front().started_at == at_ms(1000));
    CHECK_FALSE(open->front().finished_at);
    CHECK(unresolved_creates(store, "other", "example.com")->empty()); // per account
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        tx.creates().finish(*id, "ambiguous", "no answer", at_ms(2000));
        return {};
    }));
    REQUIRE(unresolved_creates(store, "acct", "example.com")->size() == 1); // still unclear
    REQUIRE(store.write([&](Tx& tx) -> Result<void> {
        tx.creates().resolve(*id, "registered", at_ms(3000));
        return {};
    }));
    CHECK(unresolved_creates(store, "acct", "example.com")->empty());
    auto all = store.read([](const ReadTx& tx) -> Result<std::vector<CreateRow>> {
        return tx.creates().of("example.com");
    });
    REQUIRE(all);
    REQUIRE(all->size() == 1);
    CHECK(all->front().outcome == "ambiguous");
    CHECK(all->front().resolution == "registered");
    CHECK(all->front().resolved_at == at_ms(3000));
}

TEST_CASE("journal: a create with no known outcome stops the next one, unsent", "[store]") {
    test::NewStore fresh;
    Store store = fresh.open();
    VirtualClock clock;
    ScriptedRegistrar registrar(clock);
    registrar.answer = Outcome::ambiguous;
    auto first = journaled_create(store, registrar, request_for("example.com"), Call{});
    CHECK(first.result.outcome == Outcome::ambiguous);
    CHECK(registrar.creates_sent == 1);
    REQUIRE(registrar.keys.size() == 1);
    CHECK(registrar.keys[0].size() == 36); // an idempotency key was made and recorded
    registrar.answer = Outcome::registered;
    auto second = journaled_create(store, registrar, request_for("example.com"), Call{});
    CHECK(second.result.outcome == Outcome::unresolved);
    CHECK_FALSE(second.result.sent);
    CHECK(registrar.creates_sent == 1); // nothing sent
    CHECK(outcome_error(Outcome::unresolved) == ErrorKind::unresolved);
    CHECK(exit_code(ErrorKind::unresolved) == 3);
    // A dry run meets the same refusal and writes nothing.
    auto dry = journaled_create(store, registrar, request_for("example.com", true), Call{});
    CHECK(dry.result.outcome == Outcome::unresolved);
    // Another name, or another account, is not held.
    CHECK(journaled_create(store, registrar, request_for("other.com"), Call{}).result.outcome ==
          Outcome::registered);
}

TEST_CASE("journal: the account settles an unclear create, and 'not listed' only after the lag",
          "[store]") {
    test::NewStore fresh;
    Store store = fresh.open();
    VirtualClock clock;
    ScriptedRegistrar registrar(clock);
    registrar.answer = Outcome::ambiguous;
    (void)journaled_create(store, registrar, request_for("a.com"), Call{});
    (void)journaled_create(store, registrar, request_for("b.com"), Call{});

    // a.com: not listed a minute later proves nothing (a registrar may list it later).
    registrar.listed = Owned::no;
    clock.advance(minutes(1));
    auto early = settle_creates(store, registrar, "a.com", Call{});
    REQUIRE(early);
    CHECK(early->settled.empty());
    CHECK(early->still_unresolved.size() == 1);
    // After the lag it does: not registered, and the name may be tried again.
    clock.advance(k_listing_lag);
    auto late = settle_creates(store, registrar, "a.com", Call{});
    REQUIRE(late);
    CHECK(late->settled.size() == 1);
    CHECK(unresolved_creates(store, "acct", "a.com")->empty());
    registrar.answer = Outcome::registered;
    CHECK(journaled_create(store, registrar, request_for("a.com"), Call{}).result.sent);

    // b.com: listed settles it at once as registered; a new create of it is answered
    // registered without a second create.
    registrar.listed = Owned::yes;
    auto listed = settle_creates(store, registrar, "b.com", Call{});
    REQUIRE(listed);
    CHECK(listed->settled.size() == 1);
    int sent = registrar.creates_sent;
    auto again = journaled_create(store, registrar, request_for("b.com"), Call{});
    CHECK(again.result.outcome == Outcome::registered);
    CHECK_FALSE(again.result.sent);
    CHECK(registrar.creates_sent == sent);
}
