#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dropcat::registrar {

using Json = nlohmann::json;

// nullopt for a body that is not JSON (never throws).
inline std::optional<Json> parse_json(std::string_view body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

// The member `key` of an object, or nullptr.
inline const Json* member(const Json& j, std::string_view key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

// A member as text, whether the API wrote it as a string or a number; empty when absent.
inline std::string text_of(const Json& j, std::string_view key) {
    const Json* m = member(j, key);
    if (m == nullptr) return {};
    if (m->is_string()) return m->get<std::string>();
    if (m->is_number_integer()) return std::to_string(m->get<long long>());
    if (m->is_number()) return m->dump();
    if (m->is_boolean()) return m->get<bool>() ? "true" : "false";
    return {};
}

inline std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace dropcat::registrar
