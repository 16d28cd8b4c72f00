#include "dropcat/http.hpp"
#include "http/transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace dropcat {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::vector<HttpHeader>*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) headers->clear(); // a new response (after 100 Continue)
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * count;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    headers->push_back(HttpHeader{std::move(name), std::string(value)});
    return size * count;
}

// Whether a curl failure means the request cannot have reached the server.
bool never_sent(CURLcode code, CURL* easy) {
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    return http::never_sent(code, pretransfer != 0);
}

double info_ms(CURL* easy, CURLINFO what) {
    curl_off_t us = 0;
    curl_easy_getinfo(easy, what, &us);
    return static_cast<double>(us) / 1000.0;
}

// What one transfer needs while it runs.
struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    HttpResponse response;
    std::optional<HttpResult> result;
    char error[CURL_ERROR_SIZE] = {};
};

} // namespace

struct HttpClient::Impl {
    HttpOptions options;
    Redactor redactor;
    HttpLog log;
    CURLM* multi = nullptr;
    std::vector<CURL*> idle; // easy handles kept for reuse
    std::mutex mutex;        // one batch of transfers at a time

    CURL* take() {
        if (!idle.empty()) {
            CURL* easy = idle.back();
            idle.pop_back();
            curl_easy_reset(easy);
            return easy;
        }
        return curl_easy_init();
    }

    void setup(Transfer& t, const HttpRequest& request, const HttpBounds& bounds) {
        CURL* e = t.easy;
        curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
        http::set_connection_options(e, options);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
        // The request's own timeout, cut to the caller's deadline.
        auto total = options.total_timeout;
        if (bounds.deadline != Clock::time_point::max())
            total = std::min(total, std::max(std::chrono::milliseconds(1),
                                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 bounds.deadline - options.clock->now())));
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(std::min(options.connect_timeout, total).count()));
        curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &t.response.body);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, write_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, &t.response.headers);
        if (request.method == "GET") {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.c_str());
        }
        // No "Expect: 100-continue" pause before small bodies.
        t.headers = curl_slist_append(t.headers, "Expect:");
        for (const auto& h : request.headers)
            t.headers = curl_slist_append(t.headers, (h.name + ": " + h.value).c_str());
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    }

    void finish(Transfer& t, const HttpRequest& request, CURLcode code) {
        HttpLogEntry entry;
        entry.method = request.method;
        entry.url = redactor.redact(request.url);
        entry.connect_ms = info_ms(t.easy, CURLINFO_CONNECT_TIME_T);
        entry.first_byte_ms = info_ms(t.easy, CURLINFO_STARTTRANSFER_TIME_T);
        entry.total_ms = info_ms(t.easy, CURLINFO_TOTAL_TIME_T);
        long connects = 0;
        curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects);
        entry.reused = connects == 0;
        if (code == CURLE_OK) {
            curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.response.status);
            t.response.total_ms = entry.total_ms;
            entry.status = t.response.status;
            t.result = std::move(t.response);
        } else {
            std::string detail = t.error[0] ? t.error : curl_easy_strerror(code);
            HttpError error{never_sent(code, t.easy) ? TransportStage::not_sent
                                                     : TransportStage::maybe_sent,
                            redactor.redact(detail)};
            entry.error = error.message;
            t.result = std::unexpected(std::move(error));
        }
        if (log) log(entry);
    }
};

HttpClient::HttpClient(HttpOptions options, Redactor redactor, HttpLog log)
    : m(std::make_unique<Impl>()) {
    global_init();
    m->options = std::move(options);
    m->redactor = std::move(redactor);
    m->log = std::move(log);
    m->multi = curl_multi_init();
}

HttpClient::~HttpClient() {
    for (CURL* easy : m->idle)
        curl_easy_cleanup(easy);
    curl_multi_cleanup(m->multi);
}

const Redactor& HttpClient::redactor() const {
    return m->redactor;
}

HttpResult HttpClient::perform(const HttpRequest& request, const HttpBounds& bounds) {
    return std::move(perform_all(std::span(&request, 1), bounds).front());
}

