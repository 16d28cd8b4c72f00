#include "dropcat/create_journal.hpp"

#include <fmt/format.h>

namespace dropcat {

namespace {

Instant wall(const Registrar& registrar) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(registrar.clock().wall_now());
}

CreateResult unsent(const CreateRequest& request, Outcome outcome, std::string detail) {
    CreateResult r;
    r.dry_run = request.dry_run;
    r.outcome = outcome;
    r.detail = std::move(detail);
    return r;
}

} // namespace

std::chrono::minutes listing_lag(std::string_view kind) {
    const RegistrarKind* k = find_registrar_kind(kind);
    return k != nullptr && k->listing_lag_minutes > 0 ? std::chrono::minutes(k->listing_lag_minutes)
                                                      : k_listing_lag;
}

Result<std::vector<CreateRow>> unresolved_creates(Store& store, std::string_view account,
                                                  std::string_view domain) {
    return store.read([&](const ReadTx& tx) -> Result<std::vector<CreateRow>> {
        return tx.creates().unresolved(account, domain);
    });
}

JournaledCreate journaled_create(Store& store, Registrar& registrar, const CreateRequest& request,
                                 const Call& call) {
    JournaledCreate out;
    const std::string& account = registrar.account().name;
    auto history = store.read([&](const ReadTx& tx) -> Result<std::vector<CreateRow>> {
        return tx.creates().of(request.domain);
    });
    if (!history) {
        out.result = unsent(request, Outcome::transient,
                            "the store could not be read, so no create was sent: " +
                                history.error().message);
        return out;
    }
    for (const auto& row : *history) {
        if (row.account != account || row.dry_run) continue;
        bool unclear = (row.outcome.empty() || row.outcome == "ambiguous") && !row.resolved_at;
        if (unclear) out.earlier.push_back(row);
    }
    if (!out.earlier.empty()) {
        const CreateRow& first = out.earlier.front();
        out.result = unsent(
            request, Outcome::unresolved,
            fmt::format("an earlier create of {} by {} (started {}) has no known outcome: the "
                        "account may have bought it; check the account (dropcat registrar owns "
                        "{} --registrar {}) before trying again; no create was sent",
                        request.domain, account, format_utc(first.started_at), request.domain,
                        account));
        return out;
    }
    // An earlier registration answers a new create only while the name is not free again (a
    // quote that says available means the account let it go).
    bool free_again = request.quote.availability == Availability::available ||
                      request.quote.availability == Availability::premium;
    for (const auto& row : *history)
        if (!free_again && row.account == account && !row.dry_run &&
            (row.outcome == "registered" || row.outcome == "pending" ||
             row.resolution == "registered")) {
            out.earlier.push_back(row);
            out.result = unsent(request, Outcome::registered,
                                fmt::format("already bought by {} (create {} at {}); no create "
                                            "was sent",
                                            account, row.id, format_utc(row.started_at)));
            return out;
        }

    // A create the account's limits hold back now is not written: nothing would be sent.
    if (auto free = registrar.next_free(RequestClass::create);
        !request.dry_run && free > registrar.clock().now()) {
        out.result =
            unsent(request, Outcome::rate_limited,
                   fmt::format("{}'s create limit leaves no room now; nothing was sent", account));
        out.result.retry_at = free;
        out.result.wait_reason = fmt::format("{}'s create limit", account);
        return out;
    }
    CreateRequest sent = request;
    if (sent.idempotency_key.empty()) sent.idempotency_key = new_idempotency_key();
    std::int64_t id = 0;
    if (!request.dry_run) {
        auto begun = store.write([&](Tx& tx) -> Result<std::int64_t> {
            return tx.creates().begin(
                CreateStart{account, request.domain, sent.idempotency_key, false, wall(registrar)});
        });
        if (!begun) {
            out.result = unsent(request, Outcome::transient,
                                "the create could not be recorded, so it was not sent: " +
                                    begun.error().message);
            return out;
        }
        id = *begun;
    }
    out.result = registrar.create(sent, call);
    if (request.dry_run) return out;
    // What was sent and what came back, whatever it was. A write that fails here leaves the
    // create unfinished in the store: unresolved, which is the safe side.
    (void)store.write([&](Tx& tx) -> Result<void> {
        tx.creates().finish(id, outcome_name(out.result.outcome), out.result.detail,
                            wall(registrar));
        return {};
    });
    return out;
}

Result<Settlement> settle_creates(Store& store, Registrar& registrar, const std::string& domain,
                                  const Call& call) {
    Settlement s;
    auto open = unresolved_creates(store, registrar.account().name, domain);
    if (!open) return std::unexpected(open.error());
    auto owned = registrar.owns(std::span(&domain, 1), call);
    if (!owned) return std::unexpected(owned.error());
    s.owns = owned->front();
    Instant now = wall(registrar);
    for (const auto& row : *open) {
        if (s.owns.owned == Owned::yes ||
            (s.owns.owned == Owned::no &&
             now - row.started_at >= listing_lag(registrar.account().kind)))
            s.settled.push_back(row);
        else
            s.still_unresolved.push_back(row);
    }
    if (s.settled.empty()) return s;
    std::string_view resolution = s.owns.owned == Owned::yes ? "registered" : "not-registered";
    auto written = store.write([&](Tx& tx) -> Result<void> {
        for (const auto& row : s.settled)
            tx.creates().resolve(row.id, resolution, now);
        return {};
    });
    if (!written) return std::unexpected(written.error());
    return s;
}

} // namespace dropcat
