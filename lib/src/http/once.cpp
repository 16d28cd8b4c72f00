#include "http/once.hpp"
#include "http/transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <optional>

namespace dropcat::http {

namespace {

using std::chrono::milliseconds;

struct Target {
    std::string origin; // scheme://host:port, what a connection is kept for
    std::string host;   // for the Host header (with the port when it is not the default)
    std::string path;   // path and query
};

std::optional<Target> target_of(const std::string& url) {
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return std::nullopt;
    }
    auto part = [&](CURLUPart what, unsigned flags = 0) -> std::optional<std::string> {
        char* text = nullptr;
        if (curl_url_get(u, what, &text, flags) != CURLUE_OK) return std::nullopt;
        std::string out(text);
        curl_free(text);
        return out;
    };
    auto scheme = part(CURLUPART_SCHEME);
    auto host = part(CURLUPART_HOST);
    auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
    auto explicit_port = part(CURLUPART_PORT);
    auto path = part(CURLUPART_PATH);
    auto query = part(CURLUPART_QUERY);
    curl_url_cleanup(u);
    if (!scheme || !host || !port || !path || (*scheme != "http" && *scheme != "https"))
        return std::nullopt;
    Target t;
    t.origin = fmt::format("{}://{}:{}", *scheme, *host, *port);
    t.host = explicit_port ? fmt::format("{}:{}", *host, *explicit_port) : *host;
    t.path = *path + (query ? "?" + *query : "");
    return t;
}

// What was read of an answer, and whether it is whole.
struct Parsed {
    bool complete = false;
    bool bad = false;
    bool close = false; // the server closes after it
    HttpResponse response;
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Decodes a chunked body from `in`; nullopt until the last chunk has come.
std::optional<std::string> dechunk(std::string_view in, bool& bad) {
    std::string out;
    for (;;) {
        auto eol = in.find("\r\n");
        if (eol == std::string_view::npos) return std::nullopt;
        std::string_view size_text = in.substr(0, eol);
        size_text = size_text.substr(0, size_text.find(';'));
        std::size_t size = 0;
        auto [end, ec] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc() || size_text.empty()) {
            bad = true;
            return std::nullopt;
        }
        in.remove_prefix(eol + 2);
        if (size == 0) {
            // Trailers, if any, then an empty line.
            if (in.starts_with("\r\n")) return out;
            if (in.find("\r\n\r\n") == std::string_view::npos) return std::nullopt;
            return out;
        }
        if (in.size() < size + 2) return std::nullopt;
        out.append(in.substr(0, size));
        in.remove_prefix(size + 2);
    }
}

// Reads an HTTP/1.1 answer from what has come so far; `eof`: the server closed.
Parsed parse(const std::string& data, bool eof) {
    Parsed p;
    auto head_end = data.find("\r\n\r\n");
    if (head_end == std::string::npos) return p;
    std::string_view head(data.data(), head_end);
    auto line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
        p.bad = true;
        return p;
    }
    long status = 0;
    std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
    if (status >= 100 && status < 200) {
        // An interim answer (100 Continue and the like): the real one follows it.
        Parsed rest = parse(data.substr(head_end + 4), eof);
        return rest;
    }
    p.response.status = status;
    p.close = status_line.starts_with("HTTP/1.0");
    std::optional<std::size_t> length;
    bool chunked = false;
    std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
    while (!rest.empty()) {
        auto eol = rest.find("\r\n");
        std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name = lower(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        if (name == "content-length") {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc()) {
                p.bad = true;
                return p;
            }
            length = n;
        } else if (name == "transfer-encoding" &&
                   lower(value).find("chunked") != std::string::npos) {
            chunked = true;
        } else if (name == "connection") {
            std::string v = lower(value);
            if (v.find("close") != std::string::npos) p.close = true;
            if (v.find("keep-alive") != std::string::npos) p.close = false;
        }
        p.response.headers.push_back(HttpHeader{std::move(name), std::string(value)});
    }
    std::string_view body(data.data() + head_end + 4, data.size() - head_end - 4);
    if (status == 204 || status == 304) {
        // No body, whatever the headers say.
    } else if (chunked) {
        auto decoded = dechunk(body, p.bad);
        if (!decoded) return p;
        p.response.body = std::move(*decoded);
    } else if (length) {
        if (body.size() < *length) return p;
        p.response.body.assign(body.substr(0, *length));
    } else {
        // No length: the body runs until the server closes.
        if (!eof) return p;
        p.response.body.assign(body);
        p.close = true;
    }
    p.complete = true;
    return p;
}

double ms_since(Clock::time_point start, const Clock& clock) {
    return std::chrono::duration<double, std::milli>(clock.now() - start).count();
}

} // namespace

struct OnceConnection::Impl {
    Impl(HttpOptions o, const Redactor& r, HttpLog l)
        : options(std::move(o)), redactor(r), log(std::move(l)) {}

