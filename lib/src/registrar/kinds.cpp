#include "dropcat/registrar.hpp"

#include <array>

namespace dropcat {

namespace {

// Figures from shared/reference/registrar-apis.md (sections 0, 2, 3, 5); where a registrar
// documents tiers, the lowest is the default, and an account's configuration may raise it.
constexpr std::array k_kinds{
    RegistrarKind{"dynadot", "https://api.dynadot.com", "https://api-sandbox.dynadot.com", 60, 60,
                  1, 1, 60, 60, "system_busy status (no 429 documented)", "sandbox only",
                  "advertises drop-catching through its API; confirm the current terms"},
    RegistrarKind{"porkbun", "https://api.porkbun.com/api/json/v3",
                  "https://api.porkbun.com/api/json/v3 (sandbox keys pk1_sb_)", 6, 60, 1, 1, 1, 10,
                  "status ERROR with its limits (1 check per 10 s)", "dryRun: true",
                  "not stated; creates have their own budget and a monthly spend limit"},
    RegistrarKind{"namecheap", "https://api.namecheap.com/xml.response",
                  "https://api.sandbox.namecheap.com/xml.response", 20, 20, 1, 50, 20, 60,
                  "HTTP 405", "sandbox only",
                  "API terms reported to prohibit drop-catching; confirm before using it"},
};

} // namespace

std::span<const RegistrarKind> registrar_kinds() {
    return k_kinds;
}

const RegistrarKind* find_registrar_kind(std::string_view name) {
    for (const auto& k : k_kinds)
        if (k.name == name) return &k;
    return nullptr;
}

} // namespace dropcat
