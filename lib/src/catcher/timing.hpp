#pragma once

// Internal to catcher: what "on time" means for a create at a known instant, shared by the
// plan (which account can be on time for which instant) and the engine (which create goes).

#include "dropcat/rate_limit.hpp"

#include <chrono>

namespace dropcat::catcher {

// Aim a create this long after the instant: one that arrives a moment early is refused.
inline constexpr std::chrono::microseconds k_arrive_after{1000};

// A first create sent more than this after its instant is late. Catchers who win at a known
// instant arrive within milliseconds of it, so a late create rarely wins; it gets only the
// budget that no on-time create needs.
inline constexpr std::chrono::milliseconds k_on_time{20};

// How long one create holds an account's create budget at `per_second`: the rule's interval
// widened by the limiter's margin (the limiter counts a create from its answer, a few
// milliseconds more).
inline std::chrono::nanoseconds create_gap(double per_second) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / per_second)) + k_limiter_margin;
}

} // namespace dropcat::catcher
