#include "catcher/engine.hpp"

namespace dropcat::catcher {

void Engine::fire(Account& a, Live& t, Side& s) {
    const std::string& domain = t.plan->target.domain;
    CreateRequest req;
    Steady fire_at{};
    {
        std::lock_guard lock(m_mutex);
        if (t.ended() || s.in_flight || s.blocked || s.done) return;
        // A name a check found free is created by one account at a time: the first with
        // room in its create budget; the others stand by for its answer instead of
        // spending theirs on the same name (at a known instant every account fires).
        if (!t.plan->known_instant() && t.in_flight > 0) return;
        fire_at = s.next_create == k_never ? m_clock.now() : s.next_create;
        if (t.state == TargetState::available) fire_at = std::min(fire_at, m_clock.now());
        Steady free = a.reg->next_free(RequestClass::create);
        Steady now = m_clock.now();
        if (free == RateLimiter::k_when_one_completes) free = now;
        if (free > std::max(fire_at, now)) {
            // Never a burst: the next slot the account's budget allows.
            s.next_create = free;
            return;
        }
        s.in_flight = true;
        ++t.in_flight;
        req.domain = domain;
        req.years = 1;
        req.max_price = s.ceiling;
        req.dry_run = !m_o.live;
        req.idempotency_key = new_idempotency_key();
        if (s.quote) {
            req.quote = *s.quote;
        } else {
            // Sent before any answer says the name is free: the account's price for the
            // TLD, which the registrar refuses when it is not the name's.
            req.quote.domain = domain;
            req.quote.availability = Availability::available;
            auto price = a.prices.find(tld_of(domain));
            if (price != a.prices.end()) req.quote.price = price->second;
            req.quote.at = m_clock.now();
        }
    }
    if (auto blocked = quote_blocks_create(req, m_clock.now(), a.limits.price_sent)) {
        std::lock_guard lock(m_mutex);
        s.in_flight = false;
        --t.in_flight;
        s.done = true;
        emit(CatchEvent{{},
                        "create",
                        domain,
                        a.name,
                        std::string(target_state_name(t.state)),
                        std::string(outcome_name(blocked->outcome)),
                        blocked->detail + " (not sent)",
                        false,
                        std::nullopt});
        finish_if_spent(t);
        if (!t.plan->known_instant()) wake_all();
        return;
    }
    std::int64_t create_id = 0;
    std::int64_t attempt_id = 0;
    std::int64_t planned_us =
        wall_us() + duration_cast<microseconds>(fire_at - m_clock.now()).count();
    if (m_o.live) {
        bool open = true;
        // Written, and the target moved to registering, before the create leaves; a
        // target that ended meanwhile in the store (catch resolve) gets no create.
        bool written = persist(
            [&](Tx& tx) -> Result<void> {
                constexpr TargetState from[] = {TargetState::armed, TargetState::checking,
                                                TargetState::available, TargetState::registering};
                open = tx.catches().move(t.id, from, TargetState::registering, TargetUpdate{},
                                         wall_ms());
                if (!open) return {};
                create_id = tx.creates().begin(
                    CreateStart{a.name, domain, req.idempotency_key, false, wall_ms()});
                attempt_id = tx.catches().begin_attempt(
                    AttemptStart{t.id, a.name, false, create_id, planned_us});
                tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                               t.id, "registering",
                                               fmt::format("a create by {}", a.name)});
                return {};
            },
            "a create before it was sent (so it was not sent)");
        std::lock_guard lock(m_mutex);
        if (!written || !open) {
            s.in_flight = false;
            --t.in_flight;
            if (!open) {
                s.done = true;
                if (!t.ended()) {
                    t.end_note = "ended-elsewhere";
                    emit_state(t, "", "the store shows it ended (catch resolve, or another run)");
                }
            } else {
                s.next_create = m_clock.now() + a.create_every;
            }
            if (!t.plan->known_instant()) wake_all();
            return;
        }
        t.state = TargetState::registering;
    }
    // The create's connection, opened again now if the registrar closed it while idle (a
    // server keeps an idle connection a few seconds): its handshake is paid here, not by
    // the create. Sends nothing.
    if (fire_at > m_clock.now()) (void)a.reg->warm(call());
    if (fire_at > m_clock.now() && !m_clock.sleep_until(fire_at, m_o.stop)) {
        // Stopped before it left: written, never sent.
        std::lock_guard lock(m_mutex);
        s.in_flight = false;
        --t.in_flight;
        persist(
            [&](Tx& tx) -> Result<void> {
                tx.creates().finish(create_id, "transient", "the run stopped before it was sent",
                                    wall_ms());
                tx.creates().resolve(create_id, "not-registered", wall_ms());
                tx.catches().finish_attempt(attempt_id, planned_us, "not-sent",
                                            "the run stopped before it was sent", wall_us());
                return {};
            },
            "a create that was not sent");
        step_back(t);
        if (!t.plan->known_instant()) wake_all();
        return;
    }
    std::int64_t sent_us = wall_us();
    Instant sent_ms = wall_ms();
    CreateResult r = a.reg->create(req, call());
    std::int64_t answered_us = wall_us();
    if (r.sent) ++m_creates_sent;
    bool after_instant = !t.plan->known_instant() || sent_ms >= *t.plan->target.window.release_at;
    if (m_o.live)
        persist(
            [&](Tx& tx) -> Result<void> {
                tx.creates().finish(create_id, outcome_name(r.outcome), r.detail, wall_ms());
                if (!r.sent && r.outcome != Outcome::ambiguous)
                    tx.creates().resolve(create_id, "not-registered", wall_ms());
                tx.catches().finish_attempt(attempt_id, sent_us, outcome_name(r.outcome), r.detail,
                                            answered_us);
                return {};
            },
            "a create's answer");
    std::lock_guard lock(m_mutex);
    s.in_flight = false;
    --t.in_flight;
    ++s.creates;
    if (r.sent) a.answer_time = microseconds(answered_us - sent_us);
    emit(CatchEvent{{},
                    "create",
                    domain,
                    a.name,
                    std::string(target_state_name(t.state)),
                    std::string(outcome_name(r.outcome)),
                    r.detail,
                    r.dry_run,
                    answered_us - sent_us});
    Steady next = std::max(fire_at + a.create_every, m_clock.now());
    switch (r.outcome) {
    case Outcome::registered:
    case Outcome::pending:
        if (!t.released_at) t.released_at = t.plan->target.window.release_at;
        end(t, TargetState::caught, a.name, fmt::format("{} registered it", a.name), sent_ms);
        return;
    case Outcome::dry_run_ok:
        s.done = true;
        break;
    case Outcome::lost_race:
    case Outcome::taken:
        s.quote.reset();
        if (after_instant && (t.seen_available || t.plan->known_instant())) {
            // Refused after the instant: is it registered? A check says, before any
            // further create (available: a create at once; taken: lost).
            t.refused_after_instant = true;
            s.next_check = m_clock.now();
            s.next_create = k_never;
        } else {
            // Before the instant a refusal only means "not yet".
            s.next_create = t.plan->known_instant() ? next : k_never;
        }
        break;
    case Outcome::rate_limited:
        s.next_create = r.retry_at ? *r.retry_at : next;
        break;
    case Outcome::transient:
        s.next_create = next;
        break;
    case Outcome::ambiguous:
    case Outcome::unresolved:
        s.blocked = true;
        s.settle_at = m_clock.now();
        break;
    case Outcome::price_mismatch:
    case Outcome::insufficient_funds:
    case Outcome::auth_error:
    case Outcome::policy_refused:
        s.done = true;
        break;
    }
    step_back(t);
    finish_if_spent(t);
    // Accounts standing by for this answer look again.
    if (!t.plan->known_instant()) wake_all();
}

