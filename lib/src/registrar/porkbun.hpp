#pragma once

#include "registrar/adapter.hpp"

namespace dropcat::registrar {

// Porkbun: the kind's entry (its description, its own rules and its factory).
extern const KindEntry k_porkbun;

} // namespace dropcat::registrar
