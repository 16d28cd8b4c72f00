#pragma once

// Internal to config: the [rdap] table.

#include "dropcat/config.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace dropcat::config {

// Reads [rdap]: bootstrap_url, requests_per_second, timeout_seconds, backoff_seconds, ca_file
// and [rdap.profile.TLD] tables. Problems are "FILE:LINE: rdap.KEY: REASON", kind config.
Result<RdapSettings> read_rdap(const toml::node& node, const std::filesystem::path& path);

} // namespace dropcat::config
