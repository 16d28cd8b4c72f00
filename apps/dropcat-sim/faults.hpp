#pragma once

#include "scenario.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace httplib {
struct Response;
}

namespace dropcat::sim {

// The scenario's [[fault]] entries and how many requests each has hit so far.
class Faults {
  public:
    explicit Faults(std::vector<FaultSpec> specs);

    // The first fault that matches the request and has hits left; the hit is counted.
    // A fault with a domain matches a request that names that domain among others.
    std::optional<FaultSpec> take(const std::string& api, const std::string& command,
                                  const std::vector<std::string>& domains);

  private:
    std::mutex m_mutex;
    std::vector<FaultSpec> m_specs;
    std::vector<int> m_hits;
};

// Makes `res` an answer that never completes: the server announces a body, sends none of it
// and closes the connection, so the client sees a transport error (curl: "transfer closed
// with N bytes remaining"). cpp-httplib writes the status line and headers before the body,
// so those may arrive; the answer itself never does.
void cut_connection(httplib::Response& res);

// Cuts the body in half so it no longer parses as JSON or XML; the status stays 200.
void truncate_body(httplib::Response& res);

} // namespace dropcat::sim
