#pragma once

#include "dropcat/error.hpp"
#include "listen_address.hpp"
#include "scenario.hpp"
#include "tls.hpp"

#include <string>

namespace dropcat::sim {

// Binds `address`, prints the base URL as one line on stdout (https:// with `tls`, whose files
// must exist), and serves the scenario until
// SIGINT or SIGTERM. Call it before any other thread exists: it blocks those signals for the
// whole process so that one thread can wait for them. A bind failure is ErrorKind::unavailable.
Result<void> serve_scenario(Scenario scenario, const ListenAddress& address,
                            const std::string& log_path, const TlsFiles& tls = {});

} // namespace dropcat::sim
