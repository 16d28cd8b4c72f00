#pragma once

#include "dropcat/export.hpp"
#include "dropcat/date.hpp"
#include "dropcat/error.hpp"
#include "dropcat/store_tables.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

namespace store {
class Connection;
struct Pool;
} // namespace store

enum class Backend { sqlite, postgresql };

// True for a location that names a PostgreSQL database (postgresql://… or postgres://…);
// anything else is an SQLite file path.
bool is_postgresql_location(std::string_view location);

struct StoreOptions {
    // A read-only command may open a store the user can only read. SQLite: a file the user
    // cannot write opens read-only, and one that needs a schema upgrade is refused then, since
    // upgrading is a write. PostgreSQL: the role's rights decide; reads are read-only
    // transactions either way.
    bool read_only = false;
    // False: a store that does not exist yet is not made. An SQLite file that is not there is
    // an error; an empty PostgreSQL database is opened as it is, at schema version 0 and
    // without tables (for dry runs and completions, which must not create anything).
    bool create = true;
    // How long a write waits for another writer to finish before failing as `temporary`.
    std::chrono::milliseconds busy_wait{5000};
};

// The read side of a transaction: typed, per-table access that sees one consistent state.
class ReadTx {
  public:
    explicit ReadTx(store::Connection& connection) : m_connection(connection) {}
    const DropsTable drops() const { return DropsTable(m_connection); }
    const CustomersTable customers() const { return CustomersTable(m_connection); }
    const BackordersTable backorders() const { return BackordersTable(m_connection); }
    const EventsTable events() const { return EventsTable(m_connection); }
    const CreatesTable creates() const { return CreatesTable(m_connection); }
    const ObservationsTable observations() const { return ObservationsTable(m_connection); }
    const CatchTable catches() const { return CatchTable(m_connection); }
    const OptOutsTable optouts() const { return OptOutsTable(m_connection); }
    const OffersTable offers() const { return OffersTable(m_connection); }

  protected:
    store::Connection& m_connection;
};

// A write transaction: the same tables with their writing calls. It commits when the body
// returns a value and rolls back when it returns an error or throws.
class Tx : public ReadTx {
  public:
    using ReadTx::ReadTx;
    DropsTable drops() { return DropsTable(m_connection); }
    CustomersTable customers() { return CustomersTable(m_connection); }
    BackordersTable backorders() { return BackordersTable(m_connection); }
    EventsTable events() { return EventsTable(m_connection); }
    CreatesTable creates() { return CreatesTable(m_connection); }
    ObservationsTable observations() { return ObservationsTable(m_connection); }
    CatchTable catches() { return CatchTable(m_connection); }
    OptOutsTable optouts() { return OptOutsTable(m_connection); }
    OffersTable offers() { return OffersTable(m_connection); }
    // Roll back at the end even when the body succeeds (a dry run).
    void rollback_at_end() { m_rollback = true; }
    bool rolls_back() const { return m_rollback; }

  private:
    bool m_rollback = false;
};

// The store: one interface over two backends. SQLite (a file path) is the embedded default:
// one file, WAL, migrations by PRAGMA user_version. PostgreSQL (postgresql://…) is for several
// machines sharing one store. Every write is one transaction that commits whole or leaves the
// store as it was.
//
// A Store may be used from several threads at once: each read or write takes a connection of
// its own from the store's pool (opening one when none is free) and gives it back afterwards.
// A body must not start another read or write on the same store: that would be a second
// transaction, which for a write waits for the first and fails as busy.
class Store {
  public:
    // Opens (creating on first use) and migrates the store at `location`: a file path, or a
    // postgresql:// URI. A store written by a newer dropcat is refused, not touched.
    static Result<Store> open(std::string_view location, const StoreOptions& options = {});
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    static int known_schema_version();
    Result<int> schema_version() const;
    Backend backend() const;
    // The store's name for messages: the path, or the URI without its password.
    const std::string& name() const;
    bool read_only() const;

    // Runs `body(Tx&)` in one write transaction. The body returns a Result<T>; the store's own
    // failures (busy, connection lost, disk full) come back as its error.
    template <typename Body> auto write(Body&& body) -> std::invoke_result_t<Body, Tx&> {
        using R = std::invoke_result_t<Body, Tx&>;
        std::optional<R> out;
        auto done = write_void([&](Tx& tx) -> Result<void> {
            out.emplace(body(tx));
            if (!*out) return std::unexpected(out->error());
            return {};
        });
        if (!done) return std::unexpected(done.error());
        return std::move(*out);
    }
    // Runs `body(const ReadTx&)` in one read transaction (a consistent snapshot).
    template <typename Body>
    auto read(Body&& body) const -> std::invoke_result_t<Body, const ReadTx&> {
        using R = std::invoke_result_t<Body, const ReadTx&>;
        std::optional<R> out;
        auto done = read_void([&](const ReadTx& tx) -> Result<void> {
            out.emplace(body(tx));
            if (!*out) return std::unexpected(out->error());
            return {};
        });
        if (!done) return std::unexpected(done.error());
        return std::move(*out);
    }

    // After a transaction that erased personal data: removes the old copies the backend still
    // keeps outside the live rows (SQLite: the write-ahead log, copied back and truncated;
    // PostgreSQL: the dead row versions, by rewriting the customers and backorders tables).
    // `temporary` when another reader holds them and it should be run again later.
    Result<void> purge_erased();

    // The store's one catch run: held until the RunLock is destroyed (or the process ends,
    // however it ends). SQLite: a lock on the file STORE.catch.lock; PostgreSQL: a session
    // advisory lock, so that runs on several machines exclude each other. `holder` (host and
    // process) is recorded for the message another run gets: kind `temporary` naming it.
    class RunLock;
    Result<RunLock> lock_run(std::string_view holder);

    Result<void> write_void(const std::function<Result<void>(Tx&)>& body);
    Result<void> read_void(const std::function<Result<void>(const ReadTx&)>& body) const;

  private:
    explicit Store(std::unique_ptr<store::Pool> pool);
    std::unique_ptr<store::Pool> m_pool;
};

class Store::RunLock {
  public:
    struct Held;
    explicit RunLock(std::unique_ptr<Held> held);
    RunLock(RunLock&&) noexcept;
    RunLock& operator=(RunLock&&) noexcept;
    ~RunLock();

  private:
    std::unique_ptr<Held> m_held;
};

// The default store path: ${XDG_DATA_HOME:-~/.local/share}/dropcat/dropcat.db. Kind `config`
// when neither XDG_DATA_HOME nor HOME is an absolute path (the message names --db).
Result<std::filesystem::path> default_store_path();

} // namespace dropcat

DROPCAT_PUBLIC_END
