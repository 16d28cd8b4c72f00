#pragma once

#include "faults.hpp"
#include "request_log.hpp"
#include "stop_flag.hpp"
#include "world.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace dropcat::sim {

// What every API handler shares.
struct Context {
    World& world;
    Faults& faults;
    RequestLog& log;
    StopFlag& stopping;
    std::string base_url; // "http://127.0.0.1:PORT", known once the socket is bound
    // RDAP: the base URLs of the extra registry hosts ([rdap] hosts), known before any request.
    std::vector<std::string> rdap_hosts;
};

// Serves one request whose api, command and names `exchange` already holds: applies the fault
// it hits (WIRE.md, "Faults"), runs `execute` unless the fault forbids it, and logs the request.
// `execute` fills `res` and exchange.outcome; the logged status is the one `res` ends with.
// A delay that the simulator's stop cuts short executes nothing and closes the connection, so
// nothing changes in a world that is going away.
void serve(Context& ctx, Exchange& exchange, httplib::Response& res,
           const std::function<void()>& execute);

// A request's log line so far: its arrival, api, command and the client's port.
Exchange start_exchange(const httplib::Request& req, std::string_view api,
                        std::string_view command);

using Json = nlohmann::ordered_json;
void reply_json(httplib::Response& res, int status, const Json& body,
                const char* content_type = "application/json");

std::string ascii_lower(std::string_view text);

} // namespace dropcat::sim
