#include <dropcat/date.hpp>

#include <catch2/catch.hpp>

using namespace dropcat;

namespace {
std::string day_of(std::string_view text) {
    auto m = parse_drop_date(text);
    REQUIRE(m.has_value());
    return format_day(m->day);
}
std::string time_of(std::string_view text) {
    auto m = parse_drop_date(text);
    REQUIRE(m.has_value());
    REQUIRE(m->time.has_value());
    return format_utc(*m->time);
}
} // namespace

TEST_CASE("date: calendar forms") {
    CHECK(day_of("2026-12-01") == "2026-12-01");
    CHECK(day_of("2026/12/01") == "2026-12-01");
    CHECK(day_of("12/01/2026") == "2026-12-01"); // MM/DD/YYYY
    CHECK(day_of("1-05-2027") == "2027-01-05");  // M-DD-YYYY (NameJet)
    CHECK(day_of("1-5-2027") == "2027-01-05");
    CHECK(day_of(" 2024-02-29 ") == "2024-02-29"); // leap day
    CHECK_FALSE(parse_drop_date("2026-12-01")->time.has_value());
}

TEST_CASE("date: date-times are kept to the second in UTC") {
    CHECK(time_of("2026-12-01T14:00:00Z") == "2026-12-01T14:00:00Z");
    CHECK(time_of("2026-12-01T14:00:00.123Z") == "2026-12-01T14:00:00Z");
    CHECK(time_of("2026-12-01 14:00:00") == "2026-12-01T14:00:00Z");
    CHECK(time_of("2026-12-01T14:00:00+01:00") == "2026-12-01T13:00:00Z");
    CHECK(time_of("2026-12-01T14:00-0500") == "2026-12-01T19:00:00Z");
    // An offset can move the day.
    CHECK(day_of("2026-12-01T23:30:00-02:00") == "2026-12-02");
    CHECK(day_of("2026-12-01T00:30:00+02:00") == "2026-11-30");
}

TEST_CASE("date: nonsense is refused") {
    for (const char* bad : {"", "tomorrow", "2026-13-01", "2026-02-30", "2025-02-29", "31/12/2026",
                            "2026-12-01T25:00:00Z", "2026-12-01X", "2026-12-01T14:00:00+99:00",
                            "12/01/26", "1969-12-31", "2026-1-01"}) {
        INFO(bad);
        CHECK_FALSE(parse_drop_date(bad).has_value());
    }
}

TEST_CASE("date: day-first dates and clock times (auDA)") {
    auto d = parse_day_first_date("16/12/2021");
    REQUIRE(d.has_value());
    CHECK(format_day(*d) == "2021-12-16");
    CHECK_FALSE(parse_day_first_date("12/31/2021").has_value());
    CHECK(parse_time_of_day("15:04:50") == 15 * 3600 + 4 * 60 + 50);
    CHECK(parse_time_of_day(" 03:00 ") == 3 * 3600);
    CHECK_FALSE(parse_time_of_day("24:00").has_value());
}

TEST_CASE("date: formatting round-trips") {
    CHECK(format_day(0) == "1970-01-01");
    CHECK(format_day(days_from_civil(2026, 11, 28)) == "2026-11-28");
    CHECK(format_utc(Instant{}) == "1970-01-01T00:00:00Z");
    CHECK(valid_civil(2000, 2, 29));
    CHECK_FALSE(valid_civil(1900, 2, 29));
}

TEST_CASE("date: one instant type for days and milliseconds") {
    CHECK(k_ms_per_day == 86'400'000);
    Day d = days_from_civil(2026, 12, 1);
    CHECK(unix_ms(start_of(d)) == std::int64_t{d} * k_ms_per_day);
    CHECK(day_of(start_of(d) + std::chrono::milliseconds(k_ms_per_day - 1)) == d);
    CHECK(day_of(start_of(d) + std::chrono::milliseconds(k_ms_per_day)) == d + 1);
    CHECK(day_of(from_unix_ms(-1)) == -1); // before 1970 rounds down, not toward zero
    CHECK(format_utc(start_of(d) + std::chrono::milliseconds(999)) == "2026-12-01T00:00:00Z");
    CHECK(from_unix_ms(unix_ms(from_unix_ms(123))) == from_unix_ms(123));
}
