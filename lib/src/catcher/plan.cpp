// The plan of a catch: accounts, cadences and budgets per target, before anything is sent.
#include "catcher/timing.hpp"
#include "catcher/tld.hpp"
#include "dropcat/catcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dropcat {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

milliseconds ms_of(double seconds) {
    return milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

std::int64_t slots(Instant from, Instant to, milliseconds every) {
    if (to <= from || every.count() <= 0) return 0;
    return (to - from) / every + 1;
}

// How long one create holds the account's create budget.
milliseconds create_interval(const RegistrarAccount& a) {
    RegistrarLimits limits = account_limits(a);
    return duration_cast<milliseconds>(
        catcher::create_gap(requests_per_second(limits.creates, limits.all)));
}

// Can an account whose next create is free at `free` be on time for an instant at `at`?
bool on_time(Instant free, Instant at) {
    return free <= at + catcher::k_on_time;
}

} // namespace

// At most `per_name` accounts per target, chosen so that the budgets go furthest. A target
// with a known instant gets, first, accounts that can be on time for it (their create budget
// not taken by an earlier instant), each then held for one create interval; when none can,
// the accounts with the fewest such late targets, which they fire at only with budget no
// on-time create needs (the engine's rule). A window target gets the accounts with the
// fewest window targets so far.
void choose_accounts(CatchPlan& plan, const Config& config, int per_name) {
    std::vector<std::size_t> order(plan.targets.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return plan.targets[x].target.window.start < plan.targets[y].target.window.start;
    });
    std::map<std::string, Instant> free;
    std::map<std::string, int> late;
    std::map<std::string, int> windows;
    auto take = [&](const TargetPlan& p, const std::string& name) {
        Instant at = p.target.window.start;
        if (!p.known_instant())
            ++windows[name];
        else if (on_time(free[name], at))
            free[name] = std::max(free[name], at) + create_interval(*find_account(config, name));
        else
            ++late[name];
    };
    for (std::size_t i : order) {
        TargetPlan& p = plan.targets[i];
        if (static_cast<int>(p.accounts.size()) <= per_name) {
            for (const auto& name : p.accounts)
                take(p, name);
            continue;
        }
        auto ranked = p.accounts;
        Instant at = p.target.window.start;
        std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& x, const auto& y) {
            if (!p.known_instant()) return windows[x] < windows[y];
            bool ox = on_time(free[x], at);
            bool oy = on_time(free[y], at);
            if (ox != oy) return ox;
            if (!ox && late[x] != late[y]) return late[x] < late[y];
            return free[x] < free[y];
        });
        ranked.resize(static_cast<std::size_t>(per_name));
        for (const auto& name : ranked)
            take(p, name);
        // Kept in the configuration's order.
        std::vector<std::string> kept;
        for (const auto& name : p.accounts)
            if (std::find(ranked.begin(), ranked.end(), name) != ranked.end()) kept.push_back(name);
        p.accounts = std::move(kept);
        for (auto it = p.ceilings.begin(); it != p.ceilings.end();)
            it = std::find(p.accounts.begin(), p.accounts.end(), it->first) == p.accounts.end()
                     ? p.ceilings.erase(it)
                     : std::next(it);
    }
}

std::string_view catch_phase_name(CatchPhase phase) {
    switch (phase) {
    case CatchPhase::idle:
        return "idle";
    case CatchPhase::warm:
        return "warm";
    case CatchPhase::hot:
        return "hot";
    case CatchPhase::post:
        return "post";
    case CatchPhase::done:
        return "done";
    }
    return "done";
}

CatchPhase phase_at(const CatchWindow& w, const CatchSettings& s, Instant t) {
    if (t >= w.end) return CatchPhase::done;
    if (t < w.start - s.warm_lead) return CatchPhase::idle;
    if (t < w.start) return CatchPhase::warm;
    if (t < w.start + s.hot_span) return CatchPhase::hot;
    return CatchPhase::post;
}

Clock::time_point next_on_grid(Clock::time_point anchor, std::chrono::nanoseconds every,
                               Clock::time_point after) {
    if (every.count() <= 0) return after;
    auto d = after - anchor;
    // The smallest k with anchor + k * every > after (k may be negative).
    auto k = d.count() >= 0 ? d / every + 1 : -((-d) / every);
    if (anchor + k * every <= after) ++k;
    return anchor + k * every;
}

double requests_per_second(const std::vector<RateRule>& rules, const std::vector<RateRule>& all) {
    double best = 1e9;
    for (const auto* list : {&rules, &all})
        for (const auto& r : *list)
            if (r.window.count() > 0)
                best = std::min(best, r.count * 1000.0 / static_cast<double>(r.window.count()));
    return best >= 1e9 ? 1.0 : best;
}

