#pragma once

// Internal to the store module: the PostgreSQL backend, on libpq behind a thin RAII wrapper.

#include "connection.hpp"

#include <libpq-fe.h>

namespace dropcat::store {

// The advisory locks dropcat takes (two int4 keys: dropcat's class, then what for): every
// write transaction holds the first, so writes to one store take turns as in SQLite; a
// migration holds the second.
inline constexpr const char* k_take_write_lock = "SELECT pg_advisory_xact_lock(1685221232, 1)";
inline constexpr const char* k_take_migration_lock = "SELECT pg_advisory_xact_lock(1685221232, 2)";
// The catch run's lock (Store::lock_run): held by its own session until the run ends.
inline constexpr const char* k_try_catch_lock = "SELECT pg_try_advisory_lock(1685221232, 3)";

// The first line of a libpq message, without its line end.
inline std::string first_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    return std::string(text.substr(0, text.find('\n')));
}

// A cell of a result, as text ("" for NULL) or as a number (nullopt for NULL).
inline std::string_view cell_text(const PGresult* r, int row, int column) {
    if (r == nullptr || row >= PQntuples(r) || PQgetisnull(r, row, column)) return {};
    return {PQgetvalue(r, row, column), static_cast<std::size_t>(PQgetlength(r, row, column))};
}
std::optional<std::int64_t> cell_integer(const PGresult* r, int row, int column);

// Opens the PostgreSQL store at a postgresql:// URI (an empty host part: the PG* environment
// variables), migrates it under an advisory lock, and returns its pool with that first
// connection in it.
Result<std::unique_ptr<Pool>> open_postgresql(const std::string& uri, const StoreOptions& options);

// The URI without its password, for messages; and a message with any copy of the password
// (as written or percent-decoded) replaced, since libpq may quote parts of the URI.
std::string redact_uri(std::string_view uri);
std::string without_password(std::string message, std::string_view uri);

class PgConnection : public Connection {
  public:
    PgConnection(PGconn* conn, std::string name, std::string uri, const StoreOptions& options);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Backend backend() const override { return Backend::postgresql; }
    std::unique_ptr<Query> query(std::string_view sql) override;
    std::unique_ptr<Query> stream(std::string_view sql) override;
    void begin_write() override;
    void begin_read() override;
    void commit() override;
    void rollback() noexcept override;
    int schema_version() override;
    Result<ImportCounts> import_drops(const DropBatches& next, std::size_t total, Instant now,
                                      const std::function<bool()>& interrupted) override;
    Result<void> purge_erased() override;
    bool usable() const override { return PQstatus(m_conn) == CONNECTION_OK; }

    // Runs SQL without parameters; throws Failure unless it succeeds.
    void exec(const std::string& sql);
    // The same, keeping the result (which the caller clears).
    void exec_result(const std::string& sql, PGresult*& out);
    // The next result of the command in progress, waiting in steps that poll `interrupted`.
    PGresult* next_result();
    // A failed command's result (or none) as a Failure.
    [[noreturn]] void raise_error(PGresult* result);

    PGconn* handle() const { return m_conn; }
    const std::string& name() const { return m_name; }
    // The query whose rows are being read: libpq runs one command at a time per connection.
    const void* streaming = nullptr;
    // Polled while a statement runs (set by the import for its duration); true cancels it.
    std::function<bool()> cancel_when;
    // The server's notices while `collecting` (VACUUM VERBOSE's report); otherwise dropped:
    // the library never prints.
    bool collecting = false;
    std::vector<std::string> notices;
    int cursors = 0;

  private:
    // Sends rows to a COPY … FROM STDIN that `sql` starts; false when interrupted.
    bool copy_in(const std::string& sql, std::span<const DropEntry> entries,
                 const std::vector<std::int64_t>& source_of, std::optional<std::int64_t> stamp,
                 const std::function<bool()>& interrupted);

    PGconn* m_conn;
    std::string m_name;
    std::string m_uri;
    StoreOptions m_options;
};

} // namespace dropcat::store
