#include "dropcat/backorder.hpp"
#include "dropcat/mail.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <set>

namespace dropcat {

namespace {

constexpr std::string_view k_no_payment_data =
    "dropcat stores no payment data: backorders are informational (no pre-payment, no card); "
    "nothing was stored";

void append_event(Tx& tx, Instant now, std::string_view actor, EventSubject subject,
                  std::int64_t id, std::string_view action, std::string_view detail) {
    tx.events().append(EventRecord{now, actor, subject, id, action, detail});
}

// Moves a backorder to a new status and records the change, the one way statuses change.
void set_status(Tx& tx, std::int64_t id, BackorderStatus status, Instant now,
                std::string_view actor, std::string_view detail) {
    tx.backorders().set_status(id, status, now);
    append_event(tx, now, actor, EventSubject::backorder, id, status_name(status), detail);
}

// The actor named in events is free text too.
Result<void> check_actor(std::string_view actor) {
    if (looks_like_card_number(actor))
        return fail(ErrorKind::data,
                    fmt::format("the actor (--by) looks like a payment card number; {}",
                                k_no_payment_data));
    return {};
}

// Refuses a request with anything that looks like a card number in any field a person wrote,
// or split between two of them. The phone is judged as a phone number first.
Result<void> check_request(const BackorderRequest& r) {
    std::string_view email = r.contact.email;
    std::string_view local = email.substr(0, email.rfind('@'));
    const std::string_view names[] = {"domain", "email", "name", "company", "note"};
    const std::string_view fields[] = {r.domain, local, r.contact.name, r.contact.company, r.note};
    auto refuse = [&](std::string_view what) -> Result<void> {
        return fail(ErrorKind::data,
                    fmt::format("the {} of the backorder for {} looks like a payment card "
                                "number; {}",
                                what, r.domain, k_no_payment_data));
    };
    for (std::size_t i = 0; i < std::size(fields); ++i)
        if (looks_like_card_number(fields[i])) return refuse(names[i]);
    // A valid phone number is a phone number: it takes no part in the check across fields,
    // where its digits next to an address's would make false cards.
    if (!r.contact.phone.empty())
        if (auto ok = check_phone(r.contact.phone); !ok) return ok;
    const std::string_view all[] = {local, r.contact.name, r.contact.company, r.note};
    const std::string_view all_names[] = {"email", "name", "company", "note"};
    if (auto pair = card_number_across(all))
        return refuse(
            fmt::format("{} and {} together", all_names[pair->first], all_names[pair->second]));
    return {};
}

// Creates or updates the customer with this email; returns its id.
std::int64_t upsert_customer(Tx& tx, const Contact& c, std::string_view actor, Instant now) {
    auto found = tx.customers().by_email(c.email);
    if (!found) {
        std::int64_t id = tx.customers().add(c, now);
        append_event(tx, now, actor, EventSubject::customer, id, "created", "");
        return id;
    }
    CustomerRecord details = *found;
    std::string changed;
    auto update = [&](const char* column, const std::string& given, std::string& kept) {
        if (given.empty() || given == kept) return;
        kept = given;
        changed += (changed.empty() ? "" : ", ") + std::string(column);
    };
    update("name", c.name, details.name);
    update("company", c.company, details.company);
    update("phone", c.phone, details.phone);
    if (!changed.empty()) {
        tx.customers().set_details(found->id, details);
        append_event(tx, now, actor, EventSubject::customer, found->id, "updated", changed);
    }
    return found->id;
}

} // namespace

Result<std::vector<AddOutcome>> Backorders::add(std::span<const BackorderRequest> requests,
                                                std::string_view actor, Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    for (const auto& r : requests)
        if (auto ok = check_request(r); !ok) return std::unexpected(ok.error());
    return m_store.write([&](Tx& tx) -> Result<std::vector<AddOutcome>> {
        std::vector<AddOutcome> out;
        for (const auto& r : requests) {
            std::int64_t customer = upsert_customer(tx, r.contact, actor, now);
            AddOutcome o;
            o.domain = r.domain;
            if (auto old = tx.backorders().find(r.domain, customer)) {
                o.id = old->id;
                if (old->status == BackorderStatus::cancelled ||
                    old->status == BackorderStatus::expired) {
                    // Made active again, it joins the back of the queue: created_at is now.
                    tx.backorders().reactivate(o.id, r.priority, r.note, now);
                    append_event(
                        tx, now, actor, EventSubject::backorder, o.id, "reactivated",
                        fmt::format("was {}; priority {}", status_name(old->status), r.priority));
                    o.result = AddOutcome::reactivated;
                } else {
                    o.result = AddOutcome::already;
                    o.kept_values = old->priority != r.priority || old->note != r.note;
                }
            } else {
                o.id = tx.backorders().add(r.domain, customer, r.priority, r.note, now);
                append_event(tx, now, actor, EventSubject::backorder, o.id, "created",
                             fmt::format("priority {}", r.priority));
            }
            o.drop_date = tx.drops().drop_day(r.domain);
            out.push_back(std::move(o));
        }
        return out;
    });
}

Result<void> Backorders::each(const BackorderQuery& query,
                              const std::function<bool(const BackorderRow&)>& row) const {
    return m_store.read([&](const ReadTx& tx) -> Result<void> {
        tx.backorders().each(query, row);
        return {};
    });
}

Result<std::vector<BackorderRow>> Backorders::on_domain(std::string_view domain) const {
    return m_store.read([&](const ReadTx& tx) -> Result<std::vector<BackorderRow>> {
        return tx.backorders().on_domain(domain);
    });
}

Result<std::vector<EventRow>> Backorders::events(std::int64_t backorder_id) const {
    return m_store.read([&](const ReadTx& tx) -> Result<std::vector<EventRow>> {
        return tx.events().of(EventSubject::backorder, backorder_id);
    });
}

Result<std::optional<Day>> Backorders::drop_date(std::string_view domain) const {
    return m_store.read([&](const ReadTx& tx) -> Result<std::optional<Day>> {
        return tx.drops().drop_day(domain);
    });
}

Result<std::size_t> Backorders::cancel(std::span<const std::int64_t> ids, std::string_view actor,
                                       Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    return m_store.write([&](Tx& tx) -> Result<std::size_t> {
        std::size_t changed = 0;
        for (std::int64_t id : ids) {
            auto status = tx.backorders().status(id);
            if (!status)
                return fail(ErrorKind::data,
                            fmt::format("there is no backorder {}; nothing was cancelled", id));
            if (*status != BackorderStatus::active && *status != BackorderStatus::expired) continue;
            set_status(tx, id, BackorderStatus::cancelled, now, actor,
                       fmt::format("was {}", status_name(*status)));
            ++changed;
        }
        return changed;
    });
}

Result<std::size_t> Backorders::set(std::span<const std::int64_t> ids, std::optional<int> priority,
                                    std::optional<std::string> note, std::string_view actor,
                                    Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    if (note && looks_like_card_number(*note))
        return fail(ErrorKind::data, fmt::format("the note looks like a payment card number; {}",
                                                 k_no_payment_data));
    return m_store.write([&](Tx& tx) -> Result<std::size_t> {
        std::size_t changed = 0;
        for (std::int64_t id : ids) {
            auto old = tx.backorders().by_id(id);
            if (!old)
                return fail(ErrorKind::data,
                            fmt::format("there is no backorder {}; nothing was changed", id));
            int new_priority = priority.value_or(old->priority);
            std::string new_note = note.value_or(old->note);
            std::string detail;
            if (new_priority != old->priority)
                detail = fmt::format("priority {} -> {}", old->priority, new_priority);
            if (new_note != old->note)
                detail += fmt::format("{}note {}", detail.empty() ? "" : ", ",
                                      new_note.empty() ? "removed" : "changed");
            if (detail.empty()) continue;
            tx.backorders().set_details(id, new_priority, new_note, now);
            append_event(tx, now, actor, EventSubject::backorder, id, "changed", detail);
            ++changed;
        }
        return changed;
    });
}

Result<std::vector<std::int64_t>> Backorders::find(std::string_view domain,
                                                   std::string_view email) const {
    return m_store.read([&](const ReadTx& tx) -> Result<std::vector<std::int64_t>> {
        return tx.backorders().ids_of(domain, email);
    });
}

Result<ForgetOutcome> Backorders::forget(std::string_view email, std::string_view actor,
                                         Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    auto out = m_store.write([&](Tx& tx) -> Result<ForgetOutcome> {
        ForgetOutcome o;
        // An opt-out outlives the address: kept by its hash, the address itself erased.
        o.opted_out = tx.optouts().erase_address(address_hash(email));
        // Offers and notices to the address keep their hash and status, not the person.
        tx.offers().erase_recipient(address_hash(email), now);
        // Every address differing only in case is the same person.
        for (std::int64_t id : tx.customers().ids_by_email(email)) {
            o.found = true;
            std::size_t kept = tx.backorders().count_of_customer(id);
            o.backorders += kept;
            tx.customers().erase(id, now);
            tx.backorders().clear_notes_of_customer(id);
            append_event(tx, now, actor, EventSubject::customer, id, "forgotten",
                         fmt::format("personal data erased; {} backorder{} kept", kept,
                                     kept == 1 ? "" : "s"));
        }
        return o;
    });
    if (!out) return out;
    // This runs whether or not a customer was found, so that running forget again after a
    // purge that a reader blocked finishes the job.
    if (auto purged = m_store.purge_erased(); !purged) out->leftover = purged.error();
    return out;
}

Result<MergeOutcome> Backorders::merge_customers(bool dry_run, std::string_view actor,
                                                 Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    auto merge = [&](Tx& tx) -> Result<MergeOutcome> {
        MergeOutcome out;
        auto rows = tx.customers().case_duplicates();
        for (std::size_t first = 0; first < rows.size();) {
            std::size_t end = first + 1;
            while (end < rows.size() &&
                   text::ascii_lower(rows[end].email) == text::ascii_lower(rows[first].email))
                ++end;
            MergedCustomer m;
            std::set<std::string> moved_names;
            m.kept_id = rows[first].id;
            m.kept_email = rows[first].email;
            auto kept = tx.customers().by_id(m.kept_id).value_or(CustomerRecord{});
            CustomerRecord details = kept;
            for (std::size_t i = first + 1; i < end; ++i) {
                std::int64_t other = rows[i].id;
                m.merged_emails.push_back(rows[i].email);
                for (const auto& b : tx.backorders().of_customer(other)) {
                    auto twin = tx.backorders().find(b.domain, m.kept_id);
                    // A dry run moves nothing: the names it would have moved are remembered.
                    bool moved_before = moved_names.contains(b.domain);
                    if (!twin && !moved_before) {
                        if (!dry_run) {
                            tx.backorders().move_to_customer(b.id, m.kept_id, now);
                            append_event(tx, now, actor, EventSubject::backorder, b.id, "moved",
                                         fmt::format("customer {} -> {} (customers merged)", other,
                                                     m.kept_id));
                        }
                        moved_names.insert(b.domain);
                        ++m.moved;
                        continue;
                    }
                    // Both had one on this name: the kept customer's stays, the other is
                    // cancelled (if it was still open) and stays on the emptied record. If only
                    // the other was active, the kept one takes its place in the queue first:
                    // active, with its priority.
                    bool open =
                        b.status == BackorderStatus::active || b.status == BackorderStatus::expired;
                    if (!open) continue;
                    if (!dry_run && twin && b.status == BackorderStatus::active &&
                        (twin->status == BackorderStatus::cancelled ||
                         twin->status == BackorderStatus::expired)) {
                        tx.backorders().set_details(twin->id, b.priority, twin->note, now);
                        set_status(tx, twin->id, BackorderStatus::active, now, actor,
                                   fmt::format("was {}; takes the place of backorder {} "
                                               "(customers merged)",
                                               status_name(twin->status), b.id));
                    }
                    if (!dry_run)
                        set_status(tx, b.id, BackorderStatus::cancelled, now, actor,
                                   fmt::format("was {}; duplicate of backorder {} "
                                               "(customers merged)",
                                               status_name(b.status),
                                               twin ? twin->id : std::int64_t{0}));
                    ++m.cancelled;
                }
                if (auto o = tx.customers().by_id(other)) {
                    if (details.name.empty()) details.name = o->name;
                    if (details.company.empty()) details.company = o->company;
                    if (details.phone.empty()) details.phone = o->phone;
                }
                if (!dry_run) {
                    tx.customers().erase(other, now);
                    tx.backorders().clear_notes_of_customer(other);
                    append_event(tx, now, actor, EventSubject::customer, other, "merged",
                                 fmt::format("into customer {}", m.kept_id));
                }
            }
            if (!dry_run && (details.name != kept.name || details.company != kept.company ||
                             details.phone != kept.phone)) {
                tx.customers().set_details(m.kept_id, details);
                append_event(tx, now, actor, EventSubject::customer, m.kept_id, "updated",
                             "details from merged customers");
            }
            out.customers.push_back(std::move(m));
            first = end;
        }
        return out;
    };
    // A dry run takes the same path and writes nothing.
    auto out = m_store.write(merge);
    if (!out) return out;
    // The merged addresses were erased: their old copies go too.
    if (!dry_run && !out->customers.empty())
        if (auto purged = m_store.purge_erased(); !purged) out->leftover = purged.error();
    return out;
}

Result<void> Backorders::purge() {
    return m_store.purge_erased();
}

Result<std::size_t> Backorders::expire(Day today, int grace_days, std::string_view actor,
                                       Instant now) {
    if (auto ok = check_actor(actor); !ok) return std::unexpected(ok.error());
    return m_store.write([&](Tx& tx) -> Result<std::size_t> {
        auto due = tx.backorders().due(today - grace_days);
        for (const auto& d : due)
            set_status(tx, d.id, BackorderStatus::expired, now, actor,
                       fmt::format("dropped {}, not caught within {} days", format_day(d.drop_date),
                                   grace_days));
        return due.size();
    });
}

Result<std::vector<std::int64_t>> Backorders::ids() const {
    return m_store.read([&](const ReadTx& tx) -> Result<std::vector<std::int64_t>> {
        return tx.backorders().ids();
    });
}

} // namespace dropcat
