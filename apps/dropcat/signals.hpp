#pragma once

#include <stop_token>

namespace dropcat::cli {

// SIGINT and SIGTERM set a flag that long operations poll, so they can roll back and exit 130
// instead of dying mid-write. System calls are not restarted: a read or write blocked when the
// signal comes fails with EINTR, which the readers and Out turn into "interrupted" (130).
// SIGPIPE is ignored: a closed stdout is noticed on write.
void install_signal_handlers();
bool interrupted();
// A token whose stop is requested within a few milliseconds of SIGINT or SIGTERM, for the
// library's calls (a watcher thread turns the flag into a stop request).
std::stop_token interrupt_token();

} // namespace dropcat::cli
