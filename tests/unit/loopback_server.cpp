#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace dropcat::test {

namespace {

// Waits up to two seconds for `fd` to be readable.
bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 2000) > 0;
}

// Reads one request head (up to the empty line), and a body of Content-Length bytes.
bool read_request(int fd) {
    std::string data;
    char buffer[4096];
    for (;;) {
        auto head = data.find("\r\n\r\n");
        if (head != std::string::npos) {
            std::size_t length = 0;
            auto at = data.find("Content-Length: ");
            if (at != std::string::npos && at < head) length = std::stoul(data.substr(at + 16));
            if (data.size() >= head + 4 + length) return true;
        }
        if (!readable(fd)) return false;
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) return false;
        data.append(buffer, static_cast<std::size_t>(n));
    }
}

} // namespace

LoopbackServer::LoopbackServer(std::vector<Connection> script, std::string answer)
    : m_script(std::move(script)), m_answer(std::move(answer)) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(m_listen, 8);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    m_thread.join();
    for (auto& t : m_handlers)
        t.join();
    ::close(m_listen);
}

std::string LoopbackServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

bool LoopbackServer::wait_for_connections(int n) const {
    for (int i = 0; i < 200 && m_done.load() < n; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return m_done.load() >= n;
}

void LoopbackServer::serve() {
    for (std::size_t k = 0; !m_stop; ++k) {
        if (!readable(m_listen)) continue;
        int fd = ::accept(m_listen, nullptr, nullptr);
        if (fd < 0) return;
        ++m_connections;
        Connection replies = k < m_script.size() ? m_script[k] : Connection{Reply::answer};
        m_handlers.emplace_back([this, fd, replies] { handle(fd, replies); });
    }
}

void LoopbackServer::handle(int fd, Connection replies) {
    for (Reply reply : replies) {
        if (m_stop || !read_request(fd)) break;
        ++m_requests;
        if (reply == Reply::hang_up) break;
        if (::write(fd, m_answer.data(), m_answer.size()) < 0) break;
    }
    ::close(fd);
    ++m_done;
}

} // namespace dropcat::test
