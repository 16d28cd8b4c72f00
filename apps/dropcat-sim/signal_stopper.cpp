#include "signal_stopper.hpp"

#include "dropcat/error.hpp"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>

namespace dropcat::sim {

SignalStopper::SignalStopper(httplib::Server& server, StopFlag& stopping)
    : m_server(server), m_stopping(stopping) {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGINT);
    sigaddset(&m_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
    m_thread = std::thread([this] { wait(); });
}

SignalStopper::~SignalStopper() {
    m_finished = true;
    pthread_kill(m_thread.native_handle(), SIGTERM); // wakes sigwait if no signal came
    m_thread.join();
}

void SignalStopper::wait() {
    int signal = 0;
    sigwait(&m_signals, &signal);
    if (m_finished) return;
    // Raised first, so that no delay fault begins a wait the stop would have to sit out.
    m_stopping.raise();
    // stop() does nothing before the server runs, so a signal that comes between bind and
    // listen waits for it.
    while (!m_finished && !m_server.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (m_finished) return;
    m_server.stop();
    sigwait(&m_signals, &signal);
    if (m_finished) return;
    // Log lines are flushed one by one, so only the requests still in progress go unlogged.
    std::fputs("dropcat-sim: error: stopped by a second signal before the requests in "
               "progress finished\n",
               stderr);
    std::_Exit(exit_code(ErrorKind::interrupted));
}

} // namespace dropcat::sim
