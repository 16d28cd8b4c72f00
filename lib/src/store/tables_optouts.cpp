#include "connection.hpp"

#include <dropcat/store_tables.hpp>

namespace dropcat {

bool OptOutsTable::suppress(const Suppression& s) {
    auto q = m_connection.query(
        "INSERT INTO suppressions (address_hash, address, source, reason, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (address_hash) DO NOTHING RETURNING address_hash");
    q->bind(1, s.address_hash)
        .bind_text_or_null(2, s.address.value_or(""))
        .bind(3, s.source)
        .bind(4, s.reason)
        .bind(5, s.created_at);
    bool added = q->next();
    q->run();
    return added;
}

bool OptOutsTable::suppressed(std::string_view address_hash) const {
    auto q = m_connection.query("SELECT count(*) FROM suppressions WHERE address_hash = $1");
    q->bind(1, address_hash);
    return q->single_integer() > 0;
}

std::vector<Suppression> OptOutsTable::list() const {
    auto q = m_connection.query("SELECT address_hash, address, source, reason, created_at FROM "
                                "suppressions ORDER BY created_at, address_hash");
    std::vector<Suppression> out;
    while (q->next()) {
        Suppression s;
        s.address_hash = q->text(0);
        if (!q->text(1).empty()) s.address = std::string(q->text(1));
        s.source = q->text(2);
        s.reason = q->text(3);
        s.created_at = q->instant(4);
        out.push_back(std::move(s));
    }
    return out;
}

bool OptOutsTable::erase_address(std::string_view address_hash) {
    bool erased = false;
    for (const char* sql : {"UPDATE suppressions SET address = NULL WHERE address_hash = $1 AND "
                            "address IS NOT NULL RETURNING address_hash",
                            "UPDATE optout_tokens SET address = NULL WHERE address_hash = $1 AND "
                            "address IS NOT NULL RETURNING address_hash"}) {
        auto q = m_connection.query(sql);
        q->bind(1, address_hash);
        erased = q->next() || erased;
        q->run();
    }
    return erased;
}

void OptOutsTable::remember_token(std::string_view token, std::string_view address_hash,
                                  std::string_view address) {
    auto q = m_connection.query(
        "INSERT INTO optout_tokens (token, address_hash, address) VALUES ($1, $2, $3) "
        "ON CONFLICT (token) DO NOTHING");
    q->bind(1, token).bind(2, address_hash).bind_text_or_null(3, address);
    q->run();
}

std::optional<std::pair<std::string, std::optional<std::string>>>
OptOutsTable::token(std::string_view token) const {
    auto q = m_connection.query("SELECT address_hash, address FROM optout_tokens WHERE token = $1");
    q->bind(1, token);
    if (!q->next()) return std::nullopt;
    std::pair<std::string, std::optional<std::string>> out{std::string(q->text(0)), std::nullopt};
    if (!q->text(1).empty()) out.second = std::string(q->text(1));
    q->run();
    return out;
}

bool OptOutsTable::hold(const Holding& h) {
    auto q = m_connection.query("INSERT INTO holdings (domain, since, note) VALUES ($1, $2, $3) "
                                "ON CONFLICT (domain) DO NOTHING RETURNING domain");
    q->bind(1, h.domain).bind(2, h.since).bind(3, h.note);
    bool added = q->next();
    q->run();
    return added;
}

bool OptOutsTable::held(std::string_view domain) const {
    auto q = m_connection.query("SELECT count(*) FROM holdings WHERE domain = $1");
    q->bind(1, domain);
    return q->single_integer() > 0;
}

std::vector<Holding> OptOutsTable::holdings() const {
    auto q = m_connection.query("SELECT domain, since, note FROM holdings ORDER BY domain");
    std::vector<Holding> out;
    while (q->next())
        out.push_back(Holding{std::string(q->text(0)), q->instant(1), std::string(q->text(2))});
    return out;
}

} // namespace dropcat
