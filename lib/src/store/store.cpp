#include "dropcat/store.hpp"
#include "core/paths.hpp"

#include "connection.hpp"
#include "pg_backend.hpp"
#include "schema.hpp"
#include "sqlite_backend.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dropcat {

namespace {

// A connection taken from the pool for one transaction and given back after it, unless it
// broke meanwhile.
class Lease {
  public:
    explicit Lease(store::Pool& pool) : m_pool(pool) {
        std::lock_guard lock(pool.mutex);
        if (!pool.idle.empty()) {
            m_connection = std::move(pool.idle.back());
            pool.idle.pop_back();
        }
    }
    ~Lease() {
        if (!m_connection || !m_connection->usable()) return;
        std::lock_guard lock(m_pool.mutex);
        m_pool.idle.push_back(std::move(m_connection));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // The connection, opening a new one when the pool had none free.
    Result<store::Connection*> get() {
        if (!m_connection) {
            auto c = m_pool.connect();
            if (!c) return std::unexpected(c.error());
            m_connection = std::move(*c);
        }
        return m_connection.get();
    }

  private:
    store::Pool& m_pool;
    std::unique_ptr<store::Connection> m_connection;
};

} // namespace

bool is_postgresql_location(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Store::Store(std::unique_ptr<store::Pool> pool) : m_pool(std::move(pool)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(std::string_view location, const StoreOptions& options) {
    auto pool = is_postgresql_location(location)
                    ? store::open_postgresql(std::string(location), options)
                    : store::open_sqlite(std::filesystem::path(location), options);
    if (!pool) return std::unexpected(pool.error());
    return Store(std::move(*pool));
}

int Store::known_schema_version() {
    return static_cast<int>(store::k_migrations.size());
}

Backend Store::backend() const {
    return m_pool->backend;
}
const std::string& Store::name() const {
    return m_pool->name;
}
bool Store::read_only() const {
    return m_pool->read_only;
}

Result<int> Store::schema_version() const {
    Lease lease(*m_pool);
    auto c = lease.get();
    if (!c) return std::unexpected(c.error());
    try {
        return (*c)->schema_version();
    } catch (const store::Failure& f) {
        return std::unexpected(f.error);
    }
}

namespace {

// Takes a connection, begins a transaction on it and runs the body, which ends it. A store
// failure or an exception in the body rolls the transaction back.
Result<void> in_transaction(store::Pool& pool, bool write,
                            const std::function<Result<void>(store::Connection&)>& body) {
    Lease lease(pool);
    auto c = lease.get();
    if (!c) return std::unexpected(c.error());
    store::Connection& connection = **c;
    try {
        try {
            if (write)
                connection.begin_write();
            else
                connection.begin_read();
            return body(connection);
        } catch (...) {
            connection.rollback();
            throw;
        }
    } catch (const store::Failure& f) {
        connection.rollback();
        return std::unexpected(f.error);
    }
}

} // namespace

Result<void> Store::write_void(const std::function<Result<void>(Tx&)>& body) {
    if (m_pool->read_only)
        return fail(ErrorKind::failed, fmt::format("store {} can only be read by you; nothing was "
                                                   "changed",
                                                   m_pool->name));
    return in_transaction(*m_pool, true, [&](store::Connection& connection) {
        Tx tx(connection);
        Result<void> out = body(tx);
        if (!out || tx.rolls_back())
            connection.rollback();
        else
            connection.commit();
        return out;
    });
}

Result<void> Store::read_void(const std::function<Result<void>(const ReadTx&)>& body) const {
    return in_transaction(*m_pool, false, [&](store::Connection& connection) {
        ReadTx tx(connection);
        Result<void> out = body(tx);
        connection.rollback(); // nothing to keep: ending a read is the same either way
        return out ? connection.after_read() : out;
    });
}

Result<void> Store::purge_erased() {
    Lease lease(*m_pool);
    auto c = lease.get();
    if (!c) return std::unexpected(c.error());
    return (*c)->purge_erased();
}

// ---- the catch run lock

struct Store::RunLock::Held {
    int fd = -1;                                // SQLite: the locked file
    std::unique_ptr<store::Connection> session; // PostgreSQL: the session holding the lock
    ~Held() {
        if (fd >= 0) ::close(fd); // closing releases the file lock
    }
};

Store::RunLock::RunLock(std::unique_ptr<Held> held) : m_held(std::move(held)) {}
Store::RunLock::RunLock(RunLock&&) noexcept = default;
Store::RunLock& Store::RunLock::operator=(RunLock&&) noexcept = default;
Store::RunLock::~RunLock() = default;

namespace {

constexpr std::string_view k_catch_lock = "catch";

} // namespace

Result<Store::RunLock> Store::lock_run(std::string_view holder) {
    auto held = std::make_unique<RunLock::Held>();
    bool got = false;
    if (m_pool->backend == Backend::sqlite) {
        // Beside the store's file as the file system names it, so that two paths to one
        // store (a symlink, a relative path) share the lock.
        std::error_code ec;
        auto real = std::filesystem::weakly_canonical(m_pool->name, ec);
        std::string path = (ec ? m_pool->name : real.string()) + ".catch.lock";
        held->fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (held->fd < 0)
            return fail(ErrorKind::failed, fmt::format("cannot open the lock file {}: {}", path,
                                                       std::strerror(errno)));
        if (::flock(held->fd, LOCK_EX | LOCK_NB) == 0)
            got = true;
        else if (errno != EWOULDBLOCK)
            return fail(ErrorKind::failed,
                        fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    } else {
        auto c = m_pool->connect();
        if (!c) return std::unexpected(c.error());
        try {
            auto q = (*c)->query(store::k_try_catch_lock);
            if (q->next()) got = q->text(0) == "t" || q->text(0) == "true";
            q->run();
        } catch (const store::Failure& f) {
            return std::unexpected(f.error);
        }
        held->session = std::move(*c);
    }
    if (!got) {
        auto who =
            read([](const ReadTx& tx) -> Result<std::optional<std::pair<std::string, Instant>>> {
                return tx.catches().lock_holder(k_catch_lock);
            });
        std::string named =
            who && *who ? fmt::format(" ({}, since {})", (*who)->first, format_utc((*who)->second))
                        : "";
        return fail(ErrorKind::temporary,
                    fmt::format("another catch run holds the store {}{}; try again when it ends",
                                m_pool->name, named));
    }
    auto noted = write([&](Tx& tx) -> Result<void> {
        tx.catches().set_lock_holder(k_catch_lock, holder, wall_clock_now());
        return {};
    });
    if (!noted) return std::unexpected(noted.error());
    return RunLock(std::move(held));
}

Result<std::filesystem::path> default_store_path() {
    return paths::xdg_path("XDG_DATA_HOME", ".local/share", "dropcat.db", "default store",
                           "name the store with --db PATH (or DROPCAT_DB)");
}

} // namespace dropcat
