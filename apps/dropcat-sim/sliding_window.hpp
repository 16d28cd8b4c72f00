#pragma once

#include "timing.hpp"

#include <deque>

namespace dropcat::sim {

// A rate limit of `limit` requests per `per`, counted over a sliding window of the requests it
// admitted: refused requests do not count, so a client that keeps knocking is not punished
// beyond the limit itself.
class SlidingWindow {
  public:
    SlidingWindow(int limit, Duration per) : m_limit(limit), m_per(per) {}

    // Admits a request arriving at `now` unless `limit` were admitted in (now - per, now].
    bool admit(Instant now);
    // Requests admitted in the window that ends at `now`.
    int used(Instant now);
    // How long until the oldest admitted request leaves the window (0 when none is in it).
    Duration until_free(Instant now);

    int limit() const { return m_limit; }
    Duration per() const { return m_per; }

  private:
    void expire(Instant now);

    int m_limit;
    Duration m_per;
    std::deque<Instant> m_admitted;
};

} // namespace dropcat::sim
