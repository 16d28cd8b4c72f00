#include "request_log.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dropcat::sim {

namespace {

thread_local bool t_logged = false;

} // namespace

RequestLog::~RequestLog() {
    (void)close(); // serve_scenario closes it and reports; this is for early returns
}

Result<void> RequestLog::open(const std::string& path) {
    std::lock_guard guard(m_mutex);
    m_path = path == "-" ? "(standard output)" : path;
    if (path == "-") {
        m_file = stdout;
        return {};
    }
    m_file = std::fopen(path.c_str(), "w");
    if (m_file == nullptr)
        return fail(ErrorKind::failed,
                    fmt::format("cannot write the log {}: {}", path, std::strerror(errno)));
    m_owned = true;
    return {};
}

void RequestLog::write(const Exchange& exchange) {
    t_logged = true;
    std::lock_guard guard(m_mutex);
    if (m_file == nullptr) return;
    nlohmann::ordered_json line;
    line["time"] = format_utc_micros(exchange.arrived);
    line["api"] = exchange.api;
    line["key"] = exchange.account;
    line["command"] = exchange.command;
    line["domain"] = exchange.domains.empty() ? std::string() : exchange.domains.front();
    if (exchange.domains.size() > 1) line["domains"] = exchange.domains;
    line["status"] = exchange.status;
    line["port"] = exchange.peer_port;
    line["outcome"] = exchange.outcome;
    if (!exchange.fault.empty()) line["fault"] = exchange.fault;
    if (!exchange.host.empty()) line["host"] = exchange.host;
    // Names come off the wire and may hold any byte; the log stays valid UTF-8 JSON.
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    if (std::fputs(text.c_str(), m_file) == EOF || std::fflush(m_file) == EOF)
        remember_failure(errno);
}

void RequestLog::remember_failure(int error) {
    if (m_failure.empty()) m_failure = std::strerror(error);
}

Result<void> RequestLog::close() {
    std::lock_guard guard(m_mutex);
    if (m_file != nullptr) {
        if (std::fflush(m_file) == EOF || std::ferror(m_file)) remember_failure(errno);
        if (m_owned && std::fclose(m_file) == EOF) remember_failure(errno);
    }
    m_file = nullptr;
    m_owned = false;
    if (m_failure.empty()) return {};
    std::string failure = std::exchange(m_failure, std::string());
    return fail(ErrorKind::failed, fmt::format("cannot write the log {}: {}", m_path, failure));
}

bool RequestLog::logged_this_request() {
    return t_logged;
}

void RequestLog::end_request() {
    t_logged = false;
}

} // namespace dropcat::sim
