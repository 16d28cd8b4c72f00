// What a killed run left behind, settled by asking; and a person's finding (catch resolve).
#include "catcher/outcome_writes.hpp"

#include "dropcat/catcher.hpp"
#include "dropcat/create_journal.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace dropcat {

namespace catcher {

bool end_target(Tx& tx, std::int64_t id, std::string_view domain, std::span<const TargetState> from,
                TargetState to, const TargetUpdate& update, std::string_view actor,
                std::string_view detail, Instant now) {
    if (!tx.catches().move(id, from, to, update, now)) return false;
    tx.events().append(
        EventRecord{now, actor, EventSubject::catch_target, id, target_state_name(to), detail});
    if (to != TargetState::caught && to != TargetState::lost) return true;
    BackorderStatus status =
        to == TargetState::caught ? BackorderStatus::caught : BackorderStatus::lost;
    for (const auto& b : tx.backorders().on_domain(domain)) {
        if (b.status != BackorderStatus::active) continue;
        tx.backorders().set_status(b.id, status, now);
        tx.events().append(
            EventRecord{now, actor, EventSubject::backorder, b.id, status_name(status), detail});
    }
    return true;
}

} // namespace catcher

namespace {

Instant wall_now(const Clock& clock) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(clock.wall_now());
}

} // namespace

Result<std::set<std::string>> accounts_to_ask(const Store& store) {
    return store.read([](const ReadTx& tx) -> Result<std::set<std::string>> {
        std::set<std::string> out;
        for (auto state : {TargetState::registering, TargetState::ambiguous})
            for (const auto& t : tx.catches().in_state(state))
                for (const auto& c : tx.creates().of(t.domain))
                    if (!c.dry_run && !c.resolved_at &&
                        (c.outcome.empty() || c.outcome == "ambiguous"))
                        out.insert(c.account);
        return out;
    });
}

Result<std::vector<Recovered>> recover_targets(Store& store,
                                               std::map<std::string, Registrar*> accounts,
                                               const Call& call, std::string_view actor) {
    std::vector<Recovered> out;
    const Clock& clock = accounts.empty() ? real_clock() : accounts.begin()->second->clock();
    // A target left registering: its create may have left. Ambiguous until asked.
    auto left = store.write([&](Tx& tx) -> Result<std::vector<TargetRow>> {
        auto rows = tx.catches().in_state(TargetState::registering);
        constexpr TargetState from[] = {TargetState::registering};
        for (const auto& t : rows)
            catcher::end_target(tx, t.id, t.domain, from, TargetState::ambiguous, {}, actor,
                                "a run ended while its create was in flight", wall_now(clock));
        auto ambiguous = tx.catches().in_state(TargetState::ambiguous);
        return ambiguous;
    });
    if (!left) return std::unexpected(left.error());
    for (const auto& t : *left) {
        Recovered r{t.domain, "", TargetState::ambiguous, ""};
        auto creates = store.read([&](const ReadTx& tx) -> Result<std::vector<CreateRow>> {
            return tx.creates().of(t.domain);
        });
        if (!creates) return std::unexpected(creates.error());
        std::set<std::string> unclear;
        for (const auto& c : *creates)
            if (!c.dry_run && !c.resolved_at && (c.outcome.empty() || c.outcome == "ambiguous"))
                unclear.insert(c.account);
        bool all_settled = true;
        std::vector<std::string> why;
        for (const auto& name : unclear) {
            auto found = accounts.find(name);
            if (found == accounts.end()) {
                all_settled = false;
                why.push_back(fmt::format("{} is not configured, so it cannot be asked", name));
                continue;
            }
            auto s = settle_creates(store, *found->second, t.domain, call);
            if (!s) {
                all_settled = false;
                why.push_back(fmt::format("{} could not be asked: {}", name, s.error().message));
                continue;
            }
            if (s->owns.owned == Owned::yes) {
                r.account = name;
                r.state = TargetState::caught;
                break;
            }
            if (!s->still_unresolved.empty()) {
                all_settled = false;
                why.push_back(fmt::format("{} says {} ({})", name, owned_name(s->owns.owned),
                                          s->owns.owned == Owned::no
                                              ? "too soon after the create to be sure"
                                              : s->owns.detail));
            }
        }
        if (r.state != TargetState::caught && all_settled) r.state = TargetState::armed;
        r.detail = r.state == TargetState::caught
                       ? fmt::format("{} has it (asked after the run ended)", r.account)
                   : r.state == TargetState::armed
                       ? std::string("no account has it: armed again")
                       : fmt::format("still unclear: {}", fmt::join(why, "; "));
        if (r.state != TargetState::ambiguous) {
            TargetUpdate u;
            if (!r.account.empty()) u.account = r.account;
            auto w = store.write([&](Tx& tx) -> Result<void> {
                constexpr TargetState from[] = {TargetState::ambiguous};
                catcher::end_target(tx, t.id, t.domain, from, r.state, u, actor, r.detail,
                                    wall_now(clock));
                return {};
            });
            if (!w) return std::unexpected(w.error());
        }
        out.push_back(std::move(r));
    }
    return out;
}

Result<TargetRow> resolve_target(Store& store, std::string_view domain, bool caught,
                                 std::string_view actor, Instant now) {
    return store.write([&](Tx& tx) -> Result<TargetRow> {
        auto targets = tx.catches().of(domain);
        if (targets.empty())
            return fail(ErrorKind::usage, fmt::format("{} has no catch target", domain));
        const TargetRow& t = targets.front();
        if (is_final(t.state))
            return fail(ErrorKind::failed,
                        fmt::format("{} ended as {} already; nothing was changed", domain,
                                    target_state_name(t.state)));
        std::set<std::string> accounts;
        for (const auto& c : tx.creates().of(domain))
            if (!c.dry_run && !c.resolved_at && (c.outcome.empty() || c.outcome == "ambiguous")) {
                tx.creates().resolve(c.id, caught ? "registered" : "not-registered", now);
                accounts.insert(c.account);
            }
        TargetUpdate u;
        if (caught && accounts.size() == 1) u.account = *accounts.begin();
        TargetState to = caught ? TargetState::caught : TargetState::lost;
        catcher::end_target(tx, t.id, t.domain, catcher::k_open_states, to, u, actor,
                            caught ? "resolved by a person: caught" : "resolved by a person: lost",
                            now);
        auto after = tx.catches().target(t.id);
        if (!after) return fail(ErrorKind::failed, "the target was not found again");
        return *after;
    });
}

} // namespace dropcat
