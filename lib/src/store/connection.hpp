#pragma once

// Internal to the store module: one database connection behind a small interface that both
// backends implement. Table code (tables_*.cpp) is written once against it, in SQL that
// SQLite 3.40 and PostgreSQL 15 both accept, with $1, $2, … placeholders. What differs per
// backend lives in the backend: opening and migrating, locking, the bulk import path, erasure.

#include <dropcat/date.hpp>
#include <dropcat/error.hpp>
#include <dropcat/store.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat::store {

// A store failure inside a transaction body, already in words an operator can act on. Thrown
// by connections and queries, caught by Store at the edge of every read and write.
struct Failure {
    Error error;
};

[[noreturn]] inline void raise(ErrorKind kind, std::string message) {
    throw Failure{Error{kind, std::move(message)}};
}

// A store whose schema is newer than this dropcat knows: refused, never touched.
inline Error newer_schema(const std::string& name, int version, int known) {
    return Error{ErrorKind::failed, "store " + name + " was written by a newer dropcat (schema " +
                                        std::to_string(version) + ", this dropcat knows up to " +
                                        std::to_string(known) +
                                        "); it was left unchanged: use a newer dropcat"};
}

// A statement with its bound values, run on the first call to next().
class Query {
  public:
    virtual ~Query() = default;

    Query& bind(int index, std::int64_t value) {
        return set(index, Param{Param::integer, value, {}});
    }
    Query& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Query& bind(int index, std::string_view value) {
        return set(index, Param{Param::text, 0, std::string(value)});
    }
    Query& bind(int index, Instant value) { return bind(index, unix_ms(value)); }
    Query& bind(int index, std::optional<std::int64_t> value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    Query& bind_null(int index) { return set(index, Param{Param::null, 0, {}}); }
    // An empty text is stored as absent (NULL).
    Query& bind_text_or_null(int index, std::string_view value) {
        return value.empty() ? bind_null(index) : bind(index, value);
    }

    // The next row; the first call runs the statement. False when there are no more.
    virtual bool next() = 0;
    // A column of the current row: NULL reads as "" or nullopt.
    virtual std::string_view text(int column) const = 0;
    virtual std::optional<std::int64_t> integer(int column) const = 0;

    std::int64_t integer_or(int column, std::int64_t fallback) const {
        return integer(column).value_or(fallback);
    }
    Instant instant(int column) const { return from_unix_ms(integer_or(column, 0)); }
    std::optional<Instant> optional_instant(int column) const {
        auto ms = integer(column);
        return ms ? std::optional(from_unix_ms(*ms)) : std::nullopt;
    }
    // Runs a statement that returns no rows (or whose rows are not wanted).
    void run() {
        while (next()) {
        }
    }
    // The first column of the first row, for count(*) and RETURNING id.
    std::int64_t single_integer() {
        if (!next()) raise(ErrorKind::failed, "the store returned no row where one was expected");
        std::int64_t value = integer_or(0, 0);
        run();
        return value;
    }

  protected:
    struct Param {
        enum Kind { null, integer, text } kind = null;
        std::int64_t number = 0;
        std::string string;
    };
    // Parameters by placeholder number less one ($1 is params[0]).
    std::vector<Param> m_params;

  private:
    Query& set(int index, Param p) {
        auto i = static_cast<std::size_t>(index - 1);
        if (m_params.size() <= i) m_params.resize(i + 1);
        m_params[i] = std::move(p);
        return *this;
    }
};

class Connection {
  public:
    virtual ~Connection() = default;

    virtual Backend backend() const = 0;
    virtual std::unique_ptr<Query> query(std::string_view sql) = 0;
    // A query for a listing that may be stopped early: PostgreSQL reads it through a cursor.
    virtual std::unique_ptr<Query> stream(std::string_view sql) { return query(sql); }

    // A write transaction holds the store's one write lock, waiting for it up to the store's
    // busy wait (then `temporary`); a read transaction sees one consistent snapshot.
    virtual void begin_write() = 0;
    virtual void begin_read() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    virtual int schema_version() = 0;

    // The bulk import path (inside a write transaction).
    virtual Result<ImportCounts> import_drops(const DropBatches& next, std::size_t total,
                                              Instant now,
                                              const std::function<bool()>& interrupted) = 0;
    // Called before personal data is overwritten in this transaction.
    virtual void before_erasure() {}
    // Outside any transaction: removes old copies of erased rows (see Store::purge_erased).
    virtual Result<void> purge_erased() = 0;
    // After a read transaction: whether what it read can be trusted (see SqliteConnection).
    virtual Result<void> after_read() { return {}; }
    // False once the connection is known to be broken: it is not given back to the pool.
    virtual bool usable() const { return true; }
};

// The connections of one store: the first opened (and the schema migrated) by Store::open,
// more opened on demand when several threads use the store at once.
struct Pool {
    Backend backend = Backend::sqlite;
    std::string name; // for messages: the path, or the URI without its password
    bool read_only = false;
    std::function<Result<std::unique_ptr<Connection>>()> connect;

    std::mutex mutex;
    std::vector<std::unique_ptr<Connection>> idle;
};

// The ids of the sources the entries name, adding new ones to the sources table (portable SQL,
// shared by both backends' import paths).
std::vector<std::pair<std::string_view, std::int64_t>>
source_ids(Connection& connection, std::span<const DropEntry> entries);

} // namespace dropcat::store
