#include "dropcat/store.hpp"
#include "core/paths.hpp"

#include "connection.hpp"
#include "pg_backend.hpp"
#include "schema.hpp"
#include "sqlite_backend.hpp"

#include <fmt/format.h>

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

Result<std::filesystem::path> default_store_path() {
    return paths::xdg_path("XDG_DATA_HOME", ".local/share", "dropcat.db", "default store",
                           "name the store with --db PATH (or DROPCAT_DB)");
}

} // namespace dropcat
