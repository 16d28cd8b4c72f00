#include "catcher/engine.hpp"

namespace dropcat::catcher {

// With m_mutex held: the window of a target with nothing in flight has ended.
void Engine::window_ended(Live& t) {
    end(t, TargetState::failed, "",
        t.seen_available ? "the window ended; every create was refused"
                         : "the window ended; never seen free");
}

// Ends a target (with m_mutex held): caught, lost or failed, written on live runs.
void Engine::end(Live& t, TargetState to, std::string account, std::string detail,
                 std::optional<Instant> caught_at) {
    if (t.ended() && to != TargetState::caught) return;
    if (to != TargetState::caught) {
        // An account's create of it is unclear: it may have bought the name. Ambiguous
        // until the account is asked; then this end, unless the account has it.
        for (const auto& s : t.sides)
            if (s.blocked) {
                t.pending_end = {to, detail};
                make_ambiguous(
                    t, fmt::format("{}; but {}'s create is unclear: asking it", detail, s.account));
                return;
            }
    }
    t.pending_end.reset();
    t.state = to;
    TargetUpdate u;
    if (!account.empty()) u.account = account;
    u.caught_at = caught_at;
    u.released_at = t.released_at;
    u.checks = t.checks;
    u.detail = detail;
    persist(
        [&](Tx& tx) -> Result<void> {
            catcher::end_target(tx, t.id, t.plan->target.domain, catcher::k_any_state, to, u,
                                m_o.actor, detail, wall_ms());
            return {};
        },
        "a target's end");
    emit_state(t, account, detail);
    wake_all();
}

// Moves a target to a state short of its end (with m_mutex held).
void Engine::move(Live& t, TargetState to, std::string detail) {
    if (t.ended() || t.state == to) return;
    t.state = to;
    TargetUpdate u;
    u.released_at = t.released_at;
    u.checks = t.checks;
    persist(
        [&](Tx& tx) -> Result<void> {
            tx.catches().move(t.id, catcher::k_open_states, to, u, wall_ms());
            tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target, t.id,
                                           target_state_name(to), detail});
            return {};
        },
        "a target's state");
    emit_state(t, "", detail);
}

// With m_mutex held: the target waits for an unclear create to be settled.
void Engine::make_ambiguous(Live& t, const std::string& detail) {
    if (t.state == TargetState::ambiguous) return;
    t.state = TargetState::ambiguous;
    persist(
        [&](Tx& tx) -> Result<void> {
            tx.catches().move(t.id, catcher::k_open_states, TargetState::ambiguous, TargetUpdate{},
                              wall_ms());
            tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target, t.id,
                                           "ambiguous", detail});
            return {};
        },
        "a target's state");
    emit_state(t, "", detail);
}

// With m_mutex held: a target every account is done with (or blocked on) ends.
void Engine::finish_if_spent(Live& t) {
    if (t.ended()) return;
    bool any_blocked = false;
    for (const auto& s : t.sides) {
        if (s.in_flight) return;
        if (s.blocked)
            any_blocked = true;
        else if (!s.done)
            return;
    }
    if (any_blocked) {
        make_ambiguous(t, "a create's outcome is unknown: dropcat catch resolve");
        return;
    }
    if (!m_o.live) {
        t.end_note = "dry-run";
        emit_state(t, "", "dry run: every account that would fire was tried");
        return;
    }
    ++m_failures;
    end(t, TargetState::failed, "", "every account that fired at it was refused for good");
}

} // namespace dropcat::catcher
