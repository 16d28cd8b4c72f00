#include "server.hpp"

#include "apis.hpp"
#include "signal_stopper.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <memory>

namespace dropcat::sim {

namespace {

// Enough workers that idle keep-alive connections and delay faults, each of which holds one,
// never leave a request waiting in the queue of cpp-httplib's default pool of 8.
constexpr std::size_t k_workers = 64;

// The log's line for a request no route logged: "METHOD PATH" as far as cpp-httplib could
// read them, as for a path nothing serves.
Exchange unrouted(const httplib::Request& req, int status, const char* outcome) {
    const std::string& path = req.path.empty() ? req.target : req.path;
    std::string command = req.method.empty() || path.empty()
                              ? req.method + path
                              : fmt::format("{} {}", req.method, path);
    Exchange ex = start_exchange(req, "sim", command.empty() ? "?" : command);
    ex.status = status;
    ex.outcome = outcome;
    return ex;
}

void configure(httplib::Server& server, Context& ctx) {
    server.new_task_queue = [] { return new httplib::ThreadPool(k_workers); };
    // An idle connection keeps its worker until the timeout, and a stop waits for it.
    server.set_keep_alive_timeout(1);
    // Headers and body go out in separate writes; with Nagle's algorithm the body waits for
    // the client's delayed ACK: 27 ms a request on loopback, 0.2 ms without it.
    server.set_tcp_nodelay(true);
    // cpp-httplib sets SO_REUSEPORT by default, which lets a second simulator share a busy port
    // in silence; SO_REUSEADDR alone still allows a quick restart on the same port.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    // Every request is one log line. The routes log their own; these hooks log the rest.
    server.set_exception_handler(
        [&ctx](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
            std::string what = "unknown exception";
            try {
                std::rethrow_exception(thrown);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            res = httplib::Response();
            res.status = 500;
            res.set_content(fmt::format("dropcat-sim: internal error: {}\n", what), "text/plain");
            if (!RequestLog::logged_this_request()) ctx.log.write(unrouted(req, 500, "error"));
        });
    // Called for every answer of 400 or more, the routes' own included; those are logged
    // already. What is left is what cpp-httplib refused itself (a bad request line, an unknown
    // method, a URI too long), whose answer it keeps.
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [&ctx](const httplib::Request& req, httplib::Response& res) {
            if (!RequestLog::logged_this_request())
                ctx.log.write(unrouted(req, res.status, "bad-request"));
            return httplib::Server::HandlerResponse::Unhandled;
        }));
    // Called once the answer is written, whatever it was.
    server.set_logger(
        [](const httplib::Request&, const httplib::Response&) { RequestLog::end_request(); });

    add_dynadot(server, ctx);
    add_porkbun(server, ctx);
    add_namecheap(server, ctx);
    add_rdap(server, ctx);
    add_about(server, ctx);
}

} // namespace

Result<void> serve_scenario(Scenario scenario, const ListenAddress& address,
                            const std::string& log_path, const TlsFiles& tls) {
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up is no reason to die

    RequestLog log;
    if (!log_path.empty())
        if (auto opened = log.open(log_path); !opened) return opened;
    Faults faults(scenario.faults);
    World world(std::move(scenario));
    StopFlag stopping;
    Context ctx{world, faults, log, stopping, ""};

    std::unique_ptr<httplib::Server> serving;
    if (tls.enabled()) {
        auto secure = std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str());
        if (!secure->is_valid())
            return fail(ErrorKind::usage, fmt::format("cannot serve TLS with {} and {}: not a "
                                                      "certificate and its key",
                                                      tls.cert, tls.key));
        serving = std::move(secure);
    } else {
        serving = std::make_unique<httplib::Server>();
    }
    httplib::Server& server = *serving;
    configure(server, ctx);

    int port = address.port;
    if (port == 0)
        port = server.bind_to_any_port(address.host);
    else if (!server.bind_to_port(address.host, port))
        port = -1;
    if (port < 0)
        return fail(ErrorKind::unavailable,
                    fmt::format("cannot listen on {}:{} (is the port in use?)", url_host(address),
                                address.port));
    ctx.base_url =
        fmt::format("{}://{}:{}", tls.enabled() ? "https" : "http", url_host(address), port);

    SignalStopper stopper(server, stopping);
    fmt::print("{}\n", ctx.base_url);
    std::fflush(stdout);
    bool served = server.listen_after_bind();
    auto closed = log.close();
    if (!served) return fail(ErrorKind::unavailable, "the server stopped with an error");
    return closed;
}

} // namespace dropcat::sim
