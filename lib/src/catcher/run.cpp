// The catch run: one thread per account, each sleeping until its next slot.
#include "catcher/outcome_writes.hpp"

#include "dropcat/catcher.hpp"
#include "dropcat/create_journal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace dropcat {

namespace {

using Steady = Clock::time_point;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr Steady k_never = Steady::max();
// A live create's rows are written this long before it leaves, so that the write is done
// when the instant comes, even when several accounts' writes wait for one another on a
// busy store (every write takes the store's write lock).
constexpr milliseconds k_write_ahead{150};
// Aim a create this long after the instant: one that arrives a moment early is refused.
constexpr microseconds k_arrive_after{1000};
// A known instant this far past is stale: a fresher one gets the slot first.
constexpr milliseconds k_stale{100};

std::string tld_of(std::string_view domain) {
    auto dot = domain.find('.');
    return std::string(dot == std::string_view::npos ? domain : domain.substr(dot + 1));
}

// One account's part in one target.
struct Side {
    std::string account;
    Money ceiling;
    bool done = false;    // fires no more at this target
    bool blocked = false; // an unclear create waits to be settled
    bool in_flight = false;
    bool check_first = false; // no price known before the drop: check, then create
    Steady next_create = k_never;
    Steady next_check = k_never;
    Steady settle_at = k_never; // blocked: when to ask the account (registrar owns)
    std::optional<Quote> quote; // the last check's answer with a price
    int creates = 0;
};

struct Live {
    const TargetPlan* plan = nullptr;
    std::int64_t id = 0; // the store's (live runs)
    TargetState state = TargetState::armed;
    std::string end_note; // a dry run's end, kept in memory
    bool seen_available = false;
    bool refused_after_instant = false;
    std::optional<Instant> released_at;
    std::int64_t checks = 0;
    int in_flight = 0;
    // An end found while an account's create is unclear waits for it to be settled.
    std::optional<std::pair<TargetState, std::string>> pending_end;
    Steady start{}, end{};
    std::vector<Side> sides;
    bool ended() const { return is_final(state) || !end_note.empty(); }
};

struct Account {
    std::string name;
    Registrar* reg = nullptr;
    RegistrarLimits limits;
    nanoseconds check_every{};
    nanoseconds create_every{};
    microseconds one_way{};
    std::map<std::string, Money> prices; // per TLD, from a probe before the first window
    std::stop_source wake;               // replaced for each sleep
};

class Engine {
  public:
    Engine(Store& store, const Config& config, const CatchPlan& plan,
           std::map<std::string, Registrar*> regs, std::map<std::string, AccountFacts> facts,
           const RunOptions& o)
        : m_store(store), m_config(config), m_o(o), m_clock(*o.clock) {
        m_steady0 = m_clock.now();
        m_wall0 = m_clock.wall_now();
        for (auto& [name, r] : regs) {
            auto a = std::make_unique<Account>();
            a->name = name;
            a->reg = r;
            a->limits = r->limits();
            a->check_every = nanoseconds(static_cast<std::int64_t>(
                1e9 / requests_per_second(a->limits.checks, a->limits.all)));
            a->create_every = nanoseconds(static_cast<std::int64_t>(
                1e9 / requests_per_second(a->limits.creates, a->limits.all)));
            double rtt = facts.count(name) ? facts[name].round_trip_ms : 0;
            // Half the ping's round trip is the one-way trip at most (that ping may have paid
            // for its connection too); half of that is taken, so that an error in it makes a
            // create a little late rather than early.
            a->one_way = microseconds(
                std::clamp<std::int64_t>(static_cast<std::int64_t>(rtt * 250), 0, 20000));
            m_accounts.emplace(name, std::move(a));
        }
        for (const auto& p : plan.targets) {
            Live t;
            t.plan = &p;
            t.start = steady(p.target.window.start);
            t.end = steady(p.target.window.end);
            for (const auto& name : p.accounts) {
                if (!m_accounts.count(name)) continue;
                Side s;
                s.account = name;
                s.ceiling = p.ceilings.at(name);
                t.sides.push_back(std::move(s));
            }
            m_live.push_back(std::move(t));
        }
    }

