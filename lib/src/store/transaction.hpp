#pragma once

// Internal to the store module: a write transaction, and SQLite failures as dropcat Errors.

#include "stmt.hpp"

#include <dropcat/error.hpp>

#include <filesystem>
#include <string>

namespace dropcat::store {

// An SQLite failure in words an operator can act on: busy means another run holds the store.
Error store_error(const std::filesystem::path& path, int code, const std::string& what);

// BEGIN IMMEDIATE on construction; rolls back on scope exit unless committed, so an exception or
// an early return leaves the store as it was.
class Transaction {
  public:
    explicit Transaction(sqlite3* db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();
    void rollback();

  private:
    void exec(const char* sql);
    sqlite3* m_db;
    bool m_open = true;
};

} // namespace dropcat::store
