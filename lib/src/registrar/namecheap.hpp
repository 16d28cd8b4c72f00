#pragma once

#include "registrar/adapter.hpp"

namespace dropcat::registrar {

// Namecheap: the kind's entry (its description, its own rules and its factory).
extern const KindEntry k_namecheap;

} // namespace dropcat::registrar
