#pragma once

// Internal to catcher: the catch run's engine (run.cpp starts it): one thread per account,
// each sleeping until its next slot, the targets' shared state under one mutex.

#include "catcher/outcome_writes.hpp"
#include "catcher/timing.hpp"
#include "catcher/tld.hpp"
#include "dropcat/catcher.hpp"
#include "dropcat/create_journal.hpp"
#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace dropcat::catcher {

using Steady = Clock::time_point;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

inline constexpr Steady k_never = Steady::max();
// A live create's rows are written this long before it leaves, so that the write is done
// when the instant comes, even when several accounts' writes wait for one another on a
// busy store (every write takes the store's write lock).
inline constexpr milliseconds k_write_ahead{150};
// The longest one-way trip a create is sent ahead by (see the Engine's constructor): no more
// than k_arrive_after, so that a create never leaves before its instant whatever the
// estimate says.
inline constexpr microseconds k_max_one_way{1000};

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
    microseconds one_way_bound{};
    // How long a create's answer took, the last one (a create holds the create budget from
    // its answer); until one has come, the ping's round trip.
    nanoseconds answer_time{};
    std::map<std::string, Money> prices; // per TLD, from a probe before the first window
    int open_windows = 0; // window targets the account still checks (work counts, m_mutex)
    // The account's check ticks: one request per tick at most, `check_every` apart, from
    // just after the earliest window's start, shifted by the account's share of the
    // interval (its place among the accounts) so that accounts look at different moments.
    Steady tick_anchor{};
    std::stop_source wake; // replaced for each sleep
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
            a->create_every = create_gap(requests_per_second(a->limits.creates, a->limits.all));
            double rtt = facts.count(name) ? facts[name].round_trip_ms : 0;
            // The one-way trip is never taken longer than half the ping's round trip (which
            // holds the registrar's work too, so it is longer than the network's), nor than
            // 1 ms: a create that arrives early is refused and costs a whole create interval,
            // while one that arrives late still counts; on a busy machine both the ping
            // and the handshake's timing grow with the machine's delays, not the network's
            // (creates sent 23 ms early were seen so). Until the create connection's
            // handshake measures it (measure_trip): a quarter of the ping, within that bound.
            a->one_way_bound =
                rtt > 0
                    ? std::min(microseconds(static_cast<std::int64_t>(rtt * 500)), k_max_one_way)
                    : k_max_one_way;
            a->one_way =
                std::min(microseconds(static_cast<std::int64_t>(rtt * 250)), a->one_way_bound);
            a->answer_time = microseconds(static_cast<std::int64_t>(rtt * 1000));
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
        std::size_t index = 0;
        for (auto& [name, a] : m_accounts) {
            Steady first = k_never;
            for (const auto& t : m_live)
                for (const auto& s : t.sides)
                    if (s.account == name && !t.plan->known_instant())
                        first = std::min(first, t.start);
            if (first == k_never) first = m_steady0;
            a->tick_anchor = first + k_arrive_after +
                             a->check_every * static_cast<std::int64_t>(index++) /
                                 static_cast<std::int64_t>(m_accounts.size());
        }
    }

    Result<RunSummary> run();

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

    void emit(CatchEvent e);
    void emit_state(const Live& t, std::string account, std::string detail);

    // Writes (live runs only); a failure is said and counted, and the run goes on.
    bool persist(const std::function<Result<void>(Tx&)>& body, std::string_view what);

    // Writes each target armed (live) and sets its first slots.
    Result<void> arm();

    // Before the first slot of the account: its price per TLD (for creates sent before any
    // answer says the name is free) and a warm connection.
    void prepare(Account& a);

    Call call() const {
        Call c;
        c.deadline = m_clock.now() + std::chrono::seconds(30);
        c.stop = m_o.stop;
        return c;
    }

    void work(Account& a);

    // When a known instant's first create leaves: one one-way trip before it should arrive,
    // just after the instant (k_arrive_after, and an eighth of the trip for its jitter).
    static Steady first_send(Steady instant, microseconds one_way) {
        return instant + k_arrive_after + one_way / 8 - one_way;
    }

    // The one-way trip from the create connection's TCP handshake, once warm has opened it,
    // and the account's first creates timed by it.
    void measure_trip(Account& a);

    // With m_mutex held: the window of a target with nothing in flight has ended.
    void window_ended(Live& t);

    // Which due create goes first (to the front of `due`): one on time (a known instant's
    // first create within k_on_time of it, or a name found free), then more backorders,
    // higher priority, and the freshest (the latest found free by a check, else the latest
    // instant): a name released long ago has likely been taken, one released now may still
    // be had. A late create goes only when it costs
    // none of the account's on-time creates still to come. False when nothing should be
    // fired now (`wake` says when to look again).
    bool pick_create(const Account& a, std::vector<std::pair<Live*, Side*>>& due, Steady now,
                     Steady& wake);

    void wake_all() {
        for (auto& [name, a] : m_accounts)
            a->wake.request_stop();
    }

    // Ends a target (with m_mutex held): caught, lost or failed, written on live runs.
    void end(Live& t, TargetState to, std::string account, std::string detail,
             std::optional<Instant> caught_at = std::nullopt);

    // Moves a target to a state short of its end (with m_mutex held).
    void move(Live& t, TargetState to, std::string detail);

    void check(Account& a, std::vector<std::pair<Live*, Side*>>& due);

    nanoseconds every(const Account& a, const Live& t, Steady now) const;

    // The account's next check of a target it checked at `after`: the first of its ticks
    // (Account::tick_anchor) at least one interval of the target's phase later, so that the
    // window names share the ticks in turn. A known instant checked first: every tick.
    Steady next_check_after(const Account& a, const Live& t, Steady after) const;

    // The account's first tick after `after`: where a check that found no room goes. Missed
    // ticks are skipped, never fired in a burst.
    Steady next_tick(const Account& a, Steady after) const {
        return next_on_grid(a.tick_anchor, a.check_every, after);
    }

    void fire(Account& a, Live& t, Side& s);

    // With m_mutex held: a target left registering once nothing is in flight and no create
    // of it is unclear (an unclear one keeps it registering in the store, which is what a
    // killed run's successor must find).
    void step_back(Live& t);

    // An unclear create: the account is asked (registrar owns) on its own thread, once its
    // limits allow; meanwhile the target is blocked on it.
    void settle_now(Account& a, Live& t, Side& s);

    // With m_mutex held: the target waits for an unclear create to be settled.
    void make_ambiguous(Live& t, const std::string& detail);

    // With m_mutex held: a target every account is done with (or blocked on) ends.
    void finish_if_spent(Live& t);

    Result<RunSummary> finish();

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

} // namespace dropcat::catcher