std::vector<HttpResult> HttpClient::perform_all(std::span<const HttpRequest> requests,
                                                const HttpBounds& bounds, const GateFn& gate,
                                                const DoneFn& done) {
    const Clock& clock = *m->options.clock;
    std::lock_guard lock(m->mutex);
    std::vector<Transfer> transfers(requests.size());
    auto fail_unsent = [&](std::size_t i, std::string why, bool interrupted) {
        HttpError error{TransportStage::not_sent, std::move(why), interrupted};
        if (m->log)
            m->log(HttpLogEntry{requests[i].method, m->redactor.redact(requests[i].url), 0, 0, 0, 0,
                                false, error.message});
        transfers[i].result = std::unexpected(std::move(error));
        if (done) done(i, *transfers[i].result);
    };
    auto is_cancelled = [&] { return bounds.stop.stop_requested(); };
    std::size_t next = 0;
    int active = 0;
    bool cancelled = false;
    for (;;) {
        if (is_cancelled()) {
            cancelled = true;
            break;
        }
        std::optional<Clock::time_point> wake;
        while (next < requests.size()) {
            Gate g = gate ? gate(next) : Gate{};
            if (g.say == Gate::Say::go && clock.now() >= bounds.deadline)
                g = Gate{Gate::Say::skip, {}, "deadline passed; nothing was sent"};
            if (g.say == Gate::Say::wait && active == 0)
                g = Gate{Gate::Say::skip, {}, g.why.empty() ? "not sent" : g.why};
            if (g.say == Gate::Say::wait) {
                wake = g.retry_at;
                break;
            }
            if (g.say == Gate::Say::skip) {
                fail_unsent(next++, std::move(g.why), false);
                continue;
            }
            Transfer& t = transfers[next];
            t.easy = m->take();
            m->setup(t, requests[next], bounds);
            curl_easy_setopt(t.easy, CURLOPT_PRIVATE, reinterpret_cast<char*>(next));
            curl_multi_add_handle(m->multi, t.easy);
            ++active;
            ++next;
        }
        if (active == 0 && next == requests.size()) break;
        bool completed = false;
        if (active > 0) {
            int running = 0;
            if (curl_multi_perform(m->multi, &running) != CURLM_OK) break;
            int queued = 0;
            while (CURLMsg* msg = curl_multi_info_read(m->multi, &queued)) {
                if (msg->msg != CURLMSG_DONE) continue;
                char* index = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &index);
                auto i = reinterpret_cast<std::size_t>(index);
                m->finish(transfers[i], requests[i], msg->data.result);
                curl_multi_remove_handle(m->multi, transfers[i].easy);
                --active;
                completed = true;
                if (done) done(i, *transfers[i].result);
            }
            if (active == 0 && next == requests.size()) break;
        }
        // A completion may have freed the gate (the in-flight cap): ask it again at once.
        if (completed && next < requests.size()) continue;
        // curl's own timeouts bound every transfer; polls wake at least every 50 ms so that
        // a stop request and the gate are seen promptly. Only transfers in flight are waited
        // on: with none, the loop has ended above.
        if (active == 0) break;
        auto now = clock.now();
        auto until = now + std::chrono::milliseconds(50);
        if (wake && *wake < until) until = std::max(*wake, now);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
        curl_multi_poll(m->multi, nullptr, 0, static_cast<int>(std::clamp<long long>(ms, 0, 50)),
                        nullptr);
    }
    std::vector<HttpResult> results;
    results.reserve(transfers.size());
    for (std::size_t i = 0; i < transfers.size(); ++i) {
        auto& t = transfers[i];
        if (t.easy == nullptr && !t.result) {
            // Never started: stopped before its turn.
            fail_unsent(i, cancelled ? "interrupted before it was sent" : "not sent", cancelled);
        } else if (!t.result) {
            curl_multi_remove_handle(m->multi, t.easy);
            HttpError error{TransportStage::maybe_sent,
                            cancelled ? "interrupted while in flight" : "no answer", cancelled};
            if (m->log)
                m->log(HttpLogEntry{requests[i].method, m->redactor.redact(requests[i].url), 0, 0,
                                    0, 0, false, error.message});
            t.result = std::unexpected(std::move(error));
            if (done) done(i, *t.result);
        }
        if (t.easy != nullptr) {
            curl_slist_free_all(t.headers);
            m->idle.push_back(t.easy);
        }
        results.push_back(std::move(*t.result));
    }
    return results;
}

} // namespace dropcat
