#include "listen_address.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <charconv>

namespace dropcat::sim {

Result<ListenAddress> parse_listen_address(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return fail(ErrorKind::usage, fmt::format("--listen {}: {}", text, why));
    };
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("expected ADDR:PORT, such as 127.0.0.1:0");
    std::string_view host = text.substr(0, colon);
    std::string_view port_text = text.substr(colon + 1);
    ListenAddress address;
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), address.port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        address.port < 0 || address.port > 65535)
        return bad("the port must be a number from 0 to 65535");
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    address.host = host;

    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, address.host.c_str(), &v4) == 1) {
        if ((ntohl(v4.s_addr) >> 24) != 127)
            return bad("only loopback addresses (127.0.0.0/8, ::1) are served");
    } else if (inet_pton(AF_INET6, address.host.c_str(), &v6) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&v6))
            return bad("only loopback addresses (127.0.0.0/8, ::1) are served");
        address.host = "::1";
    } else {
        return bad("not an IP address; use 127.0.0.1 or ::1");
    }
    return address;
}

std::string url_host(const ListenAddress& address) {
    if (address.host.find(':') != std::string::npos) return fmt::format("[{}]", address.host);
    return address.host;
}

} // namespace dropcat::sim
