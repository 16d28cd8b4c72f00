#include "request_log.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

namespace dropcat::sim {

RequestLog::~RequestLog() {
    close();
}

Result<void> RequestLog::open(const std::string& path) {
    std::lock_guard guard(m_mutex);
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
    line["outcome"] = exchange.outcome;
    if (!exchange.fault.empty()) line["fault"] = exchange.fault;
    // Names come off the wire and may hold any byte; the log stays valid UTF-8 JSON.
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    std::fputs(text.c_str(), m_file);
    std::fflush(m_file);
}

void RequestLog::close() {
    std::lock_guard guard(m_mutex);
    if (m_file != nullptr) std::fflush(m_file);
    if (m_owned && m_file != nullptr) std::fclose(m_file);
    m_file = nullptr;
    m_owned = false;
}

} // namespace dropcat::sim
