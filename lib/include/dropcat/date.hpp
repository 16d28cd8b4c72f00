#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dropcat {

// A calendar day as days since 1970-01-01 (proleptic Gregorian, UTC).
using Day = std::int32_t;

// A drop moment as a list gives it: always a day, and a time to the second when the list has one.
struct DropMoment {
    Day day = 0;
    std::optional<std::int64_t> unix_seconds; // UTC, set only when the list gave a time
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

std::string format_day(Day day);                 // YYYY-MM-DD
std::string format_utc(std::int64_t unix_seconds); // YYYY-MM-DDTHH:MM:SSZ
std::int64_t now_unix_seconds();

} // namespace dropcat
