#pragma once

#include "timing.hpp"

#include <condition_variable>
#include <mutex>

namespace dropcat::sim {

// Raised once, when the simulator begins to stop. A request that waits on purpose (a delay
// fault) waits on this flag, so that stopping never waits for the rest of its delay: the
// server's pool joins every worker before the program can exit.
class StopFlag {
  public:
    void raise();
    // Waits for `duration` unless the flag is raised first; true when the whole wait passed.
    bool sleep_for(Duration duration);

  private:
    std::mutex m_mutex;
    std::condition_variable m_raised_cv;
    bool m_raised = false;
};

} // namespace dropcat::sim
