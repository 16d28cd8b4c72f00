#include "connection.hpp"

#include <dropcat/store_tables.hpp>

namespace dropcat {

namespace {

constexpr std::string_view k_select =
    "SELECT id, account, domain, idempotency_key, dry_run, started_at, finished_at, outcome, "
    "detail, resolved_at, resolution FROM creates ";

std::vector<CreateRow> read_rows(store::Query& q) {
    std::vector<CreateRow> rows;
    while (q.next())
        rows.push_back(CreateRow{q.integer_or(0, 0), std::string(q.text(1)), std::string(q.text(2)),
                                 std::string(q.text(3)), q.integer_or(4, 0) != 0, q.instant(5),
                                 q.optional_instant(6), std::string(q.text(7)),
                                 std::string(q.text(8)), q.optional_instant(9),
                                 std::string(q.text(10))});
    return rows;
}

} // namespace

std::int64_t CreatesTable::begin(const CreateStart& start) {
    auto q = m_connection.query(
        "INSERT INTO creates (account, domain, idempotency_key, dry_run, started_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    q->bind(1, start.account)
        .bind(2, start.domain)
        .bind(3, start.idempotency_key)
        .bind(4, start.dry_run ? 1 : 0)
        .bind(5, start.at);
    return q->single_integer();
}

void CreatesTable::finish(std::int64_t id, std::string_view outcome, std::string_view detail,
                          Instant at) {
    m_connection
        .query("UPDATE creates SET finished_at = $2, outcome = $3, detail = $4 WHERE id = $1")
        ->bind(1, id)
        .bind(2, at)
        .bind(3, outcome)
        .bind(4, detail)
        .run();
}

void CreatesTable::resolve(std::int64_t id, std::string_view resolution, Instant at) {
    m_connection.query("UPDATE creates SET resolved_at = $2, resolution = $3 WHERE id = $1")
        ->bind(1, id)
        .bind(2, at)
        .bind(3, resolution)
        .run();
}

std::vector<CreateRow> CreatesTable::unresolved(std::string_view account,
                                                std::string_view domain) const {
    auto q = m_connection.query(
        std::string(k_select) +
        "WHERE account = $1 AND domain = $2 AND dry_run = 0 AND resolved_at IS NULL "
        "AND (outcome IS NULL OR outcome = 'ambiguous') ORDER BY id");
    q->bind(1, account).bind(2, domain);
    return read_rows(*q);
}

std::vector<CreateRow> CreatesTable::of(std::string_view domain) const {
    auto q = m_connection.query(std::string(k_select) + "WHERE domain = $1 ORDER BY id");
    q->bind(1, domain);
    return read_rows(*q);
}

} // namespace dropcat
