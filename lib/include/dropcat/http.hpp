#pragma once

#include "dropcat/export.hpp"
#include "dropcat/clock.hpp"

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

struct HttpHeader {
    std::string name;
    std::string value;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<HttpHeader> headers;
    std::string body; // sent as is; set a Content-Type header with it
};

struct HttpResponse {
    long status = 0;
    std::vector<HttpHeader> headers; // names in lower case
    std::string body;
    double total_ms = 0;

    // The last value of a header (name in any case), if the response had it.
    std::optional<std::string> header(std::string_view name) const;
};

// Whether a failed request may have reached the server. `not_sent`: DNS failure, refused
// connection, connect timeout, TLS handshake failure: safe to send again. `maybe_sent`: the
// request was (or may have been) sent and no whole answer came back (reset, timeout after
// sending, truncated answer): for a create, it may have executed and must never be resent
// blindly.
enum class TransportStage { not_sent, maybe_sent };

struct HttpError {
    TransportStage stage = TransportStage::not_sent;
    std::string message;       // already redacted
    bool interrupted = false;  // stopped by a stop request
    bool rate_limited = false; // the account's limits (or a server's hold) left no room now
    // With rate_limited: when the account may send again, and what holds it.
    std::optional<Clock::time_point> retry_at{};
    std::string wait_reason{};
};

using HttpResult = std::expected<HttpResponse, HttpError>;

// One line of the request log. The URL and message are redacted: no secret ever reaches a log.
struct HttpLogEntry {
    std::string method;
    std::string url;
    long status = 0; // 0 when no answer
    double connect_ms = 0;
    double first_byte_ms = 0;
    double total_ms = 0;
    bool reused = false; // the connection was kept warm from an earlier request
    std::string error;
};

using HttpLog = std::function<void(const HttpLogEntry&)>;

// Hides secrets in text meant for people: values of query parameters whose names say they
// hold a secret (key, apikey, password, token, signature…) and every occurrence of the secret
// values it was told about.
class Redactor {
  public:
    void add_secret(std::string value);
    std::string redact(std::string_view text) const;

  private:
    std::vector<std::string> m_secrets;
};

struct HttpOptions {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{30000};
    std::string user_agent = "dropcat";
    // Deadlines are read on this clock; it must outlive the client.
    const Clock* clock = &real_clock();
    // A CA bundle to trust instead of the system's (a test registrar's own certificate).
    std::string ca_file;
};

// What bounds one batch of requests: none starts after `deadline`, none is waited on past it
// (a request's own timeout is cut to fit), and a stop request ends those in flight at once
// (they fail as maybe_sent) and starts no more.
struct HttpBounds {
    Clock::time_point deadline = Clock::time_point::max();
    std::stop_token stop;
};

// A thin libcurl client for one account: connections are kept alive and reused between calls,
// TLS is verified, HTTP/2 is used where the server offers it, redirects are never followed (a
// create must not be replayed somewhere else), and every request is logged redacted.
class HttpClient {
  public:
    HttpClient(HttpOptions options, Redactor redactor, HttpLog log);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResult perform(const HttpRequest& request, const HttpBounds& bounds = {});

    // Whether the next request may start now: go, wait until `retry_at` while others are in
    // flight (polling them meanwhile; the client never waits with nothing in flight, so a
    // wait then is a skip), or skip it (it fails as not_sent with `why`).
    struct Gate {
        enum class Say { go, wait, skip } say = Say::go;
        std::chrono::steady_clock::time_point retry_at{};
        std::string why;
    };
    using GateFn = std::function<Gate(std::size_t index)>;
    using DoneFn = std::function<void(std::size_t index, const HttpResult& result)>;

    // Sends the requests concurrently over one curl multi handle, starting each, in order, as
    // soon as `gate` says so, and calls `done` as each one completes. Returns the results in
    // the same order.
    std::vector<HttpResult> perform_all(std::span<const HttpRequest> requests,
                                        const HttpBounds& bounds = {}, const GateFn& gate = {},
                                        const DoneFn& done = {});

    const Redactor& redactor() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// A Retry-After header's wait (delay-seconds, or an HTTP date measured from `wall`), if the
// response has one that reads.
std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& response,
                                                     Clock::Wall::time_point wall);

// The Date header's instant (RFC 9110 IMF-fixdate), if the response has one that reads.
std::optional<Clock::Wall::time_point> http_date(const HttpResponse& response);

// Percent-encoding for query strings and form bodies (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);

} // namespace dropcat

DROPCAT_PUBLIC_END
