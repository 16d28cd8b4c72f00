#include "dropcat/store.hpp"

#include "schema.hpp"
#include "stmt.hpp"
#include "transaction.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <system_error>

namespace dropcat {

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

namespace {
// SQLite keeps memory statistics behind a global mutex taken on every allocation; dropcat reads
// none of them. This must run before SQLite initialises, and is harmless when it is too late.
void configure_sqlite_once() {
    static const bool done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)done;
}
} // namespace

Result<Store> Store::open(const std::filesystem::path& path) {
    configure_sqlite_once();
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return fail(ErrorKind::failed, fmt::format("cannot create the folder {}: {}",
                                                       path.parent_path().string(), ec.message()));
    }
    try {
        auto db = std::make_unique<SQLite::Database>(
            path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        db->exec("PRAGMA busy_timeout = 5000");
        int version = db->execAndGet("PRAGMA user_version").getInt();
        if (version > known_schema_version())
            return fail(ErrorKind::failed,
                        fmt::format("store {} was written by a newer dropcat (schema {}, this "
                                    "dropcat knows up to {}); it was left unchanged: use a newer "
                                    "dropcat",
                                    path.string(), version, known_schema_version()));
        // A new store gets 16 KiB pages: imports write whole lists at once, and bigger pages mean
        // a quarter of the page writes (page_size only takes effect before the first table).
        if (version == 0) db->exec("PRAGMA page_size = 16384");
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = NORMAL");
        db->exec("PRAGMA foreign_keys = ON");
        if (version < known_schema_version()) {
            store::Transaction tx(db->getHandle());
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
        return std::unexpected(store::store_error(path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store::store_error(path, e.code(), e.what()));
    }
}

int Store::schema_version() const { return m_db->execAndGet("PRAGMA user_version").getInt(); }

Result<void> Store::each_drop(const DropQuery& query,
                              const std::function<bool(const DropRecord&)>& each) const {
    try {
        std::string sql = "SELECT domain, drop_date, drop_time, source, first_seen, last_seen, "
                          "(SELECT count(*) FROM backorders b WHERE b.domain = drops.domain "
                          "AND b.status = 'active') AS backorders "
                          "FROM drops WHERE drop_date >= ?1 AND drop_date <= ?2";
        if (query.source) sql += " AND source = ?3";
        if (query.backordered) sql += *query.backordered ? " AND backorders > 0" : " AND backorders = 0";
        sql += " ORDER BY drop_date, domain";
        store::Stmt stmt(m_db->getHandle(), sql);
        std::string from = query.from ? format_day(*query.from) : "0000-00-00";
        std::string to = query.to ? format_day(*query.to) : "9999-99-99";
        stmt.text(1, from);
        stmt.text(2, to);
        if (query.source) stmt.text(3, *query.source);
        while (stmt.step()) {
            std::string_view domain = stmt.column(0);
            auto ms = stmt.integer_column(2);
            DropRecord r{domain,
                         domain.substr(domain.rfind('.') + 1),
                         stmt.column(1),
                         ms ? std::optional(*ms / 1000) : std::nullopt,
                         stmt.column(3),
                         stmt.integer_column(4).value_or(0) / 1000,
                         stmt.integer_column(5).value_or(0) / 1000,
                         stmt.integer_column(6).value_or(0)};
            if (!each(r)) break;
        }
    } catch (const SQLite::Exception& e) {
        return std::unexpected(store::store_error(m_path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store::store_error(m_path, e.code(), e.what()));
    }
    return {};
}

} // namespace dropcat
