#include "core/paths.hpp"

#include <cstdlib>
#include <string>

namespace dropcat::paths {

std::optional<std::filesystem::path> xdg_dir(const char* variable, std::string_view fallback) {
    const char* value = std::getenv(variable);
    // The XDG specification ignores a relative path.
    if (value != nullptr && *value == '/') return std::filesystem::path(value) / "dropcat";
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home != '/') return std::nullopt;
    return std::filesystem::path(home) / fallback / "dropcat";
}

Result<std::filesystem::path> xdg_path(const char* variable, std::string_view fallback,
                                       std::string_view file, std::string_view what,
                                       std::string_view hint) {
    auto dir = xdg_dir(variable, fallback);
    if (!dir)
        return fail(ErrorKind::config, std::string("no ") + std::string(what) + ": " +
                                           no_xdg_dir(variable) + "; " + std::string(hint));
    return file.empty() ? *dir : *dir / file;
}

std::string no_xdg_dir(const char* variable) {
    const char* home = std::getenv("HOME");
    std::string why =
        home == nullptr || *home == '\0' ? "HOME is not set" : "HOME is not an absolute path";
    return why + " and " + variable + " is not an absolute path";
}

} // namespace dropcat::paths
