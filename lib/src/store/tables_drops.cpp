#include "connection.hpp"

#include <dropcat/store_tables.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <map>

namespace dropcat {

namespace store {

std::vector<std::pair<std::string_view, std::int64_t>>
source_ids(Connection& connection, std::span<const DropEntry> entries) {
    // An import names one source per file, so this is a handful of rows.
    std::vector<std::pair<std::string_view, std::int64_t>> ids;
    for (const DropEntry& e : entries) {
        if (std::any_of(ids.begin(), ids.end(), [&](const auto& p) { return p.first == e.source; }))
            continue;
        connection.query("INSERT INTO sources (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            ->bind(1, e.source)
            .run();
        auto id = connection.query("SELECT id FROM sources WHERE name = $1")
                      ->bind(1, e.source)
                      .single_integer();
        ids.emplace_back(e.source, id);
    }
    return ids;
}

} // namespace store

Result<ImportCounts> DropsTable::import(std::span<const DropEntry> entries, Instant now,
                                        const std::function<bool()>& interrupted) {
    bool given = false;
    auto once = [&]() -> std::span<const DropEntry> {
        if (given) return {};
        given = true;
        return entries;
    };
    return m_connection.import_drops(once, entries.size(), now, interrupted);
}

Result<ImportCounts> DropsTable::import(const DropBatches& next, std::size_t total, Instant now,
                                        const std::function<bool()>& interrupted) {
    return m_connection.import_drops(next, total, now, interrupted);
}

void DropsTable::each(const DropQuery& query,
                      const std::function<bool(const DropRecord&)>& each) const {
    // The few sources by id, so that rows need no join.
    std::map<std::int64_t, std::string> sources;
    std::optional<std::int64_t> source_id;
    {
        auto names = m_connection.query("SELECT id, name FROM sources");
        while (names->next()) {
            std::int64_t id = names->integer_or(0, 0);
            sources.emplace(id, std::string(names->text(1)));
            if (query.source && names->text(1) == *query.source) source_id = id;
        }
    }
    if (query.source && !source_id) return; // no rows from a source never imported
    std::string sql = "SELECT drops.domain, drop_date, drop_time, source_id, first_seen, "
                      "last_seen, (SELECT count(*) FROM backorders b WHERE b.domain = "
                      "drops.domain AND b.status = 'active') AS backorders, "
                      "s.drop_earliest, s.restored_at FROM drops LEFT JOIN name_states s ON "
                      "s.domain = drops.domain WHERE drop_date >= $1 AND drop_date <= $2";
    int n = 2;
    if (source_id) sql += fmt::format(" AND source_id = ${}", ++n);
    if (query.first_seen_from) sql += fmt::format(" AND first_seen >= ${}", ++n);
    if (query.restored) sql += " AND s.restored_at IS NOT NULL";
    if (query.backordered)
        sql +=
            std::string(*query.backordered ? " AND EXISTS" : " AND NOT EXISTS") +
            " (SELECT 1 FROM backorders b WHERE b.domain = drops.domain AND b.status = 'active')";
    // NULL drop times sort last either way (NULLS LAST is SQLite 3.30+ and PostgreSQL).
    static constexpr std::string_view k_orders[] = {"drop_date",  "drops.domain", "drop_time",
                                                    "first_seen", "last_seen",    "backorders"};
    std::string_view key = k_orders[static_cast<std::size_t>(query.order)];
    std::string_view dir = query.descending ? " DESC" : "";
    if (query.order == DropOrder::domain)
        sql += fmt::format(" ORDER BY drops.domain{}", dir);
    else
        sql += fmt::format(" ORDER BY {}{}{}, drops.domain{}", key, dir,
                           query.order == DropOrder::drop_time ? " NULLS LAST" : "", dir);
    auto rows = m_connection.stream(sql);
    rows->bind(1, query.from ? unix_ms(start_of(*query.from)) : INT64_MIN);
    rows->bind(2, query.to ? unix_ms(start_of(*query.to)) : INT64_MAX);
    n = 2;
    if (source_id) rows->bind(++n, *source_id);
    if (query.first_seen_from) rows->bind(++n, *query.first_seen_from);
    while (rows->next()) {
        std::string_view domain = rows->text(0);
        DropRecord r{domain,
                     domain.substr(domain.rfind('.') + 1),
                     day_of(rows->instant(1)),
                     rows->optional_instant(2),
                     sources[rows->integer_or(3, 0)],
                     rows->instant(4),
                     rows->instant(5),
                     rows->integer_or(6, 0),
                     rows->optional_instant(7),
                     rows->optional_instant(8)};
        if (!each(r)) break;
    }
}

std::vector<std::string> DropsTable::sources() const {
    auto q = m_connection.query("SELECT name FROM sources ORDER BY name");
    std::vector<std::string> names;
    while (q->next())
        names.emplace_back(q->text(0));
    return names;
}

std::optional<Day> DropsTable::drop_day(std::string_view domain) const {
    auto q = m_connection.query("SELECT drop_date FROM drops WHERE domain = $1");
    q->bind(1, domain);
    if (!q->next()) return std::nullopt;
    Day day = day_of(q->instant(0));
    q->run();
    return day;
}

std::optional<Instant> DropsTable::drop_time(std::string_view domain) const {
    auto q = m_connection.query("SELECT drop_time FROM drops WHERE domain = $1");
    q->bind(1, domain);
    if (!q->next()) return std::nullopt;
    std::optional<Instant> time = q->optional_instant(0);
    q->run();
    return time;
}

} // namespace dropcat
