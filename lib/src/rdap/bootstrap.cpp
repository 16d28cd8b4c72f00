// RFC 9224 bootstrap: which RDAP server answers for which TLD.
#include "dropcat/rdap.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dropcat {

std::string_view embedded_rdap_bootstrap(); // embedded_data.cpp, made from data/rdap-dns.json

std::string_view shipped_bootstrap() {
    return embedded_rdap_bootstrap();
}

Result<RdapBootstrap> RdapBootstrap::parse(std::string_view json) {
    using Json = nlohmann::json;
    Json doc = Json::parse(json, nullptr, false);
    auto bad = [](std::string_view why) {
        return fail(ErrorKind::data, fmt::format("not an RDAP bootstrap file: {}", why));
    };
    if (doc.is_discarded() || !doc.is_object()) return bad("not JSON");
    auto services = doc.find("services");
    if (services == doc.end() || !services->is_array()) return bad("no \"services\" list");
    RdapBootstrap b;
    if (auto p = doc.find("publication"); p != doc.end() && p->is_string())
        b.m_publication = p->get<std::string>();
    for (const auto& service : *services) {
        if (!service.is_array() || service.size() < 2 || !service[0].is_array() ||
            !service[1].is_array())
            return bad("a service is not [[labels], [URLs]]");
        // RFC 9224 §3: clients prefer https where a service lists both.
        std::string chosen;
        for (const auto& url : service[1]) {
            if (!url.is_string()) continue;
            std::string u = url.get<std::string>();
            if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) continue;
            if (u.back() != '/') u += '/'; // base URLs end in '/' (§3); some copies forget
            if (chosen.empty() || (u.rfind("https://", 0) == 0 && chosen.rfind("https", 0) != 0))
                chosen = u;
        }
        if (chosen.empty()) continue;
        for (const auto& label : service[0])
            if (label.is_string())
                b.m_bases.emplace(text::ascii_lower(label.get<std::string>()), chosen);
    }
    if (b.m_bases.empty()) return bad("no service with a URL");
    return b;
}

std::optional<std::string> RdapBootstrap::base_for(std::string_view domain) const {
    // The longest entry that matches whole labels: try the name's suffixes, longest first.
    std::string name = text::ascii_lower(domain);
    while (!name.empty() && name.back() == '.')
        name.pop_back();
    std::string_view rest = name;
    while (!rest.empty()) {
        if (auto it = m_bases.find(rest); it != m_bases.end()) return it->second;
        auto dot = rest.find('.');
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    return std::nullopt;
}

} // namespace dropcat
