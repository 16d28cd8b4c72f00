#include "dropcat/store.hpp"

#include "schema.hpp"
#include "stmt.hpp"
#include "transaction.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <map>

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

Result<void> interrupted_error() {
    return fail(ErrorKind::interrupted, "interrupted; the store was left unchanged");
}

// Imports a list that is large next to the table: writes a new table by merging the old one
// (read in domain order) with the sorted entries, then swaps it in and builds the date index
// once. Appending in key order is several times faster than updating rows in place.
Result<void> rebuild(SQLite::Database& database, std::span<const DropEntry> entries,
                     std::int64_t stamp, ImportCounts& counts,
                     const std::function<bool()>& interrupted) {
    sqlite3* db = database.getHandle();
    // The old table is read in key order and then dropped: its date index is of no more use.
    // The new table gets the index's name and keeps it through the rename.
    database.exec("DROP INDEX drops_by_date");
    database.exec(std::string(store::k_drops_next_table));
    database.exec(std::string(store::k_drops_next_index));
    DayText day_text;
    {
        store::Stmt old_rows(db, "SELECT domain, drop_date, drop_time, source, first_seen, "
                                 "last_seen FROM drops ORDER BY domain");
        store::Stmt insert(db, "INSERT INTO drops_next (domain, drop_date, drop_time, source, "
                               "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        auto write = [&](std::string_view domain, std::string_view date,
                         std::optional<std::int64_t> time, std::string_view source,
                         std::int64_t first_seen, std::int64_t last_seen) {
            insert.text(1, domain);
            insert.text(2, date);
            insert.integer_or_null(3, time);
            insert.text(4, source);
            insert.integer(5, first_seen);
            insert.integer(6, last_seen);
            insert.step();
            insert.reset();
        };
        bool have_old = old_rows.step();
        std::size_t done = 0;
        auto e = entries.begin();
        while (e != entries.end() || have_old) {
            if (++done % k_poll_every == 0 && interrupted && interrupted()) return interrupted_error();
            std::string_view old_domain = have_old ? old_rows.column(0) : std::string_view{};
            if (have_old && (e == entries.end() || old_domain < e->domain)) {
                write(old_domain, old_rows.column(1), old_rows.integer_column(2),
                      old_rows.column(3), old_rows.integer_column(4).value_or(stamp),
                      old_rows.integer_column(5).value_or(stamp));
                have_old = old_rows.step();
                continue;
            }
            const std::string& date = day_text(e->day);
            std::optional<Stored> old;
            if (have_old && old_domain == e->domain)
                old = Stored{old_rows.column(1), old_rows.integer_column(2), old_rows.column(3),
                             old_rows.integer_column(4).value_or(stamp)};
            Merged m = merge(*e, date, old, stamp);
            count(counts, m);
            write(e->domain, date, m.drop_time, e->source, m.first_seen, stamp);
            if (old) have_old = old_rows.step();
            ++e;
        }
    }
    database.exec("DROP TABLE drops");
    database.exec("ALTER TABLE drops_next RENAME TO drops");
    return {};
}

// Imports a list that is small next to the table: looks each name up and writes it in place.
Result<void> in_place(SQLite::Database& database, std::span<const DropEntry> entries,
                      std::int64_t stamp, ImportCounts& counts,
                      const std::function<bool()>& interrupted) {
    sqlite3* db = database.getHandle();
    DayText day_text;
    store::Stmt select(db, "SELECT drop_date, drop_time, source, first_seen FROM drops "
                           "WHERE domain = ?1");
    store::Stmt insert(db, "INSERT INTO drops (domain, drop_date, drop_time, source, first_seen, "
                           "last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
    store::Stmt update(db, "UPDATE drops SET drop_date = ?2, drop_time = ?3, source = ?4, "
                           "last_seen = ?5 WHERE domain = ?1");
    store::Stmt touch(db, "UPDATE drops SET last_seen = ?2 WHERE domain = ?1");
    std::size_t done = 0;
    for (const DropEntry& e : entries) {
        if (++done % k_poll_every == 0 && interrupted && interrupted()) return interrupted_error();
        const std::string& date = day_text(e.day);
        select.text(1, e.domain);
        std::optional<Stored> old;
        if (select.step())
            old = Stored{select.column(0), select.integer_column(1), select.column(2),
                         select.integer_column(3).value_or(stamp)};
        Merged m = merge(e, date, old, stamp);
        select.reset(); // the views in `old` are not used past here
        count(counts, m);
        if (m.change == Merged::added) {
            insert.text(1, e.domain);
            insert.text(2, date);
            insert.integer_or_null(3, m.drop_time);
            insert.text(4, e.source);
            insert.integer(5, stamp);
            insert.step();
            insert.reset();
        } else if (m.change == Merged::unchanged) {
            touch.text(1, e.domain);
            touch.integer(2, stamp);
            touch.step();
            touch.reset();
        } else {
            update.text(1, e.domain);
            update.text(2, date);
            update.integer_or_null(3, m.drop_time);
            update.text(4, e.source);
            update.integer(5, stamp);
            update.step();
            update.reset();
        }
    }
    return {};
}

} // namespace

Result<ImportCounts> Store::import_drops(std::span<const DropEntry> entries, std::int64_t now,
                                         bool dry_run, const std::function<bool()>& interrupted) {
    ImportCounts counts;
    try {
        m_db->exec("PRAGMA cache_size = -65536");
        store::Transaction tx(m_db->getHandle());
        auto rows = static_cast<std::size_t>(m_db->execAndGet("SELECT count(*) FROM drops").getInt64());
        // A table the list would touch a good part of (or an empty one) is rebuilt; a large
        // table and a short list are written in place.
        Result<void> done = entries.size() * 4 >= rows
                                ? rebuild(*m_db, entries, now * 1000, counts, interrupted)
                                : in_place(*m_db, entries, now * 1000, counts, interrupted);
        if (!done) return std::unexpected(done.error());
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
