#include "exchange.hpp"

#include <httplib.h>

#include <fmt/format.h>

namespace dropcat::sim {

Exchange start_exchange(const httplib::Request& req, std::string_view api,
                        std::string_view command) {
    Exchange exchange;
    exchange.arrived = now();
    exchange.peer_port = req.remote_port;
    exchange.api = api;
    exchange.command = command;
    return exchange;
}

void serve(Context& ctx, Exchange& exchange, httplib::Response& res,
           const std::function<void()>& execute) {
    res.status = 200;
    auto fault = ctx.faults.take(exchange.api, exchange.command, exchange.domains);
    if (!fault) {
        execute();
        exchange.status = res.status;
        ctx.log.write(exchange);
        return;
    }
    switch (fault->kind) {
    case FaultKind::delay:
        if (!ctx.stopping.sleep_for(fault->delay)) {
            cut_connection(res);
            exchange.status = 0;
            exchange.outcome = "interrupted";
            break;
        }
        execute();
        exchange.status = res.status;
        break;
    case FaultKind::status:
        res.status = fault->status;
        if (fault->retry_after)
            res.set_header(
                "Retry-After",
                std::to_string(
                    std::chrono::duration_cast<std::chrono::seconds>(*fault->retry_after).count()));
        res.set_content(fmt::format("dropcat-sim: simulated fault: HTTP {}\n", fault->status),
                        "text/plain");
        exchange.status = res.status;
        break;
    case FaultKind::reset:
        cut_connection(res);
        exchange.status = 0;
        break;
    case FaultKind::malformed:
        // The request runs; only its answer is broken, as when a proxy cuts a body short.
        execute();
        truncate_body(res);
        exchange.status = res.status;
        break;
    case FaultKind::lost_response:
        execute();
        cut_connection(res);
        exchange.status = 0;
        break;
    case FaultKind::reprice: {
        auto guard = ctx.world.lock();
        ctx.world.reprice(fault->domain, *fault->price);
    }
        execute();
        exchange.status = res.status;
        break;
    case FaultKind::competitor: {
        auto guard = ctx.world.lock();
        ctx.world.outrun(fault->domain, now());
    }
        execute();
        exchange.status = res.status;
        break;
    }
    exchange.fault = fault_kind_name(fault->kind);
    // A delayed, repriced or outrun answer is still the real answer, so the log keeps its real
    // outcome (or "interrupted"); every other fault changes what the client sees, and the
    // outcome says which fault it was.
    if (fault->kind != FaultKind::delay && fault->kind != FaultKind::reprice &&
        fault->kind != FaultKind::competitor)
        exchange.outcome = fmt::format("fault-{}", fault_kind_name(fault->kind));
    ctx.log.write(exchange);
}

void reply_json(httplib::Response& res, int status, const Json& body, const char* content_type) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    content_type);
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace dropcat::sim
