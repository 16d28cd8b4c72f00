#pragma once

#include <span>
#include <string_view>

namespace dropcat {

// What dropcat knows of each registrar API it speaks: endpoints, documented limits and the
// registrar's published stance on automated drop-catching (shared/reference/registrar-apis.md).
struct RegistrarKind {
    std::string_view name;
    std::string_view production;
    std::string_view sandbox;
    int checks_per_minute;  // documented limit, used when an account sets none
    int creates_per_minute;
    int max_in_flight;
    int batch;              // names per check request
    std::string_view over_limit_signal;
    std::string_view dry_run;
    std::string_view catch_policy;
};

std::span<const RegistrarKind> registrar_kinds();
const RegistrarKind* find_registrar_kind(std::string_view name);

} // namespace dropcat
