#include "sliding_window.hpp"

#include <algorithm>

namespace dropcat::sim {

// Only arrivals a late request could still share an interval with are kept: those after the
// newest arrival minus `late` (how far behind a request may arrive) minus `per`.
void SlidingWindow::forget_old() {
    if (m_admitted.empty()) return;
    Instant horizon = m_admitted.back() - m_late - m_per;
    while (!m_admitted.empty() && m_admitted.front() <= horizon)
        m_admitted.pop_front();
}

int SlidingWindow::used(Instant at) const {
    auto first = std::upper_bound(m_admitted.begin(), m_admitted.end(), at - m_per);
    auto last = std::upper_bound(m_admitted.begin(), m_admitted.end(), at);
    return static_cast<int>(last - first);
}

bool SlidingWindow::admit(Instant arrival) {
    if (used(arrival) >= m_limit) return false;
    // Arrivals admitted earlier but later in time: each window that ends at one of them and
    // reaches back over `arrival` gains this request too.
    auto later = std::upper_bound(m_admitted.begin(), m_admitted.end(), arrival);
    for (auto it = later; it != m_admitted.end() && *it - m_per < arrival; ++it)
        if (used(*it) >= m_limit) return false;
    m_admitted.insert(later, arrival);
    forget_old();
    return true;
}

Duration SlidingWindow::until_free(Instant at) const {
    int in_window = used(at);
    if (in_window < m_limit) return Duration{};
    // The window holds `in_window` arrivals; a slot frees when the one that leaves first
    // takes the count below the limit.
    auto first = std::upper_bound(m_admitted.begin(), m_admitted.end(), at - m_per);
    Instant leaving = *(first + (in_window - m_limit));
    return leaving + m_per - at;
}

} // namespace dropcat::sim
