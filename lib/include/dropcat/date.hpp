#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat {

// A calendar day as days since 1970-01-01 (proleptic Gregorian, UTC).
using Day = std::int32_t;

// A moment in UTC to the millisecond: the one type for times across dropcat's API and in the
// store (where it is kept as integer Unix milliseconds).
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

inline constexpr std::int64_t k_ms_per_day = 86'400'000;

// 00:00 UTC on a day, and the day an instant falls on.
constexpr Instant start_of(Day day) {
    return Instant{std::chrono::milliseconds{day * k_ms_per_day}};
}
constexpr Day day_of(Instant t) {
    return static_cast<Day>(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}
constexpr std::int64_t unix_ms(Instant t) {
    return t.time_since_epoch().count();
}
constexpr Instant from_unix_ms(std::int64_t ms) {
    return Instant{std::chrono::milliseconds{ms}};
}

// The system clock now, to the millisecond. Library calls take the time as an argument; the
// programs read it here.
Instant wall_clock_now();

// A drop moment as a list gives it: always a day, and a time when the list has one.
struct DropMoment {
    Day day = 0;
    std::optional<Instant> time; // set only when the list gave a time
};

Day days_from_civil(int year, unsigned month, unsigned day);
bool valid_civil(int year, unsigned month, unsigned day);

// Parses the date forms drop lists use: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, M-DD-YYYY (and
// M-D-YYYY), and ISO 8601 date-times with Z, an offset, or no zone (read as UTC), with 'T' or
// a space between date and time and optional fractions of a second (dropped).
std::optional<DropMoment> parse_drop_date(std::string_view text);

// DD/MM/YYYY, the auDA list's day-first form.
std::optional<Day> parse_day_first_date(std::string_view text);

// HH:MM or HH:MM:SS as seconds since midnight.
std::optional<int> parse_time_of_day(std::string_view text);

std::string format_day(Day day);   // YYYY-MM-DD
std::string format_utc(Instant t); // YYYY-MM-DDTHH:MM:SSZ (milliseconds dropped)

} // namespace dropcat