    HttpOptions options;
    const Redactor& redactor;
    HttpLog log;
    CURL* easy = nullptr;
    curl_socket_t socket = CURL_SOCKET_BAD;
    std::string origin;
    double connect_ms = 0;
    std::atomic<std::int64_t> tcp_round_trip_us{0}; // 0: none yet; read from other threads
    Clock::time_point last_used{};                  // connected, or an answer read whole

    void close() {
        if (easy != nullptr) curl_easy_cleanup(easy);
        easy = nullptr;
        socket = CURL_SOCKET_BAD;
        origin.clear();
    }

    // Whether the open connection is still usable: nothing to read (a TLS session ticket is
    // consumed and is nothing), not closed by the server.
    bool alive() {
        if (easy == nullptr || socket == CURL_SOCKET_BAD) return false;
        for (int round = 0; round < 8; ++round) {
            pollfd p{socket, POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0) return true;
            if ((p.revents & (POLLERR | POLLNVAL)) != 0) return false;
            char byte[256];
            size_t n = 0;
            CURLcode code = curl_easy_recv(easy, byte, sizeof byte, &n);
            if (code == CURLE_AGAIN) continue; // TLS housekeeping (a session ticket): look again
            // Closed, failed, or data nobody asked for (the connection is out of step).
            return false;
        }
        return false;
    }

    // Waits until the socket is ready for `events`, the deadline passes or a stop comes.
    enum class Wait { ready, timeout, stopped };
    Wait wait_for(short events, Clock::time_point until, const HttpBounds& bounds) {
        const Clock& clock = *options.clock;
        for (;;) {
            if (bounds.stop.stop_requested()) return Wait::stopped;
            auto left = std::chrono::duration_cast<milliseconds>(until - clock.now()).count();
            if (left <= 0) return Wait::timeout;
            pollfd p{socket, events, 0};
            int got = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 50)));
            if (got > 0) return Wait::ready;
        }
    }

    std::expected<void, HttpError> connect(const Target& target, const HttpBounds& bounds) {
        close();
        const Clock& clock = *options.clock;
        auto start = clock.now();
        auto budget = options.connect_timeout;
        if (bounds.deadline != Clock::time_point::max())
            budget = std::min(
                budget, std::chrono::duration_cast<milliseconds>(bounds.deadline - clock.now()));
        if (budget <= milliseconds(0))
            return std::unexpected(
                HttpError{TransportStage::not_sent, "deadline passed; nothing was sent"});
        easy = curl_easy_init();
        char error[CURL_ERROR_SIZE] = {};
        std::string url = target.origin + "/";
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        set_connection_options(easy, options);
        curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
        // HTTP/1.1 is what is written on it, so that is all TLS may agree on (ALPN).
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(budget.count()));
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
        CURLcode code = curl_easy_perform(easy);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
        if (code == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &socket);
        if (code != CURLE_OK || socket == CURL_SOCKET_BAD) {
            std::string why = error[0] ? error : curl_easy_strerror(code);
            close();
            // Only a connection was asked for: whatever failed, no request left.
            return std::unexpected(HttpError{TransportStage::not_sent, redactor.redact(why)});
        }
        origin = target.origin;
        connect_ms = ms_since(start, clock);
        last_used = clock.now();
        // About one network round trip (SYN to SYN-ACK): the time to the TCP connection
        // less the name's look-up; longer when a SYN was lost or an address family failed
        // first, which callers bound.
        curl_off_t connected = 0;
        curl_off_t looked_up = 0;
        if (curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected) == CURLE_OK &&
            curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &looked_up) == CURLE_OK &&
            connected >= looked_up && connected > 0)
            tcp_round_trip_us = std::max<std::int64_t>(1, connected - looked_up);
        return {};
    }
};

OnceConnection::OnceConnection(HttpOptions options, const Redactor& redactor, HttpLog log)
    : m(std::make_unique<Impl>(std::move(options), redactor, std::move(log))) {}

OnceConnection::~OnceConnection() {
    m->close();
}

bool OnceConnection::open() const {
    return m->easy != nullptr;
}

std::optional<std::chrono::microseconds> OnceConnection::handshake_round_trip() const {
    std::int64_t us = m->tcp_round_trip_us;
    if (us == 0) return std::nullopt;
    return std::chrono::microseconds(us);
}

std::expected<void, HttpError> OnceConnection::warm(const std::string& url,
                                                    const HttpBounds& bounds,
                                                    std::chrono::milliseconds reopen_idle) {
    auto target = target_of(url);
    if (!target)
        return std::unexpected(HttpError{TransportStage::not_sent,
                                         "not an http or https URL: " + m->redactor.redact(url)});
    if (m->origin == target->origin && m->alive() &&
        (reopen_idle.count() == 0 || m->options.clock->now() - m->last_used < reopen_idle))
        return {};
    return m->connect(*target, bounds);
}

