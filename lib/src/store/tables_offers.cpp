#include "connection.hpp"

#include <dropcat/store_tables.hpp>

#include <array>
#include <string>

namespace dropcat {

namespace {

constexpr std::array<std::string_view, 3> k_kind_names = {"offer", "caught", "lost"};
constexpr std::array<std::string_view, 10> k_status_names = {
    "draft",   "approved", "sending",  "sent",     "failed",
    "unknown", "replied",  "accepted", "declined", "withdrawn"};
constexpr std::array<std::string_view, 4> k_send_names = {"handing-over", "sent", "refused",
                                                          "unknown"};

constexpr std::string_view k_columns =
    "SELECT id, kind, domain, recipient, recipient_hash, recipient_name, backorder_id, round, "
    "status, price, valid_until, subject, body, message_id, token, reason, first_contact, "
    "shown_at, approved_by, approved_at, sent_at, detail, note, created_at, updated_at "
    "FROM offers ";

std::vector<OfferRow> read_rows(store::Query& q) {
    std::vector<OfferRow> rows;
    while (q.next()) {
        OfferRow r;
        r.id = q.integer_or(0, 0);
        r.kind = parse_offer_kind(q.text(1)).value_or(OfferKind::offer);
        r.domain = q.text(2);
        if (!q.text(3).empty()) r.recipient = std::string(q.text(3));
        r.recipient_hash = q.text(4);
        r.recipient_name = q.text(5);
        r.backorder_id = q.integer(6);
        r.round = q.integer_or(7, 0);
        r.status = parse_offer_status(q.text(8)).value_or(OfferStatus::failed);
        r.price = q.text(9);
        if (auto d = q.optional_instant(10)) r.valid_until = day_of(*d);
        r.subject = q.text(11);
        r.body = q.text(12);
        r.message_id = q.text(13);
        r.token = q.text(14);
        r.reason = q.text(15);
        r.first_contact = q.integer_or(16, 0) != 0;
        r.shown_at = q.optional_instant(17);
        r.approved_by = q.text(18);
        r.approved_at = q.optional_instant(19);
        r.sent_at = q.optional_instant(20);
        r.detail = q.text(21);
        r.note = q.text(22);
        r.created_at = q.instant(23);
        r.updated_at = q.instant(24);
        rows.push_back(std::move(r));
    }
    return rows;
}

} // namespace

std::string_view offer_kind_name(OfferKind kind) {
    return k_kind_names.at(static_cast<std::size_t>(kind));
}

std::optional<OfferKind> parse_offer_kind(std::string_view name) {
    for (std::size_t i = 0; i < k_kind_names.size(); ++i)
        if (k_kind_names[i] == name) return static_cast<OfferKind>(i);
    return std::nullopt;
}

std::string_view offer_status_name(OfferStatus status) {
    return k_status_names.at(static_cast<std::size_t>(status));
}

std::optional<OfferStatus> parse_offer_status(std::string_view name) {
    for (std::size_t i = 0; i < k_status_names.size(); ++i)
        if (k_status_names[i] == name) return static_cast<OfferStatus>(i);
    return std::nullopt;
}

std::span<const std::string_view> offer_status_names() {
    return k_status_names;
}

std::string_view send_state_name(SendState state) {
    return k_send_names.at(static_cast<std::size_t>(state));
}

std::int64_t OffersTable::add(const OfferRow& r) {
    auto q = m_connection.query(
        "INSERT INTO offers (kind, domain, recipient, recipient_hash, recipient_name, "
        "backorder_id, round, status, price, valid_until, subject, body, message_id, token, "
        "reason, first_contact, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id");
    q->bind(1, offer_kind_name(r.kind))
        .bind(2, r.domain)
        .bind_text_or_null(3, r.recipient.value_or(""))
        .bind(4, r.recipient_hash)
        .bind(5, r.recipient_name)
        .bind(6, r.backorder_id)
        .bind(7, r.round)
        .bind(8, offer_status_name(r.status))
        .bind(9, r.price)
        .bind(10, r.valid_until ? std::optional(unix_ms(start_of(*r.valid_until))) : std::nullopt)
        .bind(11, r.subject)
        .bind(12, r.body)
        .bind(13, r.message_id)
        .bind(14, r.token)
        .bind(15, r.reason)
        .bind(16, r.first_contact ? 1 : 0)
        .bind(17, r.created_at);
    return q->single_integer();
}

std::optional<OfferRow> OffersTable::get(std::int64_t id) const {
    auto q = m_connection.query(std::string(k_columns) + "WHERE id = $1");
    q->bind(1, id);
    auto rows = read_rows(*q);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::vector<OfferRow> OffersTable::list(const OfferQuery& query) const {
    std::string sql = std::string(k_columns) + "WHERE 1 = 1";
    int n = 0;
    if (query.status) sql += " AND status = $" + std::to_string(++n);
    if (query.domain) sql += " AND domain = $" + std::to_string(++n);
    if (query.kind) sql += " AND kind = $" + std::to_string(++n);
    if (query.notices) sql += " AND kind <> 'offer'";
    sql += " ORDER BY id";
    auto q = m_connection.query(sql);
    n = 0;
    if (query.status) q->bind(++n, offer_status_name(*query.status));
    if (query.domain) q->bind(++n, *query.domain);
    if (query.kind) q->bind(++n, offer_kind_name(*query.kind));
    return read_rows(*q);
}

std::vector<OfferRow> OffersTable::to(std::string_view recipient_hash,
                                      std::string_view domain) const {
    auto q = m_connection.query(std::string(k_columns) +
                                "WHERE recipient_hash = $1 AND domain = $2 ORDER BY id");
    q->bind(1, recipient_hash).bind(2, domain);
    return read_rows(*q);
}

bool OffersTable::move(std::int64_t id, std::span<const OfferStatus> from, OfferStatus to,
                       const OfferUpdate& u, Instant now) {
    std::string in;
    for (auto s : from)
        in += std::string(in.empty() ? "" : ", ") + "'" + std::string(offer_status_name(s)) + "'";
    auto q = m_connection.query(
        "UPDATE offers SET status = $2, updated_at = $3, "
        "approved_by = COALESCE($4, approved_by), approved_at = COALESCE($5, approved_at), "
        "sent_at = COALESCE($6, sent_at), detail = COALESCE($7, detail), "
        "note = COALESCE($8, note) WHERE id = $1 AND status IN (" +
        in + ") RETURNING id");
    q->bind(1, id).bind(2, offer_status_name(to)).bind(3, now);
    if (u.approved_by)
        q->bind(4, *u.approved_by);
    else
        q->bind_null(4);
    q->bind(5, u.approved_at ? std::optional(unix_ms(*u.approved_at)) : std::nullopt);
    q->bind(6, u.sent_at ? std::optional(unix_ms(*u.sent_at)) : std::nullopt);
    if (u.detail)
        q->bind(7, *u.detail);
    else
        q->bind_null(7);
    if (u.note)
        q->bind(8, *u.note);
    else
        q->bind_null(8);
    bool moved = q->next();
    q->run();
    return moved;
}

void OffersTable::mark_shown(std::int64_t id, Instant now) {
    auto q = m_connection.query("UPDATE offers SET shown_at = COALESCE(shown_at, $2), "
                                "updated_at = $2 WHERE id = $1");
    q->bind(1, id).bind(2, now);
    q->run();
}

std::size_t OffersTable::erase_recipient(std::string_view recipient_hash, Instant now) {
    auto q = m_connection.query(
        "UPDATE offers SET recipient = NULL, recipient_name = '', reason = '', detail = '', "
        "note = '', body = '(erased on request)', updated_at = $2 WHERE recipient_hash = $1 "
        "AND (recipient IS NOT NULL OR body <> '(erased on request)') RETURNING id");
    q->bind(1, recipient_hash).bind(2, now);
    std::size_t n = 0;
    while (q->next())
        ++n;
    // The mail server's words in the ledger may name the address.
    auto ledger = m_connection.query(
        "UPDATE offer_sends SET detail = '' WHERE recipient_hash = $1 AND detail <> ''");
    ledger->bind(1, recipient_hash);
    ledger->run();
    return n;
}

bool OffersTable::begin_send(const OfferRow& r, Instant now) {
    // A refused hand-off delivered nothing: the row goes back to handing-over for another try.
    auto q = m_connection.query(
        "INSERT INTO offer_sends (recipient_hash, domain, kind, round, offer_id, state, "
        "started_at) VALUES ($1, $2, $3, $4, $5, 'handing-over', $6) "
        "ON CONFLICT (recipient_hash, domain, kind, round) DO UPDATE SET state = "
        "'handing-over', started_at = $6, finished_at = NULL, detail = '' "
        "WHERE offer_sends.state = 'refused' AND offer_sends.offer_id = $5 RETURNING offer_id");
    q->bind(1, r.recipient_hash)
        .bind(2, r.domain)
        .bind(3, offer_kind_name(r.kind))
        .bind(4, r.round)
        .bind(5, r.id)
        .bind(6, now);
    bool begun = q->next();
    q->run();
    return begun;
}

void OffersTable::finish_send(std::int64_t offer_id, SendState state, std::string_view detail,
                              Instant now) {
    auto q = m_connection.query("UPDATE offer_sends SET state = $2, detail = $3, finished_at = $4 "
                                "WHERE offer_id = $1");
    q->bind(1, offer_id).bind(2, send_state_name(state)).bind(3, detail).bind(4, now);
    q->run();
}

std::optional<SendRow> OffersTable::send_of(std::int64_t offer_id) const {
    auto q = m_connection.query(
        "SELECT state, started_at, finished_at, detail FROM offer_sends WHERE offer_id = $1");
    q->bind(1, offer_id);
    if (!q->next()) return std::nullopt;
    SendRow r;
    r.offer_id = offer_id;
    for (std::size_t i = 0; i < k_send_names.size(); ++i)
        if (k_send_names[i] == q->text(0)) r.state = static_cast<SendState>(i);
    r.started_at = q->instant(1);
    r.finished_at = q->optional_instant(2);
    r.detail = q->text(3);
    q->run();
    return r;
}

std::vector<Instant> OffersTable::sends_since(Instant since) const {
    auto q = m_connection.query(
        "SELECT started_at FROM offer_sends WHERE started_at >= $1 ORDER BY started_at");
    q->bind(1, since);
    std::vector<Instant> out;
    while (q->next())
        out.push_back(q->instant(0));
    return out;
}

} // namespace dropcat
