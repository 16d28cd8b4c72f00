#include "dropcat/backorder.hpp"

#include "store/transaction.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

namespace dropcat {

namespace {

constexpr std::string_view k_no_payment_data =
    "dropcat stores no payment data: backorders are informational (no pre-payment, no card); "
    "nothing was stored";

// Runs `body` and maps SQLite failures to dropcat Errors.
template <typename Body> auto guarded(const Store& store, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        return std::unexpected(
            store::store_error(store.path(), e.getExtendedErrorCode(), e.what()));
    } catch (const store::SqliteError& e) {
        return std::unexpected(store::store_error(store.path(), e.code(), e.what()));
    }
}

void append_event(SQLite::Database& db, std::int64_t now, std::string_view actor,
                  std::string_view subject, std::int64_t id, std::string_view action,
                  std::string_view detail) {
    SQLite::Statement q(db, "INSERT INTO events (at, actor, subject, subject_id, action, detail) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(now * 1000));
    q.bind(2, std::string(actor));
    q.bind(3, std::string(subject));
    q.bind(4, static_cast<int64_t>(id));
    q.bind(5, std::string(action));
    q.bind(6, std::string(detail));
    q.exec();
}

// Moves a backorder to a new status and records the change, the one way statuses change.
void set_status(SQLite::Database& db, std::int64_t id, std::string_view status, std::int64_t now,
                std::string_view actor, std::string_view detail) {
    SQLite::Statement q(db, "UPDATE backorders SET status = ?, updated_at = ? WHERE id = ?");
    q.bind(1, std::string(status));
    q.bind(2, static_cast<int64_t>(now * 1000));
    q.bind(3, static_cast<int64_t>(id));
    q.exec();
    append_event(db, now, actor, "backorder", id, status, detail);
}

std::string column_text(SQLite::Statement& q, int i) {
    return q.getColumn(i).isNull() ? std::string() : q.getColumn(i).getString();
}

// The actor named in events is free text too.
Result<void> check_actor(std::string_view actor) {
    if (looks_like_card_number(actor))
        return fail(ErrorKind::data,
                    fmt::format("the actor (--by) looks like a payment card number; {}",
                                k_no_payment_data));
    return {};
}

// Refuses a request with anything that looks like a card number in any of its fields.
Result<void> check_request(const BackorderRequest& r) {
    const std::pair<std::string_view, const std::string*> fields[] = {
        {"domain", &r.domain},           {"email", &r.contact.email}, {"name", &r.contact.name},
        {"company", &r.contact.company}, {"phone", &r.contact.phone}, {"note", &r.note}};
    for (const auto& [field, value] : fields)
        if (looks_like_card_number(*value))
            return fail(ErrorKind::data,
                        fmt::format("the {} of the backorder for {} looks like a payment card "
                                    "number; {}",
                                    field, r.domain, k_no_payment_data));
    if (!r.contact.phone.empty())
        if (auto ok = check_phone(r.contact.phone); !ok) return ok;
    return {};
}

// Creates or updates the customer with this email; returns its id.
std::int64_t upsert_customer(SQLite::Database& db, const Contact& c, std::string_view actor,
                             std::int64_t now) {
    SQLite::Statement find(db, "SELECT id, name, company, phone FROM customers WHERE email = ?");
    find.bind(1, c.email);
    if (!find.executeStep()) {
        SQLite::Statement insert(db, "INSERT INTO customers (email, name, company, phone, "
                                     "created_at) VALUES (?, NULLIF(?, ''), NULLIF(?, ''), "
                                     "NULLIF(?, ''), ?)");
        insert.bind(1, c.email);
        insert.bind(2, c.name);
        insert.bind(3, c.company);
        insert.bind(4, c.phone);
        insert.bind(5, static_cast<int64_t>(now * 1000));
        insert.exec();
        std::int64_t id = db.getLastInsertRowid();
        append_event(db, now, actor, "customer", id, "created", "");
        return id;
    }
    std::int64_t id = find.getColumn(0).getInt64();
    std::string changed;
    auto update = [&](const char* column, const std::string& given, int index) {
        if (given.empty() || given == column_text(find, index)) return;
        SQLite::Statement q(db, fmt::format("UPDATE customers SET {} = ? WHERE id = ?", column));
        q.bind(1, given);
        q.bind(2, static_cast<int64_t>(id));
        q.exec();
        changed += (changed.empty() ? "" : ", ") + std::string(column);
    };
    update("name", c.name, 1);
    update("company", c.company, 2);
    update("phone", c.phone, 3);
    if (!changed.empty()) append_event(db, now, actor, "customer", id, "updated", changed);
    return id;
}

BackorderRow read_row(SQLite::Statement& q) {
    BackorderRow r;
    r.id = q.getColumn(0).getInt64();
    r.domain = q.getColumn(1).getString();
    r.email = column_text(q, 2);
    r.name = column_text(q, 3);
    r.priority = q.getColumn(4).getInt();
    r.status = parse_status(q.getColumn(5).getString()).value_or(BackorderStatus::active);
    r.created_at = q.getColumn(6).getInt64() / 1000;
    r.drop_date = column_text(q, 7);
    return r;
}

// drops.drop_date is the Unix ms of the drop day; shown as YYYY-MM-DD.
#define DROP_DAY_TEXT "strftime('%Y-%m-%d', d.drop_date / 1000, 'unixepoch')"
constexpr std::int64_t k_ms_per_day = 86'400'000;

constexpr const char* k_select_rows =
    "SELECT b.id, b.domain, c.email, c.name, b.priority, b.status, b.created_at, " DROP_DAY_TEXT " "
    "FROM backorders b JOIN customers c ON c.id = b.customer_id "
    "LEFT JOIN drops d ON d.domain = b.domain ";

} // namespace

Result<std::vector<AddOutcome>> Backorders::add(std::span<const BackorderRequest> requests,
                                                std::string_view actor, std::int64_t now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    for (const auto& r : requests)
        if (auto ok = check_request(r); !ok) return std::unexpected(ok.error());
    return guarded(m_store, [&]() -> Result<std::vector<AddOutcome>> {
        SQLite::Database& db = m_store.database();
        store::Transaction tx(db.getHandle());
        std::vector<AddOutcome> out;
        for (const auto& r : requests) {
            std::int64_t customer = upsert_customer(db, r.contact, actor, now);
            AddOutcome o;
            o.domain = r.domain;
            SQLite::Statement find(db, "SELECT id, status, priority, coalesce(note, '') FROM "
                                       "backorders WHERE domain = ? AND customer_id = ?");
            find.bind(1, r.domain);
            find.bind(2, static_cast<int64_t>(customer));
            if (find.executeStep()) {
                o.id = find.getColumn(0).getInt64();
                std::string status = find.getColumn(1).getString();
                if (status == "cancelled" || status == "expired") {
                    // Made active again, it joins the back of the queue: created_at is now.
                    SQLite::Statement q(db,
                                        "UPDATE backorders SET status = 'active', priority = ?, "
                                        "note = NULLIF(?, ''), created_at = ?, updated_at = ? "
                                        "WHERE id = ?");
                    q.bind(1, r.priority);
                    q.bind(2, r.note);
                    q.bind(3, static_cast<int64_t>(now * 1000));
                    q.bind(4, static_cast<int64_t>(now * 1000));
                    q.bind(5, static_cast<int64_t>(o.id));
                    q.exec();
                    append_event(db, now, actor, "backorder", o.id, "reactivated",
                                 fmt::format("was {}; priority {}", status, r.priority));
                    o.result = AddOutcome::reactivated;
                } else {
                    o.result = AddOutcome::already;
                    o.kept_values = find.getColumn(2).getInt() != r.priority ||
                                    find.getColumn(3).getString() != r.note;
                }
            } else {
                SQLite::Statement q(db, "INSERT INTO backorders (domain, customer_id, priority, "
                                        "note, created_at, updated_at) VALUES (?, ?, ?, "
                                        "NULLIF(?, ''), ?, ?)");
                q.bind(1, r.domain);
                q.bind(2, static_cast<int64_t>(customer));
                q.bind(3, r.priority);
                q.bind(4, r.note);
                q.bind(5, static_cast<int64_t>(now * 1000));
                q.bind(6, static_cast<int64_t>(now * 1000));
                q.exec();
                o.id = db.getLastInsertRowid();
                append_event(db, now, actor, "backorder", o.id, "created",
                             fmt::format("priority {}", r.priority));
            }
            SQLite::Statement date(db, "SELECT " DROP_DAY_TEXT " FROM drops d WHERE domain = ?");
            date.bind(1, r.domain);
            if (date.executeStep()) o.drop_date = date.getColumn(0).getString();
            out.push_back(std::move(o));
        }
        tx.commit();
        return out;
    });
}

Result<void> Backorders::each(const BackorderQuery& query,
                              const std::function<bool(const BackorderRow&)>& row) const {
    return guarded(m_store, [&]() -> Result<void> {
        SQLite::Statement q(
            m_store.database(),
            std::string(k_select_rows) +
                "WHERE (?1 IS NULL OR b.status = ?1) AND (?2 IS NULL OR c.email = ?2) "
                "AND (?3 IS NULL OR b.domain = ?3) "
                "AND (?4 IS NULL OR d.drop_date >= ?4) "
                "AND (?5 IS NULL OR d.drop_date <= ?5) "
                "ORDER BY b.domain, b.priority DESC, b.created_at, b.id");
        if (query.status) q.bind(1, std::string(status_name(*query.status)));
        if (query.email) q.bind(2, *query.email);
        if (query.domain) q.bind(3, *query.domain);
        if (query.due_from) q.bind(4, static_cast<int64_t>(*query.due_from * k_ms_per_day));
        if (query.due_to) q.bind(5, static_cast<int64_t>(*query.due_to * k_ms_per_day));
        while (q.executeStep())
            if (!row(read_row(q))) break;
        return {};
    });
}

Result<std::vector<BackorderRow>> Backorders::on_domain(std::string_view domain) const {
    return guarded(m_store, [&]() -> Result<std::vector<BackorderRow>> {
        SQLite::Statement q(m_store.database(),
                            std::string(k_select_rows) +
                                "WHERE b.domain = ? ORDER BY b.priority DESC, b.created_at, b.id");
        q.bind(1, std::string(domain));
        std::vector<BackorderRow> rows;
        while (q.executeStep())
            rows.push_back(read_row(q));
        return rows;
    });
}

Result<std::vector<EventRow>> Backorders::events(std::int64_t backorder_id) const {
    return guarded(m_store, [&]() -> Result<std::vector<EventRow>> {
        SQLite::Statement q(m_store.database(),
                            "SELECT at, actor, action, detail FROM events WHERE subject = "
                            "'backorder' AND subject_id = ? ORDER BY id");
        q.bind(1, static_cast<int64_t>(backorder_id));
        std::vector<EventRow> rows;
        while (q.executeStep())
            rows.push_back({q.getColumn(0).getInt64() / 1000, q.getColumn(1).getString(),
                            q.getColumn(2).getString(), q.getColumn(3).getString()});
        return rows;
    });
}

Result<std::optional<std::string>> Backorders::drop_date(std::string_view domain) const {
    return guarded(m_store, [&]() -> Result<std::optional<std::string>> {
        SQLite::Statement q(m_store.database(),
                            "SELECT " DROP_DAY_TEXT " FROM drops d WHERE domain = ?");
        q.bind(1, std::string(domain));
        if (q.executeStep()) return q.getColumn(0).getString();
        return std::nullopt;
    });
}

Result<std::size_t> Backorders::cancel(std::span<const std::int64_t> ids, std::string_view actor,
                                       std::int64_t now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    return guarded(m_store, [&]() -> Result<std::size_t> {
        SQLite::Database& db = m_store.database();
        store::Transaction tx(db.getHandle());
        std::size_t changed = 0;
        for (std::int64_t id : ids) {
            SQLite::Statement find(db, "SELECT status FROM backorders WHERE id = ?");
            find.bind(1, static_cast<int64_t>(id));
            if (!find.executeStep())
                return fail(ErrorKind::data,
                            fmt::format("there is no backorder {}; nothing was cancelled", id));
            std::string status = find.getColumn(0).getString();
            if (status != "active" && status != "expired") continue;
            set_status(db, id, "cancelled", now, actor, fmt::format("was {}", status));
            ++changed;
        }
        tx.commit();
        return changed;
    });
}

Result<std::vector<std::int64_t>> Backorders::find(std::string_view domain,
                                                   std::string_view email) const {
    return guarded(m_store, [&]() -> Result<std::vector<std::int64_t>> {
        SQLite::Statement q(m_store.database(),
                            "SELECT b.id FROM backorders b JOIN customers c ON c.id = "
                            "b.customer_id WHERE b.domain = ? AND c.email = ?");
        q.bind(1, std::string(domain));
        q.bind(2, std::string(email));
        std::vector<std::int64_t> ids;
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getInt64());
        return ids;
    });
}

