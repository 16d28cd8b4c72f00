#include "dropcat/store.hpp"
#include "core/paths.hpp"

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

int Store::known_schema_version() {
    return static_cast<int>(store::k_migrations.size());
}

std::filesystem::path default_store_path() {
    return paths::xdg_dir("XDG_DATA_HOME", ".local/share") / "dropcat.db";
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

int Store::schema_version() const {
    return m_db->execAndGet("PRAGMA user_version").getInt();
}

Result<void> Store::each_drop(const DropQuery& query,
                              const std::function<bool(const DropRecord&)>& each) const {
    constexpr std::int64_t k_ms_per_day = 86'400'000;
    try {
        sqlite3* db = m_db->getHandle();
        // The few sources by id, so that rows need no join.
        std::map<std::int64_t, std::string> sources;
        std::optional<std::int64_t> source_id;
        {
            store::Stmt names(db, "SELECT id, name FROM sources");
            while (names.step()) {
                std::int64_t id = names.integer_column(0).value_or(0);
                sources.emplace(id, std::string(names.column(1)));
                if (query.source && names.column(1) == *query.source) source_id = id;
            }
        }
        if (query.source && !source_id) return {}; // no rows from a source never imported
        std::string sql = "SELECT domain, drop_date, drop_time, source_id, first_seen, last_seen, "
                          "(SELECT count(*) FROM backorders b WHERE b.domain = drops.domain "
                          "AND b.status = 'active') AS backorders "
                          "FROM drops WHERE drop_date >= ?1 AND drop_date <= ?2";
        if (source_id) sql += " AND source_id = ?3";
        if (query.backordered)
            sql += *query.backordered ? " AND backorders > 0" : " AND backorders = 0";
        sql += " ORDER BY drop_date, domain";
        store::Stmt stmt(db, sql);
        stmt.integer(1, query.from ? std::int64_t{*query.from} * k_ms_per_day : INT64_MIN);
        stmt.integer(2, query.to ? std::int64_t{*query.to} * k_ms_per_day : INT64_MAX);
        if (source_id) stmt.integer(3, *source_id);
        while (stmt.step()) {
            std::string_view domain = stmt.column(0);
            auto ms = stmt.integer_column(2);
            DropRecord r{domain,
                         domain.substr(domain.rfind('.') + 1),
                         static_cast<Day>(stmt.integer_column(1).value_or(0) / k_ms_per_day),
                         ms ? std::optional(*ms / 1000) : std::nullopt,
                         sources[stmt.integer_column(3).value_or(0)],
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
