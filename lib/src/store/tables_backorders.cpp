#include "connection.hpp"

#include "core/text.hpp"

#include <dropcat/store_tables.hpp>

namespace dropcat {

namespace {

std::string_view subject_name(EventSubject subject) {
    switch (subject) {
    case EventSubject::backorder:
        return "backorder";
    case EventSubject::customer:
        return "customer";
    case EventSubject::catch_target:
        return "catch-target";
    case EventSubject::offer:
        return "offer";
    }
    return "backorder";
}

// The listing's columns; the rows of the queries that use it start with these.
constexpr std::string_view k_select_rows =
    "SELECT b.id, b.domain, c.email, c.name, b.priority, b.status, b.created_at, d.drop_date, "
    "c.company, c.phone, b.note "
    "FROM backorders b JOIN customers c ON c.id = b.customer_id "
    "LEFT JOIN drops d ON d.domain = b.domain ";

BackorderRow read_row(const store::Query& q) {
    BackorderRow r;
    r.id = q.integer_or(0, 0);
    r.domain = q.text(1);
    r.email = q.text(2);
    r.name = q.text(3);
    r.priority = static_cast<int>(q.integer_or(4, 0));
    r.status = parse_status(q.text(5)).value_or(BackorderStatus::active);
    r.created_at = q.instant(6);
    if (auto ms = q.integer(7)) r.drop_date = day_of(from_unix_ms(*ms));
    r.company = q.text(8);
    r.phone = q.text(9);
    r.note = q.text(10);
    return r;
}

} // namespace

// ---- customers

// Addresses are matched with ASCII case folded: lower() of SQLite and of a "C"-collated
// PostgreSQL column both fold ASCII only, and the address is folded here the same way, not by
// the database's locale. Among addresses differing only in case (a store from before they were
// matched so), the oldest customer is the one.
std::optional<CustomerRecord> CustomersTable::by_email(std::string_view email) const {
    auto q = m_connection.query("SELECT id, name, company, phone FROM customers "
                                "WHERE lower(email) = $1 ORDER BY id LIMIT 1");
    q->bind(1, text::ascii_lower(email));
    if (!q->next()) return std::nullopt;
    CustomerRecord c{q->integer_or(0, 0), std::string(q->text(1)), std::string(q->text(2)),
                     std::string(q->text(3))};
    q->run();
    return c;
}

std::vector<std::int64_t> CustomersTable::ids_by_email(std::string_view email) const {
    auto q = m_connection.query("SELECT id FROM customers WHERE lower(email) = $1 ORDER BY id");
    q->bind(1, text::ascii_lower(email));
    std::vector<std::int64_t> ids;
    while (q->next())
        ids.push_back(q->integer_or(0, 0));
    return ids;
}

std::optional<CustomerRecord> CustomersTable::by_id(std::int64_t id) const {
    auto q = m_connection.query("SELECT id, name, company, phone FROM customers WHERE id = $1");
    q->bind(1, id);
    if (!q->next()) return std::nullopt;
    CustomerRecord c{q->integer_or(0, 0), std::string(q->text(1)), std::string(q->text(2)),
                     std::string(q->text(3))};
    q->run();
    return c;
}

std::vector<CaseDuplicate> CustomersTable::case_duplicates() const {
    auto q = m_connection.query(
        "SELECT id, email FROM customers WHERE lower(email) IN (SELECT lower(email) FROM "
        "customers WHERE email IS NOT NULL GROUP BY lower(email) HAVING count(*) > 1) "
        "ORDER BY lower(email), id");
    std::vector<CaseDuplicate> rows;
    while (q->next())
        rows.push_back({q->integer_or(0, 0), std::string(q->text(1))});
    return rows;
}

std::int64_t CustomersTable::add(const Contact& c, Instant now) {
    auto q = m_connection.query("INSERT INTO customers (email, name, company, phone, created_at) "
                                "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    q->bind(1, c.email).bind_text_or_null(2, c.name).bind_text_or_null(3, c.company);
    q->bind_text_or_null(4, c.phone).bind(5, now);
    return q->single_integer();
}

void CustomersTable::set_details(std::int64_t id, const CustomerRecord& d) {
    auto q = m_connection.query(
        "UPDATE customers SET name = $2, company = $3, phone = $4 WHERE id = $1");
    q->bind(1, id).bind_text_or_null(2, d.name).bind_text_or_null(3, d.company);
    q->bind_text_or_null(4, d.phone).run();
}

void CustomersTable::erase(std::int64_t id, Instant now) {
    m_connection.before_erasure();
    m_connection
        .query("UPDATE customers SET email = NULL, name = NULL, company = NULL, phone = NULL, "
               "forgotten_at = $2 WHERE id = $1")
        ->bind(1, id)
        .bind(2, now)
        .run();
}

// ---- backorders

namespace {
// The first row of a "SELECT id, status, priority, note FROM backorders" query, if any.
std::optional<BackorderRecord> read_record(store::Query& q) {
    if (!q.next()) return std::nullopt;
    BackorderRecord r{q.integer_or(0, 0), parse_status(q.text(1)).value_or(BackorderStatus::active),
                      static_cast<int>(q.integer_or(2, 0)), std::string(q.text(3))};
    q.run();
    return r;
}
} // namespace

std::optional<BackorderRecord> BackordersTable::find(std::string_view domain,
                                                     std::int64_t customer) const {
    auto q = m_connection.query("SELECT id, status, priority, note FROM backorders "
                                "WHERE domain = $1 AND customer_id = $2");
    q->bind(1, domain).bind(2, customer);
    return read_record(*q);
}

std::optional<BackorderStatus> BackordersTable::status(std::int64_t id) const {
    auto q = m_connection.query("SELECT status FROM backorders WHERE id = $1");
    q->bind(1, id);
    if (!q->next()) return std::nullopt;
    auto status = parse_status(q->text(0));
    q->run();
    return status;
}

std::int64_t BackordersTable::add(std::string_view domain, std::int64_t customer, int priority,
                                  std::string_view note, Instant now) {
    auto q = m_connection.query("INSERT INTO backorders (domain, customer_id, priority, note, "
                                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) "
                                "RETURNING id");
    q->bind(1, domain).bind(2, customer).bind(3, priority).bind_text_or_null(4, note).bind(5, now);
    return q->single_integer();
}

void BackordersTable::reactivate(std::int64_t id, int priority, std::string_view note,
                                 Instant now) {
    m_connection
        .query("UPDATE backorders SET status = 'active', priority = $2, note = $3, "
               "created_at = $4, updated_at = $4 WHERE id = $1")
        ->bind(1, id)
        .bind(2, priority)
        .bind_text_or_null(3, note)
        .bind(4, now)
        .run();
}

std::optional<BackorderRecord> BackordersTable::by_id(std::int64_t id) const {
    auto q = m_connection.query("SELECT id, status, priority, note FROM backorders WHERE id = $1");
    q->bind(1, id);
    return read_record(*q);
}

void BackordersTable::set_details(std::int64_t id, int priority, std::string_view note,
                                  Instant now) {
    m_connection
        .query("UPDATE backorders SET priority = $2, note = $3, updated_at = $4 WHERE id = $1")
        ->bind(1, id)
        .bind(2, priority)
        .bind_text_or_null(3, note)
        .bind(4, now)
        .run();
}

void BackordersTable::set_status(std::int64_t id, BackorderStatus status, Instant now) {
    m_connection.query("UPDATE backorders SET status = $2, updated_at = $3 WHERE id = $1")
        ->bind(1, id)
        .bind(2, status_name(status))
        .bind(3, now)
        .run();
}

void BackordersTable::each(const BackorderQuery& query,
                           const std::function<bool(const BackorderRow&)>& each) const {
    std::string sql(k_select_rows);
    std::string where;
    int n = 0;
    auto add = [&](std::string_view condition) {
        where += where.empty() ? "WHERE " : " AND ";
        where += condition;
        where += std::to_string(++n);
    };
    if (query.status) add("b.status = $");
    if (query.email) add("lower(c.email) = $");
    if (query.domain) add("b.domain = $");
    if (query.due_from) add("d.drop_date >= $");
    if (query.due_to) add("d.drop_date <= $");
    sql += where + " ORDER BY b.domain, b.priority DESC, b.created_at, b.id";
    auto q = m_connection.stream(sql);
    int i = 0;
    if (query.status) q->bind(++i, status_name(*query.status));
    if (query.email) q->bind(++i, text::ascii_lower(*query.email));
    if (query.domain) q->bind(++i, *query.domain);
    if (query.due_from) q->bind(++i, start_of(*query.due_from));
    if (query.due_to) q->bind(++i, start_of(*query.due_to));
    while (q->next())
        if (!each(read_row(*q))) break;
}

std::vector<BackorderRow> BackordersTable::on_domain(std::string_view domain) const {
    auto q = m_connection.query(std::string(k_select_rows) +
                                "WHERE b.domain = $1 ORDER BY b.priority DESC, b.created_at, b.id");
    q->bind(1, domain);
    std::vector<BackorderRow> rows;
    while (q->next())
        rows.push_back(read_row(*q));
    return rows;
}

std::vector<std::int64_t> BackordersTable::ids_of(std::string_view domain,
                                                  std::string_view email) const {
    auto q = m_connection.query(
        "SELECT b.id FROM backorders b JOIN customers c ON c.id = "
        "b.customer_id WHERE b.domain = $1 AND lower(c.email) = $2 ORDER BY b.id");
    q->bind(1, domain).bind(2, text::ascii_lower(email));
    std::vector<std::int64_t> ids;
    while (q->next())
        ids.push_back(q->integer_or(0, 0));
    return ids;
}

std::vector<DueBackorder> BackordersTable::due(Day last_day) const {
    auto q = m_connection.query("SELECT b.id, d.drop_date FROM backorders b JOIN drops d ON "
                                "d.domain = b.domain WHERE b.status = 'active' AND "
                                "d.drop_date <= $1 ORDER BY b.id");
    q->bind(1, start_of(last_day));
    std::vector<DueBackorder> rows;
    while (q->next())
        rows.push_back({q->integer_or(0, 0), day_of(q->instant(1))});
    return rows;
}

std::size_t BackordersTable::count_of_customer(std::int64_t customer) const {
    auto q = m_connection.query("SELECT count(*) FROM backorders WHERE customer_id = $1");
    q->bind(1, customer);
    return static_cast<std::size_t>(q->single_integer());
}

void BackordersTable::clear_notes_of_customer(std::int64_t customer) {
    m_connection.query("UPDATE backorders SET note = NULL WHERE customer_id = $1")
        ->bind(1, customer)
        .run();
}

std::vector<CustomerBackorder> BackordersTable::of_customer(std::int64_t customer) const {
    auto q = m_connection.query("SELECT id, domain, status, priority FROM backorders "
                                "WHERE customer_id = $1 ORDER BY id");
    q->bind(1, customer);
    std::vector<CustomerBackorder> rows;
    while (q->next())
        rows.push_back({q->integer_or(0, 0), std::string(q->text(1)),
                        parse_status(q->text(2)).value_or(BackorderStatus::active),
                        static_cast<int>(q->integer_or(3, 0))});
    return rows;
}

void BackordersTable::move_to_customer(std::int64_t id, std::int64_t customer, Instant now) {
    m_connection.query("UPDATE backorders SET customer_id = $2, updated_at = $3 WHERE id = $1")
        ->bind(1, id)
        .bind(2, customer)
        .bind(3, now)
        .run();
}

std::map<std::string, Day> BackordersTable::active_drop_days() const {
    auto q = m_connection.query("SELECT DISTINCT b.domain, d.drop_date FROM backorders b JOIN "
                                "drops d ON d.domain = b.domain WHERE b.status = 'active'");
    std::map<std::string, Day> days;
    while (q->next())
        days.emplace(std::string(q->text(0)), day_of(q->instant(1)));
    return days;
}

std::vector<std::int64_t> BackordersTable::ids() const {
    auto q = m_connection.query("SELECT id FROM backorders ORDER BY id");
    std::vector<std::int64_t> ids;
    while (q->next())
        ids.push_back(q->integer_or(0, 0));
    return ids;
}

// ---- events

void EventsTable::append(const EventRecord& e) {
    m_connection
        .query("INSERT INTO events (at, actor, subject, subject_id, action, detail) "
               "VALUES ($1, $2, $3, $4, $5, $6)")
        ->bind(1, e.at)
        .bind(2, e.actor)
        .bind(3, subject_name(e.subject))
        .bind(4, e.subject_id)
        .bind(5, e.action)
        .bind(6, e.detail)
        .run();
}

std::vector<EventRow> EventsTable::of(EventSubject subject, std::int64_t id) const {
    auto q = m_connection.query("SELECT at, actor, action, detail FROM events WHERE subject = $1 "
                                "AND subject_id = $2 ORDER BY id");
    q->bind(1, subject_name(subject)).bind(2, id);
    std::vector<EventRow> rows;
    while (q->next())
        rows.push_back({q->instant(0), std::string(q->text(1)), std::string(q->text(2)),
                        std::string(q->text(3))});
    return rows;
}

} // namespace dropcat
