// The notices a catch's end sends its backorderers: caught ("we have it; a person will write")
// or lost ("another party registered it"). No price and no sales text: a notice answers the
// customer's own request.
#include "dropcat/domain.hpp"
#include "dropcat/mail.hpp"
#include "dropcat/offer.hpp"

#include <fmt/format.h>

#include <set>

namespace dropcat {

namespace {

// Whether the recipient already has a notice of this kind about the name: never two.
bool noticed(const ReadTx& tx, std::string_view hash, std::string_view domain, OfferKind kind) {
    for (const auto& e : tx.offers().to(hash, domain))
        if (e.kind == kind) return true;
    return false;
}

std::string notice_body(OfferKind kind, const OfferRow& row, const OperatorSettings& o,
                        std::string_view when) {
    std::string hello = row.recipient_name.empty() ? "Hello," : "Hello " + row.recipient_name + ",";
    std::string name = to_unicode(row.domain);
    std::string what =
        kind == OfferKind::caught
            ? fmt::format("You asked {} to try to register {} for you when it was deleted.\n"
                          "We registered it on {}.\n\n"
                          "A person from {} will write to you about it separately. You need "
                          "do nothing now.",
                          o.company, name, when, o.company)
            : fmt::format("You asked {} to try to register {} for you when it was deleted.\n"
                          "It was released on {} and another party registered it first, so we do "
                          "not have it.\n\n"
                          "Your backorder of it is closed. You need do nothing.",
                          o.company, name, when);
    return fmt::format("{}\n\n{}\n\nWhy you are receiving this: your backorder of {} with {}.\n\n"
                       "{}\n\n{}\n{}\n{}\nTelephone: {}\nEmail: {}\n",
                       hello, what, name, o.company, optout_text(o, row.token), o.sender_name,
                       o.company, o.address, o.phone, o.sender_email);
}

} // namespace

Result<std::vector<OfferRow>> notices_due(const Store& store, const OperatorSettings& identity,
                                          std::string_view secret, std::optional<Day> cycle,
                                          Instant now) {
    if (auto ok = check_identity(identity, "a notice cannot be written"); !ok)
        return std::unexpected(ok.error());
    if (auto ok = check_token_secret(identity, secret); !ok) return std::unexpected(ok.error());
    return store.read([&](const ReadTx& tx) -> Result<std::vector<OfferRow>> {
        std::vector<OfferRow> out;
        std::set<std::pair<std::string, std::string>> planned; // (hash, domain)
        for (const auto& t : tx.catches().targets(cycle)) {
            if (t.state != TargetState::caught && t.state != TargetState::lost) continue;
            OfferKind kind = t.state == TargetState::caught ? OfferKind::caught : OfferKind::lost;
            BackorderStatus wanted =
                kind == OfferKind::caught ? BackorderStatus::caught : BackorderStatus::lost;
            // Caught: when our create was taken. Lost: the day the name was released, which
            // is when the other party could register it.
            std::string when = format_day(day_of(kind == OfferKind::caught
                                                     ? t.caught_at.value_or(t.updated_at)
                                                     : t.released_at.value_or(t.window_start)));
            for (const auto& b : tx.backorders().on_domain(t.domain)) {
                if (b.status != wanted || b.email.empty()) continue;
                std::string address = canonical_address(b.email);
                if (!plain_address(address)) continue;
                std::string hash = address_hash(address);
                if (!planned.insert({hash, t.domain}).second) continue;
                if (tx.optouts().suppressed(hash)) continue;
                if (noticed(tx, hash, t.domain, kind)) continue;
                OfferRow row;
                row.kind = kind;
                row.domain = t.domain;
                row.recipient = address;
                row.recipient_hash = hash;
                row.recipient_name = b.name;
                row.backorder_id = b.id;
                row.status = OfferStatus::approved;
                row.subject =
                    kind == OfferKind::caught
                        ? fmt::format("Your backorder: we registered {}", to_unicode(t.domain))
                        : fmt::format("Your backorder: {} was registered by another "
                                      "party",
                                      to_unicode(t.domain));
                row.token = optout_token(secret, address);
                row.body = notice_body(kind, row, identity, when);
                row.message_id = new_message_id(identity.sender_email, now);
                row.reason = "their backorder";
                row.created_at = now;
                row.updated_at = now;
                out.push_back(std::move(row));
            }
        }
        return out;
    });
}

Result<std::vector<OfferRow>> add_notices(Store& store, std::vector<OfferRow> notices,
                                          std::string_view actor, Instant now) {
    return store.write([&](Tx& tx) -> Result<std::vector<OfferRow>> {
        std::vector<OfferRow> out;
        for (auto& row : notices) {
            // Another run may have written it since: one notice of a kind per person and name.
            if (noticed(tx, row.recipient_hash, row.domain, row.kind) ||
                tx.optouts().suppressed(row.recipient_hash))
                continue;
            row.id = tx.offers().add(row);
            tx.optouts().remember_token(row.token, row.recipient_hash, row.recipient.value_or(""));
            tx.events().append(
                EventRecord{now, actor, EventSubject::offer, row.id, "drafted",
                            fmt::format("{} notice of {}", offer_kind_name(row.kind), row.domain)});
            out.push_back(std::move(row));
        }
        return out;
    });
}

} // namespace dropcat
