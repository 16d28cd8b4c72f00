#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace dropcat::test {

// A tiny HTTP/1.1 server on 127.0.0.1 for transport tests, scripted per connection: for each
// connection it accepts, in order, what to do with each request on it. It counts the requests
// it read. Every wait in it is bounded (each accept and read gives up after two seconds).
class LoopbackServer {
  public:
    enum class Reply {
        answer,  // 200 "ok", and the connection stays open
        hang_up, // close without answering
    };
    // One connection's replies, request by request; none: closed at once, before any request
    // (an idle connection the server dropped). After the last one the connection is closed.
    using Connection = std::vector<Reply>;
    // `answer`: the bytes of each answer (by default 200 with the body "ok").
    explicit LoopbackServer(std::vector<Connection> script,
                            std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    std::string url(const std::string& path = "/") const;
    int requests() const { return m_requests.load(); }
    int connections() const { return m_connections.load(); }
    // Waits (up to two seconds) until `n` connections have been dealt with as scripted.
    bool wait_for_connections(int n) const;

  private:
    void serve();
    void handle(int fd, Connection replies);

    int m_listen = -1;
    int m_port = 0;
    std::vector<Connection> m_script;
    std::string m_answer;
    std::vector<std::thread> m_handlers;
    std::atomic<int> m_requests{0};
    std::atomic<int> m_connections{0};
    std::atomic<int> m_done{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace dropcat::test
