#pragma once

#include "dropcat/date.hpp"
#include "dropcat/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace SQLite {
class Database;
}

namespace dropcat {

// One drop as an import hands it to the store.
struct DropEntry {
    std::string_view domain; // A-label
    std::string_view source;
    std::optional<std::int64_t> time; // Unix seconds, UTC, when the list gave a time
    Day day = 0;
    std::uint16_t tld_pos = 0; // where the TLD starts in domain

    std::string_view tld() const { return domain.substr(tld_pos); }
};

struct ImportCounts {
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
};

// One row of the drops table as listings read it.
struct DropRecord {
    std::string_view domain;
    std::string_view tld;
    Day drop_date = 0;
    std::optional<std::int64_t> drop_time; // Unix seconds, UTC, when known
    std::string_view source;
    std::int64_t first_seen = 0; // Unix seconds, UTC
    std::int64_t last_seen = 0;
    std::int64_t backorders = 0; // active backorders on the name
};

struct DropQuery {
    std::optional<Day> from; // inclusive
    std::optional<Day> to;   // inclusive
    std::optional<std::string> source;
    std::optional<bool> backordered; // only names with (true) or without (false) active ones
};

// The SQLite store: one file, WAL, schema migrations by PRAGMA user_version. Every mutating call
// is one transaction that either commits whole or leaves the file as it was.
class Store {
  public:
    // Opens (creating the file and its folder on first use) and migrates the store. A store
    // written by a newer dropcat is refused, not touched.
    static Result<Store> open(const std::filesystem::path& path);
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    static int known_schema_version();
    int schema_version() const;
    const std::filesystem::path& path() const { return m_path; }
    // The connection, for the library's other store-backed modules (backorders).
    SQLite::Database& database() const { return *m_db; }

    // Writes drops: new names are added, names already there get last_seen = now and, where
    // the date, time or source differ, those too. A list without a time does not erase a
    // time the store has for the same day. `entries` must be sorted by domain and unique
    // (byte order, as std::string_view compares).
    // With dry_run the transaction is rolled back after counting. `interrupted` is polled.
    Result<ImportCounts> import_drops(std::span<const DropEntry> entries, std::int64_t now,
                                      bool dry_run, const std::function<bool()>& interrupted);

    // Calls `each` for every drop the query selects, by drop date then domain, streaming from
    // the database; `each` returns false to stop.
    Result<void> each_drop(const DropQuery& query,
                           const std::function<bool(const DropRecord&)>& each) const;

  private:
    Store(std::unique_ptr<SQLite::Database> db, std::filesystem::path path);
    std::unique_ptr<SQLite::Database> m_db;
    std::filesystem::path m_path;
};

// The default store path: ${XDG_DATA_HOME:-~/.local/share}/dropcat/dropcat.db.
std::filesystem::path default_store_path();

} // namespace dropcat
