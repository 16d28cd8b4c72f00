#pragma once

#include "dropcat/error.hpp"

#include <string>
#include <string_view>

namespace dropcat::sim {

struct ListenAddress {
    std::string host; // as given to bind: "127.0.0.1", "::1"
    int port = 0;     // 0: any free port
};

// "127.0.0.1:8080", "[::1]:0", "localhost:0". Only loopback is accepted: the simulator takes
// any key it is told to and must never be mistaken for a service on the network.
Result<ListenAddress> parse_listen_address(std::string_view text);

// The address as a URL host: "127.0.0.1", "[::1]".
std::string url_host(const ListenAddress& address);

} // namespace dropcat::sim
