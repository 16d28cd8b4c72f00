#include "dropcat/rate_limit.hpp"

#include <algorithm>

namespace dropcat {

RateLimiter::RateLimiter(Rules rules, const Clock& clock)
    : m_clock(clock), m_max_in_flight(std::max(1, rules.max_in_flight)), m_margin(rules.margin),
      m_journal(std::move(rules.journal)) {
    auto fill = [](std::vector<Window>& out, const std::vector<RateRule>& in) {
        for (const auto& r : in)
            if (r.count > 0) out.push_back(Window{r, {}});
    };
    fill(m_checks, rules.checks);
    fill(m_creates, rules.creates);
    fill(m_all, rules.all);
}

RateLimiter::Permit::~Permit() {
    if (m_owner != nullptr) m_owner->release(m_kind);
}

namespace {
// An in-flight request's place in a window: it may arrive as late as its completion.
constexpr auto k_in_flight = RateLimiter::k_when_one_completes;
} // namespace

std::vector<RateLimiter::Window>& RateLimiter::windows(RequestClass kind) {
    switch (kind) {
    case RequestClass::check:
        return m_checks;
    case RequestClass::create:
        return m_creates;
    default:
        return m_all; // `other` requests count only against the rules over all requests
    }
}

RateLimiter::time_point RateLimiter::earliest(RequestClass kind, time_point now) {
    time_point at = now;
    // A server's hold on checks or on creates holds that class only; a hold on every class
    // (`other`) holds the rest too.
    switch (kind) {
    case RequestClass::check:
        at = std::max(at, m_hold_check);
        break;
    case RequestClass::create:
        at = std::max(at, m_hold_create);
        break;
    case RequestClass::other:
        at = std::max(at, m_hold_other);
        break;
    }
    auto consider = [&](std::vector<Window>& list) {
        for (auto& w : list) {
            auto span = w.rule.window + m_margin;
            while (!w.sent.empty() && w.sent.front() != k_in_flight && w.sent.front() + span <= now)
                w.sent.pop_front();
            auto n = static_cast<std::size_t>(w.rule.count);
            if (w.sent.size() >= n) {
                auto blocking = w.sent[w.sent.size() - n];
                at = std::max(at, blocking == k_in_flight ? k_in_flight : blocking + span);
            }
        }
    };
    if (kind != RequestClass::other) consider(windows(kind));
    consider(m_all);
    return at;
}

void RateLimiter::journal(LimiterEvent::Type type, RequestClass kind, time_point at) const {
    if (m_journal) m_journal(LimiterEvent{type, kind, at});
}

void RateLimiter::record(RequestClass kind) {
    if (kind != RequestClass::other)
        for (auto& w : windows(kind))
            w.sent.push_back(k_in_flight);
    for (auto& w : m_all)
        w.sent.push_back(k_in_flight);
    ++m_in_flight;
    journal(LimiterEvent::Type::granted, kind, m_clock.now());
}

std::variant<RateLimiter::Permit, RateLimiter::time_point>
RateLimiter::try_acquire(RequestClass kind) {
    std::lock_guard lock(m_mutex);
    auto now = m_clock.now();
    auto at = earliest(kind, now);
    if (at <= now && m_in_flight < m_max_in_flight) {
        record(kind);
        return Permit(this, kind);
    }
    return at > now ? at : k_in_flight; // at <= now: only the in-flight cap stops it
}

RateLimiter::time_point RateLimiter::next_free(RequestClass kind) {
    std::lock_guard lock(m_mutex);
    auto now = m_clock.now();
    auto at = earliest(kind, now);
    if (at <= now && m_in_flight >= m_max_in_flight) return k_in_flight;
    return at;
}

void RateLimiter::set_hold(RequestClass kind, time_point until) {
    if (kind != RequestClass::create) m_hold_check = std::max(m_hold_check, until);
    if (kind != RequestClass::check) m_hold_create = std::max(m_hold_create, until);
    if (kind == RequestClass::other) m_hold_other = std::max(m_hold_other, until);
}

void RateLimiter::hold(RequestClass kind, time_point until) {
    std::lock_guard lock(m_mutex);
    set_hold(kind, until);
    journal(LimiterEvent::Type::held, kind, until);
}

void RateLimiter::restore(std::span<const LimiterEvent> history) {
    std::lock_guard lock(m_mutex);
    {
        auto add = [](std::vector<Window>& list, Clock::time_point at) {
            for (auto& w : list) {
                // In-flight entries sort last (time_point::max), so this keeps windows sorted.
                w.sent.insert(std::upper_bound(w.sent.begin(), w.sent.end(), at), at);
            }
        };
        for (const auto& e : history) {
            if (e.type == LimiterEvent::Type::held) {
                set_hold(e.kind, e.at);
            } else if (e.type == LimiterEvent::Type::completed) {
                if (e.kind != RequestClass::other) add(windows(e.kind), e.at);
                add(m_all, e.at);
            }
        }
    }
}

void RateLimiter::hold_all(time_point until) {
    hold(RequestClass::other, until);
}

void RateLimiter::release(RequestClass kind) {
    {
        std::lock_guard lock(m_mutex);
        auto now = m_clock.now();
        // One of the in-flight entries becomes this completion; windows stay sorted.
        auto complete = [now](std::vector<Window>& list) {
            for (auto& w : list) {
                auto it = std::find(w.sent.begin(), w.sent.end(), k_in_flight);
                if (it == w.sent.end()) continue;
                w.sent.erase(it);
                w.sent.insert(std::upper_bound(w.sent.begin(), w.sent.end(), now), now);
            }
        };
        if (kind != RequestClass::other) complete(windows(kind));
        complete(m_all);
        --m_in_flight;
        journal(LimiterEvent::Type::completed, kind, now);
    }
}

} // namespace dropcat
