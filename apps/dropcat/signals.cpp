#include "signals.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace dropcat::cli {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) {
    g_interrupted = 1;
}
} // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
    return g_interrupted != 0;
}

std::stop_token interrupt_token() {
    // A signal handler may only set a flag; this thread turns it into a stop request. It ends
    // with the program (the jthread asks it to stop and joins).
    static std::stop_source source;
    static std::jthread watcher([](std::stop_token own) {
        while (!own.stop_requested()) {
            if (interrupted()) {
                source.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    return source.get_token();
}

} // namespace dropcat::cli
