#include "dropcat/config.hpp"
#include "dropcat/suggest.hpp"
#include "core/paths.hpp"
#include "dropcat/registrar.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/catch_config.hpp"
#include "config/env_name.hpp"
#include "config/offer_config.hpp"
#include "config/rdap_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dropcat {

namespace {

// "; did you mean 'x'?" when one of `names` is close to `given`, else nothing.
std::string did_you_mean(std::string_view given, std::span<const std::string_view> names) {
    auto guess = closest_match(given, names);
    return guess ? fmt::format("; did you mean '{}'?", *guess) : std::string();
}

} // namespace

namespace {

// Keys that would hold a secret in the file itself; refused with a pointer to *_env.
constexpr std::string_view k_secret_keys[] = {"key",        "secret",     "api_key",
                                              "apikey",     "password",   "token",
                                              "api_secret", "secret_key", "passwd"};

// Builds "FILE:LINE: KEY: REASON" errors.
class Problems {
  public:
    explicit Problems(std::filesystem::path path) : m_path(std::move(path)) {}
    std::unexpected<Error> at(const toml::source_region& where, std::string_view key,
                              std::string_view reason) const {
        return fail(ErrorKind::config,
                    fmt::format("{}:{}: {}: {}", m_path.string(), where.begin.line, key, reason));
    }

