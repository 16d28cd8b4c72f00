#pragma once

#include "dropcat/export.hpp"
#include <chrono>
#include <mutex>
#include <stop_token>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// Time as the library sees it: a monotonic clock for deadlines, windows and waits, and the
// wall clock for what is written down. Everything that reads or waits on time takes a Clock,
// so that tests run on a VirtualClock instead of sleeping. The library itself never waits on
// a caller's behalf; the waits here are for the caller's own loops (and an account's lock).
class Clock {
  public:
    using Steady = std::chrono::steady_clock;
    using Wall = std::chrono::system_clock;
    using time_point = Steady::time_point;

    virtual ~Clock() = default;
    virtual time_point now() const = 0;
    virtual Wall::time_point wall_now() const = 0;
    // Waits until `until` or until `stop` is requested, whichever comes first; false when
    // stopped. A VirtualClock does not wait: it moves its time to `until`.
    virtual bool sleep_until(time_point until, std::stop_token stop = {}) const = 0;
};

// The machine's clocks. Shared, stateless, never destroyed.
const Clock& real_clock();

// A clock that moves only when told to (advance) or when someone sleeps on it. Safe to share
// between threads. Starts at an arbitrary steady time and at `wall` (by default
// 2026-01-01T00:00:00Z) on the wall clock; both move together.
class VirtualClock final : public Clock {
  public:
    explicit VirtualClock(
        Wall::time_point wall = Wall::time_point(std::chrono::seconds(1767225600)));
    time_point now() const override;
    Wall::time_point wall_now() const override;
    bool sleep_until(time_point until, std::stop_token stop = {}) const override;
    void advance(std::chrono::milliseconds by);

  private:
    mutable std::mutex m_mutex;
    mutable Steady::duration m_elapsed{};
    time_point m_start;
    Wall::time_point m_wall_start;
};

} // namespace dropcat

DROPCAT_PUBLIC_END
