#include "connection.hpp"

#include <dropcat/store_tables.hpp>

#include <array>

namespace dropcat {

namespace {

constexpr std::array<std::string_view, 8> k_state_names{
    "armed", "checking", "available", "registering", "caught", "lost", "ambiguous", "failed"};

constexpr std::string_view k_select_target =
    "SELECT id, domain, cycle, state, window_start, window_end, release_at, basis, wished, "
    "account, released_at, caught_at, checks, detail, updated_at FROM catch_targets ";

std::vector<TargetRow> read_targets(store::Query& q) {
    std::vector<TargetRow> rows;
    while (q.next()) {
        TargetRow t;
        t.id = q.integer_or(0, 0);
        t.domain = q.text(1);
        t.cycle = day_of(q.instant(2));
        t.state = parse_target_state(q.text(3)).value_or(TargetState::failed);
        t.window_start = q.instant(4);
        t.window_end = q.instant(5);
        t.release_at = q.optional_instant(6);
        t.basis = q.text(7);
        t.wished = q.integer_or(8, 0) != 0;
        t.account = q.text(9);
        t.released_at = q.optional_instant(10);
        t.caught_at = q.optional_instant(11);
        t.checks = q.integer_or(12, 0);
        t.detail = q.text(13);
        t.updated_at = q.instant(14);
        rows.push_back(std::move(t));
    }
    return rows;
}

constexpr std::string_view k_select_attempt =
    "SELECT a.id, a.target_id, t.domain, a.account, a.dry_run, a.create_id, a.sent_us, "
    "a.answered_us, a.latency_us, a.outcome, a.detail FROM catch_attempts a "
    "JOIN catch_targets t ON t.id = a.target_id ";

std::vector<AttemptRow> read_attempts(store::Query& q) {
    std::vector<AttemptRow> rows;
    while (q.next()) {
        AttemptRow a;
        a.id = q.integer_or(0, 0);
        a.target_id = q.integer_or(1, 0);
        a.domain = q.text(2);
        a.account = q.text(3);
        a.dry_run = q.integer_or(4, 0) != 0;
        a.create_id = q.integer(5);
        a.sent_us = q.integer_or(6, 0);
        a.answered_us = q.integer(7);
        a.latency_us = q.integer(8);
        a.outcome = q.text(9);
        a.detail = q.text(10);
        rows.push_back(std::move(a));
    }
    return rows;
}

// The SET list an update writes, from $first on, and its binding.
std::string set_list(const TargetUpdate& u, int first) {
    std::string out;
    int i = first;
    auto add = [&](std::string_view column) {
        out += ", " + std::string(column) + " = $" + std::to_string(i++);
    };
    if (u.account) add("account");
    if (u.released_at) add("released_at");
    if (u.caught_at) add("caught_at");
    if (u.checks) add("checks");
    if (u.detail) add("detail");
    return out;
}

void bind_update(store::Query& q, const TargetUpdate& u, int first) {
    int i = first;
    if (u.account) q.bind_text_or_null(i++, *u.account);
    if (u.released_at) q.bind(i++, *u.released_at);
    if (u.caught_at) q.bind(i++, *u.caught_at);
    if (u.checks) q.bind(i++, *u.checks);
    if (u.detail) q.bind(i++, *u.detail);
}

} // namespace

std::string_view target_state_name(TargetState state) {
    return k_state_names.at(static_cast<std::size_t>(state));
}

std::optional<TargetState> parse_target_state(std::string_view name) {
    for (std::size_t i = 0; i < k_state_names.size(); ++i)
        if (k_state_names[i] == name) return static_cast<TargetState>(i);
    return std::nullopt;
}

bool is_final(TargetState state) {
    return state == TargetState::caught || state == TargetState::lost ||
           state == TargetState::failed;
}

TargetRow CatchTable::arm(const TargetRow& t, Instant now) {
    // A final target keeps its window: it records what happened.
    auto q = m_connection.query(
        "INSERT INTO catch_targets (domain, cycle, state, window_start, window_end, release_at, "
        "basis, wished, updated_at) VALUES ($1, $2, 'armed', $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (domain, cycle) DO UPDATE SET window_start = excluded.window_start, "
        "window_end = excluded.window_end, release_at = excluded.release_at, basis = "
        "excluded.basis, wished = excluded.wished, updated_at = excluded.updated_at "
        "WHERE catch_targets.state NOT IN ('caught', 'lost', 'failed')");
    q->bind(1, t.domain)
        .bind(2, start_of(t.cycle))
        .bind(3, t.window_start)
        .bind(4, t.window_end)
        .bind(5, t.release_at ? std::optional(unix_ms(*t.release_at)) : std::nullopt)
        .bind(6, t.basis)
        .bind(7, t.wished ? 1 : 0)
        .bind(8, now);
    q->run();
    auto stored = target(t.domain, t.cycle);
    if (!stored) store::raise(ErrorKind::failed, "a catch target written was not found again");
    return *stored;
}

std::optional<TargetRow> CatchTable::target(std::string_view domain, Day cycle) const {
    auto q = m_connection.query(std::string(k_select_target) + "WHERE domain = $1 AND cycle = $2");
    q->bind(1, domain).bind(2, start_of(cycle));
    auto rows = read_targets(*q);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<TargetRow> CatchTable::target(std::int64_t id) const {
    auto q = m_connection.query(std::string(k_select_target) + "WHERE id = $1");
    q->bind(1, id);
    auto rows = read_targets(*q);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<TargetRow> CatchTable::of(std::string_view domain) const {
    auto q = m_connection.query(std::string(k_select_target) +
                                "WHERE domain = $1 ORDER BY cycle DESC, id DESC");
    q->bind(1, domain);
    return read_targets(*q);
}

std::vector<TargetRow> CatchTable::targets(std::optional<Day> cycle) const {
    if (!cycle) {
        auto q = m_connection.query(std::string(k_select_target) + "ORDER BY cycle, domain");
        return read_targets(*q);
    }
    auto q = m_connection.query(std::string(k_select_target) + "WHERE cycle = $1 ORDER BY domain");
    q->bind(1, start_of(*cycle));
    return read_targets(*q);
}

std::vector<TargetRow> CatchTable::in_state(TargetState state) const {
    auto q = m_connection.query(std::string(k_select_target) + "WHERE state = $1 ORDER BY id");
    q->bind(1, target_state_name(state));
    return read_targets(*q);
}

bool CatchTable::move(std::int64_t id, std::span<const TargetState> from, TargetState to,
                      const TargetUpdate& update, Instant now) {
    std::string in;
    for (std::size_t i = 0; i < from.size(); ++i)
        in += (i == 0 ? "'" : ", '") + std::string(target_state_name(from[i])) + "'";
    if (in.empty()) return false;
    auto q = m_connection.query("UPDATE catch_targets SET state = $2, updated_at = $3" +
                                set_list(update, 4) + " WHERE id = $1 AND state IN (" + in +
                                ") RETURNING id");
    q->bind(1, id).bind(2, target_state_name(to)).bind(3, now);
    bind_update(*q, update, 4);
    bool moved = q->next();
    q->run();
    return moved;
}

void CatchTable::update(std::int64_t id, const TargetUpdate& update, Instant now) {
    auto q = m_connection.query("UPDATE catch_targets SET updated_at = $2" + set_list(update, 3) +
                                " WHERE id = $1");
    q->bind(1, id).bind(2, now);
    bind_update(*q, update, 3);
    q->run();
}

std::int64_t CatchTable::begin_attempt(const AttemptStart& start) {
    auto q = m_connection.query(
        "INSERT INTO catch_attempts (target_id, account, dry_run, create_id, sent_us) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    q->bind(1, start.target_id)
        .bind(2, start.account)
        .bind(3, start.dry_run ? 1 : 0)
        .bind(4, start.create_id)
        .bind(5, start.sent_us);
    return q->single_integer();
}

void CatchTable::finish_attempt(std::int64_t id, std::int64_t sent_us, std::string_view outcome,
                                std::string_view detail, std::int64_t answered_us) {
    m_connection
        .query("UPDATE catch_attempts SET sent_us = $2, answered_us = $3, latency_us = $3 - $2, "
               "outcome = $4, detail = $5 WHERE id = $1")
        ->bind(1, id)
        .bind(2, sent_us)
        .bind(3, answered_us)
        .bind(4, outcome)
        .bind(5, detail)
        .run();
}

std::vector<AttemptRow> CatchTable::attempts(std::int64_t target_id) const {
    auto q =
        m_connection.query(std::string(k_select_attempt) + "WHERE a.target_id = $1 ORDER BY a.id");
    q->bind(1, target_id);
    return read_attempts(*q);
}

std::vector<AttemptRow> CatchTable::unanswered() const {
    auto q = m_connection.query(std::string(k_select_attempt) +
                                "WHERE a.answered_us IS NULL ORDER BY a.id");
    return read_attempts(*q);
}

std::optional<std::pair<std::string, Instant>>
CatchTable::lock_holder(std::string_view name) const {
    auto q = m_connection.query("SELECT holder, since FROM run_locks WHERE name = $1");
    q->bind(1, name);
    if (!q->next()) return std::nullopt;
    std::pair<std::string, Instant> out{std::string(q->text(0)), q->instant(1)};
    q->run();
    return out;
}

void CatchTable::set_lock_holder(std::string_view name, std::string_view holder, Instant since) {
    m_connection
        .query("INSERT INTO run_locks (name, holder, since) VALUES ($1, $2, $3) "
               "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since")
        ->bind(1, name)
        .bind(2, holder)
        .bind(3, since)
        .run();
}

} // namespace dropcat