  private:
    std::filesystem::path m_path;
};

bool valid_label(std::string_view name) {
    if (name.empty() || name.size() > 40) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

bool valid_ipv4(std::string_view ip) {
    int parts = 0;
    std::size_t start = 0;
    while (start <= ip.size()) {
        std::size_t dot = ip.find('.', start);
        std::string_view part = ip.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (part.empty() || part.size() > 3) return false;
        int value = 0;
        for (char c : part) {
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        if (value > 255) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 4;
}

// Why an endpoint cannot be used, if it cannot: it must be https://HOST..., or plain http only
// to a loopback host (127.0.0.0/8 written as four decimal numbers, [::1], localhost), where
// dropcat-sim listens. The URL is parsed (libcurl's parser, the one that will use it) and the
// host it yields is judged, so "http://127.0.0.1.example.com", "http://127.0.0.1@example.com"
// and "http://[::1].example.net/" are not loopback.
std::optional<std::string> endpoint_problem(std::string_view url) {
    const std::string must =
        "must be an https:// URL (plain http only on loopback, for dropcat-sim)";
    for (char c : url)
        if (static_cast<unsigned char>(c) <= ' ' || c == '\\' || c == 0x7f)
            return "must not hold spaces, control characters or backslashes";
    CURLU* u = curl_url();
    auto part = [&](CURLUPart what) -> std::optional<std::string> {
        char* text = nullptr;
        if (curl_url_get(u, what, &text, 0) != CURLUE_OK) return std::nullopt;
        std::string out(text);
        curl_free(text);
        return out;
    };
    std::string text(url);
    if (curl_url_set(u, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return "is not a URL dropcat can read";
    }
    auto scheme = part(CURLUPART_SCHEME);
    auto host = part(CURLUPART_HOST);
    bool credentials = part(CURLUPART_USER) || part(CURLUPART_PASSWORD);
    curl_url_cleanup(u);
    if (credentials)
        return "must not hold a user name or password (secrets go in environment variables)";
    if (!scheme || (*scheme != "https" && *scheme != "http")) return must;
    if (!host || host->empty()) return "has no host";
    if (*scheme == "https") return std::nullopt;
    if (*host == "localhost" || *host == "[::1]" ||
        (valid_ipv4(*host) && host->starts_with("127.")))
        return std::nullopt;
    return must;
}

// Reads one string key; empty when absent.
Result<std::string> string_of(const toml::table& t, std::string_view key, const Problems& p) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::string();
    if (!n->is_string()) return p.at(n->source(), key, "must be a string");
    return n->value<std::string>().value_or("");
}

Result<int> positive_of(const toml::table& t, std::string_view key, int fallback,
                        const Problems& p) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 1 || *v > 100000)
        return p.at(n->source(), key, "must be a whole number from 1 to 100000");
    return static_cast<int>(*v);
}

Result<RegistrarContact> contact_of(const toml::node& node, const Problems& p) {
    const toml::table* t = node.as_table();
    if (t == nullptr) return p.at(node.source(), "contact", "must be a table");
    RegistrarContact c;
    std::pair<std::string_view, std::string*> fields[] = {{"first_name", &c.first_name},
                                                          {"last_name", &c.last_name},
                                                          {"address", &c.address},
                                                          {"city", &c.city},
                                                          {"state_province", &c.state_province},
                                                          {"postal_code", &c.postal_code},
                                                          {"country", &c.country},
                                                          {"phone", &c.phone},
                                                          {"email", &c.email}};
    for (auto& [key, target] : fields) {
        auto v = string_of(*t, key, p);
        if (!v) return std::unexpected(v.error());
        if (v->empty()) return p.at(node.source(), fmt::format("contact.{}", key), "is required");
        *target = *v;
    }
    for (auto&& [key, value] : *t) {
        bool known = false;
        for (auto& [name, target] : fields)
            known = known || key.str() == name;
        if (!known) {
            std::vector<std::string_view> names;
            for (auto& [name, target] : fields)
                names.push_back(name);
            return p.at(value.source(), fmt::format("contact.{}", key.str()),
                        "unknown key" + did_you_mean(key.str(), names));
        }
    }
    if (c.country.size() != 2) return p.at(node.source(), "contact.country", "must be two letters");
    bool phone_ok =
        c.phone.size() > 3 && c.phone[0] == '+' && c.phone.find('.') != std::string::npos;
    for (char ch : c.phone)
        phone_ok = phone_ok && (ch == '+' || ch == '.' || (ch >= '0' && ch <= '9'));
    if (!phone_ok) return p.at(node.source(), "contact.phone", "must look like +NNN.NNNNNNNNNN");
    return c;
}

// The keys every account has, whatever its kind; the rest are the kind's own (KindKey).
const std::set<std::string_view> k_common_keys{"name",
                                               "kind",
                                               "endpoint",
                                               "ca_file",
                                               "checks_per_minute",
                                               "creates_per_minute",
                                               "max_in_flight",
                                               "checks_per_second",
                                               "creates_per_second",
                                               "timeout_ms",
                                               "connect_timeout_ms",
                                               "tlds",
                                               "max_price",
                                               "check_batch",
                                               "catch"};

// Reads and checks one of the kind's own keys by its form.
Result<void> kind_key_of(const toml::node& value, const KindKey& key, const Problems& p,
                         RegistrarAccount& a) {
    if (key.form == KeyForm::contact) {
        auto c = contact_of(value, p);
        if (!c) return std::unexpected(c.error());
        a.contact = *c;
        return {};
    }
    auto text = value.value<std::string>();
    if (!value.is_string() || !text)
        return p.at(value.source(), key.name, fmt::format("must be a string: {}", key.help));
    switch (key.form) {
    case KeyForm::secret_env:
        // The value is not echoed: an operator who put the secret itself here would see it
        // printed, and logged wherever stderr goes.
        if (!config::valid_env_name(*text))
            return p.at(value.source(), key.name,
                        "must name the environment variable that holds the secret (A-Z, 0-9 "
                        "and _), not the secret itself");
        break;
    case KeyForm::ipv4:
        if (!valid_ipv4(*text))
            return p.at(value.source(), key.name,
                        fmt::format("must be an IPv4 address: {}", key.help));
        break;
    case KeyForm::text:
        if (text->empty()) return p.at(value.source(), key.name, "must not be empty");
        break;
    case KeyForm::contact:
        break;
    }
    a.settings[std::string(key.name)] = *text;
    return {};
}

Result<RegistrarAccount> account_of(const toml::node& node, const Problems& p,
                                    const std::filesystem::path& dir) {
    const toml::table* t = node.as_table();
    if (t == nullptr) return p.at(node.source(), "registrar", "each [[registrar]] must be a table");
    for (auto&& [key, value] : *t)
        for (std::string_view secret : k_secret_keys)
            if (key.str() == secret)
                return p.at(value.source(), key.str(),
                            "secrets do not go in the configuration file: name the environment "
                            "variable that holds it (key_env, secret_env) or use secrets_file");
    RegistrarAccount a;
    a.line = node.source().begin.line;
    std::pair<std::string_view, std::string*> strings[] = {
        {"name", &a.name}, {"kind", &a.kind}, {"endpoint", &a.endpoint}};
    for (auto& [key, target] : strings) {
        auto v = string_of(*t, key, p);
        if (!v) return std::unexpected(v.error());
        *target = *v;
    }
    if (!valid_label(a.name))
        return p.at(node.source(), "name",
                    "is required: lowercase letters, digits, '-' or '_', at most 40");
    // What each kind has and needs comes from its entry in the kinds table (lib/src/registrar).
    const RegistrarKind* kind = find_registrar_kind(a.kind);
    if (kind == nullptr) {
        std::string known;
        std::vector<std::string_view> kinds;
        for (const auto& k : registrar_kinds()) {
            known += (known.empty() ? "" : ", ") + std::string(k.name);
            kinds.push_back(k.name);
        }
        return p.at(
            t->get("kind") ? t->get("kind")->source() : node.source(), "kind",
            fmt::format("'{}' is not one of {}{}", a.kind, known, did_you_mean(a.kind, kinds)));
    }
    for (auto&& [key, value] : *t) {
        if (k_common_keys.contains(key.str())) continue;
        const KindKey* own = find_kind_key(*kind, key.str());
        if (own == nullptr) {
            std::string keys;
            std::vector<std::string_view> names(k_common_keys.begin(), k_common_keys.end());
            for (const KindKey& k : kind->keys) {
                keys += fmt::format("{}{}", keys.empty() ? "" : ", ", k.name);
                names.push_back(k.name);
            }
            return p.at(value.source(), key.str(),
                        fmt::format("unknown key (the {} kind's own keys are {}){}", a.kind, keys,
                                    did_you_mean(key.str(), names)));
        }
        if (auto ok = kind_key_of(value, *own, p, a); !ok) return std::unexpected(ok.error());
    }
    for (const KindKey& k : kind->keys) {
        if (t->get(k.name) != nullptr) continue;
        if (!k.defaults_to.empty() && a.settings.contains(k.defaults_to)) {
            a.settings[std::string(k.name)] = a.settings.find(k.defaults_to)->second;
            continue;
        }
        if (k.required)
            return p.at(node.source(), k.name,
                        fmt::format("is required for {}: {}", a.kind, k.help));
    }
    if (!a.endpoint.empty())
        if (auto problem = endpoint_problem(a.endpoint))
            return p.at(t->get("endpoint")->source(), "endpoint", *problem);
    if (const toml::node* ca = t->get("ca_file")) {
        auto text = ca->value<std::string>();
        if (!ca->is_string() || !text || text->empty())
            return p.at(ca->source(), "ca_file", "must be the path of a PEM file");
        std::filesystem::path file = *text;
        if (file.is_relative()) file = dir / file;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec))
            return p.at(ca->source(), "ca_file",
                        fmt::format("{} is not a file that can be read", file.string()));
        a.ca_file = file.string();
    }
    for (auto [key, target, fallback] :
         {std::tuple{"checks_per_minute", &a.checks_per_minute, 0},
          std::tuple{"creates_per_minute", &a.creates_per_minute, 0},
          std::tuple{"checks_per_second", &a.checks_per_second, 0},
          std::tuple{"timeout_ms", &a.timeout_ms, 30000},
          std::tuple{"connect_timeout_ms", &a.connect_timeout_ms, 5000},
          std::tuple{"creates_per_second", &a.creates_per_second, 0},
          std::tuple{"max_in_flight", &a.max_in_flight, 1},
          std::tuple{"check_batch", &a.check_batch, 0}}) {
        auto v = positive_of(*t, key, fallback, p);
        if (!v) return std::unexpected(v.error());
        *target = *v;
    }
    // What each API takes in one check (shared/reference/registrar-apis.md): Dynadot's search
    // 100 names on a bulk account (1 on a regular one), Namecheap's check 50, Porkbun's one.
    int most = kind->max_batch;
    if (a.check_batch > most)
        return p.at(t->get("check_batch")->source(), "check_batch",
                    fmt::format("{} takes at most {} name{} per check", a.kind, most,
                                most == 1 ? "" : "s"));
    if (const toml::node* tlds = t->get("tlds")) {
        const toml::array* arr = tlds->as_array();
        if (arr == nullptr) return p.at(tlds->source(), "tlds", "must be a list of strings");
        for (const toml::node& tld : *arr) {
            auto s = tld.value<std::string>();
            if (!tld.is_string() || !s || s->empty())
                return p.at(tld.source(), "tlds", "must be a list of strings");
            a.tlds.push_back(*s);
        }
    }
    if (const toml::node* price = t->get("max_price")) {
        auto text = price->value<std::string>();
        auto money = parse_money(text.value_or(""));
        if (!price->is_string())
            return p.at(price->source(), "max_price", "must be an amount such as \"25.00 USD\"");
        if (!money) return p.at(price->source(), "max_price", money.error().message);
        a.max_price = *money;
    }
    if (const toml::node* c = t->get("catch")) {
        if (!c->is_boolean()) return p.at(c->source(), "catch", "must be true or false");
        a.catching = c->value<bool>();
    }
    return a;
}

