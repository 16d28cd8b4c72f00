#pragma once

#include "dropcat/http.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dropcat::http {

// A connection that sends each request exactly once, for creates.
//
// libcurl resends a request by itself, once, when a connection it reused turns out dead before
// any answer byte ("Connection died, retrying a fresh connect"): for a create that can buy a
// name twice, unseen. Asking libcurl for a fresh connection every time rules that out but
// pays TCP and TLS on the drop's critical path. This keeps the warm connection and rules out
// the resend: libcurl only connects (CURLOPT_CONNECT_ONLY: TCP, TLS, certificate checks as for
// every request), and dropcat writes the HTTP/1.1 request and reads the answer itself through
// curl_easy_send and curl_easy_recv. There is no retry anywhere below this class.
//
// A connection the server closed while it sat idle is noticed before anything is written (it
// reads as closed) and replaced; nothing had been sent on it. Once a byte of the request has
// left, any failure is `maybe_sent`: the create may have executed.
class OnceConnection {
  public:
    OnceConnection(HttpOptions options, const Redactor& redactor, HttpLog log);
    ~OnceConnection();
    OnceConnection(const OnceConnection&) = delete;
    OnceConnection& operator=(const OnceConnection&) = delete;

    // Connects (TCP, and TLS for https) to the origin of `url` now, unless a live connection
    // to it is open and, when `reopen_idle` is not zero, was used less than that long ago: a
    // server closes a connection idle for its keep-alive time, and one about to be closed is
    // opened afresh. A failure is never a sent request.
    std::expected<void, HttpError> warm(const std::string& url, const HttpBounds& bounds,
                                        std::chrono::milliseconds reopen_idle = {});

    // Whether a connection is open (as far as can be known without reading from it).
    bool open() const;

    // The TCP handshake of the last connection opened: about one network round trip, with
    // no server's work in it, or longer when a SYN was lost (none before the first). Safe to
    // call from any thread.
    std::optional<std::chrono::microseconds> handshake_round_trip() const;

    // Sends `request` once on the warm connection (connecting first when there is none) and
    // reads the whole answer (Content-Length, chunked, or until the server closes).
    HttpResult send_once(const HttpRequest& request, const HttpBounds& bounds);

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace dropcat::http
