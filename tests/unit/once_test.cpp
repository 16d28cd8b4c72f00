#include "http/once.hpp"
#include "loopback_server.hpp"

#include <dropcat/http.hpp>

#include <catch2/catch.hpp>

#include <thread>

using namespace dropcat;
using test::LoopbackServer;
using Reply = LoopbackServer::Reply;

namespace {

HttpOptions quick() {
    HttpOptions options;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.total_timeout = std::chrono::milliseconds(3000);
    return options;
}

} // namespace

// Why creates do not go through libcurl's request path: on a reused connection the server
// closes after reading the request, libcurl sends it again by itself. If this ever stops
// holding, the reason for OnceConnection is gone, and this test says so.
TEST_CASE("http: libcurl resends a request when a reused connection dies unanswered") {
    LoopbackServer server({{Reply::answer, Reply::hang_up}, {Reply::answer}});
    Redactor redactor;
    HttpClient client(quick(), redactor, {});
    auto first = client.perform(HttpRequest{"GET", server.url("/warm"), {}, {}});
    REQUIRE(first);
    auto second = client.perform(HttpRequest{"GET", server.url("/create"), {}, {}});
    CHECK(second); // answered, by the resend on a new connection
    CHECK(server.requests() == 3);
    CHECK(server.connections() == 2);
}

TEST_CASE("http: a create on a warm connection the server cuts is sent once, maybe sent") {
    LoopbackServer server({{Reply::hang_up}});
    Redactor redactor;
    std::vector<HttpLogEntry> log;
    http::OnceConnection conn(quick(), redactor, [&](const HttpLogEntry& e) { log.push_back(e); });
    REQUIRE(conn.warm(server.url(), {}));
    CHECK(conn.open());
    auto r = conn.send_once(HttpRequest{"POST", server.url("/create"), {}, "{}"}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().stage == TransportStage::maybe_sent);
    REQUIRE(server.wait_for_connections(1));
    // Nothing came after: one request, on one connection, never a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(server.requests() == 1);
    CHECK(server.connections() == 1);
    REQUIRE(log.size() == 1);
    CHECK(log[0].reused);
    CHECK(log[0].status == 0);
    CHECK_FALSE(conn.open());
}

TEST_CASE("http: a warm connection the server dropped while idle is replaced before sending") {
    LoopbackServer server({{}, {Reply::answer}});
    Redactor redactor;
    std::vector<HttpLogEntry> log;
    http::OnceConnection conn(quick(), redactor, [&](const HttpLogEntry& e) { log.push_back(e); });
    REQUIRE(conn.warm(server.url(), {}));
    REQUIRE(server.wait_for_connections(1)); // the server has closed it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto r = conn.send_once(HttpRequest{"GET", server.url("/create?x=1"), {}, {}}, {});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "ok");
    CHECK(server.requests() == 1);
    CHECK(server.connections() == 2);
    REQUIRE(log.size() == 1);
    CHECK_FALSE(log[0].reused); // a new connection, on which the request went once
}

TEST_CASE("http: a warm connection carries the next request without connecting again") {
    LoopbackServer server({{Reply::answer, Reply::answer}});
    Redactor redactor;
    std::vector<HttpLogEntry> log;
    http::OnceConnection conn(quick(), redactor, [&](const HttpLogEntry& e) { log.push_back(e); });
    REQUIRE(conn.warm(server.url(), {}));
    REQUIRE(conn.warm(server.url(), {})); // alive: kept
    for (int i = 0; i < 2; ++i) {
        auto r = conn.send_once(HttpRequest{"POST", server.url("/c"), {}, "a=1"}, {});
        REQUIRE(r);
        CHECK(r->body == "ok");
    }
    CHECK(server.connections() == 1);
    CHECK(server.requests() == 2);
    REQUIRE(log.size() == 2);
    CHECK(log[0].reused);
    CHECK(log[1].reused);
}

TEST_CASE("http: a create stopped before it leaves is known not to have been sent") {
    LoopbackServer server({{Reply::hang_up}});
    Redactor redactor;
    http::OnceConnection conn(quick(), redactor, {});
    std::stop_source stop;
    stop.request_stop();
    auto r = conn.send_once(HttpRequest{"GET", server.url("/c"), {}, {}},
                            HttpBounds{{}, stop.get_token()});
    REQUIRE_FALSE(r);
    CHECK(r.error().stage == TransportStage::not_sent); // stopped before anything left
    CHECK(r.error().interrupted);
    CHECK(server.requests() == 0);
}

TEST_CASE("http: a refused connection for a create is known not to have been sent") {
    Redactor redactor;
    http::OnceConnection conn(quick(), redactor, {});
    auto r = conn.send_once(HttpRequest{"GET", "http://127.0.0.1:1/c?key=hidden", {}, {}}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().stage == TransportStage::not_sent);
    CHECK(r.error().message.find("hidden") == std::string::npos);
}

TEST_CASE("http: the create connection reads chunked answers, trailers and all, and keeps going") {
    LoopbackServer server({{Reply::answer, Reply::answer}},
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n");
    Redactor redactor;
    http::OnceConnection conn(quick(), redactor, {});
    for (int i = 0; i < 2; ++i) {
        auto r = conn.send_once(HttpRequest{"GET", server.url("/c"), {}, {}}, {});
        REQUIRE(r);
        CHECK(r->body == "abcde");
    }
    CHECK(server.connections() == 1); // the trailers were read whole: the connection went on
}

TEST_CASE("http: an interim 100 and a 204 without a body are read as HTTP says") {
    LoopbackServer server({{Reply::answer}},
                          "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    Redactor redactor;
    http::OnceConnection conn(quick(), redactor, {});
    auto r = conn.send_once(HttpRequest{"POST", server.url("/c"), {}, "x"}, {});
    REQUIRE(r);
    CHECK(r->status == 204);
    CHECK(r->body.empty());
}

TEST_CASE("http: an answer that runs to the close is whole when the server closes") {
    LoopbackServer server({{Reply::answer}}, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
    Redactor redactor;
    http::OnceConnection conn(quick(), redactor, {});
    auto r = conn.send_once(HttpRequest{"GET", server.url("/c"), {}, {}}, {});
    REQUIRE(r);
    CHECK(r->body == "until the end");
    CHECK_FALSE(conn.open()); // HTTP/1.0: not kept
}
