#pragma once

// Internal to the store module: a prepared statement on the raw SQLite API for the SQLite
// import's loops, where binding views without copies matters. (The store calls SQLite's C API
// throughout; SQLiteCpp, which binds strings by copy and views as blobs, is not used.)

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dropcat::store {

class SqliteError : public std::runtime_error {
  public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), m_code(code) {}
    int code() const { return m_code; }

  private:
    int m_code;
};

class Stmt {
  public:
    Stmt(sqlite3* db, std::string_view sql) : m_db(db) {
        if (int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
            rc != SQLITE_OK)
            throw SqliteError(rc, sqlite3_errmsg(db));
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() { sqlite3_finalize(m_stmt); }

    void text(int index, std::string_view value) {
        check(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_STATIC));
    }
    void text_or_null(int index, std::string_view value) {
        if (value.empty())
            check(sqlite3_bind_null(m_stmt, index));
        else
            text(index, value);
    }
    void integer(int index, std::int64_t value) { check(sqlite3_bind_int64(m_stmt, index, value)); }
    void integer_or_null(int index, std::optional<std::int64_t> value) {
        if (value)
            integer(index, *value);
        else
            check(sqlite3_bind_null(m_stmt, index));
    }
    // Steps once: true when a row is there to read.
    bool step() {
        int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw SqliteError(rc, sqlite3_errmsg(m_db));
    }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    std::string_view column(int index) const {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, index));
        return p == nullptr ? std::string_view{}
                            : std::string_view(
                                  p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, index)));
    }

    std::optional<std::int64_t> integer_column(int index) const {
        if (sqlite3_column_type(m_stmt, index) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(m_stmt, index);
    }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw SqliteError(rc, sqlite3_errmsg(m_db));
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace dropcat::store
