#pragma once

// Internal to the library: where dropcat keeps its files by default.

#include "dropcat/error.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace dropcat::paths {

// The XDG base directory in `variable` (an absolute path), else HOME/`fallback`, with dropcat's
// own folder under it: xdg_dir("XDG_DATA_HOME", ".local/share") is ~/.local/share/dropcat.
// Nothing when neither is an absolute path (HOME unset or empty, as under some cron daemons):
// never a folder under the current one.
std::optional<std::filesystem::path> xdg_dir(const char* variable, std::string_view fallback);

// Why xdg_dir gave nothing, for `variable`: "HOME is not set and XDG_DATA_HOME is not an
// absolute path".
std::string no_xdg_dir(const char* variable);

// xdg_dir(variable, fallback) / `file` (or the folder itself for an empty `file`), else an
// error of kind config: "no WHAT: WHY; HINT".
Result<std::filesystem::path> xdg_path(const char* variable, std::string_view fallback,
                                       std::string_view file, std::string_view what,
                                       std::string_view hint);

} // namespace dropcat::paths
