#pragma once

#include "dropcat/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace dropcat::sim {

// Wall-clock time to the microsecond: scenarios give absolute deletion instants and the log
// records UTC arrival times, so one clock serves both (and the rate-limit windows).
using Duration = std::chrono::microseconds;
using Instant = std::chrono::time_point<std::chrono::system_clock, Duration>;

// The simulator's clock: the wall clock as read at the first call, advanced by the steady clock.
// Setting the system clock while it runs cannot move a deletion or stretch a rate-limit window,
// and the differences between logged times are exactly those the windows were computed from.
Instant now();

// A whole number and a unit: "250ms", "5s", "2m", "1h". Never negative.
Result<Duration> parse_duration(std::string_view text);

// "+5s" (after `start`), or UTC "2026-11-28T19:00:00Z" with up to six decimals of a second.
Result<Instant> parse_instant(std::string_view text, Instant start);

Instant from_civil(int year, unsigned month, unsigned day, int hour, int minute, int second,
                   Duration fraction);

// "2026-11-28T19:00:00.123456Z", the log's form.
std::string format_utc_micros(Instant t);
// "2026-11-28T19:00:00Z", RDAP's form.
std::string format_utc_seconds(Instant t);

// "Thu, 03 Dec 2026 19:00:00 GMT", an HTTP Date header's form (RFC 9110 IMF-fixdate).
std::string format_http_date(Instant t);

// Whole seconds, rounded up and at least 1: what a client is told to wait.
long wait_seconds(Duration d);

} // namespace dropcat::sim
