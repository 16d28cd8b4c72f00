#pragma once

#include "dropcat/clock.hpp"
#include "dropcat/error.hpp"
#include "dropcat/rate_limit.hpp"

#include <chrono>
#include <filesystem>
#include <stop_token>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dropcat::ratelimit {

// An account's recent requests and server holds, kept in DIR/NAME.log so that the next dropcat
// process keeps to the same limits: a cron job that checks a Porkbun name five seconds after
// the last run ended still waits out Porkbun's 10 s, and a Retry-After one run was given holds
// the next one too.
//
// Opening the ledger takes the account's lock (DIR/NAME.lock, flock(2)) for the life of the
// ledger: one process at a time speaks for an account, so its limiter sees every request the
// account makes. A process must open each account once.
class AccountLedger {
  public:
    // Waits up to `wait` on `clock` for the lock; ErrorKind::temporary, naming the process that
    // holds it, when it does not come, and ErrorKind::interrupted when `stop` is requested
    // first. History older than `keep` is dropped. Times are read from `clock`, which must
    // outlive the ledger.
    static Result<std::unique_ptr<AccountLedger>>
    open(const std::filesystem::path& dir, std::string_view account, std::chrono::milliseconds keep,
         std::chrono::milliseconds wait, std::stop_token stop = {},
         const Clock& clock = real_clock());
    ~AccountLedger();
    AccountLedger(const AccountLedger&) = delete;
    AccountLedger& operator=(const AccountLedger&) = delete;

    // What earlier processes did within `keep`: completed requests and the holds not yet
    // over (each at most the longer of `keep` and an hour). A request granted but never
    // completed (its process was killed) counts as completed as late as it could have been in
    // flight, or now if that is sooner. Times travel on the monotonic clock, which no clock
    // setting moves; only across a reboot on the wall clock.
    const std::vector<LimiterEvent>& history() const { return m_history; }

    // Writes one event (one short line, appended). Called under the limiter's lock; a write
    // that fails is not retried: the ledger is a courtesy to the next process, and this one
    // keeps its limits in memory either way.
    void append(const LimiterEvent& event);

    // The longest a request can be in flight (dropcat's largest timeout is 100 s).
    static constexpr std::chrono::seconds k_longest_request{100};

  private:
    AccountLedger(int lock_fd, int log_fd, std::vector<LimiterEvent> history, const Clock& clock);

    int m_lock_fd;
    int m_log_fd;
    std::vector<LimiterEvent> m_history;
    const Clock& m_clock;
};

} // namespace dropcat::ratelimit
