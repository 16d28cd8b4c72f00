// The PostgreSQL backend's bulk import path: rows go in by COPY, the fastest way into
// PostgreSQL; a store that already has drops takes them through a staging table and one
// INSERT … ON CONFLICT.

#include "pg_backend.hpp"

#include <charconv>
#include <map>

namespace dropcat::store {

namespace {

constexpr std::size_t k_copy_chunk = 1 << 18;
constexpr std::size_t k_poll_every = 4096;

void append_number(std::string& out, std::int64_t value) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out.append(buf, end);
}

} // namespace

bool PgConnection::copy_in(const std::string& sql, std::span<const DropEntry> entries,
                           const std::vector<std::int64_t>& source_of,
                           std::optional<std::int64_t> stamp,
                           const std::function<bool()>& interrupted) {
    PGresult* started = PQexec(m_conn, sql.c_str());
    if (PQresultStatus(started) != PGRES_COPY_IN) raise_error(started);
    PQclear(started);
    std::string chunk;
    chunk.reserve(k_copy_chunk + 512);
    bool stopped = false;
    auto send = [&] {
        if (PQputCopyData(m_conn, chunk.data(), static_cast<int>(chunk.size())) != 1)
            raise_error(nullptr);
        chunk.clear();
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if ((i + 1) % k_poll_every == 0 && interrupted && interrupted()) {
            stopped = true;
            break;
        }
        const DropEntry& e = entries[i];
        // COPY's text format: tab-separated, \N for NULL. A-labels hold no tab, newline or
        // backslash, so nothing needs escaping.
        chunk += e.domain;
        chunk += '\t';
        append_number(chunk, unix_ms(start_of(e.day)));
        chunk += '\t';
        if (e.time)
            append_number(chunk, unix_ms(*e.time));
        else
            chunk += "\\N";
        chunk += '\t';
        append_number(chunk, source_of[i]);
        if (stamp) {
            chunk += '\t';
            append_number(chunk, *stamp);
            chunk += '\t';
            append_number(chunk, *stamp);
        }
        chunk += '\n';
        if (chunk.size() >= k_copy_chunk) send();
    }
    if (!stopped && !chunk.empty()) send();
    // Ending a COPY with an error message makes the server abandon it.
    if (PQputCopyEnd(m_conn, stopped ? "interrupted" : nullptr) != 1) raise_error(nullptr);
    PGresult* done = PQgetResult(m_conn);
    ExecStatusType status = PQresultStatus(done);
    while (PGresult* more = PQgetResult(m_conn))
        PQclear(more);
    if (stopped) {
        PQclear(done);
        return false;
    }
    if (status != PGRES_COMMAND_OK) raise_error(done);
    PQclear(done);
    return true;
}

Result<ImportCounts> PgConnection::import_drops(const DropBatches& next, std::size_t total,
                                                Instant now,
                                                const std::function<bool()>& interrupted) {
    (void)total; // the server plans the comparison itself
    ImportCounts counts;
    const std::int64_t stamp = unix_ms(now);
    // Long statements below are cancelled when `interrupted` answers true while they run.
    struct Watch {
        PgConnection& c;
        Watch(PgConnection& connection, const std::function<bool()>& f) : c(connection) {
            c.cancel_when = f;
        }
        ~Watch() { c.cancel_when = nullptr; }
    } watch(*this, interrupted);
    auto interrupted_error = [] {
        return fail(ErrorKind::interrupted, "interrupted; the store was left unchanged");
    };
    // Each batch goes in by one COPY, with its sources' ids.
    auto copy_batches = [&](const std::string& sql, std::optional<std::int64_t> row_stamp,
                            std::size_t& rows) {
        for (std::span<const DropEntry> entries = next(); !entries.empty(); entries = next()) {
            auto ids = source_ids(*this, entries);
            std::map<std::string_view, std::int64_t> sources(ids.begin(), ids.end());
            std::vector<std::int64_t> source_of;
            source_of.reserve(entries.size());
            for (const DropEntry& e : entries)
                source_of.push_back(sources[e.source]);
            if (!copy_in(sql, entries, source_of, row_stamp, interrupted)) return false;
            rows += entries.size();
        }
        return true;
    };

    bool empty =
        query("SELECT count(*) FROM (SELECT 1 FROM drops LIMIT 1) AS any_row")->single_integer() ==
        0;
    if (empty) {
        // Every name is new: straight into the table.
        if (!copy_batches("COPY drops (domain, drop_date, drop_time, source_id, first_seen, "
                          "last_seen) FROM STDIN",
                          stamp, counts.added))
            return interrupted_error();
        if (interrupted && interrupted()) return interrupted_error();
        return counts;
    }
    // Memory enough for the counting join to hash the list in one pass (the default 4 MB spills
    // a million rows to disk in batches); for this transaction only.
    exec("SET LOCAL work_mem = '256MB'");
    exec("CREATE TEMP TABLE dropcat_import (domain TEXT COLLATE \"C\" NOT NULL, drop_date BIGINT "
         "NOT NULL, drop_time BIGINT, source_id BIGINT NOT NULL) ON COMMIT DROP");
    std::size_t staged = 0;
    if (!copy_batches("COPY dropcat_import FROM STDIN", std::nullopt, staged))
        return interrupted_error();
    if (staged == 0) return counts;
    exec("ANALYZE dropcat_import");
    if (interrupted && interrupted()) return interrupted_error();
    // The same rule as SQLite's path: a list without a time keeps the time the store has for
    // the same day; a row is unchanged when date, time and source all stay.
    constexpr const char* k_kept_time =
        "coalesce(s.drop_time, CASE WHEN d.drop_date = s.drop_date THEN d.drop_time END)";
    auto changes =
        query(std::string("SELECT count(*) FILTER (WHERE d.domain IS NULL), "
                          "count(*) FILTER (WHERE d.domain IS NOT NULL AND "
                          "(d.drop_date <> s.drop_date OR d.source_id <> s.source_id "
                          "OR d.drop_time IS DISTINCT FROM ") +
              k_kept_time + ")) FROM dropcat_import s LEFT JOIN drops d ON d.domain = s.domain");
    if (!changes->next()) raise(ErrorKind::failed, "the store did not count the import's rows");
    counts.added = static_cast<std::size_t>(changes->integer_or(0, 0));
    counts.updated = static_cast<std::size_t>(changes->integer_or(1, 0));
    changes->run();
    counts.unchanged = staged - counts.added - counts.updated;
    if (interrupted && interrupted()) return interrupted_error();
    query("INSERT INTO drops AS d (domain, drop_date, drop_time, source_id, first_seen, "
          "last_seen) SELECT domain, drop_date, drop_time, source_id, $1, $1 FROM dropcat_import "
          "ON CONFLICT (domain) DO UPDATE SET drop_date = excluded.drop_date, drop_time = "
          "coalesce(excluded.drop_time, CASE WHEN d.drop_date = excluded.drop_date THEN "
          "d.drop_time END), source_id = excluded.source_id, last_seen = excluded.last_seen")
        ->bind(1, stamp)
        .run();
    if (interrupted && interrupted()) return interrupted_error();
    return counts;
}

} // namespace dropcat::store
