#include "dropcat/clock.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>

namespace dropcat {

namespace {

class SystemClock final : public Clock {
  public:
    time_point now() const override { return Steady::now(); }
    Wall::time_point wall_now() const override { return Wall::now(); }
    bool sleep_until(time_point until, std::stop_token stop) const override {
        // Woken at once by a stop request, through a callback on the token.
        std::mutex mutex;
        std::condition_variable_any woken;
        std::unique_lock lock(mutex);
        return !woken.wait_until(lock, stop, until, [] { return false; }) && !stop.stop_requested();
    }
};

} // namespace

const Clock& real_clock() {
    static const SystemClock* clock = new SystemClock();
    return *clock;
}

VirtualClock::VirtualClock(Wall::time_point wall)
    : m_start(Steady::time_point(std::chrono::hours(24))), m_wall_start(wall) {}

Clock::time_point VirtualClock::now() const {
    std::lock_guard lock(m_mutex);
    return m_start + m_elapsed;
}

Clock::Wall::time_point VirtualClock::wall_now() const {
    std::lock_guard lock(m_mutex);
    return m_wall_start + std::chrono::duration_cast<Wall::duration>(m_elapsed);
}

bool VirtualClock::sleep_until(time_point until, std::stop_token stop) const {
    if (stop.stop_requested()) return false;
    std::lock_guard lock(m_mutex);
    m_elapsed = std::max(m_elapsed, until - m_start);
    return true;
}

void VirtualClock::advance(std::chrono::milliseconds by) {
    std::lock_guard lock(m_mutex);
    m_elapsed += by;
}

} // namespace dropcat
