#pragma once

// Internal to config: what a key naming an environment variable may hold.

#include <string_view>

namespace dropcat::config {

// An environment variable's name as dropcat accepts it: A-Z, 0-9 and _, not starting with a
// digit (a secret written in its place fails this).
inline bool valid_env_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

} // namespace dropcat::config
