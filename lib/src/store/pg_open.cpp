#include "pg_backend.hpp"
#include "schema.hpp"

#include <fmt/format.h>

#include <array>

namespace dropcat::store {

namespace {

std::string first_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    // libpq puts "connection to server at … failed:" before the server's words on one line.
    return std::string(text.substr(0, text.find('\n')));
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Where the password sits in a URI: the user-info's part after ':' and any password=…
// parameter, as [begin, end) offsets.
std::vector<std::pair<std::size_t, std::size_t>> password_spans(std::string_view uri) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    std::size_t scheme = uri.find("://");
    if (scheme == std::string_view::npos) return spans;
    std::size_t start = scheme + 3;
    std::size_t end = uri.find_first_of("/?", start);
    if (end == std::string_view::npos) end = uri.size();
    std::size_t at = uri.rfind('@', end);
    if (at != std::string_view::npos && at >= start) {
        std::size_t colon = uri.find(':', start);
        if (colon != std::string_view::npos && colon < at) spans.emplace_back(colon + 1, at);
    }
    for (std::size_t q = uri.find('?', start); q != std::string_view::npos && q < uri.size();) {
        std::size_t amp = uri.find('&', q + 1);
        std::string_view param =
            uri.substr(q + 1, (amp == std::string_view::npos ? uri.size() : amp) - q - 1);
        if (param.starts_with("password=")) spans.emplace_back(q + 1 + 9, q + 1 + param.size());
        q = amp;
    }
    return spans;
}

} // namespace

std::string redact_uri(std::string_view uri) {
    std::string out(uri);
    auto spans = password_spans(uri);
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        // "user:secret@" becomes "user@"; "password=secret" becomes "password=***".
        bool userinfo = it->second < uri.size() && uri[it->second] == '@';
        if (userinfo)
            out.erase(it->first - 1, it->second - it->first + 1);
        else
            out.replace(it->first, it->second - it->first, "***");
    }
    return out;
}

std::string without_password(std::string message, std::string_view uri) {
    for (auto [begin, end] : password_spans(uri)) {
        std::string raw(uri.substr(begin, end - begin));
        for (const std::string& secret : {raw, percent_decoded(raw)}) {
            if (secret.empty()) continue;
            for (std::size_t at = message.find(secret); at != std::string::npos;
                 at = message.find(secret, at + 3))
                message.replace(at, secret.size(), "***");
        }
    }
    return message;
}

namespace {

// A notice (e.g. "relation already exists, skipping") is not for the operator: the library
// never prints.
void ignore_notice(void*, const PGresult*) {}

// A URI libpq cannot read, or whose port is not a number, is the operator's to fix (78); libpq
// itself only finds the port wrong when it tries to connect.
Result<void> check_uri(const std::string& uri, const std::string& name) {
    char* why = nullptr;
    PQconninfoOption* options = PQconninfoParse(uri.c_str(), &why);
    if (options == nullptr) {
        std::string text = why != nullptr ? first_line(why) : "it cannot be read";
        PQfreemem(why);
        return fail(ErrorKind::config, fmt::format("--db {} is not a usable PostgreSQL connection "
                                                   "URI: {}",
                                                   name, without_password(text, uri)));
    }
    std::string port;
    for (auto* o = options; o->keyword != nullptr; ++o)
        if (std::string_view(o->keyword) == "port" && o->val != nullptr) port = o->val;
    PQconninfoFree(options);
    if (port.find_first_not_of("0123456789,") != std::string::npos)
        return fail(ErrorKind::config,
                    fmt::format("--db {}: the port '{}' is not a number", name, port));
    return {};
}

Result<std::unique_ptr<PgConnection>> connect(const std::string& uri, const std::string& name,
                                              const StoreOptions& options) {
    if (auto ok = check_uri(uri, name); !ok) return std::unexpected(ok.error());
    // Earlier keywords are defaults the URI may override; client_encoding after it is fixed.
    const std::array<const char*, 5> keys{"connect_timeout", "fallback_application_name", "dbname",
                                          "client_encoding", nullptr};
    const std::array<const char*, 5> values{"10", "dropcat", uri.c_str(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
    if (conn == nullptr) return fail(ErrorKind::failed, "out of memory connecting to PostgreSQL");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = without_password(first_line(PQerrorMessage(conn)), uri);
        std::string host = PQhost(conn) != nullptr ? PQhost(conn) : "";
        std::string port = PQport(conn) != nullptr ? PQport(conn) : "";
        PQfinish(conn);
        // Whether a server answered tells a wrong name or login (configuration) from a server
        // that is down or unreachable.
        PGPing ping = PQpingParams(keys.data(), values.data(), 1);
        if (ping == PQPING_NO_ATTEMPT)
            return fail(
                ErrorKind::config,
                fmt::format("--db {} is not a usable PostgreSQL connection URI: {}", name, why));
        if (ping == PQPING_OK)
            return fail(ErrorKind::config,
                        fmt::format("the PostgreSQL server at {} port {} refused the store {}: "
                                    "{} (check the user, password and database in --db or the "
                                    "PG* variables)",
                                    host, port, name, why));
        return fail(ErrorKind::unavailable,
                    fmt::format("cannot reach the PostgreSQL server at {} port {} for the store "
                                "{}: {}",
                                host, port, name, why));
    }
    PQsetNoticeReceiver(conn, ignore_notice, nullptr);
    return std::make_unique<PgConnection>(conn, name, uri, options);
}

// Brings the database to the current schema. Two dropcat processes that open one new database
// at once migrate it once: the second waits on the advisory lock, then finds it done.
void migrate(PgConnection& c, const StoreOptions& options) {
    c.exec("BEGIN");
    try {
        c.exec(fmt::format("SET LOCAL lock_timeout = {}", options.busy_wait.count()));
        c.exec("SELECT pg_advisory_xact_lock(1685221232, 2)");
        c.exec("CREATE TABLE IF NOT EXISTS dropcat_schema (version INTEGER PRIMARY KEY, "
               "applied_at BIGINT NOT NULL)");
        int version = c.schema_version();
        for (int v = version; v < static_cast<int>(k_migrations.size()); ++v) {
            c.exec(std::string(k_migrations[static_cast<std::size_t>(v)].postgresql));
            c.exec(fmt::format("INSERT INTO dropcat_schema (version, applied_at) VALUES ({}, "
                               "(extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
                               v + 1));
        }
        c.commit();
    } catch (...) {
        c.rollback();
        throw;
    }
}

} // namespace

Result<std::unique_ptr<Pool>> open_postgresql(const std::string& uri, const StoreOptions& options) {
    std::string name = redact_uri(uri);
    auto first = connect(uri, name, options);
    if (!first) return std::unexpected(first.error());
    try {
        int version = (*first)->schema_version();
        int known = static_cast<int>(k_migrations.size());
        if (version > known)
            return fail(ErrorKind::failed,
                        fmt::format("store {} was written by a newer dropcat (schema {}, this "
                                    "dropcat knows up to {}); it was left unchanged: use a newer "
                                    "dropcat",
                                    name, version, known));
        if (version < known) migrate(**first, options);
    } catch (const Failure& f) {
        return std::unexpected(f.error);
    }
    auto pool = std::make_unique<Pool>();
    pool->backend = Backend::postgresql;
    pool->name = name;
    pool->connect = [uri, name, options]() -> Result<std::unique_ptr<Connection>> {
        auto c = connect(uri, name, options);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<Connection>(std::move(*c));
    };
    pool->idle.push_back(std::move(*first));
    return pool;
}

} // namespace dropcat::store