// Reads the secrets file, which must be a regular file of this user's that nobody else may
// read (as ssh insists for its keys). It is opened without blocking and judged on what was
// opened, so a FIFO or a device named as the file is refused at once, never read.
Result<std::string> read_private(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorKind::config, fmt::format("secrets file {} cannot be read: {}",
                                                   path.string(), std::strerror(errno)));
    auto refuse = [&](std::string why) {
        ::close(fd);
        return fail(ErrorKind::config, std::move(why));
    };
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return refuse(fmt::format("secrets file {} cannot be read", path.string()));
    if (!S_ISREG(info.st_mode))
        return refuse(fmt::format("secrets file {} is not a regular file", path.string()));
    if (info.st_uid != ::geteuid())
        return refuse(fmt::format("secrets file {} belongs to another user (uid {}); it must be "
                                  "yours and private: chown it, chmod 600 {}",
                                  path.string(), info.st_uid, path.string()));
    if ((info.st_mode & 077) != 0)
        return refuse(fmt::format("secrets file {} can be read by others (mode {:03o}); it must be "
                                  "private: chmod 600 {}",
                                  path.string(), info.st_mode & 0777, path.string()));
    if (info.st_size > 1 << 20)
        return refuse(fmt::format("secrets file {} is larger than 1 MiB", path.string()));
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return refuse(fmt::format("secrets file {} cannot be read: {}", path.string(),
                                      std::strerror(errno)));
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > 1 << 20)
            return refuse(fmt::format("secrets file {} is larger than 1 MiB", path.string()));
    }
    ::close(fd);
    return text;
}

} // namespace

