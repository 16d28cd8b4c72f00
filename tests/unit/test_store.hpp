#pragma once

// The store under test: SQLite by default, PostgreSQL when DROPCAT_TEST_BACKEND=postgresql
// (CTest runs the tests tagged [store] once for each). A PostgreSQL test gets a database of its
// own on the server the PG* environment names (pg_virtualenv sets it), dropped afterwards.

#include "temp_files.hpp"

#include <dropcat/store.hpp>

#include <string>

namespace dropcat::test {

Backend backend_under_test();

// Whether the PostgreSQL server of the PG* environment answers; `why` says why not.
bool postgresql_reachable(std::string& why);

class NewStore {
  public:
    NewStore();
    ~NewStore();
    NewStore(const NewStore&) = delete;
    NewStore& operator=(const NewStore&) = delete;

    const std::string& location() const { return m_location; }
    Backend backend() const { return m_backend; }
    // Opens the store; fails the test when it cannot be opened.
    Store open(const StoreOptions& options = {}) const;
    // Runs SQL on the store's database directly, the test's own look at it: the first column of
    // the first row, as text ("" for none).
    std::string sql(const std::string& statement) const;
    const TempDir& dir() const { return m_dir; }

  private:
    Backend m_backend;
    TempDir m_dir;
    std::string m_location;
    std::string m_database; // PostgreSQL: the database's name
};

// Runs SQL on a PostgreSQL database of the PG* server (e.g. "postgres"): first column, first row.
std::string postgresql_sql(const std::string& database, const std::string& statement);

} // namespace dropcat::test
