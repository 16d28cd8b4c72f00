#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

DROPCAT_PUBLIC_BEGIN

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

// An IANA time zone from the system's tz database (TZDIR, or /usr/share/zoneinfo).
class TimeZone {
  public:
    // Refuses (kind `usage`) a name the database lacks and an abbreviation such as EST.
    static Result<TimeZone> load(std::string_view name);
    const std::string& name() const { return m_name; }
    // Seconds east of UTC at a moment.
    int offset_at(std::int64_t utc_seconds) const;
    // A local wall-clock time (seconds since 1970-01-01 00:00 on the local calendar) in UTC: in
    // a repeated hour the first, in a skipped one the time as if the clocks had not moved.
    std::int64_t to_utc(std::int64_t local_seconds) const;

  private:
    std::string m_name;
    std::vector<std::int64_t> m_transitions; // UTC seconds, ascending
    std::vector<unsigned char> m_types;      // the offset each transition starts
    std::vector<std::int32_t> m_offsets;
};

// Which field of a numeric date is the day: 03/04/2026 is 4 March month first (mdy), 3 April
// day first (dmy); ymd reads only year-first dates.
enum class DateOrder { automatic, mdy, dmy, ymd };
std::optional<DateOrder> parse_date_order(std::string_view name); // "mdy", "dmy", "ymd"
std::string_view date_order_name(DateOrder order);

// How a list's dates are read.
struct DateReading {
    DateOrder order = DateOrder::automatic;
    const TimeZone* zone = nullptr; // times without a zone are local to it; none: UTC
};

// A date as read from a list, with what its text says about the list's order.
struct ListDate {
    DropMoment moment;
    // Read automatically, a numeric date either way round (03/04/2026): `moment` is the month
    // first reading, day_first_shift() the other.
    bool ambiguous = false;
    // Read automatically, a numeric date that shows the order: 13/04/2026 (dmy) or 04/13/2026
    // (mdy); `automatic` otherwise.
    DateOrder shows = DateOrder::automatic;
    // The offset the text gave with its time (Z, UTC and GMT: 0), in seconds east of UTC.
    std::optional<int> offset;
};

// Reads a list's date: YYYY-MM-DD and YYYY/MM/DD; A/B/YYYY, A-B-YYYY and A.B.YYYY in the
// given order (automatic: as ListDate says); month names ("Dec 3, 2026", "3 December 2026",
// "03-Dec-2026", an optional weekday before); each with an optional time (HH:MM[:SS[.frac]],
// 24-hour or with AM/PM) after 'T' or a space, and an optional zone (Z, +HH:MM, +HHMM, UTC,
// GMT). A time without a zone is in `how.zone`, or UTC. A zone abbreviation (EST, CET) is
// refused: it names no place. The error's message is the reason, for a rejection.
Result<ListDate> read_list_date(std::string_view text, const DateReading& how);

// The day-first reading of an ambiguous date read month first (its day and month swapped, the
// same local time of day): in the offset the text gave (ListDate::offset), else in `zone`,
// else UTC.
DropMoment day_first_reading(const DropMoment& month_first, const TimeZone* zone,
                             std::optional<int> offset = std::nullopt);

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
// YYYY-MM-DDTHH:MM:SS.mmmZ from Unix microseconds (the rest dropped).
std::string format_utc_ms(std::int64_t unix_us);

} // namespace dropcat

DROPCAT_PUBLIC_END
