#include "server.hpp"

#include "apis.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <pthread.h>
#include <thread>

namespace dropcat::sim {

namespace {

// Stops `server` when SIGINT or SIGTERM arrives. The signals are blocked in every thread and
// taken by sigwait here, so the stop runs in an ordinary thread rather than in a signal
// handler, where almost nothing is safe to call.
class SignalStopper {
  public:
    explicit SignalStopper(httplib::Server& server) : m_server(server) {
        sigemptyset(&m_signals);
        sigaddset(&m_signals, SIGINT);
        sigaddset(&m_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
        m_thread = std::thread([this] { wait(); });
    }

    ~SignalStopper() {
        m_finished = true;
        pthread_kill(m_thread.native_handle(), SIGTERM); // wakes sigwait if no signal came
        m_thread.join();
    }

    SignalStopper(const SignalStopper&) = delete;
    SignalStopper& operator=(const SignalStopper&) = delete;

  private:
    void wait() {
        int signal = 0;
        sigwait(&m_signals, &signal);
        // stop() does nothing before the server runs, so a signal that comes between bind and
        // listen waits for it.
        while (!m_finished && !m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (!m_finished) m_server.stop();
    }

    httplib::Server& m_server;
    sigset_t m_signals{};
    std::atomic<bool> m_finished{false};
    std::thread m_thread;
};

} // namespace

Result<void> serve_scenario(Scenario scenario, const ListenAddress& address,
                            const std::string& log_path) {
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up is no reason to die

    RequestLog log;
    if (!log_path.empty())
        if (auto opened = log.open(log_path); !opened) return opened;
    Faults faults(scenario.faults);
    World world(std::move(scenario));
    Context ctx{world, faults, log, ""};

    httplib::Server server;
    // cpp-httplib sets SO_REUSEPORT by default, which lets a second simulator share a busy port
    // in silence; SO_REUSEADDR alone still allows a quick restart on the same port.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    add_dynadot(server, ctx);
    add_porkbun(server, ctx);
    add_namecheap(server, ctx);
    add_rdap(server, ctx);
    add_about(server, ctx);

    int port = address.port;
    if (port == 0)
        port = server.bind_to_any_port(address.host);
    else if (!server.bind_to_port(address.host, port))
        port = -1;
    if (port < 0)
        return fail(ErrorKind::unavailable,
                    fmt::format("cannot listen on {}:{} (is the port in use?)", url_host(address),
                                address.port));
    ctx.base_url = fmt::format("http://{}:{}", url_host(address), port);

    SignalStopper stopper(server);
    fmt::print("{}\n", ctx.base_url);
    std::fflush(stdout);
    bool served = server.listen_after_bind();
    log.close();
    if (!served) return fail(ErrorKind::unavailable, "the server stopped with an error");
    return {};
}

} // namespace dropcat::sim
