#include "catcher/engine.hpp"

namespace dropcat::catcher {

Result<RunSummary> Engine::run() {
    if (auto armed = arm(); !armed) return std::unexpected(armed.error());
    std::vector<std::jthread> threads;
    for (auto& [name, a] : m_accounts)
        threads.emplace_back([this, acc = a.get()] { work(*acc); });
    threads.clear(); // joins
    return finish();
}

void Engine::emit(CatchEvent e) {
    if (!m_o.on_event) return;
    e.at = wall_ms();
    e.dry_run = !m_o.live;
    std::lock_guard lock(m_emit);
    m_o.on_event(e);
}

void Engine::emit_state(const Live& t, std::string account, std::string detail) {
    emit(CatchEvent{{},
                    "state",
                    t.plan->target.domain,
                    std::move(account),
                    t.end_note.empty() ? std::string(target_state_name(t.state)) : t.end_note,
                    "",
                    std::move(detail),
                    false,
                    std::nullopt});
}

// Writes (live runs only); a failure is said and counted, and the run goes on.
bool Engine::persist(const std::function<Result<void>(Tx&)>& body, std::string_view what) {
    if (!m_o.live) return true;
    auto done = m_store.write(body);
    if (done) return true;
    ++m_store_failures;
    emit(CatchEvent{{},
                    "warning",
                    "",
                    "",
                    "",
                    "",
                    fmt::format("the store could not record {}: {}", what, done.error().message),
                    false,
                    std::nullopt});
    return false;
}

// Writes each target armed (live) and sets its first slots.
Result<void> Engine::arm() {
    Instant now = wall_ms();
    for (auto& t : m_live) {
        const CatchTarget& target = t.plan->target;
        if (m_o.live) {
            TargetRow row;
            row.domain = target.domain;
            row.cycle = target.cycle;
            row.window_start = target.window.start;
            row.window_end = target.window.end;
            row.release_at = target.window.release_at;
            row.basis = target.window.basis;
            row.wished = target.wished;
            auto stored = m_store.write(
                [&](Tx& tx) -> Result<TargetRow> { return tx.catches().arm(row, now); });
            if (!stored) return std::unexpected(stored.error());
            t.id = stored->id;
            t.state = stored->state;
            // An account with a create of the name whose outcome is unknown fires no more
            // at it until that is settled (recover_targets asks first).
            for (auto& s : t.sides) {
                auto open = m_store.read([&](const ReadTx& tx) -> Result<bool> {
                    return !tx.creates().unresolved(s.account, target.domain).empty();
                });
                if (!open) return std::unexpected(open.error());
                s.blocked = *open;
            }
        }
        if (t.sides.empty() && !t.ended()) {
            // Not written as failed: a configuration put right may catch it in a later
            // run of the day.
            t.end_note = "no-account";
            bool planned = !t.plan->accounts.empty();
            if (planned) ++m_failures;
            emit_state(t, "",
                       planned ? "none of its accounts could be opened"
                               : "no account serves its TLD and may catch");
            continue;
        }
        if (t.ended() || t.state == TargetState::ambiguous) {
            emit_state(t, "",
                       t.state == TargetState::ambiguous
                           ? "ambiguous: resolve it first (dropcat catch resolve)"
                           : "ended in an earlier run");
            continue;
        }
        for (auto& s : t.sides) {
            if (t.plan->known_instant())
                s.next_create = first_send(t.start, m_accounts.at(s.account)->one_way);
            else
                s.next_check =
                    std::max(t.start - duration_cast<nanoseconds>(m_config.catching.warm_lead),
                             m_clock.now());
        }
    }
    return {};
}

// Before the first slot of the account: its price per TLD (for creates sent before any
// answer says the name is free) and a warm connection.
void Engine::prepare(Account& a) {
    std::set<std::string> tlds;
    Steady first = k_never;
    {
        std::lock_guard lock(m_mutex);
        for (auto& t : m_live)
            for (auto& s : t.sides)
                if (s.account == a.name && !t.ended()) {
                    tlds.insert(tld_of(t.plan->target.domain));
                    first = std::min({first, s.next_create, s.next_check});
                }
    }
    if (tlds.empty()) return;
    auto lead = duration_cast<nanoseconds>(m_config.catching.lead);
    if (first != k_never && first - lead > m_clock.now()) {
        Steady until = first - lead;
        if (m_o.until) until = std::min(until, steady(*m_o.until));
        if (!m_clock.sleep_until(until, m_o.stop) || stopping()) return;
    }
    std::mt19937_64 random(std::random_device{}());
    for (const auto& tld : tlds) {
        // The probe waits for room in the check budget (the plan's quotes may have used
        // it), unless that would be too late for the first slot.
        Steady free = a.reg->next_free(RequestClass::check);
        if (free != RateLimiter::k_when_one_completes && free > m_clock.now()) {
            if (first == k_never || free > first - milliseconds(200)) continue;
            if (!m_clock.sleep_until(free, m_o.stop)) return;
        }
        std::string probe =
            fmt::format("dropcat-price-probe-{:08x}.{}", static_cast<std::uint32_t>(random()), tld);
        auto q = a.reg->quote(std::span(&probe, 1), 1, call());
        if (q && !q->empty() && q->front().availability == Availability::available &&
            q->front().price)
            a.prices.emplace(tld, *q->front().price);
        ++m_checks_sent;
    }
    std::lock_guard lock(m_mutex);
    for (auto& t : m_live)
        for (auto& s : t.sides)
            if (s.account == a.name && t.plan->known_instant() &&
                !a.prices.count(tld_of(t.plan->target.domain))) {
                // No price to send blind: check first, as for a window.
                s.check_first = true;
                s.next_check = s.next_create;
                s.next_create = k_never;
            }
}

void Engine::measure_trip(Account& a) {
    auto rtt = a.reg->network_round_trip();
    if (!rtt) return;
    std::lock_guard lock(m_mutex);
    // A handshake that met a lost SYN or a dual-stack fallback is no measure of the trip:
    // the bound holds it.
    microseconds measured = std::min(*rtt / 2, a.one_way_bound);
    // Every first create still timed by the old estimate is timed by the new one; one
    // brought forward (a check found the name free) stays.
    for (auto& t : m_live) {
        if (t.ended() || !t.plan->known_instant()) continue;
        for (auto& s : t.sides)
            if (s.account == a.name && s.creates == 0 && !s.in_flight && !s.check_first &&
                s.next_create == first_send(t.start, a.one_way))
                s.next_create = first_send(t.start, measured);
    }
    a.one_way = measured;
}

void Engine::work(Account& a) {
    prepare(a);
    (void)a.reg->warm(call());
    measure_trip(a);
    Steady warmed = m_clock.now();
    while (!stopping()) {
        Steady now = m_clock.now();
        if (now - warmed > std::chrono::seconds(10)) {
            (void)a.reg->warm(call());
            warmed = m_clock.now();
        }
        Steady wake = k_never;
        bool left = false;
        std::vector<std::pair<Live*, Side*>> creates;
        std::vector<std::pair<Live*, Side*>> checks;
        std::pair<Live*, Side*> settle{nullptr, nullptr};
        // The source a wake_all() stops: set before looking, so that a wake between the
        // look and the sleep is not lost.
        std::stop_source source;
        {
            std::lock_guard lock(m_mutex);
            a.wake = source;
            a.open_windows = 0;
            for (auto& t : m_live) {
                if (t.ended()) continue;
                for (auto& s : t.sides) {
                    if (s.account != a.name || !s.blocked || s.settle_at == k_never) continue;
                    left = true;
                    if (s.settle_at <= now && !settle.first)
                        settle = {&t, &s};
                    else
                        wake = std::min(wake, s.settle_at);
                }
                if (t.state == TargetState::ambiguous) continue;
                if (!t.plan->known_instant())
                    for (const auto& s : t.sides)
                        a.open_windows += s.account == a.name && !s.done && !s.blocked;
                if (now >= t.end) {
                    if (t.in_flight == 0) window_ended(t);
                    continue; // an answer in flight wakes everyone when it comes
                }
                // A window name another account is creating: this one stands by for the
                // answer (fire wakes every account when it comes).
                bool standby = !t.plan->known_instant() && t.in_flight > 0;
                for (auto& s : t.sides) {
                    if (s.account != a.name || s.done || s.blocked) continue;
                    left = true;
                    if (s.in_flight || (standby && s.next_create <= now + k_write_ahead)) continue;
                    if (s.next_create <= now + k_write_ahead) {
                        creates.emplace_back(&t, &s);
                        continue;
                    }
                    if (s.next_check <= now) checks.emplace_back(&t, &s);
                    wake = std::min({wake, s.next_create - k_write_ahead, s.next_check, t.end});
                }
            }
        }
        if (!left) break;
        if (settle.first) {
            settle_now(a, *settle.first, *settle.second);
            continue;
        }
        if (!creates.empty() && pick_create(a, creates, now, wake)) {
            fire(a, *creates.front().first, *creates.front().second);
            continue;
        }
        if (!checks.empty()) {
            check(a, checks);
            continue;
        }
        std::stop_callback relay(m_o.stop, [&source] { source.request_stop(); });
        Steady until = std::min(wake, m_clock.now() + std::chrono::seconds(1));
        if (m_o.until) until = std::min(until, steady(*m_o.until));
        // Never a spin: a wake time already past is looked at again a moment later.
        until = std::max(until, m_clock.now() + milliseconds(2));
        m_clock.sleep_until(until, source.get_token());
    }
}

namespace {

// Which of two targets was released later, as far as is known: the moment a check first found
// it free, else its instant (window targets share their window's start, so only the checks
// tell them apart).
bool fresher(const Live& x, const Live& y) {
    Instant tx = x.released_at.value_or(Instant::min());
    Instant ty = y.released_at.value_or(Instant::min());
    if (tx != ty) return tx > ty;
    return x.start > y.start;
}

} // namespace

// Which due create goes first (to the front of `due`): one on time (a known instant's
// first create within k_on_time of it, or a name found free), then more backorders, higher
// priority, and the freshest (the latest found free by a check, else the latest instant). A late
// create goes only when it costs none of the account's on-time creates still to come. False when
// nothing should be fired now (`wake` says when to look again).
bool Engine::pick_create(const Account& a, std::vector<std::pair<Live*, Side*>>& due, Steady now,
                         Steady& wake) {
    std::lock_guard lock(m_mutex);
    Steady free = a.reg->next_free(RequestClass::create);
    if (free == RateLimiter::k_when_one_completes) free = now;
    auto send_at = [&](const Side& s) { return std::max({s.next_create, free, now}); };
    auto on_time = [&](const Live& t, const Side& s) {
        return t.state == TargetState::available || !t.plan->known_instant() ||
               send_at(s) - t.start <= k_on_time;
    };
    std::stable_sort(due.begin(), due.end(), [&](const auto& x, const auto& y) {
        bool ox = on_time(*x.first, *x.second);
        bool oy = on_time(*y.first, *y.second);
        if (ox != oy) return ox;
        const CatchTarget& p = x.first->plan->target;
        const CatchTarget& q = y.first->plan->target;
        if (p.backorders != q.backorders) return p.backorders > q.backorders;
        if (p.top_priority != q.top_priority) return p.top_priority > q.top_priority;
        return fresher(*x.first, *y.first);
    });
    if (on_time(*due.front().first, *due.front().second)) return true;
    // Late: would it hold the create budget (until its answer, then one create interval)
    // past the moment a first create that can still be on time is to leave?
    const Side* late = due.front().second;
    Steady busy_until = send_at(*late) + a.answer_time + a.create_every;
    for (auto& t : m_live) {
        if (t.ended() || t.state == TargetState::ambiguous || !t.plan->known_instant()) continue;
        for (auto& s : t.sides) {
            if (&s == late || s.account != a.name || s.done || s.blocked || s.in_flight ||
                s.creates > 0 || s.next_create == k_never)
                continue;
            Steady leaves = std::max(s.next_create, free);
            if (leaves - t.start > k_on_time || leaves <= now) continue; // late itself, or due
            if (busy_until > leaves) {
                wake = std::min(wake, s.next_create - k_write_ahead);
                return false;
            }
        }
    }
    return true;
}

Result<RunSummary> Engine::finish() {
    RunSummary out;
    std::lock_guard lock(m_mutex);
    for (auto& t : m_live) {
        std::string state =
            t.end_note.empty() ? std::string(target_state_name(t.state)) : t.end_note;
        ++out.states[state];
        if (t.state == TargetState::ambiguous) ++out.ambiguous;
        if (!t.ended() && t.state != TargetState::ambiguous) out.stopped = true;
        if (m_o.live && t.id != 0)
            persist(
                [&](Tx& tx) -> Result<void> {
                    TargetUpdate u;
                    u.checks = t.checks;
                    if (t.released_at) u.released_at = t.released_at;
                    tx.catches().update(t.id, u, wall_ms());
                    return {};
                },
                "the checks spent");
    }
    out.creates_sent = m_creates_sent;
    out.checks_sent = m_checks_sent;
    out.failed = m_store_failures + m_failures;
    return out;
}

} // namespace dropcat::catcher
