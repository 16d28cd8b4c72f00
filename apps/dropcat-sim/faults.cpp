#include "faults.hpp"

#include <httplib.h>

#include <algorithm>

namespace dropcat::sim {

Faults::Faults(std::vector<FaultSpec> specs)
    : m_specs(std::move(specs)), m_hits(m_specs.size(), 0) {}

std::optional<FaultSpec> Faults::take(const std::string& api, const std::string& command,
                                      const std::vector<std::string>& domains) {
    std::lock_guard guard(m_mutex);
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        const FaultSpec& f = m_specs[i];
        if (!f.api.empty() && f.api != api) continue;
        if (!f.command.empty() && f.command != command) continue;
        if (!f.domain.empty() &&
            std::find(domains.begin(), domains.end(), f.domain) == domains.end())
            continue;
        if (f.times != 0 && m_hits[i] >= f.times) continue;
        ++m_hits[i];
        return f;
    }
    return std::nullopt;
}

void cut_connection(httplib::Response& res) {
    std::string type = res.get_header_value("Content-Type");
    if (type.empty()) type = "application/json";
    res.headers.erase("Content-Type");
    res.status = 200;
    res.body.clear();
    res.set_content_provider(4096, type.c_str(),
                             [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
}

void truncate_body(httplib::Response& res) {
    res.status = 200;
    std::string type = res.get_header_value("Content-Type");
    if (type.empty()) type = "application/json";
    std::string body = res.body.substr(0, res.body.size() / 2);
    if (body.empty()) body = "{\"status\":";
    res.set_content(body, type.c_str());
}

} // namespace dropcat::sim
