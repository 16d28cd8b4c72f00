#include "schema.hpp"
#include "sqlite_backend.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

namespace dropcat::store {

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

// What Store::open made on the way, so that a store that fails to be created leaves nothing
// behind: the folders it created (deepest last) and whether it created the file.
struct Made {
    std::vector<std::filesystem::path> folders;
    bool file = false;
};

void undo(const std::filesystem::path& path, const Made& made) {
    std::error_code ec;
    if (made.file)
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path.string() + suffix, ec);
    for (auto it = made.folders.rbegin(); it != made.folders.rend(); ++it)
        std::filesystem::remove(*it, ec); // only removes a folder that is empty
}

// Creates the missing folders above `path` with mode 0700: the store holds personal data.
Result<void> make_folders(const std::filesystem::path& path, Made& made) {
    std::vector<std::filesystem::path> missing;
    std::error_code ec;
    for (auto p = path.parent_path(); !p.empty() && !std::filesystem::exists(p, ec);
         p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
            return fail(ErrorKind::failed, fmt::format("cannot create the folder {}: {}",
                                                       it->string(), std::strerror(errno)));
        made.folders.push_back(*it);
    }
    return {};
}

// Creates an empty store file with mode 0600 (SQLite gives its -wal and -shm files the same).
Result<void> make_file(const std::filesystem::path& path, Made& made) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return {}; // another run created it meanwhile
        return fail(ErrorKind::failed, fmt::format("cannot create the store {}: {}", path.string(),
                                                   std::strerror(errno)));
    }
    ::close(fd);
    made.file = true;
    return {};
}

// file:PATH?immutable=1, for SQLite's URI form.
std::string immutable_uri(const std::filesystem::path& path) {
    std::string uri = "file:";
    for (unsigned char c : path.string()) {
        if (c == '%' || c == '?' || c == '#' || c < 0x21 || c > 0x7e)
            uri += fmt::format("%{:02X}", c);
        else
            uri += static_cast<char>(c);
    }
    return uri + "?immutable=1";
}

// A store the user may only read, in a folder the user may not write: SQLite cannot make the
// shared-memory file a WAL reader needs. When no write-ahead log exists (no writer has data
// outside the file), the file alone is the whole store and is read as it is.
bool read_as_file(const std::filesystem::path& path, sqlite3* db) {
    if (std::filesystem::exists(path.string() + "-wal")) return false;
    int rc = sqlite3_exec(db, "PRAGMA user_version", nullptr, nullptr, nullptr);
    int primary = sqlite3_extended_errcode(db) & 0xff;
    return rc != SQLITE_OK && (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN);
}

Result<std::unique_ptr<SqliteConnection>> connect(const std::filesystem::path& path,
                                                  const StoreOptions& options) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db,
                             (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                                 SQLITE_OPEN_NOMUTEX,
                             nullptr);
    bool immutable = false;
    if (rc == SQLITE_OK && options.read_only && read_as_file(path, db)) {
        sqlite3_close_v2(db);
        db = nullptr;
        rc = sqlite3_open_v2(immutable_uri(path).c_str(), &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
        immutable = true;
    }
    if (rc != SQLITE_OK) {
        std::string what = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        if ((rc & 0xff) == SQLITE_CANTOPEN)
            return fail(ErrorKind::failed,
                        fmt::format("cannot open the store {}: {}", path.string(),
                                    std::strerror(errno != 0 ? errno : EACCES)));
        return std::unexpected(sqlite_error(path.string(), rc, what));
    }
    auto c = std::make_unique<SqliteConnection>(db, path.string(), options);
    if (immutable) c->read_as_immutable(path.string());
    try {
        c->exec("PRAGMA foreign_keys = ON");
        if (!options.read_only) c->exec("PRAGMA synchronous = NORMAL");
    } catch (const Failure& f) {
        return std::unexpected(f.error);
    }
    return c;
}

