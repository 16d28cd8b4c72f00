#pragma once

// Internal to config: the [catch] table.

#include "dropcat/config.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace dropcat::config {

// Reads [catch]: clock_offset_limit_ms, warm_seconds, warm_interval_ms, hot_seconds,
// post_interval_ms, known_window_seconds, lead_seconds, max_price, accounts_per_name.
// Problems are "FILE:LINE: catch.KEY: REASON", kind config.
Result<CatchSettings> read_catch(const toml::node& node, const std::filesystem::path& path);

} // namespace dropcat::config
