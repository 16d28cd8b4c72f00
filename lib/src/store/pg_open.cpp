#include "pg_backend.hpp"
#include "schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

namespace dropcat::store {

namespace {

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

// The password as it is written in the URI, whether or not libpq can read the URI: the
// user-info after its first ':' (up to the last '@' before the path: libpq stops the authority
// at the first '/' only), and the value of any password=… parameter, however its name is
// percent-encoded.
std::vector<std::string> raw_passwords(std::string_view uri) {
    std::vector<std::string> found;
    std::size_t scheme = uri.find("://");
    if (scheme == std::string_view::npos) return found;
    std::size_t start = scheme + 3;
    std::size_t slash = uri.find('/', start);
    std::string_view authority =
        uri.substr(start, slash == std::string_view::npos ? uri.npos : slash - start);
    if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        if (std::size_t colon = userinfo.find(':'); colon != std::string_view::npos)
            found.emplace_back(userinfo.substr(colon + 1));
    }
    for (std::size_t q = uri.find_first_of("?&", start); q != std::string_view::npos;
         q = uri.find('&', q + 1)) {
        std::size_t end = uri.find('&', q + 1);
        std::string_view param =
            uri.substr(q + 1, end == std::string_view::npos ? uri.npos : end - q - 1);
        std::size_t eq = param.find('=');
        if (eq != std::string_view::npos && percent_decoded(param.substr(0, eq)) == "password")
            found.emplace_back(param.substr(eq + 1));
    }
    return found;
}

// True when the part of the URI before its parameters holds an '@' that libpq and a reader
// would split differently: more than one, or one after the first '/' (a password with an
// unencoded '/'). libpq would then read part of the password as a host, port or database name,
// which messages show.
bool ambiguous_userinfo(std::string_view uri) {
    std::size_t scheme = uri.find("://");
    if (scheme == std::string_view::npos) return false;
    std::string_view rest = uri.substr(scheme + 3);
    rest = rest.substr(0, rest.find('?'));
    std::size_t at = rest.find('@');
    if (at == std::string_view::npos) return false;
    return rest.find('@', at + 1) != std::string_view::npos || rest.find('/') < at;
}

constexpr std::string_view k_ambiguous =
    "postgresql://(a URI whose user or password holds an '@' or '/' that is not "
    "percent-encoded)";

using Options = std::vector<std::pair<std::string, std::string>>;

// libpq's own reading of the URI, keyword by keyword; nullopt when it cannot read it.
std::optional<Options> parsed(const std::string& uri) {
    Options out;
    char* why = nullptr;
    PQconninfoOption* options = PQconninfoParse(uri.c_str(), &why);
    PQfreemem(why);
    if (options == nullptr) return std::nullopt;
    for (auto* o = options; o->keyword != nullptr; ++o)
        if (o->val != nullptr && *o->val != '\0') out.emplace_back(o->keyword, o->val);
    PQconninfoFree(options);
    return out;
}

std::string value_of(const std::optional<Options>& options, std::string_view keyword) {
    if (!options) return {};
    for (const auto& [k, v] : *options)
        if (k == keyword) return v;
    return {};
}

} // namespace

std::string without_password(std::string message, std::string_view uri) {
    std::vector<std::string> secrets;
    if (auto password = value_of(parsed(std::string(uri)), "password"); !password.empty())
        secrets.push_back(password);
    for (const std::string& raw : raw_passwords(uri)) {
        for (const std::string& form : {raw, percent_decoded(raw)}) {
            secrets.push_back(form);
            // A password with an '@' libpq splits: the part after it becomes the host name,
            // which libpq's messages quote.
            for (std::size_t from = 0, at = 0; at != std::string::npos; from = at + 1) {
                at = form.find('@', from);
                if (at != std::string::npos || from > 0)
                    secrets.push_back(
                        form.substr(from, at == std::string::npos ? form.npos : at - from));
            }
        }
    }
    // libpq's syntax errors may quote the whole URI: with a password in it, it is not shown.
    if (!secrets.empty())
        for (std::size_t at = message.find(uri); at != std::string::npos;
             at = message.find(uri, at + 1))
            message.replace(at, uri.size(), "(the --db URI)");
    // Longest first, so that a shorter secret inside a longer one does not leave a part of it.
    std::sort(secrets.begin(), secrets.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& secret : secrets) {
        // Two characters cannot be told from ordinary words; longer ones are replaced anywhere.
        if (secret.size() < 3) continue;
        for (std::size_t at = message.find(secret); at != std::string::npos;
             at = message.find(secret, at + 3))
            message.replace(at, secret.size(), "***");
    }
    return message;
}

