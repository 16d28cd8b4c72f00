#include "core/paths.hpp"

#include <cstdlib>

namespace dropcat::paths {

std::filesystem::path xdg_dir(const char* variable, std::string_view fallback) {
    const char* value = std::getenv(variable);
    // The XDG specification ignores a relative path.
    if (value != nullptr && *value == '/') return std::filesystem::path(value) / "dropcat";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / fallback / "dropcat";
}

} // namespace dropcat::paths
