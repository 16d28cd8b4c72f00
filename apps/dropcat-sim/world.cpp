#include "world.hpp"

#include <algorithm>

namespace dropcat::sim {

namespace {

// How long a request may wait between its arrival and its admission: the longest delay fault,
// and a minute for the world lock, which is never held for long.
Duration longest_wait(const Scenario& scenario) {
    Duration longest = std::chrono::minutes(1);
    for (const auto& fault : scenario.faults)
        longest = std::max(longest, fault.delay + std::chrono::minutes(1));
    return longest;
}

} // namespace

World::World(Scenario scenario) : m_scenario(std::move(scenario)) {
    Duration late = longest_wait(m_scenario);
    for (const auto& account : m_scenario.accounts) {
        AccountState state{account.balance, std::nullopt, std::nullopt, {}};
        if (account.checks) state.checks.emplace(*account.checks, account.per, late);
        if (account.creates) state.creates.emplace(*account.creates, account.per, late);
        m_state.push_back(std::move(state));
    }
    for (std::size_t i = 0; i < m_scenario.domains.size(); ++i)
        m_listed.emplace(m_scenario.domains[i].name, i);
}

const DomainSpec* World::listed(const std::string& name) const {
    auto found = m_listed.find(name);
    return found == m_listed.end() ? nullptr : &m_scenario.domains[found->second];
}

// A name's history is derived from the clock: the original registrant holds it until its
// deletion, then the first client to register it, or the competitor once competitor_after has
// passed with nobody ahead of it. No timers are needed.
World::Ownership World::ownership(const std::string& name, Instant now) const {
    const DomainSpec* spec = listed(name);
    if (spec != nullptr && (!spec->deleted_at || now < *spec->deleted_at))
        return {Holder::original, m_scenario.start - std::chrono::days(365)};
    if (auto client = m_client_registrations.find(name); client != m_client_registrations.end())
        return {Holder::client, client->second.at};
    if (auto taken = m_competitor_takes.find(name); taken != m_competitor_takes.end())
        return {Holder::competitor, taken->second};
    if (spec != nullptr && spec->competitor_after) {
        Instant taken = *spec->deleted_at + *spec->competitor_after;
        if (now >= taken) return {Holder::competitor, taken};
    }
    return {};
}

void World::outrun(const std::string& name, Instant now) {
    if (ownership(name, now).holder == Holder::nobody) m_competitor_takes.emplace(name, now);
}

Quote World::quote(const std::string& name, Instant now) const {
    Quote q;
    q.price = m_scenario.default_price;
    if (!valid_name(name) || tld_of(name, m_scenario.tlds).empty()) return q;
    const DomainSpec* spec = listed(name);
    if (spec != nullptr) {
        q.price = spec->price.value_or(m_scenario.default_price);
        q.premium = spec->premium;
        q.non_real_time = spec->non_real_time;
    }
    if (auto changed = m_reprices.find(name); changed != m_reprices.end())
        q.price = changed->second;
    if (spec != nullptr && spec->reserved)
        q.availability = Availability::reserved;
    else if (ownership(name, now).holder != Holder::nobody)
        q.availability = Availability::taken;
    else
        q.availability = Availability::available;
    return q;
}

std::optional<Holding> World::holding(const std::string& name, Instant now) const {
    if (tld_of(name, m_scenario.tlds).empty()) return std::nullopt;
    Ownership owner = ownership(name, now);
    switch (owner.holder) {
    case Holder::nobody:
        return std::nullopt;
    case Holder::original: {
        const DomainSpec* spec = listed(name);
        Holding h{spec->statuses, owner.since, spec->expires_at, spec->deletion_event_at};
        for (const auto& change : spec->phases)
            if (change.at <= now) h.statuses = change.statuses;
        return h;
    }
    default:
        return Holding{{"active"}, owner.since, {}, {}};
    }
}

Admission World::admit(std::size_t account, LimitClass what, Instant arrival) {
    auto& window = what == LimitClass::check ? m_state[account].checks : m_state[account].creates;
    if (!window) return {};
    if (!window->admit(arrival)) return {false, window->used(arrival), window->until_free(arrival)};
    return {true, window->used(arrival), {}};
}

const SlidingWindow* World::limit(std::size_t account, LimitClass what) const {
    const auto& window =
        what == LimitClass::check ? m_state[account].checks : m_state[account].creates;
    return window ? &*window : nullptr;
}

CreateResult World::create(const CreateOrder& order, Instant now) {
    AccountState& account = m_state[order.account];
    Quote q = quote(order.name, now);
    if (order.list_priced && !q.premium) q.price = m_scenario.default_price;
    CreateResult result;
    result.total = Money{q.price.minor * order.years, q.price.currency};
    result.balance = account.balance;
    auto outcome = [&](CreateOutcome o) {
        result.outcome = o;
        return result;
    };
    if (q.availability == Availability::unsupported_tld)
        return outcome(CreateOutcome::unsupported_tld);
    if (q.availability != Availability::available) return outcome(CreateOutcome::not_available);
    if (q.premium && !order.premium_acknowledged) return outcome(CreateOutcome::premium_refused);
    if (order.cost && *order.cost != result.total.minor)
        return outcome(CreateOutcome::price_mismatch);
    if (account.balance.minor < result.total.minor)
        return outcome(CreateOutcome::insufficient_funds);
    if (order.dry_run) return outcome(CreateOutcome::would_succeed);
    m_client_registrations.emplace(order.name, Registration{now, order.account});
    account.balance.minor -= result.total.minor;
    result.balance = account.balance;
    result.order_id = next_id();
    return outcome(CreateOutcome::registered);
}

const StoredAnswer* World::replay(std::size_t account, const std::string& key) const {
    const auto& answers = m_state[account].answers;
    auto found = answers.find(key);
    return found == answers.end() ? nullptr : &found->second;
}

void World::remember(std::size_t account, const std::string& key, StoredAnswer answer) {
    m_state[account].answers.emplace(key, std::move(answer));
}

bool World::owns(std::size_t account, const std::string& name) const {
    auto it = m_client_registrations.find(name);
    return it != m_client_registrations.end() && it->second.account == account;
}

std::vector<std::string> World::owned_by(std::size_t account) const {
    std::vector<std::string> names;
    for (const auto& [name, reg] : m_client_registrations)
        if (reg.account == account) names.push_back(name);
    return names;
}

} // namespace dropcat::sim
