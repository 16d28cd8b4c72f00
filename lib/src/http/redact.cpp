#include "dropcat/http.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace dropcat {

namespace {

// Query parameter names that carry a secret in the APIs dropcat speaks (Dynadot `key`,
// Namecheap `ApiKey`, Porkbun `apikey`/`secretapikey`) and in APIs in general.
constexpr std::array<std::string_view, 9> k_secret_params{"key",     "apikey",    "secretapikey",
                                                          "api_key", "password",  "passwd",
                                                          "token",   "signature", "secret"};

bool secret_param(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(k_secret_params.begin(), k_secret_params.end(), lower) !=
           k_secret_params.end();
}

constexpr std::string_view k_hidden = "REDACTED";

// Hides the values of secret query parameters: after '?' and '&', NAME=VALUE up to '&', '#',
// or whitespace.
std::string redact_params(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        out += c;
        ++i;
        if (c != '?' && c != '&') continue;
        std::size_t eq = i;
        while (eq < text.size() && text[eq] != '=' && text[eq] != '&' && text[eq] != ' ')
            ++eq;
        if (eq >= text.size() || text[eq] != '=') continue;
        std::string_view name = text.substr(i, eq - i);
        if (!secret_param(name)) continue;
        out += name;
        out += '=';
        out += k_hidden;
        i = eq + 1;
        while (i < text.size() && text[i] != '&' && text[i] != '#' && text[i] != ' ' &&
               text[i] != '\n')
            ++i;
    }
    return out;
}

} // namespace

void Redactor::add_secret(std::string value) {
    // Very short values would hide ordinary text and protect nothing.
    if (value.size() >= 4) m_secrets.push_back(std::move(value));
}

std::string Redactor::redact(std::string_view text) const {
    std::string out = redact_params(text);
    for (const auto& secret : m_secrets) {
        for (const std::string& form : {secret, url_encode(secret)}) {
            std::size_t at = 0;
            while ((at = out.find(form, at)) != std::string::npos) {
                out.replace(at, form.size(), k_hidden);
                at += k_hidden.size();
            }
        }
    }
    return out;
}

std::string url_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::optional<std::string> found;
    for (const auto& h : headers)
        if (h.name == lower) found = h.value;
    return found;
}

} // namespace dropcat