// With m_mutex held: a target left registering once nothing is in flight and no create
// of it is unclear (an unclear one keeps it registering in the store, which is what a
// killed run's successor must find).
void Engine::step_back(Live& t) {
    if (t.state != TargetState::registering || t.in_flight > 0) return;
    for (const auto& s : t.sides)
        if (s.blocked) return;
    TargetState back = t.seen_available ? TargetState::available : TargetState::checking;
    t.state = back;
    persist(
        [&](Tx& tx) -> Result<void> {
            constexpr TargetState from[] = {TargetState::registering};
            if (tx.catches().move(t.id, from, back, TargetUpdate{}, wall_ms()))
                tx.events().append(EventRecord{wall_ms(), m_o.actor, EventSubject::catch_target,
                                               t.id, target_state_name(back),
                                               "no create in flight"});
            return {};
        },
        "a target's state");
}

// An unclear create: the account is asked (registrar owns) on its own thread, once its
// limits allow; meanwhile the target is blocked on it.
void Engine::settle_now(Account& a, Live& t, Side& s) {
    Steady free = a.reg->next_free(RequestClass::other);
    if (free > m_clock.now()) {
        std::lock_guard lock(m_mutex);
        s.settle_at = free;
        return;
    }
    Result<Settlement> settled = std::unexpected(Error{ErrorKind::failed, "a dry run"});
    if (m_o.live) settled = settle_creates(m_store, *a.reg, t.plan->target.domain, call());
    std::lock_guard lock(m_mutex);
    s.settle_at = k_never;
    if (settled && settled->owns.owned == Owned::yes) {
        s.blocked = false;
        end(t, TargetState::caught, a.name,
            fmt::format("{}'s create answered nothing clear, and {} has the name", a.name, a.name));
        return;
    }
    if (settled && settled->still_unresolved.empty() && !settled->settled.empty()) {
        s.blocked = false;
        s.next_create = m_clock.now();
        // Settled: not bought. An end found meanwhile is the target's end now.
        bool still = false;
        for (const auto& other : t.sides)
            still = still || other.blocked;
        if (!still && t.pending_end) {
            auto [to, detail] = *t.pending_end;
            t.state = TargetState::checking;
            end(t, to, "", detail);
        } else if (!still && t.state == TargetState::ambiguous) {
            t.state = t.seen_available ? TargetState::available : TargetState::checking;
        }
        wake_all();
        return;
    }
    emit(CatchEvent{{},
                    "warning",
                    t.plan->target.domain,
                    a.name,
                    "",
                    "ambiguous",
                    settled ? fmt::format("{} says {}: too soon to be sure", a.name,
                                          owned_name(settled->owns.owned))
                            : settled.error().message,
                    false,
                    std::nullopt});
    // Asked once in this run; the next run (recover_targets) or a person settles it.
    finish_if_spent(t);
}

} // namespace dropcat::catcher
