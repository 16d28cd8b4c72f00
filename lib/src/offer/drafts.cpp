// Offers from draft to outcome: drafting for a name's backorderers or given addresses,
// showing, approving (a person, each first contact seen whole) and recording the outcome.
#include "dropcat/domain.hpp"
#include "dropcat/mail.hpp"
#include "dropcat/offer.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

namespace dropcat {

namespace {

// Offers still in play: a recipient with one gets no second draft of the name.
constexpr std::array k_open = {OfferStatus::draft, OfferStatus::approved, OfferStatus::sending,
                               OfferStatus::sent,  OfferStatus::unknown,  OfferStatus::replied};
// An offer that reached (or may have reached) the recipient.
constexpr std::array k_delivered = {OfferStatus::sent, OfferStatus::unknown, OfferStatus::replied,
                                    OfferStatus::accepted, OfferStatus::declined};

bool in(OfferStatus s, std::span<const OfferStatus> set) {
    return std::find(set.begin(), set.end(), s) != set.end();
}

void offer_event(Tx& tx, Instant now, std::string_view actor, std::int64_t id,
                 std::string_view action, std::string_view detail) {
    tx.events().append(EventRecord{now, actor, EventSubject::offer, id, action, detail});
}

// Whether the store says the operator holds the name: dropcat caught it, or hold_name.
bool holds(const ReadTx& tx, std::string_view domain) {
    if (tx.optouts().held(domain)) return true;
    for (const auto& t : tx.catches().of(domain))
        if (t.state == TargetState::caught) return true;
    return false;
}

struct Recipient {
    std::string address; // canonical
    std::string name;
    std::optional<std::int64_t> backorder_id;
    std::string reason;
};

std::string backorder_reason(const BackorderRow& b, std::string_view company) {
    return fmt::format("you asked {} to try to register {} for you when it was deleted (your "
                       "backorder of {}).",
                       company, to_unicode(b.domain), format_day(day_of(b.created_at)));
}

} // namespace

Result<DraftOutcome> draft_offers(Store& store, const OperatorSettings& identity,
                                  std::string_view secret, const DraftRequest& r, Instant now) {
    if (auto ok = check_identity(identity, "an offer cannot be drafted"); !ok)
        return std::unexpected(ok.error());
    if (auto ok = check_token_secret(identity, secret); !ok) return std::unexpected(ok.error());
    std::string text =
        r.template_text.empty() ? std::string(default_offer_template()) : r.template_text;
    if (auto ok = check_offer_template(text); !ok) return std::unexpected(ok.error());
    if (r.valid_days < 1 || r.valid_days > 365)
        return fail(ErrorKind::usage, "--valid-days must be from 1 to 365");
    if (r.price.minor <= 0) return fail(ErrorKind::usage, "--price must be more than zero");
    std::vector<std::string> given;
    for (const auto& a : r.addresses) {
        std::string c = canonical_address(a);
        if (!plain_address(c))
            return fail(ErrorKind::data, fmt::format("'{}' is not an email address (local@domain)",
                                                     text::for_message(a)));
        given.push_back(std::move(c));
    }
    std::string company = identity.company;
    return store.write([&](Tx& tx) -> Result<DraftOutcome> {
        if (!holds(tx, r.domain))
            return fail(ErrorKind::failed,
                        fmt::format("{} is not held: only a name dropcat caught, or one added "
                                    "with 'dropcat offer hold', can be offered",
                                    r.domain));
        DraftOutcome out;
        // A person may draft again after an acceptance (the buyer backed out); the caller says
        // so.
        for (const auto& o : tx.offers().list(OfferQuery{OfferStatus::accepted, r.domain, {}}))
            out.accepted = o.id;
        std::vector<Recipient> recipients;
        std::vector<BackorderRow> backorders;
        for (auto& b : tx.backorders().on_domain(r.domain))
            if (b.status == BackorderStatus::active || b.status == BackorderStatus::caught)
                backorders.push_back(std::move(b));
        if (r.to == OfferAudience::addresses) {
            for (const auto& a : given) {
                Recipient rec{a, "", std::nullopt, r.reason};
                for (const auto& b : backorders)
                    if (canonical_address(b.email) == a) {
                        rec.name = b.name;
                        rec.backorder_id = b.id;
                        rec.reason = backorder_reason(b, company);
                        break;
                    }
                if (rec.reason.empty())
                    return fail(ErrorKind::data,
                                fmt::format("{} has no backorder of {}: say with --reason why "
                                            "they would want it (it is written in the offer)",
                                            a, r.domain));
                recipients.push_back(std::move(rec));
            }
        } else {
            for (const auto& b : backorders) {
                if (b.email.empty()) {
                    out.skipped.push_back(
                        {fmt::format("backorder {}", b.id), "the customer was forgotten"});
                    continue;
                }
                recipients.push_back(
                    {canonical_address(b.email), b.name, b.id, backorder_reason(b, company)});
            }
            if (recipients.empty() && out.skipped.empty())
                return fail(ErrorKind::failed,
                            fmt::format("{} has no active or caught backorder: name the "
                                        "recipients with --to EMAIL",
                                        r.domain));
        }
        std::set<std::string> seen;
        for (const auto& rec : recipients) {
            if (!seen.insert(rec.address).second) continue; // two backorders, one person
            std::string hash = address_hash(rec.address);
            if (tx.optouts().suppressed(hash)) {
                out.skipped.push_back({rec.address, "opted out"});
                continue;
            }
            auto earlier = tx.offers().to(hash, r.domain);
            std::int64_t round = 0;
            bool first = true;
            std::optional<std::int64_t> open;
            bool declined = false;
            for (const auto& e : earlier) {
                if (e.kind != OfferKind::offer) continue;
                ++round;
                if (in(e.status, k_delivered)) first = false;
                if (in(e.status, k_open)) open = e.id;
                if (e.status == OfferStatus::declined) declined = true;
            }
            if (open) {
                out.skipped.push_back({rec.address, fmt::format("has an open offer ({})", *open)});
                continue;
            }
            if (r.to == OfferAudience::next && declined) {
                out.skipped.push_back({rec.address, "declined an offer of it"});
                continue;
            }
            std::string token = optout_token(secret, rec.address);
            OfferFields f;
            f.domain = to_unicode(r.domain);
            f.price = format_money(r.price);
            f.valid_until = format_day(day_of(now) + r.valid_days);
            f.valid_days = std::to_string(r.valid_days);
            f.recipient_name = rec.name;
            f.recipient_email = rec.address;
            f.reason = rec.reason;
            f.optout = optout_text(identity, token);
            f.accept = fmt::format("To accept, reply to this message; {} will then send the "
                                   "transfer details. Nothing is owed unless you accept.",
                                   company);
            f.company = identity.company;
            f.address = identity.address;
            f.phone = identity.phone;
            f.sender_name = identity.sender_name;
            f.sender_email = identity.sender_email;
            auto body = render_offer(text, f);
            if (!body) return std::unexpected(body.error());
            OfferRow row;
            row.kind = OfferKind::offer;
            row.domain = r.domain;
            row.recipient = rec.address;
            row.recipient_hash = hash;
            row.recipient_name = rec.name;
            row.backorder_id = rec.backorder_id;
            row.round = round;
            row.status = OfferStatus::draft;
            row.price = f.price;
            row.valid_until = day_of(now) + r.valid_days;
            row.subject = offer_subject(f);
            row.body = std::move(*body);
            row.message_id = new_message_id(identity.sender_email, now);
            row.token = token;
            row.reason = rec.reason;
            row.first_contact = first;
            row.created_at = now;
            row.updated_at = now;
            // A field that cannot go in a message (a CR or LF in the customer's name): no
            // draft, said why.
            if (auto message = offer_message(row, identity, now); !message) {
                out.skipped.push_back({rec.address, message.error().message});
                continue;
            }
            row.id = tx.offers().add(row);
            tx.optouts().remember_token(token, hash, rec.address);
            offer_event(
                tx, now, r.actor, row.id, "drafted",
                fmt::format("{} for {}{}", r.domain, row.price, first ? ", first contact" : ""));
            out.drafted.push_back(std::move(row));
            if (r.to == OfferAudience::next) break;
        }
        return out;
    });
}

Result<std::string> offer_message(const OfferRow& row, const OperatorSettings& identity,
                                  Instant date) {
    if (!row.recipient)
        return fail(ErrorKind::failed,
                    fmt::format("offer {}: its recipient was erased on request", row.id));
    MailMessage m;
    m.from = {identity.sender_name, identity.sender_email};
    m.to = {row.recipient_name, *row.recipient};
    m.reply_to = Mailbox{identity.sender_name,
                         identity.reply_to.empty() ? identity.sender_email : identity.reply_to};
    m.subject = row.subject;
    m.date = date;
    m.message_id = row.message_id;
    m.unsubscribe = unsubscribe_uris(identity, row.token);
    m.one_click = !identity.unsubscribe_url_base.empty();
    m.body = row.body;
    return format_message(m);
}

Result<OfferRow> get_offer(const Store& store, std::int64_t id) {
    return store.read([&](const ReadTx& tx) -> Result<OfferRow> {
        auto row = tx.offers().get(id);
        if (!row) return fail(ErrorKind::data, fmt::format("there is no offer {}", id));
        return *row;
    });
}

Result<void> record_shown(Store& store, std::int64_t id, Instant now) {
    return store.write([&](Tx& tx) -> Result<void> {
        tx.offers().mark_shown(id, now);
        return {};
    });
}

Result<std::vector<OfferRow>> approve_offers(Store& store, std::span<const std::int64_t> ids,
                                             std::string_view by, Instant now) {
    if (text::trim(by).empty())
        return fail(ErrorKind::usage, "--by NAME: say who approves (a person, for the record)");
    return store.write([&](Tx& tx) -> Result<std::vector<OfferRow>> {
        std::vector<OfferRow> out;
        std::vector<std::string> refusals;
        for (std::int64_t id : ids) {
            auto row = tx.offers().get(id);
            if (!row) return fail(ErrorKind::data, fmt::format("there is no offer {}", id));
            if (row->kind != OfferKind::offer)
                refusals.push_back(fmt::format("{} is a notice, which needs no approval", id));
            else if (row->status != OfferStatus::draft)
                refusals.push_back(
                    fmt::format("{} is {}, not a draft", id, offer_status_name(row->status)));
            else if (row->first_contact && !row->shown_at)
                refusals.push_back(fmt::format("{} is a first contact and its full message was "
                                               "not displayed yet: run 'dropcat offer show {}' "
                                               "and read it first",
                                               id, id));
            else
                out.push_back(std::move(*row));
        }
        if (!refusals.empty()) {
            std::string message = "nothing was approved: offer ";
            for (std::size_t i = 0; i < refusals.size(); ++i)
                message += (i ? "; offer " : "") + refusals[i];
            return fail(ErrorKind::failed, message);
        }
        constexpr std::array from = {OfferStatus::draft};
        for (auto& row : out) {
            OfferUpdate u;
            u.approved_by = std::string(by);
            u.approved_at = now;
            tx.offers().move(row.id, from, OfferStatus::approved, u, now);
            row.status = OfferStatus::approved;
            row.approved_by = by;
            row.approved_at = now;
            offer_event(tx, now, by, row.id, "approved", "");
        }
        return out;
    });
}

Result<MarkOutcome> mark_offer(Store& store, std::int64_t id, OfferStatus to, std::string_view note,
                               std::string_view actor, Instant now) {
    static constexpr std::array answered_from = {OfferStatus::sent, OfferStatus::unknown,
                                                 OfferStatus::replied};
    static constexpr std::array withdraw_from = {
        OfferStatus::draft,   OfferStatus::approved, OfferStatus::sent,    OfferStatus::unknown,
        OfferStatus::replied, OfferStatus::failed,   OfferStatus::accepted};
    // A person who checked the mail server's log settles an unclear hand-off.
    static constexpr std::array settled_from = {OfferStatus::unknown};
    std::span<const OfferStatus> from;
    switch (to) {
    case OfferStatus::replied:
    case OfferStatus::accepted:
    case OfferStatus::declined:
        from = answered_from;
        break;
    case OfferStatus::withdrawn:
        from = withdraw_from;
        break;
    case OfferStatus::sent:
    case OfferStatus::failed:
        from = settled_from;
        break;
    default:
        return fail(ErrorKind::usage, fmt::format("an offer is marked replied, accepted, "
                                                  "declined, withdrawn, or (when unknown) sent "
                                                  "or failed, not {}",
                                                  offer_status_name(to)));
    }
    bool settling = to == OfferStatus::sent || to == OfferStatus::failed;
    return store.write([&](Tx& tx) -> Result<MarkOutcome> {
        auto row = tx.offers().get(id);
        if (!row) return fail(ErrorKind::data, fmt::format("there is no offer {}", id));
        if (row->kind != OfferKind::offer && !settling)
            return fail(ErrorKind::failed,
                        fmt::format("{} is a notice: a notice is only marked sent or failed, "
                                    "when its outcome was unknown",
                                    id));
        if (!in(row->status, from))
            return fail(ErrorKind::failed,
                        fmt::format("offer {} is {}: it cannot be marked {}{}", id,
                                    offer_status_name(row->status), offer_status_name(to),
                                    to == OfferStatus::withdrawn ? ""
                                    : settling ? " (only an unknown outcome is settled by hand)"
                                               : " (only an offer that was sent has an "
                                                 "answer)"));
        OfferUpdate u;
        if (!note.empty()) u.note = std::string(note);
        if (to == OfferStatus::sent) u.sent_at = now;
        tx.offers().move(id, from, to, u, now);
        if (settling)
            tx.offers().finish_send(id,
                                    to == OfferStatus::sent ? SendState::sent : SendState::refused,
                                    "settled by a person", now);
        offer_event(tx, now, actor, id, offer_status_name(to), "");
        MarkOutcome out;
        out.row = *tx.offers().get(id);
        if (to == OfferStatus::accepted) {
            static constexpr std::array open = {OfferStatus::draft, OfferStatus::approved,
                                                OfferStatus::sent, OfferStatus::unknown,
                                                OfferStatus::replied};
            for (const auto& other :
                 tx.offers().list(OfferQuery{{}, row->domain, OfferKind::offer})) {
                if (other.id == id) continue;
                OfferUpdate w;
                w.note = fmt::format("withdrawn: offer {} of {} was accepted", id, row->domain);
                if (tx.offers().move(other.id, open, OfferStatus::withdrawn, w, now)) {
                    offer_event(tx, now, actor, other.id, "withdrawn",
                                fmt::format("offer {} was accepted", id));
                    out.withdrawn.push_back(other.id);
                }
            }
        }
        return out;
    });
}

Result<bool> one_click_optout(Store& store, std::string_view token, Instant now) {
    if (!token_shaped(token)) return false;
    return store.write([&](Tx& tx) -> Result<bool> {
        auto found = tx.optouts().token(token);
        if (!found) return false;
        tx.optouts().suppress(
            Suppression{found->first, found->second, "one-click", "List-Unsubscribe", now});
        return true;
    });
}

} // namespace dropcat