    Result<RunSummary> run() {
        if (auto armed = arm(); !armed) return std::unexpected(armed.error());
        std::vector<std::jthread> threads;
        for (auto& [name, a] : m_accounts)
            threads.emplace_back([this, acc = a.get()] { work(*acc); });
        threads.clear(); // joins
        return finish();
    }

  private:
    Steady steady(Instant t) const { return m_steady0 + duration_cast<nanoseconds>(t - m_wall0); }
    Instant wall_ms() const {
        return std::chrono::time_point_cast<milliseconds>(m_clock.wall_now());
    }
    std::int64_t wall_us() const {
        return duration_cast<microseconds>(m_clock.wall_now().time_since_epoch()).count();
    }
    bool stopping() const {
        if (m_o.stop.stop_requested()) return true;
        return m_o.until && m_clock.now() >= steady(*m_o.until);
    }

    void emit(CatchEvent e) {
        if (!m_o.on_event) return;
        e.at = wall_ms();
        e.dry_run = !m_o.live;
        std::lock_guard lock(m_emit);
        m_o.on_event(e);
    }
    void emit_state(const Live& t, std::string account, std::string detail) {
        emit(CatchEvent{{},
                        "state",
                        t.plan->target.domain,
                        std::move(account),
                        t.end_note.empty() ? std::string(target_state_name(t.state)) : t.end_note,
                        "",
                        std::move(detail),
                        false,
                        std::nullopt});
    }

    // Writes (live runs only); a failure is said and counted, and the run goes on.
    bool persist(const std::function<Result<void>(Tx&)>& body, std::string_view what) {
        if (!m_o.live) return true;
        auto done = m_store.write(body);
        if (done) return true;
        ++m_store_failures;
        emit(
            CatchEvent{{},
                       "warning",
                       "",
                       "",
                       "",
                       "",
                       fmt::format("the store could not record {}: {}", what, done.error().message),
                       false,
                       std::nullopt});
        return false;
    }

    // Writes each target armed (live) and sets its first slots.
    Result<void> arm() {
        Instant now = wall_ms();
        for (auto& t : m_live) {
            const CatchTarget& target = t.plan->target;
            if (m_o.live) {
                TargetRow row;
                row.domain = target.domain;
                row.cycle = target.cycle;
                row.window_start = target.window.start;
                row.window_end = target.window.end;
                row.release_at = target.window.release_at;
                row.basis = target.window.basis;
                row.wished = target.wished;
                auto stored = m_store.write(
                    [&](Tx& tx) -> Result<TargetRow> { return tx.catches().arm(row, now); });
                if (!stored) return std::unexpected(stored.error());
                t.id = stored->id;
                t.state = stored->state;
                // An account with a create of the name whose outcome is unknown fires no more
                // at it until that is settled (recover_targets asks first).
                for (auto& s : t.sides) {
                    auto open = m_store.read([&](const ReadTx& tx) -> Result<bool> {
                        return !tx.creates().unresolved(s.account, target.domain).empty();
                    });
                    if (!open) return std::unexpected(open.error());
                    s.blocked = *open;
                }
            }
            if (t.sides.empty() && !t.ended()) {
                // Not written as failed: a configuration put right may catch it in a later
                // run of the day.
                t.end_note = "no-account";
                bool planned = !t.plan->accounts.empty();
                if (planned) ++m_failures;
                emit_state(t, "",
                           planned ? "none of its accounts could be opened"
                                   : "no account serves its TLD and may catch");
                continue;
            }
            if (t.ended() || t.state == TargetState::ambiguous) {
                emit_state(t, "",
                           t.state == TargetState::ambiguous
                               ? "ambiguous: resolve it first (dropcat catch resolve)"
                               : "ended in an earlier run");
                continue;
            }
            for (auto& s : t.sides) {
                if (t.plan->known_instant())
                    // Sent one one-way trip (half the ping's round trip) before it should
                    // arrive: just after the instant.
                    s.next_create = t.start + k_arrive_after - m_accounts.at(s.account)->one_way;
                else
                    s.next_check =
                        std::max(t.start - duration_cast<nanoseconds>(m_config.catching.warm_lead),
                                 m_clock.now());
            }
        }
        return {};
    }

