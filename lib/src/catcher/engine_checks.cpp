#include "catcher/engine.hpp"

namespace dropcat::catcher {

void Engine::check(Account& a, std::vector<std::pair<Live*, Side*>>& due) {
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
                s->next_check = t->refused_after_instant ? room + std::chrono::milliseconds(1)
                                                         : next_tick(a, room);
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
        s->next_check = next_check_after(a, *t, after);
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
        if (q.availability == Availability::available || q.availability == Availability::premium) {
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

Steady Engine::next_check_after(const Account& a, const Live& t, Steady after) const {
    return next_tick(a, after + every(a, t, after) - a.check_every);
}

nanoseconds Engine::every(const Account& a, const Live& t, Steady now) const {
    // A known instant checked first (no price to send blind): as dense as the account's
    // check budget allows, for the names it checks at once.
    if (t.plan->known_instant()) return a.check_every;
    // Hot: as dense as the budget allows for the window names still open on this account
    // (the plan's cadence was for all of them; names caught or lost free their share).
    std::int64_t batch = std::max(1, a.limits.batch);
    std::int64_t rounds = std::max<std::int64_t>(1, (a.open_windows + batch - 1) / batch);
    nanoseconds hot = a.check_every * rounds;
    Instant wall = std::chrono::time_point_cast<milliseconds>(m_wall0) +
                   duration_cast<milliseconds>(now - m_steady0);
    for (const auto& c : t.plan->cadence) {
        if (wall < c.from || wall >= c.to) continue;
        switch (c.phase) {
        case CatchPhase::hot:
            return hot;
        case CatchPhase::warm:
            return std::max(hot, duration_cast<nanoseconds>(m_config.catching.warm_interval));
        default:
            return std::max(hot, duration_cast<nanoseconds>(m_config.catching.post_interval));
        }
    }
    return std::max(hot, duration_cast<nanoseconds>(m_config.catching.post_interval));
}

} // namespace dropcat::catcher
