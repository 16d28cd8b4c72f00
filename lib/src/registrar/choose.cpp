// What a command (and the catch engine) decides about accounts and outcomes, in one place.
#include "dropcat/registrar.hpp"

namespace dropcat {

const RegistrarAccount* find_account(const Config& config, std::string_view name) {
    for (const auto& a : config.registrars)
        if (a.name == name) return &a;
    return nullptr;
}

bool catch_allowed(const RegistrarAccount& account) {
    if (account.catching) return *account.catching;
    const RegistrarKind* kind = find_registrar_kind(account.kind);
    return kind != nullptr && kind->catching_default;
}

bool account_serves(const RegistrarAccount& account, std::string_view domain) {
    if (account.tlds.empty()) return true;
    for (const auto& t : account.tlds)
        if (domain.size() > t.size() + 1 && domain.ends_with(t) &&
            domain[domain.size() - t.size() - 1] == '.')
            return true;
    return false;
}

const RegistrarAccount* account_for(const Config& config, std::string_view domain) {
    for (const auto& a : config.registrars)
        if (account_serves(a, domain)) return &a;
    return nullptr;
}

std::optional<ErrorKind> outcome_error(Outcome o) {
    switch (o) {
    case Outcome::registered:
    case Outcome::pending:
    case Outcome::dry_run_ok:
        return std::nullopt;
    case Outcome::rate_limited:
        return ErrorKind::temporary;
    case Outcome::auth_error:
        return ErrorKind::config;
    case Outcome::transient:
        return ErrorKind::unavailable;
    case Outcome::taken:
    case Outcome::lost_race:
    case Outcome::price_mismatch:
    case Outcome::insufficient_funds:
    case Outcome::policy_refused:
    case Outcome::ambiguous:
        break;
    case Outcome::unresolved:
        return ErrorKind::unresolved;
    }
    return ErrorKind::failed;
}

} // namespace dropcat