// Switching to WAL mode needs every other connection out of the file, and SQLite answers
// "busy" at once, without its busy handler, while another run is opening the same new store
// (several cron jobs started together on a fresh store). So it is tried again, as the busy
// handler would, until the store's busy wait has passed; at least a second, since the other
// runs only hold the new file for the moment they set it up, even when the operator asked not
// to wait for a run that writes (DROPCAT_LOCK_WAIT=0).
void use_wal(SqliteConnection& c, std::chrono::milliseconds busy_wait) {
    auto give_up =
        std::chrono::steady_clock::now() + std::max(busy_wait, std::chrono::milliseconds(1000));
    while (true) {
        try {
            c.exec("PRAGMA journal_mode = WAL");
            return;
        } catch (const Failure& f) {
            if (f.error.kind != ErrorKind::temporary || std::chrono::steady_clock::now() >= give_up)
                throw;
        }
        sqlite3_sleep(5);
    }
}

// Brings the store to the current schema: a new one gets its pages and WAL mode first.
void migrate(SqliteConnection& c, std::chrono::milliseconds busy_wait) {
    int version = c.schema_version();
    if (version >= static_cast<int>(k_migrations.size())) return;
    // A new store gets 16 KiB pages: imports write whole lists at once, and bigger pages mean
    // a quarter of the page writes (page_size only takes effect before the first table).
    if (version == 0) c.exec("PRAGMA page_size = 16384");
    use_wal(c, busy_wait);
    c.begin_write();
    try {
        // Read again inside the write lock: another run may have migrated meanwhile.
        version = c.schema_version();
        for (int v = version; v < static_cast<int>(k_migrations.size()); ++v) {
            c.exec(std::string(k_migrations[static_cast<std::size_t>(v)].sqlite).c_str());
            c.exec(fmt::format("PRAGMA user_version = {}", v + 1).c_str());
        }
        c.commit();
    } catch (...) {
        c.rollback();
        throw;
    }
}

} // namespace

Result<std::unique_ptr<Pool>> open_sqlite(const std::filesystem::path& path,
                                          const StoreOptions& given) {
    configure_sqlite_once();
    StoreOptions options = given;
    Made made;
    std::error_code ec;
    bool exists = std::filesystem::exists(path, ec);
    // An empty file is a store not set up yet (a run that created it was stopped).
    if (exists && !options.create && std::filesystem::is_regular_file(path, ec) &&
        std::filesystem::file_size(path, ec) == 0)
        exists = false;
    if (!exists && !options.create)
        return fail(ErrorKind::failed, fmt::format("there is no store {}", path.string()));
    if (!exists) {
        if (auto ok = make_folders(path, made); !ok) return std::unexpected(ok.error());
        if (auto ok = make_file(path, made); !ok) {
            undo(path, made);
            return std::unexpected(ok.error());
        }
        options.read_only = false; // a new store is written by this run
    } else if (options.read_only && ::access(path.c_str(), W_OK) == 0 &&
               ::access(path.parent_path().empty() ? "." : path.parent_path().c_str(), W_OK) == 0) {
        options.read_only = false; // read-only only when writing is not possible
    }
    auto first = connect(path, options);
    if (!first) {
        undo(path, made);
        return std::unexpected(first.error());
    }
    try {
        int version = (*first)->schema_version();
        int known = static_cast<int>(k_migrations.size());
        if (version > known) return std::unexpected(newer_schema(path.string(), version, known));
        if (version < known && options.read_only)
            return fail(ErrorKind::failed,
                        fmt::format("store {} needs its schema upgraded (from {} to {}), which "
                                    "needs write access to it; run a dropcat command that writes, "
                                    "as its owner",
                                    path.string(), version, known));
        if (!options.read_only) migrate(**first, options.busy_wait);
    } catch (const Failure& f) {
        first->reset();
        // Busy: another run has the new store open and is setting it up; it is not ours to
        // remove.
        if (f.error.kind != ErrorKind::temporary) undo(path, made);
        return std::unexpected(f.error);
    }
    auto pool = std::make_unique<Pool>();
    pool->backend = Backend::sqlite;
    pool->name = path.string();
    pool->read_only = options.read_only;
    pool->connect = [path, options]() -> Result<std::unique_ptr<Connection>> {
        auto c = connect(path, options);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<Connection>(std::move(*c));
    };
    pool->idle.push_back(std::move(*first));
    return pool;
}

} // namespace dropcat::store
