#include "dropcat/store.hpp"

#include "schema.hpp"
#include "stmt.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <system_error>

namespace dropcat {

namespace {

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

// Rolls back on scope exit unless committed, so an exception or early return leaves the store
// as it was.
class Transaction {
  public:
    explicit Transaction(sqlite3* db) : m_db(db) { exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (m_open) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
        exec("COMMIT");
        m_open = false;
    }
    void rollback() {
        exec("ROLLBACK");
        m_open = false;
    }

  private:
    void exec(const char* sql) {
        if (int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK)
            throw store::SqliteError(sqlite3_extended_errcode(m_db), sqlite3_errmsg(m_db));
    }
    sqlite3* m_db;
    bool m_open = true;
};

} // namespace

Store::Store(std::unique_ptr<SQLite::Database> db, std::filesystem::path path)
    : m_db(std::move(db)), m_path(std::move(path)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

int Store::known_schema_version() { return static_cast<int>(store::k_migrations.size()); }

std::filesystem::path default_store_path() {
    const char* data_home = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (data_home != nullptr && *data_home == '/') {
        base = data_home;
    } else {
        const char* home = std::getenv("HOME");
        base = std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share";
    }
    return base / "dropcat" / "dropcat.db";
}

Result<Store> Store::open(const std::filesystem::path& path) {
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return fail(ErrorKind::failed, fmt::format("cannot create the folder {}: {}",
                                                       path.parent_path().string(), ec.message()));
    }
    try {
        auto db = std::make_unique<SQLite::Database>(
            path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db->exec("PRAGMA busy_timeout = 5000");
        int version = db->execAndGet("PRAGMA user_version").getInt();
        if (version > known_schema_version())
            return fail(ErrorKind::failed,
                        fmt::format("store {} was written by a newer dropcat (schema {}, this "
                                    "dropcat knows up to {}); it was left unchanged: use a newer "
                                    "dropcat",
                                    path.string(), version, known_schema_version()));
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = NORMAL");
        db->exec("PRAGMA foreign_keys = ON");
        if (version < known_schema_version()) {
            Transaction tx(db->getHandle());
            // Read again inside the write lock: another run may have migrated meanwhile.
            version = db->execAndGet("PRAGMA user_version").getInt();
            for (int v = version; v < known_schema_version(); ++v) {
                db->exec(std::string(store::k_migrations[static_cast<std::size_t>(v)]));
                db->exec(fmt::format("PRAGMA user_version = {}", v + 1));
            }
            tx.commit();
        }
        return Store(std::move(db), path);
    } catch (const SQLite::Exception& e) {
        return std::unexpected(store_error(path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store_error(path, e.code(), e.what()));
    }
}

int Store::schema_version() const { return m_db->execAndGet("PRAGMA user_version").getInt(); }

Result<ImportCounts> Store::import_drops(std::span<const DropEntry> entries, std::int64_t now,
                                         bool dry_run, const std::function<bool()>& interrupted) {
    sqlite3* db = m_db->getHandle();
    ImportCounts counts;
    try {
        m_db->exec("PRAGMA cache_size = -65536");
        Transaction tx(db);
        const std::string stamp = format_utc(now);
        std::map<Day, std::string> day_text;
        auto day_string = [&](Day d) -> const std::string& {
            auto it = day_text.find(d);
            if (it == day_text.end()) it = day_text.emplace(d, format_day(d)).first;
            return it->second;
        };

        store::Stmt any(db, "SELECT 1 FROM drops LIMIT 1");
        bool empty = !any.step();
        store::Stmt select(db, "SELECT drop_date, drop_time, source FROM drops WHERE domain = ?1");
        store::Stmt insert(db, "INSERT INTO drops (domain, tld, drop_date, drop_time, source, "
                               "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
        store::Stmt update(db, "UPDATE drops SET drop_date = ?2, drop_time = ?3, source = ?4, "
                               "last_seen = ?5 WHERE domain = ?1");
        store::Stmt touch(db, "UPDATE drops SET last_seen = ?2 WHERE domain = ?1");

        std::string time_text;
        std::size_t done = 0;
        for (const DropEntry& e : entries) {
            if (++done % 4096 == 0 && interrupted && interrupted())
                return fail(ErrorKind::interrupted, "interrupted; the store was left unchanged");
            const std::string& date = day_string(e.day);
            time_text = e.time ? format_utc(*e.time) : std::string();
            bool exists = false;
            bool same = false;
            if (!empty) {
                select.text(1, e.domain);
                exists = select.step();
                if (exists) {
                    // Keep a time the store knows for this day when this list gives none.
                    if (!e.time && select.column(0) == date) time_text = select.column(1);
                    same = select.column(0) == date && select.column(1) == time_text &&
                           select.column(2) == e.source;
                }
                select.reset();
            }
            if (!exists) {
                insert.text(1, e.domain);
                insert.text(2, e.tld);
                insert.text(3, date);
                insert.text_or_null(4, time_text);
                insert.text(5, e.source);
                insert.text(6, stamp);
                insert.step();
                insert.reset();
                ++counts.added;
            } else if (same) {
                touch.text(1, e.domain);
                touch.text(2, stamp);
                touch.step();
                touch.reset();
                ++counts.unchanged;
            } else {
                update.text(1, e.domain);
                update.text(2, date);
                update.text_or_null(3, time_text);
                update.text(4, e.source);
                update.text(5, stamp);
                update.step();
                update.reset();
                ++counts.updated;
            }
        }
        if (dry_run) tx.rollback();
        else tx.commit();
    } catch (const SQLite::Exception& e) {
        return std::unexpected(store_error(m_path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store_error(m_path, e.code(), e.what()));
    }
    return counts;
}

Result<void> Store::each_drop(const DropQuery& query,
                              const std::function<bool(const DropRecord&)>& each) const {
    try {
        std::string sql = "SELECT domain, tld, drop_date, drop_time, source, first_seen, last_seen "
                          "FROM drops WHERE drop_date >= ?1 AND drop_date <= ?2";
        if (query.source) sql += " AND source = ?3";
        sql += " ORDER BY drop_date, domain";
        store::Stmt stmt(m_db->getHandle(), sql);
        std::string from = query.from ? format_day(*query.from) : "0000-00-00";
        std::string to = query.to ? format_day(*query.to) : "9999-99-99";
        stmt.text(1, from);
        stmt.text(2, to);
        if (query.source) stmt.text(3, *query.source);
        while (stmt.step()) {
            DropRecord r{stmt.column(0), stmt.column(1), stmt.column(2), stmt.column(3),
                         stmt.column(4), stmt.column(5), stmt.column(6)};
            if (!each(r)) break;
        }
    } catch (const SQLite::Exception& e) {
        return std::unexpected(store_error(m_path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store_error(m_path, e.code(), e.what()));
    }
    return {};
}

} // namespace dropcat
