#include "dropcat/store.hpp"

#include "schema.hpp"
#include "stmt.hpp"
#include "transaction.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <map>
#include <vector>

namespace dropcat {

namespace {

// One name's row as the store holds it.
struct Stored {
    std::string_view drop_date;
    std::optional<std::int64_t> drop_time; // ms
    std::string_view source;
    std::int64_t first_seen = 0;
};

// The row an import writes for one entry, and what kind of change that is.
struct Merged {
    std::optional<std::int64_t> drop_time; // ms
    std::int64_t first_seen = 0;
    enum { added, updated, unchanged } change = added;
};

Merged merge(const DropEntry& e, std::string_view date, const std::optional<Stored>& old,
             std::int64_t stamp) {
    Merged m;
    if (e.time) m.drop_time = *e.time * 1000;
    m.first_seen = stamp;
    if (!old) return m;
    m.first_seen = old->first_seen;
    // A list without a time does not erase the time the store has for the same day.
    if (!m.drop_time && old->drop_date == date) m.drop_time = old->drop_time;
    bool same = old->drop_date == date && old->drop_time == m.drop_time && old->source == e.source;
    m.change = same ? Merged::unchanged : Merged::updated;
    return m;
}

void count(ImportCounts& counts, const Merged& m) {
    if (m.change == Merged::added) ++counts.added;
    else if (m.change == Merged::updated) ++counts.updated;
    else ++counts.unchanged;
}

class DayText {
  public:
    const std::string& operator()(Day d) {
        auto it = m_text.find(d);
        if (it == m_text.end()) it = m_text.emplace(d, format_day(d)).first;
        return it->second;
    }

  private:
    std::map<Day, std::string> m_text;
};

constexpr std::size_t k_poll_every = 4096;

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
          m_insert(db, "INSERT OR IGNORE INTO drops (domain, drop_date, drop_time, source, "
                       "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"),
          m_update(db, "UPDATE OR IGNORE drops SET drop_date = ?2, drop_time = ?3, source = ?4, "
                       "last_seen = ?5 WHERE domain = ?1"),
          m_touch(db, "UPDATE OR IGNORE drops SET last_seen = ?2 WHERE domain = ?1"),
          m_stamp(stamp) {}

    void write(const DropEntry& e, std::string_view date, const Merged& m) {
        if (m.change == Merged::added) {
            m_insert.text(1, e.domain);
            m_insert.text(2, date);
            m_insert.integer_or_null(3, m.drop_time);
            m_insert.text(4, e.source);
            m_insert.integer(5, m_stamp);
            m_insert.step();
            m_insert.reset();
        } else if (m.change == Merged::unchanged) {
            m_touch.text(1, e.domain);
            m_touch.integer(2, m_stamp);
            m_touch.step();
            m_touch.reset();
        } else {
            m_update.text(1, e.domain);
            m_update.text(2, date);
            m_update.integer_or_null(3, m.drop_time);
            m_update.text(4, e.source);
            m_update.integer(5, m_stamp);
            m_update.step();
            m_update.reset();
        }
        if (sqlite3_changes(m_db) != 1)
            throw store::SqliteError(SQLITE_INTERNAL,
                                     "a drop was not written: " + std::string(e.domain));
    }

  private:
    sqlite3* m_db;
    store::Stmt m_insert;
    store::Stmt m_update;
    store::Stmt m_touch;
    std::int64_t m_stamp;
};

// Compares a list that is large next to the table with what the table holds by reading the
// table once in key order (a merge of two sorted sequences) instead of looking each name up.
// The table cannot be written while that read is open, so the outcome is kept per entry.
std::vector<Merged> merge_with_table(sqlite3* db, std::span<const DropEntry> entries,
                                     DayText& day_text, std::int64_t stamp) {
    std::vector<Merged> merged;
    merged.reserve(entries.size());
    store::Stmt old_rows(db, "SELECT domain, drop_date, drop_time, source, first_seen FROM drops "
                             "WHERE domain >= ?1 AND domain <= ?2 ORDER BY domain");
    old_rows.text(1, entries.front().domain);
    old_rows.text(2, entries.back().domain);
    bool have_old = old_rows.step();
    for (const DropEntry& e : entries) {
        while (have_old && old_rows.column(0) < e.domain) have_old = old_rows.step();
        std::optional<Stored> old;
        if (have_old && old_rows.column(0) == e.domain)
            old = Stored{old_rows.column(1), old_rows.integer_column(2), old_rows.column(3),
                         old_rows.integer_column(4).value_or(stamp)};
        merged.push_back(merge(e, day_text(e.day), old, stamp));
    }
    return merged;
}

} // namespace

Result<ImportCounts> Store::import_drops(std::span<const DropEntry> entries, std::int64_t now,
                                         bool dry_run, const std::function<bool()>& interrupted) {
    ImportCounts counts;
    const std::int64_t stamp = now * 1000;
    try {
        m_db->exec("PRAGMA cache_size = -65536");
        m_db->exec("PRAGMA temp_store = MEMORY");
        sqlite3* db = m_db->getHandle();
        store::Transaction tx(db);
        auto rows = static_cast<std::size_t>(m_db->execAndGet("SELECT count(*) FROM drops").getInt64());
        DayText day_text;
        Writer writer(db, stamp);
        // A list that covers a good part of the table is compared in one ordered read of it;
        // a short list against a large table looks its names up one by one.
        bool merge_first = !entries.empty() && rows > 0 && entries.size() * 4 >= rows;
        std::vector<Merged> merged;
        if (merge_first) merged = merge_with_table(db, entries, day_text, stamp);
        store::Stmt select(db, "SELECT drop_date, drop_time, source, first_seen FROM drops "
                               "WHERE domain = ?1");
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if ((i + 1) % k_poll_every == 0 && interrupted && interrupted())
                return fail(ErrorKind::interrupted, "interrupted; the store was left unchanged");
            const DropEntry& e = entries[i];
            const std::string& date = day_text(e.day);
            Merged m;
            if (merge_first) {
                m = merged[i];
            } else if (rows == 0) {
                m = merge(e, date, std::nullopt, stamp);
            } else {
                select.text(1, e.domain);
                std::optional<Stored> old;
                if (select.step())
                    old = Stored{select.column(0), select.integer_column(1), select.column(2),
                                 select.integer_column(3).value_or(stamp)};
                m = merge(e, date, old, stamp);
                select.reset(); // the views in `old` are not used past here
            }
            count(counts, m);
            writer.write(e, date, m);
        }
        if (dry_run) tx.rollback();
        else tx.commit();
    } catch (const SQLite::Exception& e) {
        return std::unexpected(store::store_error(m_path, e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store::store_error(m_path, e.code(), e.what()));
    }
    return counts;
}

} // namespace dropcat
