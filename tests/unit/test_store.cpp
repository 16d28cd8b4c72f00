#include "test_store.hpp"

#include <catch2/catch.hpp>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace dropcat::test {

Backend backend_under_test() {
    const char* b = std::getenv("DROPCAT_TEST_BACKEND");
    return b != nullptr && std::string_view(b) == "postgresql" ? Backend::postgresql
                                                               : Backend::sqlite;
}

namespace {

PGconn* connect_to(const std::string& database) {
    std::string conninfo = "dbname=" + database + " connect_timeout=5";
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string why = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to PostgreSQL: " + why);
    }
    PQsetNoticeReceiver(
        c, [](void*, const PGresult*) {}, nullptr);
    return c;
}

} // namespace

bool postgresql_reachable(std::string& why) {
    try {
        PQfinish(connect_to("postgres"));
        return true;
    } catch (const std::exception& e) {
        why = e.what();
        return false;
    }
}

std::string postgresql_sql(const std::string& database, const std::string& statement) {
    PGconn* c = connect_to(database);
    PGresult* r = PQexec(c, statement.c_str());
    auto status = PQresultStatus(r);
    std::string out;
    if (status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
        out = PQgetvalue(r, 0, 0);
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error("SQL failed: " + statement + ": " + error);
    return out;
}

NewStore::NewStore() : m_backend(backend_under_test()) {
    if (m_backend == Backend::sqlite) {
        m_location = (m_dir.path() / "store.db").string();
        return;
    }
    static std::atomic<int> counter{0};
    m_database = "dropcat_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    postgresql_sql("postgres", "DROP DATABASE IF EXISTS " + m_database);
    postgresql_sql("postgres", "CREATE DATABASE " + m_database);
    m_location = "postgresql:///" + m_database;
}

NewStore::~NewStore() {
    if (m_database.empty()) return;
    try {
        postgresql_sql("postgres", "DROP DATABASE IF EXISTS " + m_database + " WITH (FORCE)");
    } catch (...) {
    }
}

Store NewStore::open(const StoreOptions& options) const {
    auto store = Store::open(m_location, options);
    if (!store) FAIL("cannot open the store " << m_location << ": " << store.error().message);
    return std::move(*store);
}

std::string NewStore::sql(const std::string& statement) const {
    if (m_backend == Backend::postgresql) return postgresql_sql(m_database, statement);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(m_location.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot open " + m_location);
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    int rc = sqlite3_prepare_v2(db, statement.c_str(), -1, &stmt, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW &&
        sqlite3_column_text(stmt, 0) != nullptr)
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    std::string error = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("SQL failed: " + statement + ": " + error);
    return out;
}

} // namespace dropcat::test
