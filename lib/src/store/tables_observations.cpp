#include "connection.hpp"

#include <dropcat/store_tables.hpp>

#include <nlohmann/json.hpp>

namespace dropcat {

namespace {

using Json = nlohmann::json;

constexpr std::string_view k_select = "SELECT domain, observed_at, phase, previous_phase, "
                                      "statuses, events, server, problem FROM observations ";

std::string statuses_json(const std::vector<std::string>& statuses) {
    return Json(statuses).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string events_json(const std::vector<ObservedEvent>& events) {
    Json list = Json::array();
    for (const auto& e : events)
        list.push_back(Json::array({e.action, unix_ms(e.at)}));
    return list.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ObservationRow read_row(const store::Query& q) {
    ObservationRow r;
    r.domain = q.text(0);
    r.at = q.instant(1);
    r.phase = q.text(2);
    r.previous_phase = q.text(3);
    Json statuses = Json::parse(q.text(4), nullptr, false);
    if (statuses.is_array())
        for (const auto& s : statuses)
            if (s.is_string()) r.statuses.push_back(s.get<std::string>());
    Json events = Json::parse(q.text(5), nullptr, false);
    if (events.is_array())
        for (const auto& e : events)
            if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_number_integer())
                r.events.push_back(
                    {e[0].get<std::string>(), from_unix_ms(e[1].get<std::int64_t>())});
    r.server = q.text(6);
    r.problem = q.text(7);
    return r;
}

} // namespace

ObservationRow ObservationsTable::add(ObservationRow row) {
    auto last = m_connection.query("SELECT phase FROM observations WHERE domain = $1 AND "
                                   "phase <> 'unknown' ORDER BY observed_at DESC, id DESC LIMIT 1");
    last->bind(1, row.domain);
    row.previous_phase.clear();
    if (last->next()) row.previous_phase = last->text(0);
    last->run();
    m_connection
        .query("INSERT INTO observations (domain, observed_at, phase, previous_phase, statuses, "
               "events, server, problem) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        ->bind(1, row.domain)
        .bind(2, row.at)
        .bind(3, row.phase)
        .bind_text_or_null(4, row.previous_phase)
        .bind(5, statuses_json(row.statuses))
        .bind(6, events_json(row.events))
        .bind(7, row.server)
        .bind(8, row.problem)
        .run();
    return row;
}

std::vector<ObservationRow> ObservationsTable::of(std::string_view domain) const {
    auto q =
        m_connection.query(std::string(k_select) + "WHERE domain = $1 ORDER BY observed_at, id");
    q->bind(1, domain);
    std::vector<ObservationRow> rows;
    while (q->next())
        rows.push_back(read_row(*q));
    return rows;
}

void ObservationsTable::changes(Instant since,
                                const std::function<bool(const ObservationRow&)>& each) const {
    auto q = m_connection.stream(std::string(k_select) +
                                 "WHERE observed_at >= $1 AND phase <> 'unknown' AND "
                                 "previous_phase IS NOT NULL AND phase <> previous_phase "
                                 "ORDER BY observed_at, id");
    q->bind(1, since);
    while (q->next())
        if (!each(read_row(*q))) break;
}

std::optional<NameState> ObservationsTable::state(std::string_view domain) const {
    auto q = m_connection.query("SELECT domain, phase, observed_at, drop_earliest, drop_latest, "
                                "basis, restored_at FROM name_states WHERE domain = $1");
    q->bind(1, domain);
    if (!q->next()) return std::nullopt;
    NameState s{std::string(q->text(0)), std::string(q->text(1)), q->instant(2),
                q->optional_instant(3),  q->optional_instant(4),  std::string(q->text(5)),
                q->optional_instant(6)};
    q->run();
    return s;
}

void ObservationsTable::set_state(const NameState& s) {
    auto ms = [](const std::optional<Instant>& t) {
        return t ? std::optional<std::int64_t>(unix_ms(*t)) : std::nullopt;
    };
    m_connection
        .query("INSERT INTO name_states (domain, phase, observed_at, drop_earliest, drop_latest, "
               "basis, restored_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (domain) DO "
               "UPDATE SET phase = excluded.phase, observed_at = excluded.observed_at, "
               "drop_earliest = excluded.drop_earliest, drop_latest = excluded.drop_latest, "
               "basis = excluded.basis, restored_at = excluded.restored_at")
        ->bind(1, s.domain)
        .bind(2, s.phase)
        .bind(3, s.observed_at)
        .bind(4, ms(s.drop_earliest))
        .bind(5, ms(s.drop_latest))
        .bind(6, s.basis)
        .bind(7, ms(s.restored_at))
        .run();
}

} // namespace dropcat
