#include "stop_flag.hpp"

namespace dropcat::sim {

void StopFlag::raise() {
    {
        std::lock_guard guard(m_mutex);
        m_raised = true;
    }
    m_raised_cv.notify_all();
}

bool StopFlag::sleep_for(Duration duration) {
    std::unique_lock lock(m_mutex);
    return !m_raised_cv.wait_for(lock, duration, [this] { return m_raised; });
}

} // namespace dropcat::sim
