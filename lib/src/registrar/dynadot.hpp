#pragma once

#include "registrar/adapter.hpp"

namespace dropcat::registrar {

// Dynadot: the kind's entry (its description, its own rules and its factory).
extern const KindEntry k_dynadot;

} // namespace dropcat::registrar