Result<ForgetOutcome> Backorders::forget(std::string_view email, std::string_view actor,
                                         std::int64_t now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    return guarded(m_store, [&]() -> Result<ForgetOutcome> {
        SQLite::Database& db = m_store.database();
        // Overwrite what is deleted, so the old values do not linger in free space.
        db.exec("PRAGMA secure_delete = ON");
        ForgetOutcome out;
        {
            store::Transaction tx(db.getHandle());
            SQLite::Statement find(db, "SELECT id FROM customers WHERE email = ?");
            find.bind(1, std::string(email));
            if (!find.executeStep()) {
                // The same address but for the case of its local part, to suggest.
                SQLite::Statement similar(db, "SELECT email FROM customers WHERE lower(email) = "
                                              "lower(?) LIMIT 1");
                similar.bind(1, std::string(email));
                if (similar.executeStep()) out.similar = similar.getColumn(0).getString();
            } else {
                std::int64_t id = find.getColumn(0).getInt64();
                out.found = true;
                SQLite::Statement count(db,
                                        "SELECT count(*) FROM backorders WHERE customer_id = ?");
                count.bind(1, static_cast<int64_t>(id));
                count.executeStep();
                out.backorders = static_cast<std::size_t>(count.getColumn(0).getInt64());
                SQLite::Statement erase(db,
                                        "UPDATE customers SET email = NULL, name = NULL, company = "
                                        "NULL, phone = NULL, forgotten_at = ? WHERE id = ?");
                erase.bind(1, static_cast<int64_t>(now * 1000));
                erase.bind(2, static_cast<int64_t>(id));
                erase.exec();
                SQLite::Statement notes(db,
                                        "UPDATE backorders SET note = NULL WHERE customer_id = ?");
                notes.bind(1, static_cast<int64_t>(id));
                notes.exec();
                append_event(
                    db, now, actor, "customer", id, "forgotten",
                    fmt::format("personal data erased; {} backorders kept", out.backorders));
            }
            tx.commit();
        }
        // The old pages are still in the write-ahead log, and the file's own pages are only
        // overwritten when the log is copied back: do that now and empty the log. This runs
        // whether or not a customer was found, so that running forget again after a
        // checkpoint that a reader blocked finishes the job.
        SQLite::Statement checkpoint(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        if (checkpoint.executeStep() && checkpoint.getColumn(0).getInt() != 0)
            return fail(ErrorKind::temporary,
                        "the personal data is erased from the store's tables, but another "
                        "process is reading the store, so old copies of its pages remain in the "
                        "store's files; run 'dropcat backorder forget' again once it has "
                        "finished");
        return out;
    });
}

Result<std::size_t> Backorders::expire(Day today, int grace_days, std::string_view actor,
                                       std::int64_t now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    return guarded(m_store, [&]() -> Result<std::size_t> {
        SQLite::Database& db = m_store.database();
        store::Transaction tx(db.getHandle());
        SQLite::Statement due(db, "SELECT b.id, " DROP_DAY_TEXT " FROM backorders b JOIN drops d "
                                  "ON d.domain = b.domain WHERE b.status = 'active' AND "
                                  "d.drop_date <= ? ORDER BY b.id");
        due.bind(1, static_cast<int64_t>(std::int64_t{today - grace_days} * k_ms_per_day));
        std::vector<std::pair<std::int64_t, std::string>> rows;
        while (due.executeStep())
            rows.emplace_back(due.getColumn(0).getInt64(), due.getColumn(1).getString());
        for (const auto& [id, date] : rows)
            set_status(db, id, "expired", now, actor,
                       fmt::format("dropped {}, not caught within {} days", date, grace_days));
        tx.commit();
        return rows.size();
    });
}

Result<std::vector<std::int64_t>> Backorders::ids() const {
    return guarded(m_store, [&]() -> Result<std::vector<std::int64_t>> {
        SQLite::Statement q(m_store.database(), "SELECT id FROM backorders ORDER BY id");
        std::vector<std::int64_t> ids;
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getInt64());
        return ids;
    });
}

} // namespace dropcat