std::int64_t TargetPlan::planned_requests() const {
    std::int64_t n = 0;
    for (const auto& r : requests)
        n += r.checks + r.creates;
    return n;
}

Result<CatchPlan> plan_catch(const std::vector<CatchTarget>& targets, const Config& config,
                             const PlanOptions& options) {
    const CatchSettings& s = config.catching;
    for (const auto& name : options.registrars)
        if (find_account(config, name) == nullptr)
            return fail(ErrorKind::usage, fmt::format("--registrar {}: no such account", name));
    auto chosen = [&](const RegistrarAccount& a) {
        return options.registrars.empty() ||
               std::find(options.registrars.begin(), options.registrars.end(), a.name) !=
                   options.registrars.end();
    };
    int per_name = options.accounts_per_name >= 0 ? options.accounts_per_name : s.accounts_per_name;
    CatchPlan plan;
    // Accounts that could fire but will not, said once each.
    for (const auto& a : config.registrars) {
        if (!chosen(a)) continue;
        if (!catch_allowed(a))
            plan.warnings.push_back(fmt::format(
                "{} does not catch: its kind's terms are reported to forbid it (set catch = true "
                "in its [[registrar]] table once you have confirmed them)",
                a.name));
        else if (!a.max_price && !s.max_price)
            plan.warnings.push_back(fmt::format(
                "{} does not catch: it has no price ceiling (set max_price in its [[registrar]] "
                "table or in [catch])",
                a.name));
    }
    struct Load {
        int window_targets = 0;
        std::vector<std::size_t> known; // targets with an instant, by index
    };
    std::map<std::string, Load> load;
    for (const auto& t : targets) {
        TargetPlan p;
        p.target = t;
        for (const auto& a : config.registrars) {
            if (!chosen(a) || !catch_allowed(a) || !account_serves(a, t.domain)) continue;
            auto ceiling = a.max_price ? a.max_price : s.max_price;
            if (!ceiling) continue;
            p.accounts.push_back(a.name);
            p.ceilings.emplace(a.name, *ceiling);
        }
        if (p.accounts.empty())
            p.warnings.push_back(
                fmt::format("no account serves .{} and may catch", catcher::tld_of(t.domain)));
        plan.targets.push_back(std::move(p));
    }
    if (per_name > 0) choose_accounts(plan, config, per_name);
    for (std::size_t i = 0; i < plan.targets.size(); ++i)
        for (const auto& a : plan.targets[i].accounts) {
            if (plan.targets[i].known_instant())
                load[a].known.push_back(i);
            else
                ++load[a].window_targets;
        }
    for (auto& p : plan.targets) {
        const CatchWindow& w = p.target.window;
        for (const auto& name : p.accounts) {
            const RegistrarAccount* a = find_account(config, name);
            RegistrarLimits limits = account_limits(*a);
            const Load& l = load[name];
            AccountShare share{name, 0, 0};
            std::vector<PhaseCadence> cadence;
            if (p.known_instant()) {
                double per_s = requests_per_second(limits.creates, limits.all);
                auto every = ms_of(1.0 / per_s);
                // The account's creates are shared by the targets with an instant.
                auto mine = milliseconds(every.count() * static_cast<std::int64_t>(l.known.size()));
                cadence.push_back({CatchPhase::hot, w.start, w.end, mine});
                share.creates = slots(w.start, w.end, mine);
            } else {
                double per_s = requests_per_second(limits.checks, limits.all);
                int batch = std::max(1, limits.batch);
                int rounds = (l.window_targets + batch - 1) / batch;
                auto hot_every = ms_of(rounds / per_s);
                auto warm_every = std::max(s.warm_interval, hot_every);
                auto post_every = std::max(s.post_interval, hot_every);
                Instant hot_end = std::min(w.end, w.start + s.hot_span);
                cadence.push_back({CatchPhase::warm, w.start - s.warm_lead, w.start, warm_every});
                cadence.push_back({CatchPhase::hot, w.start, hot_end, hot_every});
                if (hot_end < w.end)
                    cadence.push_back({CatchPhase::post, hot_end, w.end, post_every});
                for (const auto& c : cadence)
                    share.checks += slots(c.from, c.to, c.every);
                // Names checked together share a request.
                share.checks =
                    (share.checks * rounds + l.window_targets - 1) / std::max(1, l.window_targets);
                share.creates = 3;
                if (hot_every > milliseconds(1000) && name == p.accounts.front())
                    p.warnings.push_back(fmt::format(
                        "budget too small: {} window target{} share {}'s {:.3g} checks a second; "
                        "each is checked every {} ms when hot",
                        l.window_targets, l.window_targets == 1 ? "" : "s", name, per_s,
                        hot_every.count()));
            }
            if (p.cadence.empty()) p.cadence = cadence;
            p.requests.push_back(share);
        }
    }
    // Known instants of one account closer than its create budget allows: the later ones
    // cannot be on time, and their creates wait for budget no on-time create needs.
    for (auto& [name, l] : load) {
        const RegistrarAccount* a = find_account(config, name);
        auto every = create_interval(*a);
        auto sorted = l.known;
        std::sort(sorted.begin(), sorted.end(), [&](std::size_t x, std::size_t y) {
            return plan.targets[x].target.window.start < plan.targets[y].target.window.start;
        });
        Instant free{};
        for (std::size_t i : sorted) {
            Instant at = plan.targets[i].target.window.start;
            if (!on_time(free, at)) {
                plan.targets[i].warnings.push_back(fmt::format(
                    "{} cannot be on time: its create budget (one per {} ms) goes to earlier "
                    "instants, and it fires at this one only when that costs none of them",
                    name, every.count()));
                continue;
            }
            free = std::max(free, at) + every;
        }
    }
    return plan;
}

