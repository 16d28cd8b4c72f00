#pragma once

#include <string>

namespace dropcat::cli {

// Who makes a change, for the events: `by` when given, else the login name (getlogin, the
// password entry, $USER), else "unknown".
std::string actor_name(const std::string& by);

} // namespace dropcat::cli
