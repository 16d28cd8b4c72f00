// The SQLite backend's bulk import path.

#include "sqlite_backend.hpp"

#include <map>
#include <vector>

namespace dropcat::store {

namespace {

// The row an import writes for one entry: the values the store compares, all integers.
struct Values {
    std::int64_t drop_date = 0;            // Unix ms of 00:00 UTC on the drop day
    std::optional<std::int64_t> drop_time; // Unix ms
    std::int64_t source = 0;               // sources.id
};

// One name's row as the store holds it.
struct Stored {
    Values values;
    std::int64_t first_seen = 0;
};

// What an import writes for one entry, and what kind of change that is.
struct Merged {
    Values values;
    std::int64_t first_seen = 0;
    enum { added, updated, unchanged } change = added;
};

Merged merge(Values given, const std::optional<Stored>& old, std::int64_t stamp) {
    Merged m{given, stamp, Merged::added};
    if (!old) return m;
    m.first_seen = old->first_seen;
    // A list without a time does not erase the time the store has for the same day.
    if (!m.values.drop_time && old->values.drop_date == m.values.drop_date)
        m.values.drop_time = old->values.drop_time;
    bool same = old->values.drop_date == m.values.drop_date &&
                old->values.drop_time == m.values.drop_time &&
                old->values.source == m.values.source;
    m.change = same ? Merged::unchanged : Merged::updated;
    return m;
}

void count(ImportCounts& counts, const Merged& m) {
    if (m.change == Merged::added)
        ++counts.added;
    else if (m.change == Merged::updated)
        ++counts.updated;
    else
        ++counts.unchanged;
}

constexpr std::size_t k_poll_every = 4096;

Stored read_stored(const Stmt& q, int first) {
    return Stored{Values{q.integer_column(first).value_or(0), q.integer_column(first + 1),
                         q.integer_column(first + 2).value_or(0)},
                  q.integer_column(first + 3).value_or(0)};
}

// Writes the rows of one import, entry by entry in key order: inserts for new names, a
// last_seen update for unchanged ones, a full update for changed ones. Appending in key order
// keeps the B-tree writes local.
class Writer {
  public:
    // OR IGNORE: a statement that cannot abort needs no statement journal, which SQLite would
    // otherwise fill with a copy of every page it touches again in this transaction. Nothing
    // is in fact ignored: each write is checked to have changed exactly one row.
    Writer(sqlite3* db, std::int64_t stamp)
        : m_db(db),
          m_insert(db, "INSERT OR IGNORE INTO drops (domain, drop_date, drop_time, source_id, "
                       "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"),
          m_update(db, "UPDATE OR IGNORE drops SET drop_date = ?2, drop_time = ?3, "
                       "source_id = ?4, last_seen = ?5 WHERE domain = ?1"),
          m_touch(db, "UPDATE OR IGNORE drops SET last_seen = ?2 WHERE domain = ?1"),
          m_stamp(stamp) {}

    void write(std::string_view domain, const Merged& m) {
        Stmt& q = m.change == Merged::unchanged ? m_touch
                  : m.change == Merged::added   ? m_insert
                                                : m_update;
        q.text(1, domain);
        if (m.change == Merged::unchanged) {
            q.integer(2, m_stamp);
        } else {
            q.integer(2, m.values.drop_date);
            q.integer_or_null(3, m.values.drop_time);
            q.integer(4, m.values.source);
            q.integer(5, m_stamp);
        }
        q.step();
        q.reset();
        if (sqlite3_changes(m_db) != 1)
            throw SqliteError(SQLITE_INTERNAL, "a drop was not written: " + std::string(domain));
    }

  private:
    sqlite3* m_db;
    Stmt m_insert;
    Stmt m_update;
    Stmt m_touch;
    std::int64_t m_stamp;
};

// Compares a list that is large next to the table with what the table holds by reading the
// table once in key order (a merge of two sorted sequences) instead of looking each name up.
// The table cannot be written while that read is open, so the stored rows are kept per entry.
std::vector<std::optional<Stored>> read_in_order(sqlite3* db, std::span<const DropEntry> entries) {
    std::vector<std::optional<Stored>> stored(entries.size());
    Stmt old_rows(db, "SELECT domain, drop_date, drop_time, source_id, first_seen "
                      "FROM drops WHERE domain >= ?1 AND domain <= ?2 ORDER BY domain");
    old_rows.text(1, entries.front().domain);
    old_rows.text(2, entries.back().domain);
    bool have_old = old_rows.step();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        while (have_old && old_rows.column(0) < entries[i].domain)
            have_old = old_rows.step();
        if (have_old && old_rows.column(0) == entries[i].domain)
            stored[i] = read_stored(old_rows, 1);
    }
    return stored;
}

} // namespace

Result<ImportCounts> SqliteConnection::import_drops(const DropBatches& next, std::size_t total,
                                                    Instant now,
                                                    const std::function<bool()>& interrupted) {
    ImportCounts counts;
    const std::int64_t stamp = unix_ms(now);
    try {
        exec("PRAGMA cache_size = -65536");
        exec("PRAGMA temp_store = MEMORY");
        sqlite3* db = m_db;
        auto rows = static_cast<std::size_t>(query("SELECT count(*) FROM drops")->single_integer());
        Writer writer(db, stamp);
        // A list that covers a good part of the table is compared in one ordered read of it
        // (batch by batch, each batch's range of names); a short list against a large table
        // looks its names up one by one.
        bool read_first = total > 0 && rows > 0 && total * 4 >= rows;
        Stmt select(db, "SELECT drop_date, drop_time, source_id, first_seen FROM drops "
                        "WHERE domain = ?1");
        std::size_t done = 0;
        for (std::span<const DropEntry> entries = next(); !entries.empty(); entries = next()) {
            auto ids = source_ids(*this, entries);
            std::map<std::string_view, std::int64_t> sources(ids.begin(), ids.end());
            std::vector<std::optional<Stored>> stored;
            if (read_first) stored = read_in_order(db, entries);
            for (std::size_t i = 0; i < entries.size(); ++i) {
                if (++done % k_poll_every == 0 && interrupted && interrupted())
                    return fail(ErrorKind::interrupted,
                                "interrupted; the store was left unchanged");
                const DropEntry& e = entries[i];
                Values given{unix_ms(start_of(e.day)),
                             e.time ? std::optional(unix_ms(*e.time)) : std::nullopt,
                             sources[e.source]};
                std::optional<Stored> old;
                if (read_first) {
                    old = stored[i];
                } else if (rows > 0) {
                    select.text(1, e.domain);
                    if (select.step()) old = read_stored(select, 0);
                    select.reset();
                }
                Merged m = merge(given, old, stamp);
                count(counts, m);
                writer.write(e.domain, m);
            }
        }
    } catch (const SqliteError& e) {
        throw Failure{sqlite_error(m_name, e.code(), e.what())};
    }
    return counts;
}

} // namespace dropcat::store
