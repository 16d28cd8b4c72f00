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
};

// The --log file: JSON Lines, one line per request, each flushed as written so a test can read
// the file while the simulator runs. Requests are served on many threads; lines never mix.
class RequestLog {
  public:
    RequestLog() = default; // logs nothing
    ~RequestLog();
    RequestLog(const RequestLog&) = delete;
    RequestLog& operator=(const RequestLog&) = delete;

    // Creates or truncates `path`; "-" is stdout.
    Result<void> open(const std::string& path);
    void write(const Exchange& exchange);
    void close();

  private:
    std::mutex m_mutex;
    std::FILE* m_file = nullptr;
    bool m_owned = false;
};

} // namespace dropcat::sim
