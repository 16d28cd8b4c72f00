#pragma once

#include "timing.hpp"

#include <deque>

namespace dropcat::sim {

// A rate limit of `limit` requests per `per`, counted over a sliding window of the requests it
// admitted: refused requests do not count, so a client that keeps knocking is not punished
// beyond the limit itself.
//
// Requests are counted at their arrival, the time the log records, so that the log shows the
// limit kept: no interval (t - per, t] holds more than `limit` admitted arrivals. Requests are
// not admitted in arrival order (one waits for the world lock, another for a delay fault), so
// a late one is fitted between those admitted before it, and the window remembers admitted
// arrivals for `late` beyond `per`: the longest a request may wait between arrival and admission.
class SlidingWindow {
  public:
    SlidingWindow(int limit, Duration per, Duration late)
        : m_limit(limit), m_per(per), m_late(late) {}

    // Admits a request that arrived at `arrival` unless that would put more than `limit`
    // admitted arrivals in some interval (t - per, t] that holds it.
    bool admit(Instant arrival);
    // Admitted arrivals in (at - per, at].
    int used(Instant at) const;
    // How long after `at` a slot frees in the window that ends at `at` (0 when one is free).
    Duration until_free(Instant at) const;

    int limit() const { return m_limit; }
    Duration per() const { return m_per; }

  private:
    void forget_old();

    int m_limit;
    Duration m_per;
    Duration m_late;
    std::deque<Instant> m_admitted; // sorted; equal arrivals are kept side by side
};

} // namespace dropcat::sim
