#pragma once

#include "stop_flag.hpp"

#include <atomic>
#include <csignal>
#include <thread>

namespace httplib {
class Server;
}

namespace dropcat::sim {

// Stops `server` when SIGINT or SIGTERM arrives. The signals are blocked in every thread and
// taken by sigwait in a thread of its own, so the stop runs in an ordinary thread rather than
// in a signal handler, where almost nothing is safe to call.
//
// The first signal raises `stopping` (delays end at once) and stops the server, which then
// finishes the requests in progress. A second one ends the process at once, with status 130:
// it is for a person who will not wait, and it must not be swallowed by blocked signals.
class SignalStopper {
  public:
    // Construct it before any other thread exists, so that every thread inherits the mask.
    SignalStopper(httplib::Server& server, StopFlag& stopping);
    ~SignalStopper();

    SignalStopper(const SignalStopper&) = delete;
    SignalStopper& operator=(const SignalStopper&) = delete;

  private:
    void wait();

    httplib::Server& m_server;
    StopFlag& m_stopping;
    sigset_t m_signals{};
    std::atomic<bool> m_finished{false};
    std::thread m_thread;
};

} // namespace dropcat::sim