    // Before the first slot of the account: its price per TLD (for creates sent before any
    // answer says the name is free) and a warm connection.
    void prepare(Account& a) {
        std::set<std::string> tlds;
        Steady first = k_never;
        {
            std::lock_guard lock(m_mutex);
            for (auto& t : m_live)
                for (auto& s : t.sides)
                    if (s.account == a.name && !t.ended()) {
                        tlds.insert(tld_of(t.plan->target.domain));
                        first = std::min({first, s.next_create, s.next_check});
                    }
        }
        if (tlds.empty()) return;
        auto lead = duration_cast<nanoseconds>(m_config.catching.lead);
        if (first != k_never && first - lead > m_clock.now()) {
            Steady until = first - lead;
            if (m_o.until) until = std::min(until, steady(*m_o.until));
            if (!m_clock.sleep_until(until, m_o.stop) || stopping()) return;
        }
        std::mt19937_64 random(std::random_device{}());
        for (const auto& tld : tlds) {
            // The probe waits for room in the check budget (the plan's quotes may have used
            // it), unless that would be too late for the first slot.
            Steady free = a.reg->next_free(RequestClass::check);
            if (free != RateLimiter::k_when_one_completes && free > m_clock.now()) {
                if (first == k_never || free > first - milliseconds(200)) continue;
                if (!m_clock.sleep_until(free, m_o.stop)) return;
            }
            std::string probe = fmt::format("dropcat-price-probe-{:08x}.{}",
                                            static_cast<std::uint32_t>(random()), tld);
            auto q = a.reg->quote(std::span(&probe, 1), 1, call());
            if (q && !q->empty() && q->front().availability == Availability::available &&
                q->front().price)
                a.prices.emplace(tld, *q->front().price);
            ++m_checks_sent;
        }
        std::lock_guard lock(m_mutex);
        for (auto& t : m_live)
            for (auto& s : t.sides)
                if (s.account == a.name && t.plan->known_instant() &&
                    !a.prices.count(tld_of(t.plan->target.domain))) {
                    // No price to send blind: check first, as for a window.
                    s.check_first = true;
                    s.next_check = s.next_create;
                    s.next_create = k_never;
                }
    }

    Call call() const {
        Call c;
        c.deadline = m_clock.now() + std::chrono::seconds(30);
        c.stop = m_o.stop;
        return c;
    }

    void work(Account& a) {
        prepare(a);
        (void)a.reg->warm(call());
        Steady warmed = m_clock.now();
        while (!stopping()) {
            Steady now = m_clock.now();
            if (now - warmed > std::chrono::seconds(10)) {
                (void)a.reg->warm(call());
                warmed = m_clock.now();
            }
            Steady wake = k_never;
            bool left = false;
            std::vector<std::pair<Live*, Side*>> creates;
            std::vector<std::pair<Live*, Side*>> checks;
            std::pair<Live*, Side*> settle{nullptr, nullptr};
            // The source a wake_all() stops: set before looking, so that a wake between the
            // look and the sleep is not lost.
            std::stop_source source;
            {
                std::lock_guard lock(m_mutex);
                a.wake = source;
                for (auto& t : m_live) {
                    if (t.ended()) continue;
                    for (auto& s : t.sides) {
                        if (s.account != a.name || !s.blocked || s.settle_at == k_never) continue;
                        left = true;
                        if (s.settle_at <= now && !settle.first)
                            settle = {&t, &s};
                        else
                            wake = std::min(wake, s.settle_at);
                    }
                    if (t.state == TargetState::ambiguous) continue;
                    if (now >= t.end) {
                        if (t.in_flight == 0) window_ended(t);
                        continue; // an answer in flight wakes everyone when it comes
                    }
                    for (auto& s : t.sides) {
                        if (s.account != a.name || s.done || s.blocked) continue;
                        left = true;
                        if (s.in_flight) continue;
                        if (s.next_create <= now + k_write_ahead) {
                            creates.emplace_back(&t, &s);
                            continue;
                        }
                        if (s.next_check <= now) checks.emplace_back(&t, &s);
                        wake = std::min({wake, s.next_create - k_write_ahead, s.next_check, t.end});
                    }
                }
            }
            if (!left) break;
            if (settle.first) {
                settle_now(a, *settle.first, *settle.second);
                continue;
            }
            if (!creates.empty() && pick_create(a, creates, now, wake)) {
                fire(a, *creates.front().first, *creates.front().second);
                continue;
            }
            if (!checks.empty()) {
                check(a, checks);
                continue;
            }
            std::stop_callback relay(m_o.stop, [&source] { source.request_stop(); });
            Steady until = std::min(wake, m_clock.now() + std::chrono::seconds(1));
            if (m_o.until) until = std::min(until, steady(*m_o.until));
            // Never a spin: a wake time already past (a slot held back for a fresher one)
            // is looked at again a moment later.
            until = std::max(until, m_clock.now() + milliseconds(2));
            m_clock.sleep_until(until, source.get_token());
        }
    }

