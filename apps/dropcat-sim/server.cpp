#include "server.hpp"

#include "apis.hpp"
#include "signal_stopper.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

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

void configure_common(httplib::Server& server, Context& ctx) {
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
    // Every answer says the simulator's time (its clock_ahead added), as a registrar's does:
    // what dropcat catch measures a registrar's clock by.
    server.set_post_routing_handler([&ctx](const httplib::Request&, httplib::Response& res) {
        res.set_header("Date", format_http_date(now() + ctx.world.clock_ahead()));
    });
    // Called once the answer is written, whatever it was.
    server.set_logger(
        [](const httplib::Request&, const httplib::Response&) { RequestLog::end_request(); });
}

void configure(httplib::Server& server, Context& ctx) {
    configure_common(server, ctx);
    add_dynadot(server, ctx);
    add_porkbun(server, ctx);
    add_namecheap(server, ctx);
    add_rdap(server, ctx);
    add_about(server, ctx);
}

std::unique_ptr<httplib::Server> make_server(const TlsFiles& tls) {
    if (tls.enabled())
        return std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str());
    return std::make_unique<httplib::Server>();
}

// Binds `server` on `address` (port 0: any free one); the port, or -1.
int bind(httplib::Server& server, const ListenAddress& address) {
    if (address.port == 0) return server.bind_to_any_port(address.host);
    return server.bind_to_port(address.host, address.port) ? address.port : -1;
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
    Context ctx{world, faults, log, stopping, "", {}};

    std::unique_ptr<httplib::Server> serving = make_server(tls);
    if (!serving->is_valid())
        return fail(ErrorKind::usage, fmt::format("cannot serve TLS with {} and {}: not a "
                                                  "certificate and its key",
                                                  tls.cert, tls.key));
    httplib::Server& server = *serving;
    configure(server, ctx);
    const char* scheme = tls.enabled() ? "https" : "http";

    int port = bind(server, address);
    if (port < 0)
        return fail(ErrorKind::unavailable,
                    fmt::format("cannot listen on {}:{} (is the port in use?)", url_host(address),
                                address.port));
    ctx.base_url = fmt::format("{}://{}:{}", scheme, url_host(address), port);

    // [rdap] hosts: registry hosts of their own, on free ports of the same address.
    std::vector<std::unique_ptr<httplib::Server>> hosts;
    for (int i = 1; i <= world.rdap().hosts; ++i) {
        auto host = make_server(tls);
        configure_common(*host, ctx);
        add_rdap_host(*host, ctx, i);
        add_about(*host, ctx);
        int host_port = bind(*host, ListenAddress{address.host, 0});
        if (host_port < 0)
            return fail(ErrorKind::unavailable,
                        fmt::format("cannot listen on {} for RDAP host {}", url_host(address), i));
        ctx.rdap_hosts.push_back(fmt::format("{}://{}:{}", scheme, url_host(address), host_port));
        hosts.push_back(std::move(host));
    }

    SignalStopper stopper(server, stopping);
    // Started after the stopper blocked the signals, so that these threads leave them to it.
    std::vector<std::thread> host_threads;
    for (auto& host : hosts)
        host_threads.emplace_back([&h = *host] { h.listen_after_bind(); });
    fmt::print("{}\n", ctx.base_url);
    std::fflush(stdout);
    bool served = server.listen_after_bind();
    for (auto& host : hosts)
        host->stop();
    for (auto& t : host_threads)
        t.join();
    auto closed = log.close();
    if (!served) return fail(ErrorKind::unavailable, "the server stopped with an error");
    return closed;
}

} // namespace dropcat::sim
