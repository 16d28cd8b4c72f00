#include "sqlite_backend.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <filesystem>

namespace dropcat::store {

namespace {

// A statement on the raw SQLite API. Placeholders are written $1, $2, … (which SQLite takes as
// named parameters) and bound by name, so their order in the SQL does not matter.
class SqliteQuery : public Query {
  public:
    SqliteQuery(SqliteConnection& connection, std::string_view sql) : m_connection(connection) {
        sqlite3* db = connection.handle();
        if (int rc =
                sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
            rc != SQLITE_OK)
            fail(rc);
    }
    ~SqliteQuery() override { sqlite3_finalize(m_stmt); }
    SqliteQuery(const SqliteQuery&) = delete;
    SqliteQuery& operator=(const SqliteQuery&) = delete;

    bool next() override {
        if (!m_started) {
            m_started = true;
            bind_all();
        }
        if (m_done) return false;
        int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        m_done = true;
        if (rc == SQLITE_DONE) return false;
        fail(sqlite3_extended_errcode(m_connection.handle()));
    }
    std::string_view text(int column) const override {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        if (p == nullptr) return {};
        return {p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
    }
    std::optional<std::int64_t> integer(int column) const override {
        if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(m_stmt, column);
    }

  private:
    void bind_all() {
        for (std::size_t i = 0; i < m_params.size(); ++i) {
            std::string name = fmt::format("${}", i + 1);
            int index = sqlite3_bind_parameter_index(m_stmt, name.c_str());
            if (index == 0) continue; // not used by this statement
            const Param& p = m_params[i];
            int rc = p.kind == Param::integer ? sqlite3_bind_int64(m_stmt, index, p.number)
                     : p.kind == Param::text
                         ? sqlite3_bind_text(m_stmt, index, p.string.data(),
                                             static_cast<int>(p.string.size()), SQLITE_STATIC)
                         : sqlite3_bind_null(m_stmt, index);
            if (rc != SQLITE_OK) fail(rc);
        }
    }
    [[noreturn]] void fail(int rc) const {
        throw Failure{sqlite_error(m_connection.name(), rc, sqlite3_errmsg(m_connection.handle()),
                                   sqlite3_system_errno(m_connection.handle()))};
    }

    SqliteConnection& m_connection;
    sqlite3_stmt* m_stmt = nullptr;
    bool m_started = false;
    bool m_done = false;
};

} // namespace

SqliteConnection::SqliteConnection(sqlite3* db, std::string name, const StoreOptions& options)
    : m_db(db), m_name(std::move(name)) {
    sqlite3_busy_timeout(m_db, static_cast<int>(options.busy_wait.count()));
}

SqliteConnection::~SqliteConnection() {
    sqlite3_close_v2(m_db);
}

std::unique_ptr<Query> SqliteConnection::query(std::string_view sql) {
    return std::make_unique<SqliteQuery>(*this, sql);
}

void SqliteConnection::exec(const char* sql) {
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        throw Failure{sqlite_error(m_name, sqlite3_extended_errcode(m_db), sqlite3_errmsg(m_db),
                                   sqlite3_system_errno(m_db))};
}

void SqliteConnection::rollback() noexcept {
    if (!sqlite3_get_autocommit(m_db)) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

int SqliteConnection::schema_version() {
    auto q = query("PRAGMA user_version");
    return static_cast<int>(q->single_integer());
}

namespace {
std::pair<std::int64_t, std::int64_t> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {-1, -1};
    return {st.st_size, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}
} // namespace

void SqliteConnection::begin_read() {
    // Each read of an immutable file is checked against the file as it was when it began.
    if (m_immutable_path) m_stamp = stamp_of(*m_immutable_path);
    exec("BEGIN");
}

void SqliteConnection::read_as_immutable(std::string path) {
    m_stamp = stamp_of(path);
    m_immutable_path = std::move(path);
}

Result<void> SqliteConnection::after_read() {
    if (!m_immutable_path) return {};
    std::error_code ec;
    if (stamp_of(*m_immutable_path) != m_stamp ||
        std::filesystem::exists(*m_immutable_path + "-wal", ec))
        return fail(ErrorKind::temporary,
                    fmt::format("store {} was written while it was read (it is read as a file, "
                                "since you cannot write its folder), so what was read may be "
                                "wrong; run the command again",
                                m_name));
    return {};
}

Result<void> SqliteConnection::purge_erased() {
    // The old pages are still in the write-ahead log, and the file's own pages are only
    // overwritten when the log is copied back: do that now and empty the log.
    try {
        auto q = query("PRAGMA wal_checkpoint(TRUNCATE)");
        if (q->next() && q->integer_or(0, 0) != 0)
            return fail(ErrorKind::temporary,
                        "the personal data is erased from the store's tables, but another "
                        "process is reading the store, so old copies of its pages remain in the "
                        "store's files; run 'dropcat backorder forget' again once it has "
                        "finished");
        q->run();
    } catch (const Failure& f) {
        return std::unexpected(f.error);
    }
    return {};
}

} // namespace dropcat::store
