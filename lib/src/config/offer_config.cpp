#include "config/offer_config.hpp"

#include "config/env_name.hpp"

#include "dropcat/backorder.hpp"
#include "dropcat/mail.hpp"
#include "rdap/profile_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace dropcat::config {

namespace {

constexpr std::array<std::string_view, 9> k_operator_keys = {"company",
                                                             "address",
                                                             "phone",
                                                             "sender_name",
                                                             "sender_email",
                                                             "reply_to",
                                                             "unsubscribe_mailto",
                                                             "unsubscribe_url_base",
                                                             "token_secret_env"};

constexpr std::array<std::string_view, 7> k_smtp_keys = {
    "url", "username", "password_env", "allow_plaintext", "per_minute", "timeout_ms", "ca_file"};

// The host of smtp://HOST[:PORT][/...] or smtps://...; empty when the URL has none.
std::string url_host(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    if (rest.starts_with("[")) return std::string(rest.substr(1, rest.find(']') - 1));
    return std::string(rest.substr(0, rest.find(':')));
}

} // namespace

Result<OperatorSettings> read_operator(const toml::node& node, const std::filesystem::path& path) {
    auto at = [&](const toml::node& where, std::string_view key, std::string_view reason) {
        return fail(ErrorKind::config, fmt::format("{}:{}: operator.{}: {}", path.string(),
                                                   where.source().begin.line, key, reason));
    };
    const toml::table* t = node.as_table();
    if (t == nullptr) return at(node, "", "must be a table ([operator])");
    OperatorSettings s;
    s.line = node.source().begin.line;
    for (auto&& [key, value] : *t) {
        if (std::find(k_operator_keys.begin(), k_operator_keys.end(), key.str()) ==
            k_operator_keys.end())
            return at(value, key.str(), rdap::unknown_key(key.str(), k_operator_keys));
        auto text = value.value<std::string>();
        if (!value.is_string() || !text) return at(value, key.str(), "must be a string");
        if (text->find_first_of("\r\n") != std::string::npos && key.str() != "address")
            return at(value, key.str(), "must be one line");
    }
    auto get = [&](std::string_view key) {
        const toml::node* n = t->get(key);
        return n ? n->value<std::string>().value_or("") : std::string();
    };
    s.company = get("company");
    s.address = get("address");
    s.phone = get("phone");
    s.sender_name = get("sender_name");
    s.sender_email = get("sender_email");
    s.reply_to = get("reply_to");
    s.unsubscribe_mailto = get("unsubscribe_mailto");
    s.unsubscribe_url_base = get("unsubscribe_url_base");
    if (t->get("token_secret_env")) s.token_secret_env = get("token_secret_env");
    for (std::string_view key : {"sender_email", "reply_to", "unsubscribe_mailto"}) {
        std::string v = get(key);
        if (!v.empty() && !plain_address(v))
            return at(*t->get(key), key, "must be an address such as offers@example.com");
    }
    if (!s.phone.empty() && !valid_phone_number(s.phone))
        return at(*t->get("phone"), "phone",
                  "must be a telephone number a person can dial, in international form (+44 20 "
                  "7946 0000)");
    if (!s.unsubscribe_url_base.empty() && !s.unsubscribe_url_base.starts_with("https://"))
        return at(*t->get("unsubscribe_url_base"), "unsubscribe_url_base",
                  "must be an https:// URL (one-click unsubscribe needs HTTPS, RFC 8058)");
    if (!valid_env_name(s.token_secret_env))
        return at(*t->get("token_secret_env"), "token_secret_env",
                  "must name an environment variable (A-Z, 0-9, _), not hold the secret");
    return s;
}

Result<SmtpSettings> read_smtp(const toml::node& node, const std::filesystem::path& path) {
    auto at = [&](const toml::node& where, std::string_view key, std::string_view reason) {
        return fail(ErrorKind::config, fmt::format("{}:{}: smtp.{}: {}", path.string(),
                                                   where.source().begin.line, key, reason));
    };
    const toml::table* t = node.as_table();
    if (t == nullptr) return at(node, "", "must be a table ([smtp])");
    for (auto&& [key, value] : *t)
        if (std::find(k_smtp_keys.begin(), k_smtp_keys.end(), key.str()) == k_smtp_keys.end())
            return at(value, key.str(), rdap::unknown_key(key.str(), k_smtp_keys));
    SmtpSettings s;
    auto text = [&](std::string_view key,
                    std::string& out) -> std::optional<std::unexpected<Error>> {
        const toml::node* n = t->get(key);
        if (n == nullptr) return std::nullopt;
        if (!n->is_string()) return at(*n, key, "must be a string");
        out = *n->value<std::string>();
        return std::nullopt;
    };
    for (auto bad : {text("url", s.url), text("username", s.username),
                     text("password_env", s.password_env), text("ca_file", s.ca_file)})
        if (bad) return *bad;
    if (const toml::node* n = t->get("allow_plaintext")) {
        if (!n->is_boolean()) return at(*n, "allow_plaintext", "must be true or false");
        s.allow_plaintext = *n->value<bool>();
    }
    auto number = [&](std::string_view key, std::int64_t low, std::int64_t high,
                      int& out) -> std::optional<std::unexpected<Error>> {
        const toml::node* n = t->get(key);
        if (n == nullptr) return std::nullopt;
        auto v = n->value<std::int64_t>();
        if (!n->is_integer() || !v || *v < low || *v > high)
            return at(*n, key, fmt::format("must be a whole number from {} to {}", low, high));
        out = static_cast<int>(*v);
        return std::nullopt;
    };
    for (auto bad : {number("per_minute", 1, 600, s.per_minute),
                     number("timeout_ms", 100, 600000, s.timeout_ms)})
        if (bad) return *bad;
    if (!s.url.empty()) {
        const toml::node& where = *t->get("url");
        if (!s.url.starts_with("smtp://") && !s.url.starts_with("smtps://"))
            return at(where, "url", "must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]");
        if (url_host(s.url).empty()) return at(where, "url", "names no host");
        std::string host = url_host(s.url);
        bool loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
        if (s.allow_plaintext && !loopback)
            return at(*t->get("allow_plaintext"), "allow_plaintext",
                      fmt::format("is only for a server on this machine (127.0.0.1, ::1, "
                                  "localhost), not {}: mail to others goes over TLS",
                                  host));
    }
    if (!s.password_env.empty() && !valid_env_name(s.password_env))
        return at(*t->get("password_env"), "password_env",
                  "must name an environment variable (A-Z, 0-9, _), not hold the password");
    return s;
}

} // namespace dropcat::config
