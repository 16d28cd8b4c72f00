#pragma once

// Internal to config: the [operator] and [smtp] tables (dropcat offer).

#include "dropcat/config.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace dropcat::config {

// Reads [operator]: company, address, phone, sender_name, sender_email, reply_to,
// unsubscribe_mailto, unsubscribe_url_base, token_secret_env. Keys may be missing (offer
// draft names the missing ones); a value given must be right. Problems are
// "FILE:LINE: operator.KEY: REASON", kind config.
Result<OperatorSettings> read_operator(const toml::node& node, const std::filesystem::path& path);

// Reads [smtp]: url, username, password_env, allow_plaintext, per_minute, timeout_ms,
// ca_file. Problems are "FILE:LINE: smtp.KEY: REASON", kind config.
Result<SmtpSettings> read_smtp(const toml::node& node, const std::filesystem::path& path);

} // namespace dropcat::config
