#pragma once

// Internal to the store module: the SQLite backend.

#include "connection.hpp"
#include "stmt.hpp"

#include <filesystem>

namespace dropcat::store {

// An SQLite failure in words an operator can act on: busy means another run holds the store,
// a full disk is named as such (SQLITE_FULL, or an I/O error whose system error, when the
// caller has it, is ENOSPC) rather than "disk I/O error".
Error sqlite_error(const std::string& name, int code, const std::string& what,
                   int system_errno = 0);

// Opens the SQLite store at `path`: creates it on first use (mode 0600, in folders made 0700),
// migrates it, and returns its pool with that first connection in it. A store that fails to be
// created leaves no file behind.
Result<std::unique_ptr<Pool>> open_sqlite(const std::filesystem::path& path,
                                          const StoreOptions& options);

class SqliteConnection : public Connection {
  public:
    SqliteConnection(sqlite3* db, std::string name, const StoreOptions& options);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    Backend backend() const override { return Backend::sqlite; }
    std::unique_ptr<Query> query(std::string_view sql) override;
    void begin_write() override { exec("BEGIN IMMEDIATE"); }
    void begin_read() override;
    void commit() override { exec("COMMIT"); }
    void rollback() noexcept override;
    int schema_version() override;
    Result<ImportCounts> import_drops(const DropBatches& next, std::size_t total, Instant now,
                                      const std::function<bool()>& interrupted) override;
    void before_erasure() override { exec("PRAGMA secure_delete = ON"); }
    Result<void> purge_erased() override;
    Result<void> after_read() override;

    // Opened as an immutable file (read-only, in a folder the user cannot write): a writer
    // that changes the file meanwhile is not seen, so each read checks afterwards that the
    // file is as it was, and that no write-ahead log has appeared.
    void read_as_immutable(std::string path);

    // Runs SQL without parameters (several statements allowed).
    void exec(const char* sql);
    sqlite3* handle() const { return m_db; }
    const std::string& name() const { return m_name; }

  private:
    sqlite3* m_db;
    std::string m_name;
    std::optional<std::string> m_immutable_path;
    std::pair<std::int64_t, std::int64_t> m_stamp{}; // size and mtime (ns) when opened
};

} // namespace dropcat::store