std::string redact_uri(std::string_view uri) {
    // Built again from what libpq reads (user, host, port, database), so that nothing else of
    // the URI, however it is written, reaches a message.
    if (ambiguous_userinfo(uri)) return std::string(k_ambiguous);
    auto options = parsed(std::string(uri));
    if (!options) return "postgresql://(a URI that cannot be read)";
    std::string host = value_of(options, "host");
    if (std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    std::string name = "postgresql://";
    if (auto user = value_of(options, "user"); !user.empty()) name += user + "@";
    name += host;
    if (auto port = value_of(options, "port"); !port.empty()) name += ":" + port;
    name += "/" + value_of(options, "dbname");
    return without_password(name, uri);
}

namespace {

// A notice (e.g. "relation already exists, skipping") is not for the operator: the library
// never prints.
void ignore_notice(void*, const PGresult*) {}

// A URI libpq cannot read, or whose port is not a number, is the operator's to fix (78); libpq
// itself only finds the port wrong when it tries to connect.
Result<void> check_uri(const std::string& uri, const std::string& name) {
    if (ambiguous_userinfo(uri))
        return fail(ErrorKind::config,
                    "--db: the URI's user or password holds an '@' or '/' that is not "
                    "percent-encoded, so it cannot be told where the password ends; write them "
                    "as %40 and %2F (the URI is not shown, since it holds the password)");
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
        return fail(ErrorKind::config, fmt::format("--db {}: the port '{}' is not a number", name,
                                                   without_password(port, uri)));
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
        if (std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
        host = without_password(host, uri);
        std::string port = without_password(PQport(conn) != nullptr ? PQport(conn) : "", uri);
        PQfinish(conn);
        // Whether a server answered tells a wrong name or login (configuration) from a server
        // that is down or unreachable.
        PGPing ping = PQpingParams(keys.data(), values.data(), 1);
        if (ping == PQPING_NO_ATTEMPT)
            return fail(
                ErrorKind::config,
                fmt::format("--db {} is not a usable PostgreSQL connection URI: {}", name, why));
        // A server that answers but cannot take this connection now: try again later. (The
        // server's words; a server set to another language for its messages gets 78 here.)
        if (ping == PQPING_OK && (why.find("too many") != std::string::npos ||
                                  why.find("remaining connection slots") != std::string::npos))
            return fail(ErrorKind::temporary,
                        fmt::format("the PostgreSQL server at {} port {} has no connection free "
                                    "for the store {}: {}; try again later",
                                    host, port, name, why));
        if (ping == PQPING_REJECT)
            return fail(ErrorKind::unavailable,
                        fmt::format("the PostgreSQL server at {} port {} is starting or stopping "
                                    "and takes no connections (store {}): {}",
                                    host, port, name, why));
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
        c.exec(k_take_migration_lock);
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
        if (version > known) return std::unexpected(newer_schema(name, version, known));
        // An empty database is left empty when the caller must not create a store; a reader
        // finds no store in it (as in a missing SQLite file).
        if (version == 0 && !options.create && options.read_only)
            return fail(ErrorKind::no_input,
                        fmt::format("there is no store {}: the database has no dropcat tables "
                                    "(nothing imported yet, or a different --db?)",
                                    name));
        if (version < known && (version > 0 || options.create)) migrate(**first, options);
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
