#include "sliding_window.hpp"

namespace dropcat::sim {

void SlidingWindow::expire(Instant now) {
    while (!m_admitted.empty() && m_admitted.front() <= now - m_per)
        m_admitted.pop_front();
}

bool SlidingWindow::admit(Instant now) {
    expire(now);
    if (static_cast<int>(m_admitted.size()) >= m_limit) return false;
    m_admitted.push_back(now);
    return true;
}

int SlidingWindow::used(Instant now) {
    expire(now);
    return static_cast<int>(m_admitted.size());
}

Duration SlidingWindow::until_free(Instant now) {
    expire(now);
    if (m_admitted.empty()) return Duration{};
    return m_admitted.front() + m_per - now;
}

} // namespace dropcat::sim
