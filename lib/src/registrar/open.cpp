#include "registrar/adapter.hpp"

#include <fmt/format.h>

namespace dropcat {

std::string_view availability_name(Availability a) {
    switch (a) {
    case Availability::available:
        return "available";
    case Availability::taken:
        return "taken";
    case Availability::premium:
        return "premium";
    case Availability::reserved:
        return "reserved";
    case Availability::unknown:
        break;
    }
    return "unknown";
}

std::string_view owned_name(Owned o) {
    switch (o) {
    case Owned::yes:
        return "yes";
    case Owned::no:
        return "no";
    case Owned::unknown:
        break;
    }
    return "unknown";
}

std::string_view outcome_name(Outcome o) {
    switch (o) {
    case Outcome::registered:
        return "registered";
    case Outcome::pending:
        return "pending";
    case Outcome::dry_run_ok:
        return "dry-run-ok";
    case Outcome::taken:
        return "taken";
    case Outcome::lost_race:
        return "lost-race";
    case Outcome::price_mismatch:
        return "price-mismatch";
    case Outcome::insufficient_funds:
        return "insufficient-funds";
    case Outcome::rate_limited:
        return "rate-limited";
    case Outcome::auth_error:
        return "auth-error";
    case Outcome::policy_refused:
        return "policy-refused";
    case Outcome::transient:
        return "transient";
    case Outcome::unresolved:
        return "unresolved";
    case Outcome::ambiguous:
        break;
    }
    return "ambiguous";
}

std::string account_endpoint(const RegistrarAccount& account, bool sandbox) {
    if (!account.endpoint.empty()) return account.endpoint;
    const RegistrarKind* kind = find_registrar_kind(account.kind);
    if (kind == nullptr) return {};
    std::string_view base = sandbox ? kind->sandbox : kind->production;
    return std::string(base.substr(0, base.find(' '))); // Porkbun's note after the URL
}

RegistrarLimits account_limits(const RegistrarAccount& account) {
    const registrar::KindEntry* entry = registrar::find_kind_entry(account.kind);
    RegistrarLimits limits;
    if (entry == nullptr) {
        // A kind dropcat does not know (the configuration refuses one; a caller may not have
        // it checked): the most careful rules, one request a minute, and nothing else.
        limits.all.push_back(RateRule{1, std::chrono::milliseconds(60000)});
        return limits;
    }
    const RegistrarKind& kind = entry->info;
    limits.batch = account.check_batch > 0 ? account.check_batch : kind.batch;
    limits.max_in_flight = account.max_in_flight;
    using std::chrono::milliseconds;
    // An account's own figure replaces the documented one (a bulk Dynadot account may do more);
    // per-second rules add to the per-minute ones.
    if (account.checks_per_minute > 0)
        limits.checks.push_back(RateRule{account.checks_per_minute, milliseconds(60000)});
    else
        limits.checks.push_back(
            RateRule{kind.check_rule_count, milliseconds(kind.check_rule_seconds * 1000)});
    if (account.checks_per_second > 0)
        limits.checks.push_back(RateRule{account.checks_per_second, milliseconds(1000)});
    limits.creates.push_back(RateRule{account.creates_per_minute > 0 ? account.creates_per_minute
                                                                     : kind.creates_per_minute,
                                      milliseconds(60000)});
    if (account.creates_per_second > 0)
        limits.creates.push_back(RateRule{account.creates_per_second, milliseconds(1000)});
    entry->limits(account, limits);
    return limits;
}

Result<std::unique_ptr<Registrar>>
open_registrar(const Config& config, const RegistrarAccount& account, const RegistrarSetup& setup) {
    const registrar::KindEntry* entry = registrar::find_kind_entry(account.kind);
    if (entry == nullptr)
        return fail(ErrorKind::config,
                    fmt::format("{}: unknown kind '{}'", account.name, account.kind));
    std::string endpoint = account_endpoint(account, setup.sandbox);
    using namespace registrar;
    AdapterParts parts{account, endpoint, account_limits(account), setup, nullptr, Redactor{}};
    // Every secret the account's kind names (its secret_env keys), never shown in a log.
    Secrets secrets;
    for (const KindKey& key : entry->info.keys) {
        if (key.form != KeyForm::secret_env) continue;
        const std::string& variable = account.setting(key.name);
        if (variable.empty()) {
            if (!key.required) continue; // an optional secret the account does not use
            // (The configuration refuses such an account; one made in code may lack it.)
            return fail(ErrorKind::config,
                        fmt::format("{}: {} is required for {}: {}", account.name, key.name,
                                    account.kind, key.help));
        }
        auto secret = resolve_secret(config, variable);
        if (!secret) return std::unexpected(secret.error());
        parts.redactor.add_secret(*secret);
        secrets.emplace(std::string(key.name), std::move(*secret));
    }
    parts.setup.http.total_timeout = std::chrono::milliseconds(account.timeout_ms);
    parts.setup.http.connect_timeout = std::chrono::milliseconds(account.connect_timeout_ms);
    parts.setup.http.clock = setup.clock;
    if (!account.ca_file.empty()) parts.setup.http.ca_file = account.ca_file;
    if (!setup.state_dir.empty()) {
        // What earlier runs sent counts for as long as the longest rule looks back.
        std::chrono::milliseconds keep{0};
        for (const auto* rules : {&parts.limits.checks, &parts.limits.creates, &parts.limits.all})
            for (const auto& rule : *rules)
                keep = std::max(keep, rule.window);
        auto ledger = ratelimit::AccountLedger::open(setup.state_dir / "accounts", account.name,
                                                     keep + std::chrono::seconds(1),
                                                     setup.account_wait, setup.stop, *setup.clock);
        if (!ledger) return std::unexpected(ledger.error());
        parts.ledger = std::move(*ledger);
    }
    return entry->make(std::move(parts), std::move(secrets));
}

} // namespace dropcat
