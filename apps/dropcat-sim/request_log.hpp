#pragma once

#include "dropcat/error.hpp"
#include "timing.hpp"

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace dropcat::sim {

// One request as the log records it (WIRE.md, "Log").
struct Exchange {
    Instant arrived;
    std::string api;
    std::string command;       // check, create, ping, lookup, bootstrap, or what was asked
    std::string account = "?"; // the account's name, never its key
    std::vector<std::string> domains;
    int status = 0; // 0: no complete answer was sent
    std::string outcome;
    std::string fault; // the [[fault]] kind that hit the request, if one did
    int peer_port = 0; // the client's TCP port: requests on one connection share it
    std::string host;  // RDAP: the registry host that answered ("main", "1", "2", ...)
};

// The --log file: JSON Lines, one line per request, each flushed as written so a test can read
// the file while the simulator runs. Requests are served on many threads; lines never mix.
// A line that cannot be written does not stop the simulator; close() reports it.
class RequestLog {
  public:
    RequestLog() = default; // logs nothing
    ~RequestLog();
    RequestLog(const RequestLog&) = delete;
    RequestLog& operator=(const RequestLog&) = delete;

    // Creates or truncates `path`; "-" is stdout.
    Result<void> open(const std::string& path);
    void write(const Exchange& exchange);
    // Fails (ErrorKind::failed) when a line could not be written or the file not closed.
    Result<void> close();

    // Whether the request this thread is serving has been logged. cpp-httplib serves each
    // request on one thread from routing to the last byte, so a thread-local mark tells the
    // server's last-resort hooks (server.cpp) which requests no route logged.
    static bool logged_this_request();
    // Ends the request this thread is serving; the next one starts unlogged.
    static void end_request();

  private:
    void remember_failure(int error); // with m_mutex held

    std::mutex m_mutex;
    std::FILE* m_file = nullptr;
    bool m_owned = false;
    std::string m_path;
    std::string m_failure; // the first write error, "" while none
};

} // namespace dropcat::sim
