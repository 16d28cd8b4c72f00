// The registrar kinds dropcat speaks: one line per kind. Everything else of a kind (its
// description, configuration, rules, adapter and factory) is in its own file pair.
#include "registrar/dynadot.hpp"
#include "registrar/namecheap.hpp"
#include "registrar/porkbun.hpp"

#include <vector>

namespace dropcat {

namespace registrar {

namespace {

const KindEntry* const k_entries[] = {
    &k_dynadot,
    &k_porkbun,
    &k_namecheap,
};

} // namespace

std::span<const KindEntry* const> kind_entries() {
    return k_entries;
}

const KindEntry* find_kind_entry(std::string_view name) {
    for (const KindEntry* e : k_entries)
        if (e->info.name == name) return e;
    return nullptr;
}

} // namespace registrar

std::span<const RegistrarKind> registrar_kinds() {
    static const std::vector<RegistrarKind> kinds = [] {
        std::vector<RegistrarKind> out;
        for (const auto* e : registrar::kind_entries())
            out.push_back(e->info);
        return out;
    }();
    return kinds;
}

const KindKey* find_kind_key(const RegistrarKind& kind, std::string_view name) {
    for (const KindKey& k : kind.keys)
        if (k.name == name) return &k;
    return nullptr;
}

const RegistrarKind* find_registrar_kind(std::string_view name) {
    for (const auto& k : registrar_kinds())
        if (k.name == name) return &k;
    return nullptr;
}

} // namespace dropcat
