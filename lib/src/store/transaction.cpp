#include "transaction.hpp"

#include <fmt/format.h>

namespace dropcat::store {

Error store_error(const std::filesystem::path& path, int code, const std::string& what) {
    int primary = code & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return Error{ErrorKind::temporary,
                     fmt::format("store {} is busy: another dropcat run is writing to it; try "
                                 "again later",
                                 path.string())};
    if (primary == SQLITE_NOTADB)
        return Error{ErrorKind::failed,
                     fmt::format("{} is not a dropcat store (not an SQLite database)", path.string())};
    return Error{ErrorKind::failed, fmt::format("store {}: {}", path.string(), what)};
}

Transaction::Transaction(sqlite3* db) : m_db(db) { exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (m_open) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    exec("COMMIT");
    m_open = false;
}

void Transaction::rollback() {
    exec("ROLLBACK");
    m_open = false;
}

void Transaction::exec(const char* sql) {
    if (int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK)
        throw SqliteError(sqlite3_extended_errcode(m_db), sqlite3_errmsg(m_db));
}

} // namespace dropcat::store