void add_quotes(CatchPlan& plan, std::map<std::string, Registrar*> accounts,
                std::map<std::string, AccountFacts>& facts, const Call& call,
                std::chrono::milliseconds clock_offset_limit) {
    for (auto& [name, r] : accounts) {
        AccountFacts f;
        // The limiter reads the clock itself: now is read after it.
        auto free = r->next_free(RequestClass::other);
        if (free <= r->clock().now()) {
            auto ping = r->ping(call);
            if (ping) {
                f.balance = ping->balance;
                f.round_trip_ms = ping->round_trip_ms;
            } else {
                f.problem = ping.error().message;
            }
        } else {
            f.problem = "its limits left no room for a ping";
        }
        f.clock_offset = r->clock_offset();
        if (f.clock_offset && f.clock_offset->beyond(clock_offset_limit)) {
            const ClockOffset& o = *f.clock_offset;
            bool ahead = o.low > clock_offset_limit;
            plan.warnings.push_back(fmt::format(
                "{}'s clock is {} to {} ms {} ours (its Date header), more than the {} ms limit: "
                "check this machine's time (chrony, timedatectl)",
                name, ahead ? o.low.count() : -o.high.count(),
                ahead ? o.high.count() : -o.low.count(), ahead ? "ahead of" : "behind",
                clock_offset_limit.count()));
        }
        facts[name] = f;
    }
    std::map<std::string, std::vector<std::size_t>> firsts;
    for (std::size_t i = 0; i < plan.targets.size(); ++i)
        if (!plan.targets[i].accounts.empty())
            firsts[plan.targets[i].accounts.front()].push_back(i);
    for (auto& [name, indexes] : firsts) {
        auto found = accounts.find(name);
        if (found == accounts.end()) continue;
        std::vector<std::string> names;
        for (auto i : indexes)
            names.push_back(plan.targets[i].target.domain);
        auto quotes = found->second->quote(names, 1, call);
        if (!quotes) {
            for (auto i : indexes)
                plan.targets[i].warnings.push_back(
                    fmt::format("{} could not quote: {}", name, quotes.error().message));
            continue;
        }
        for (std::size_t k = 0; k < indexes.size() && k < quotes->size(); ++k) {
            TargetPlan& p = plan.targets[indexes[k]];
            const Quote& q = (*quotes)[k];
            p.quote = q;
            const Money& ceiling = p.ceilings.at(name);
            if (q.price && q.price->currency == ceiling.currency && q.price->minor > ceiling.minor)
                p.warnings.push_back(
                    fmt::format("{} price {} is over the ceiling {}",
                                q.availability == Availability::premium ? "premium" : "the",
                                format_money(*q.price), format_money(ceiling)));
        }
    }
    // Each account's balance against what it may pay: a ceiling per target it fires at.
    std::map<std::string, std::int64_t> may_pay;
    for (const auto& p : plan.targets)
        for (const auto& name : p.accounts)
            may_pay[name] += p.ceilings.at(name).minor;
    for (const auto& [name, sum] : may_pay) {
        const auto& f = facts[name];
        if (!f.balance) continue;
        for (const auto& p : plan.targets)
            if (!p.accounts.empty() && p.ceilings.count(name)) {
                const Money& c = p.ceilings.at(name);
                if (c.currency == f.balance->currency && f.balance->minor < sum)
                    plan.warnings.push_back(fmt::format(
                        "{}'s balance {} is below the {} it may pay at its ceilings", name,
                        format_money(*f.balance), format_money(Money{sum, c.currency})));
                break;
            }
    }
}

} // namespace dropcat