Result<std::filesystem::path> default_config_path() {
    return paths::xdg_path("XDG_CONFIG_HOME", ".config", "config.toml",
                           "default configuration file",
                           "name it with --config PATH (or DROPCAT_CONFIG)");
}

const std::string& RegistrarAccount::setting(std::string_view key) const {
    static const std::string k_none;
    auto found = settings.find(key);
    return found == settings.end() ? k_none : found->second;
}

Result<std::filesystem::path> default_state_dir() {
    return paths::xdg_path("XDG_STATE_HOME", ".local/state", "",
                           "folder for what dropcat remembers between runs (each registrar "
                           "account's recent requests)",
                           "set XDG_STATE_HOME or HOME");
}

Result<Config> load_config(const std::filesystem::path& path, bool must_exist) {
    Config config;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (must_exist)
            return fail(ErrorKind::config,
                        fmt::format("{}: no such configuration file", path.string()));
        return config;
    }
    config.path = path;
    Problems p(path);
    toml::table root;
    try {
        root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::config, fmt::format("{}:{}: {}", path.string(),
                                                   e.source().begin.line, e.description()));
    }
    for (auto&& [key, value] : root) {
        static constexpr std::string_view k_top_keys[] = {"registrar", "secrets_file", "rdap",
                                                          "catch",     "operator",     "smtp"};
        if (std::find(std::begin(k_top_keys), std::end(k_top_keys), key.str()) !=
            std::end(k_top_keys))
            continue;
        for (std::string_view secret : k_secret_keys)
            if (key.str() == secret)
                return p.at(value.source(), key.str(),
                            "secrets do not go in the configuration file: use secrets_file");
        return p.at(value.source(), key.str(), "unknown key" + did_you_mean(key.str(), k_top_keys));
    }
    if (const toml::node* s = root.get("secrets_file")) {
        auto text = s->value<std::string>();
        if (!s->is_string() || !text || text->empty())
            return p.at(s->source(), "secrets_file", "must be a path");
        std::filesystem::path secrets = *text;
        if (secrets.is_relative()) secrets = path.parent_path() / secrets;
        if (auto ok = read_private(secrets); !ok)
            return p.at(s->source(), "secrets_file", ok.error().message);
        config.secrets_file = secrets;
    }
    if (const toml::node* r = root.get("registrar")) {
        const toml::array* accounts = r->as_array();
        if (accounts == nullptr)
            return p.at(r->source(), "registrar", "must be written as [[registrar]] tables");
        std::set<std::string> names;
        for (const toml::node& node : *accounts) {
            auto a = account_of(node, p, path.parent_path());
            if (!a) return std::unexpected(a.error());
            if (!names.insert(a->name).second)
                return p.at(node.source(), "name", fmt::format("'{}' is used twice", a->name));
            config.registrars.push_back(std::move(*a));
        }
    }
    if (const toml::node* r = root.get("rdap")) {
        auto rdap = config::read_rdap(*r, path);
        if (!rdap) return std::unexpected(rdap.error());
        config.rdap = std::move(*rdap);
    }
    if (const toml::node* c = root.get("catch")) {
        auto catching = config::read_catch(*c, path);
        if (!catching) return std::unexpected(catching.error());
        config.catching = std::move(*catching);
    }
    if (const toml::node* o = root.get("operator")) {
        auto identity = config::read_operator(*o, path);
        if (!identity) return std::unexpected(identity.error());
        config.operator_identity = std::move(*identity);
    }
    if (const toml::node* s = root.get("smtp")) {
        auto smtp = config::read_smtp(*s, path);
        if (!smtp) return std::unexpected(smtp.error());
        config.smtp = std::move(*smtp);
    }
    return config;
}

Result<std::string> resolve_secret(const Config& config, const std::string& name) {
    if (const char* value = std::getenv(name.c_str()); value != nullptr && *value != '\0')
        return std::string(value);
    if (config.secrets_file) {
        auto text = read_private(*config.secrets_file);
        if (!text) return std::unexpected(text.error());
        try {
            toml::table secrets = toml::parse(*text, config.secrets_file->string());
            if (auto v = secrets[name].value<std::string>(); v && !v->empty()) return *v;
        } catch (const toml::parse_error& e) {
            return fail(ErrorKind::config, fmt::format("{}:{}: {}", config.secrets_file->string(),
                                                       e.source().begin.line, e.description()));
        }
    }
    return fail(
        ErrorKind::config,
        fmt::format("the secret {} is not set: export it, or add it to the secrets file", name));
}

} // namespace dropcat