    // With m_mutex held: the window of a target with nothing in flight has ended.
    void window_ended(Live& t) {
        end(t, TargetState::failed, "",
            t.seen_available ? "the window ended; every create was refused"
                             : "the window ended; never seen free");
    }

    // Which due create goes first (to the front of `due`): more backorders, then higher
    // priority, then the freshest instant: a name released long ago has likely been taken, a
    // name released now may still be had. A stale pick (its instant more than k_stale ago)
    // waits when another target of the account is released within one create interval: the
    // slot goes to that one, on time. False when nothing should be fired now (`wake` says
    // when to look again).
    bool pick_create(const Account& a, std::vector<std::pair<Live*, Side*>>& due, Steady now,
                     Steady& wake) {
        std::lock_guard lock(m_mutex);
        auto fresh = [&](const Live& t) {
            return t.state == TargetState::available || !t.plan->known_instant() ||
                   now - t.start < k_stale;
        };
        std::stable_sort(due.begin(), due.end(), [&](const auto& x, const auto& y) {
            bool fx = fresh(*x.first);
            bool fy = fresh(*y.first);
            if (fx != fy) return fx;
            const CatchTarget& p = x.first->plan->target;
            const CatchTarget& q = y.first->plan->target;
            if (p.backorders != q.backorders) return p.backorders > q.backorders;
            if (p.top_priority != q.top_priority) return p.top_priority > q.top_priority;
            return x.first->start > y.first->start;
        });
        if (fresh(*due.front().first)) return true;
        Steady upcoming = k_never;
        for (auto& t : m_live) {
            if (t.ended() || !t.plan->known_instant() || t.start <= now) continue;
            for (auto& s : t.sides)
                if (s.account == a.name && !s.done && !s.blocked && s.creates == 0)
                    upcoming = std::min(upcoming, t.start);
        }
        if (upcoming == k_never || upcoming - now >= a.create_every) return true;
        wake = std::min(wake, upcoming - k_write_ahead);
        return false;
    }

    void wake_all() {
        for (auto& [name, a] : m_accounts)
            a->wake.request_stop();
    }

    // Ends a target (with m_mutex held): caught, lost or failed, written on live runs.
    void end(Live& t, TargetState to, std::string account, std::string detail,
             std::optional<Instant> caught_at = std::nullopt) {
        if (t.ended() && to != TargetState::caught) return;
        if (to != TargetState::caught) {
            // An account's create of it is unclear: it may have bought the name. Ambiguous
            // until the account is asked; then this end, unless the account has it.
            for (const auto& s : t.sides)
                if (s.blocked) {
                    t.pending_end = {to, detail};
                    make_ambiguous(t, fmt::format("{}; but {}'s create is unclear: asking it",
                                                  detail, s.account));
                    return;
                }
        }
        t.pending_end.reset();
        t.state = to;
        TargetUpdate u;
        if (!account.empty()) u.account = account;
        u.caught_at = caught_at;
        u.released_at = t.released_at;
        u.checks = t.checks;
        u.detail = detail;
        persist(
            [&](Tx& tx) -> Result<void> {
                catcher::end_target(tx, t.id, t.plan->target.domain, catcher::k_any_state, to, u,
                                    m_o.actor, detail, wall_ms());
                return {};
            },
            "a target's end");
        emit_state(t, account, detail);
        wake_all();
    }

