#include "dropcat/rate_limit.hpp"

#include <algorithm>

namespace dropcat {

RateLimiter::RateLimiter(Rules rules)
    : m_max_in_flight(std::max(1, rules.max_in_flight)), m_margin(rules.margin) {
    auto fill = [](std::vector<Window>& out, const std::vector<RateRule>& in) {
        for (const auto& r : in)
            if (r.count > 0) out.push_back(Window{r, {}});
    };
    fill(m_checks, rules.checks);
    fill(m_creates, rules.creates);
    fill(m_all, rules.all);
}

RateLimiter::Permit::~Permit() {
    if (m_owner != nullptr) m_owner->release();
}

std::vector<RateLimiter::Window>& RateLimiter::windows(RequestClass kind) {
    switch (kind) {
    case RequestClass::check: return m_checks;
    case RequestClass::create: return m_creates;
    default: return m_all; // `other` requests count only against the rules over all requests
    }
}

RateLimiter::Clock::time_point RateLimiter::earliest(RequestClass kind, Clock::time_point now) {
    Clock::time_point at = now;
    if (kind != RequestClass::create) at = std::max(at, m_hold_check);
    if (kind != RequestClass::check) at = std::max(at, m_hold_create);
    auto consider = [&](std::vector<Window>& list) {
        for (auto& w : list) {
            auto span = w.rule.window + m_margin;
            while (!w.sent.empty() && w.sent.front() + span <= now) w.sent.pop_front();
            auto n = static_cast<std::size_t>(w.rule.count);
            if (w.sent.size() >= n) at = std::max(at, w.sent[w.sent.size() - n] + span);
        }
    };
    if (kind != RequestClass::other) consider(windows(kind));
    consider(m_all);
    return at;
}

std::optional<RateLimiter::Permit> RateLimiter::acquire(RequestClass kind,
                                                        Clock::time_point deadline,
                                                        const std::function<bool()>& cancelled) {
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (cancelled && cancelled()) return std::nullopt;
        auto now = Clock::now();
        auto at = earliest(kind, now);
        if (at <= now && m_in_flight < m_max_in_flight) {
            if (kind != RequestClass::other)
                for (auto& w : windows(kind)) w.sent.push_back(now);
            for (auto& w : m_all) w.sent.push_back(now);
            ++m_in_flight;
            return Permit(this);
        }
        if (at > deadline) return std::nullopt;
        // Wake at the free time, on a released slot, or every 100 ms to see cancellation.
        auto wake = std::min({at > now ? at : now + std::chrono::milliseconds(100), deadline,
                              now + std::chrono::milliseconds(100)});
        if (wake <= now) wake = now + std::chrono::milliseconds(1);
        m_changed.wait_until(lock, wake);
        if (Clock::now() >= deadline && earliest(kind, Clock::now()) > Clock::now())
            return std::nullopt;
    }
}

void RateLimiter::hold(RequestClass kind, Clock::time_point until) {
    std::lock_guard lock(m_mutex);
    if (kind != RequestClass::create) m_hold_check = std::max(m_hold_check, until);
    if (kind != RequestClass::check) m_hold_create = std::max(m_hold_create, until);
}

void RateLimiter::hold_all(Clock::time_point until) { hold(RequestClass::other, until); }

RateLimiter::Clock::time_point RateLimiter::next_free(RequestClass kind) {
    std::lock_guard lock(m_mutex);
    return earliest(kind, Clock::now());
}

void RateLimiter::release() {
    {
        std::lock_guard lock(m_mutex);
        --m_in_flight;
    }
    m_changed.notify_all();
}

} // namespace dropcat