HttpResult OnceConnection::send_once(const HttpRequest& request, const HttpBounds& bounds) {
    const Clock& clock = *m->options.clock;
    auto start = clock.now();
    HttpLogEntry entry;
    entry.method = request.method;
    entry.url = m->redactor.redact(request.url);
    auto failed = [&](HttpError error) -> HttpResult {
        entry.error = error.message;
        entry.total_ms = ms_since(start, clock);
        if (m->log) m->log(entry);
        return std::unexpected(std::move(error));
    };
    auto target = target_of(request.url);
    if (!target) return failed(HttpError{TransportStage::not_sent, "not an http or https URL"});
    if (bounds.stop.stop_requested())
        return failed(HttpError{TransportStage::not_sent, "interrupted before it was sent", true});
    entry.reused = m->origin == target->origin && m->alive();
    if (!entry.reused) {
        if (auto connected = m->connect(*target, bounds); !connected)
            return failed(connected.error());
        entry.connect_ms = m->connect_ms;
    }

    std::string text =
        fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n",
                    request.method, target->path, target->host, m->options.user_agent);
    for (const auto& h : request.headers)
        text += h.name + ": " + h.value + "\r\n";
    if (request.method != "GET" || !request.body.empty())
        text += fmt::format("Content-Length: {}\r\n", request.body.size());
    text += "\r\n";
    text += request.body;

    auto total = m->options.total_timeout;
    auto until = std::min(bounds.deadline, clock.now() + total);
    std::size_t written = 0;
    while (written < text.size()) {
        size_t n = 0;
        CURLcode code = curl_easy_send(m->easy, text.data() + written, text.size() - written, &n);
        if (code == CURLE_AGAIN) {
            auto waited = m->wait_for(POLLOUT, until, bounds);
            if (waited == Impl::Wait::ready) continue;
            m->close();
            TransportStage stage =
                written == 0 ? TransportStage::not_sent : TransportStage::maybe_sent;
            return failed(HttpError{stage,
                                    waited == Impl::Wait::stopped ? "interrupted while sending"
                                                                  : "timed out while sending",
                                    waited == Impl::Wait::stopped});
        }
        if (code != CURLE_OK) {
            m->close();
            TransportStage stage =
                written == 0 ? TransportStage::not_sent : TransportStage::maybe_sent;
            return failed(
                HttpError{stage, fmt::format("sending failed: {}", curl_easy_strerror(code))});
        }
        written += n;
    }

    // From here on the request may have executed: every failure is maybe_sent, and nothing is
    // ever sent again.
    std::string data;
    bool first_byte = false;
    char buffer[16384];
    for (;;) {
        size_t n = 0;
        CURLcode code = curl_easy_recv(m->easy, buffer, sizeof buffer, &n);
        if (code == CURLE_AGAIN) {
            auto waited = m->wait_for(POLLIN, until, bounds);
            if (waited == Impl::Wait::ready) continue;
            m->close();
            return failed(HttpError{TransportStage::maybe_sent,
                                    waited == Impl::Wait::stopped
                                        ? "interrupted while waiting for the answer"
                                        : "timed out waiting for the answer",
                                    waited == Impl::Wait::stopped});
        }
        if (code != CURLE_OK) {
            // A server that closes without TLS's close_notify ends a body that runs to the
            // close with an error: what came may still be the whole answer.
            Parsed p = parse(data, true);
            m->close();
            if (p.complete && !p.bad) {
                p.response.total_ms = ms_since(start, clock);
                entry.status = p.response.status;
                entry.total_ms = p.response.total_ms;
                if (m->log) m->log(entry);
                return std::move(p.response);
            }
            return failed(HttpError{TransportStage::maybe_sent,
                                    fmt::format("connection failed before the whole answer: {}",
                                                curl_easy_strerror(code))});
        }
        bool eof = n == 0;
        if (!eof && !first_byte) {
            first_byte = true;
            entry.first_byte_ms = ms_since(start, clock);
        }
        data.append(buffer, n);
        Parsed p = parse(data, eof);
        if (p.bad) {
            m->close();
            return failed(HttpError{TransportStage::maybe_sent, "an answer that is not HTTP/1.1"});
        }
        if (p.complete) {
            if (p.close || eof) m->close();
            m->last_used = clock.now();
            p.response.total_ms = ms_since(start, clock);
            entry.status = p.response.status;
            entry.total_ms = p.response.total_ms;
            if (m->log) m->log(entry);
            return std::move(p.response);
        }
        if (eof) {
            m->close();
            return failed(HttpError{TransportStage::maybe_sent,
                                    data.empty() ? "the server closed the connection without an "
                                                   "answer"
                                                 : "the server closed the connection mid-answer"});
        }
    }
}

} // namespace dropcat::http
