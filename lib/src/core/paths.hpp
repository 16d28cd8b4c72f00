#pragma once

// Internal to the library: where dropcat keeps its files by default.

#include <filesystem>
#include <string_view>

namespace dropcat::paths {

// The XDG base directory in `variable` (an absolute path), else HOME/`fallback`, with dropcat's
// own folder under it: xdg_dir("XDG_DATA_HOME", ".local/share") is ~/.local/share/dropcat.
std::filesystem::path xdg_dir(const char* variable, std::string_view fallback);

} // namespace dropcat::paths