    // Moves a target to a state short of its end (with m_mutex held).
    void move(Live& t, TargetState to, std::string detail) {
        if (t.ended() || t.state == to) return;
        t.state = to;
        TargetUpdate u;
        u.released_at = t.released_at;
        u.checks = t.checks;
        persist(
            [&](Tx& tx) -> Result<void> {
                tx.catches().move(t.id, catcher::k_open_states, to, u, wall_ms());
                tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                               t.id, target_state_name(to), detail});
                return {};
            },
            "a target's state");
        emit_state(t, "", detail);
    }

    void check(Account& a, std::vector<std::pair<Live*, Side*>>& due) {
        // The limiter reads the clock itself: `now` is read after it, never before.
        Steady free = a.reg->next_free(RequestClass::check);
        Steady now = m_clock.now();
        std::size_t batch = static_cast<std::size_t>(std::max(1, a.limits.batch));
        std::vector<std::pair<Live*, Side*>> asked;
        {
            std::lock_guard lock(m_mutex);
            std::sort(due.begin(), due.end(),
                      [](auto& x, auto& y) { return x.second->next_check < y.second->next_check; });
            Steady room = free == RateLimiter::k_when_one_completes ? now : std::max(now, free);
            for (auto [t, s] : due) {
                if (free > now || asked.size() >= batch) {
                    // Missed slots are skipped: the next grid point after the account is free.
                    // A check that settles a refused create goes as soon as there is room.
                    s->next_check = t->refused_after_instant
                                        ? room + std::chrono::milliseconds(1)
                                        : next_on_grid(t->start, every(a, *t, now), room);
                    continue;
                }
                asked.emplace_back(t, s);
            }
        }
        if (asked.empty()) return;
        std::vector<std::string> names;
        for (auto [t, s] : asked)
            names.push_back(t->plan->target.domain);
        auto quotes = a.reg->quote(names, 1, call());
        m_checks_sent += 1;
        Steady after = m_clock.now();
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < asked.size(); ++i) {
            auto [t, s] = asked[i];
            s->next_check = next_on_grid(t->start, every(a, *t, after), after);
            if (t->plan->known_instant() && !s->check_first) {
                // A settling check: the creates go on at their cadence unless it says more.
                s->next_check = k_never;
                s->next_create = std::min(s->next_create, after + a.create_every);
            }
            if (!quotes) {
                emit(CatchEvent{{},
                                "warning",
                                t->plan->target.domain,
                                a.name,
                                "",
                                "unknown",
                                quotes.error().message,
                                false,
                                std::nullopt});
                s->done = true; // the account itself is unusable
                continue;
            }
            const Quote& q = (*quotes)[i];
            ++t->checks;
            if (q.retry_at) s->next_check = std::max(s->next_check, *q.retry_at);
            if (t->ended()) continue;
            if (t->state == TargetState::armed) move(*t, TargetState::checking, "checks began");
            emit(CatchEvent{{},
                            "check",
                            t->plan->target.domain,
                            a.name,
                            std::string(target_state_name(t->state)),
                            std::string(availability_name(q.availability)),
                            q.detail,
                            false,
                            std::nullopt});
            if (q.availability == Availability::available ||
                q.availability == Availability::premium) {
                t->seen_available = true;
                if (!t->released_at) t->released_at = wall_ms();
                s->quote = q;
                move(*t, TargetState::available, fmt::format("{} says it is free", a.name));
                // Every account fires at once.
                for (auto& other : t->sides)
                    if (!other.done && !other.blocked && other.creates == 0)
                        other.next_create = std::min(other.next_create, after);
                wake_all();
            } else if (q.availability == Availability::taken &&
                       (t->seen_available || t->refused_after_instant) && t->in_flight == 0) {
                end(*t, TargetState::lost, "",
                    fmt::format("another party registered it: {}'s create was refused and its "
                                "check says taken",
                                a.name));
            }
        }
    }

    nanoseconds every(const Account& a, const Live& t, Steady now) const {
        // A known instant checked first (no price to send blind): as dense as the account's
        // check budget allows, for the names it checks at once.
        if (t.plan->known_instant()) return a.check_every;
        Instant wall = std::chrono::time_point_cast<milliseconds>(m_wall0) +
                       duration_cast<milliseconds>(now - m_steady0);
        for (const auto& c : t.plan->cadence)
            if (wall >= c.from && wall < c.to) return duration_cast<nanoseconds>(c.every);
        return std::max(a.check_every, duration_cast<nanoseconds>(m_config.catching.post_interval));
    }

    void fire(Account& a, Live& t, Side& s) {
        const std::string& domain = t.plan->target.domain;
        CreateRequest req;
        Steady fire_at{};
        {
            std::lock_guard lock(m_mutex);
            if (t.ended() || s.in_flight || s.blocked || s.done) return;
            // A name a check found free is created by one account at a time: the first with
            // room in its create budget; the others stand by for its answer instead of
            // spending theirs on the same name (at a known instant every account fires).
            if (!t.plan->known_instant() && t.in_flight > 0) return;
            fire_at = s.next_create == k_never ? m_clock.now() : s.next_create;
            if (t.state == TargetState::available) fire_at = std::min(fire_at, m_clock.now());
            Steady free = a.reg->next_free(RequestClass::create);
            Steady now = m_clock.now();
            if (free == RateLimiter::k_when_one_completes) free = now;
            if (free > std::max(fire_at, now)) {
                // Never a burst: the next slot the account's budget allows.
                s.next_create = free;
                return;
            }
            s.in_flight = true;
            ++t.in_flight;
            req.domain = domain;
            req.years = 1;
            req.max_price = s.ceiling;
            req.dry_run = !m_o.live;
            req.idempotency_key = new_idempotency_key();
            if (s.quote) {
                req.quote = *s.quote;
            } else {
                // Sent before any answer says the name is free: the account's price for the
                // TLD, which the registrar refuses when it is not the name's.
                req.quote.domain = domain;
                req.quote.availability = Availability::available;
                auto price = a.prices.find(tld_of(domain));
                if (price != a.prices.end()) req.quote.price = price->second;
                req.quote.at = m_clock.now();
            }
        }
        if (auto blocked = quote_blocks_create(req, m_clock.now(), a.limits.price_sent)) {
            std::lock_guard lock(m_mutex);
            s.in_flight = false;
            --t.in_flight;
            s.done = true;
            emit(CatchEvent{{},
                            "create",
                            domain,
                            a.name,
                            std::string(target_state_name(t.state)),
                            std::string(outcome_name(blocked->outcome)),
                            blocked->detail + " (not sent)",
                            false,
                            std::nullopt});
            finish_if_spent(t);
            return;
        }
        std::int64_t create_id = 0;
        std::int64_t attempt_id = 0;
        std::int64_t planned_us =
            wall_us() + duration_cast<microseconds>(fire_at - m_clock.now()).count();
        if (m_o.live) {
            bool open = true;
            // Written, and the target moved to registering, before the create leaves; a
            // target that ended meanwhile in the store (catch resolve) gets no create.
            bool written = persist(
                [&](Tx& tx) -> Result<void> {
                    constexpr TargetState from[] = {TargetState::armed, TargetState::checking,
                                                    TargetState::available,
                                                    TargetState::registering};
                    open = tx.catches().move(t.id, from, TargetState::registering, TargetUpdate{},
                                             wall_ms());
                    if (!open) return {};
                    create_id = tx.creates().begin(
                        CreateStart{a.name, domain, req.idempotency_key, false, wall_ms()});
                    attempt_id = tx.catches().begin_attempt(
                        AttemptStart{t.id, a.name, false, create_id, planned_us});
                    tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                                   t.id, "registering",
                                                   fmt::format("a create by {}", a.name)});
                    return {};
                },
                "a create before it was sent (so it was not sent)");
            std::lock_guard lock(m_mutex);
            if (!written || !open) {
                s.in_flight = false;
                --t.in_flight;
                if (!open) {
                    s.done = true;
                    if (!t.ended()) {
                        t.end_note = "ended-elsewhere";
                        emit_state(t, "",
                                   "the store shows it ended (catch resolve, or another run)");
                    }
                } else {
                    s.next_create = m_clock.now() + a.create_every;
                }
                return;
            }
            t.state = TargetState::registering;
        }
        if (fire_at > m_clock.now() && !m_clock.sleep_until(fire_at, m_o.stop)) {
            // Stopped before it left: written, never sent.
            std::lock_guard lock(m_mutex);
            s.in_flight = false;
            --t.in_flight;
            persist(
                [&](Tx& tx) -> Result<void> {
                    tx.creates().finish(create_id, "transient",
                                        "the run stopped before it was sent", wall_ms());
                    tx.creates().resolve(create_id, "not-registered", wall_ms());
                    tx.catches().finish_attempt(attempt_id, planned_us, "not-sent",
                                                "the run stopped before it was sent", wall_us());
                    return {};
                },
                "a create that was not sent");
            step_back(t);
            return;
        }
        std::int64_t sent_us = wall_us();
        Instant sent_ms = wall_ms();
        CreateResult r = a.reg->create(req, call());
        std::int64_t answered_us = wall_us();
        if (r.sent) ++m_creates_sent;
        bool after_instant =
            !t.plan->known_instant() || sent_ms >= *t.plan->target.window.release_at;
        if (m_o.live)
            persist(
                [&](Tx& tx) -> Result<void> {
                    tx.creates().finish(create_id, outcome_name(r.outcome), r.detail, wall_ms());
                    if (!r.sent && r.outcome != Outcome::ambiguous)
                        tx.creates().resolve(create_id, "not-registered", wall_ms());
                    tx.catches().finish_attempt(attempt_id, sent_us, outcome_name(r.outcome),
                                                r.detail, answered_us);
                    return {};
                },
                "a create's answer");
        std::lock_guard lock(m_mutex);
        s.in_flight = false;
        --t.in_flight;
        ++s.creates;
        emit(CatchEvent{{},
                        "create",
                        domain,
                        a.name,
                        std::string(target_state_name(t.state)),
                        std::string(outcome_name(r.outcome)),
                        r.detail,
                        r.dry_run,
                        answered_us - sent_us});
        Steady next = std::max(fire_at + a.create_every, m_clock.now());
        switch (r.outcome) {
        case Outcome::registered:
        case Outcome::pending:
            if (!t.released_at) t.released_at = t.plan->target.window.release_at;
            end(t, TargetState::caught, a.name, fmt::format("{} registered it", a.name), sent_ms);
            return;
        case Outcome::dry_run_ok:
            s.done = true;
            break;
        case Outcome::lost_race:
        case Outcome::taken:
            s.quote.reset();
            if (after_instant && (t.seen_available || t.plan->known_instant())) {
                // Refused after the instant: is it registered? A check says, before any
                // further create (available: a create at once; taken: lost).
                t.refused_after_instant = true;
                s.next_check = m_clock.now();
                s.next_create = k_never;
            } else {
                // Before the instant a refusal only means "not yet".
                s.next_create = t.plan->known_instant() ? next : k_never;
            }
            break;
        case Outcome::rate_limited:
            s.next_create = r.retry_at ? *r.retry_at : next;
            break;
        case Outcome::transient:
            s.next_create = next;
            break;
        case Outcome::ambiguous:
        case Outcome::unresolved:
            s.blocked = true;
            s.settle_at = m_clock.now();
            break;
        case Outcome::price_mismatch:
        case Outcome::insufficient_funds:
        case Outcome::auth_error:
        case Outcome::policy_refused:
            s.done = true;
            break;
        }
        step_back(t);
        finish_if_spent(t);
    }

    // With m_mutex held: a target left registering once nothing is in flight and no create
    // of it is unclear (an unclear one keeps it registering in the store, which is what a
    // killed run's successor must find).
    void step_back(Live& t) {
        if (t.state != TargetState::registering || t.in_flight > 0) return;
        for (const auto& s : t.sides)
            if (s.blocked) return;
        TargetState back = t.seen_available ? TargetState::available : TargetState::checking;
        t.state = back;
        persist(
            [&](Tx& tx) -> Result<void> {
                constexpr TargetState from[] = {TargetState::registering};
                if (tx.catches().move(t.id, from, back, TargetUpdate{}, wall_ms()))
                    tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                                   t.id, target_state_name(back),
                                                   "no create in flight"});
                return {};
            },
            "a target's state");
    }

    // An unclear create: the account is asked (registrar owns) on its own thread, once its
    // limits allow; meanwhile the target is blocked on it.
    void settle_now(Account& a, Live& t, Side& s) {
        Steady free = a.reg->next_free(RequestClass::other);
        if (free > m_clock.now()) {
            std::lock_guard lock(m_mutex);
            s.settle_at = free;
            return;
        }
        Result<Settlement> settled = std::unexpected(Error{ErrorKind::failed, "a dry run"});
        if (m_o.live) settled = settle_creates(m_store, *a.reg, t.plan->target.domain, call());
        std::lock_guard lock(m_mutex);
        s.settle_at = k_never;
        if (settled && settled->owns.owned == Owned::yes) {
            s.blocked = false;
            end(t, TargetState::caught, a.name,
                fmt::format("{}'s create answered nothing clear, and {} has the name", a.name,
                            a.name));
            return;
        }
        if (settled && settled->still_unresolved.empty() && !settled->settled.empty()) {
            s.blocked = false;
            s.next_create = m_clock.now();
            // Settled: not bought. An end found meanwhile is the target's end now.
            bool still = false;
            for (const auto& other : t.sides)
                still = still || other.blocked;
            if (!still && t.pending_end) {
                auto [to, detail] = *t.pending_end;
                t.state = TargetState::checking;
                end(t, to, "", detail);
            } else if (!still && t.state == TargetState::ambiguous) {
                t.state = t.seen_available ? TargetState::available : TargetState::checking;
            }
            wake_all();
            return;
        }
        emit(CatchEvent{{},
                        "warning",
                        t.plan->target.domain,
                        a.name,
                        "",
                        "ambiguous",
                        settled ? fmt::format("{} says {}: too soon to be sure", a.name,
                                              owned_name(settled->owns.owned))
                                : settled.error().message,
                        false,
                        std::nullopt});
        // Asked once in this run; the next run (recover_targets) or a person settles it.
        finish_if_spent(t);
    }

    // With m_mutex held: the target waits for an unclear create to be settled.
    void make_ambiguous(Live& t, const std::string& detail) {
        if (t.state == TargetState::ambiguous) return;
        t.state = TargetState::ambiguous;
        persist(
            [&](Tx& tx) -> Result<void> {
                tx.catches().move(t.id, catcher::k_open_states, TargetState::ambiguous,
                                  TargetUpdate{}, wall_ms());
                tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                               t.id, "ambiguous", detail});
                return {};
            },
            "a target's state");
        emit_state(t, "", detail);
    }

    // With m_mutex held: a target every account is done with (or blocked on) ends.
    void finish_if_spent(Live& t) {
        if (t.ended()) return;
        bool any_blocked = false;
        for (const auto& s : t.sides) {
            if (s.in_flight) return;
            if (s.blocked)
                any_blocked = true;
            else if (!s.done)
                return;
        }
        if (any_blocked) {
            make_ambiguous(t, "a create's outcome is unknown: dropcat catch resolve");
            return;
        }
        if (!m_o.live) {
            t.end_note = "dry-run";
            emit_state(t, "", "dry run: every account that would fire was tried");
            return;
        }
        ++m_failures;
        end(t, TargetState::failed, "", "every account that fired at it was refused for good");
    }

    Result<RunSummary> finish() {
        RunSummary out;
        std::lock_guard lock(m_mutex);
        for (auto& t : m_live) {
            std::string state =
                t.end_note.empty() ? std::string(target_state_name(t.state)) : t.end_note;
            ++out.states[state];
            if (t.state == TargetState::ambiguous) ++out.ambiguous;
            if (!t.ended() && t.state != TargetState::ambiguous) out.stopped = true;
            if (m_o.live && t.id != 0)
                persist(
                    [&](Tx& tx) -> Result<void> {
                        TargetUpdate u;
                        u.checks = t.checks;
                        if (t.released_at) u.released_at = t.released_at;
                        tx.catches().update(t.id, u, wall_ms());
                        return {};
                    },
                    "the checks spent");
        }
        out.creates_sent = m_creates_sent;
        out.checks_sent = m_checks_sent;
        out.failed = m_store_failures + m_failures;
        return out;
    }

    Store& m_store;
    const Config& m_config;
    const RunOptions& m_o;
    const Clock& m_clock;
    Steady m_steady0;
    Clock::Wall::time_point m_wall0;
    std::map<std::string, std::unique_ptr<Account>> m_accounts;
    std::vector<Live> m_live;
    std::mutex m_mutex;
    std::mutex m_emit;
    std::atomic<int> m_creates_sent{0};
    std::atomic<int> m_checks_sent{0};
    std::atomic<int> m_store_failures{0};
    std::atomic<int> m_failures{0}; // targets no account could try, or all refused for good
};

} // namespace

Result<RunSummary> run_catch(Store& store, const Config& config, const CatchPlan& plan,
                             std::map<std::string, Registrar*> accounts,
                             std::map<std::string, AccountFacts> facts, const RunOptions& options) {
    Engine engine(store, config, plan, std::move(accounts), std::move(facts), options);
    return engine.run();
}

} // namespace dropcat
