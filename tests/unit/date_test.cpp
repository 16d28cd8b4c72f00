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
    for (const char* bad : {"", "tomorrow", "2026-13-01", "2026-02-30", "2025-02-29", "13/13/2026",
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

namespace {
ListDate read(std::string_view text, DateReading how = {}) {
    auto d = read_list_date(text, how);
    INFO(text);
    REQUIRE(d.has_value());
    return *d;
}
std::string utc(std::string_view text, DateReading how = {}) {
    auto d = read(text, how);
    REQUIRE(d.moment.time.has_value());
    return format_utc(*d.moment.time);
}
} // namespace

TEST_CASE("date: month names, weekdays and 12-hour times") {
    for (const char* text : {"Dec 3, 2026", "December 3, 2026", "3 December 2026", "3 Dec 2026",
                             "03-Dec-2026", "Thu, Dec 3, 2026", "Thursday 3 December 2026",
                             "dec 3 2026", "Dec. 3rd, 2026", "3/Dec/2026"}) {
        INFO(text);
        CHECK(format_day(read(text).moment.day) == "2026-12-03");
    }
    CHECK(utc("Dec 3, 2026 7:00:00 PM") == "2026-12-03T19:00:00Z");
    CHECK(utc("Dec 3, 2026, 7:00 pm") == "2026-12-03T19:00:00Z");
    CHECK(utc("12/03/2026 12:30 AM") == "2026-12-03T00:30:00Z");
    CHECK(utc("12/03/2026 12:30 PM") == "2026-12-03T12:30:00Z");
    CHECK(utc("2026-12-03 7:05 a.m. UTC") == "2026-12-03T07:05:00Z");
    for (const char* bad : {"Dex 3, 2026", "3 Smarch 2026", "Dec 32, 2026", "Dec 3, 2026 13:00 PM",
                            "Dec 3, 2026 0:30 AM", "3 Dec 26", "Dec 3, 2026 7:00 XM"}) {
        INFO(bad);
        CHECK_FALSE(read_list_date(bad, {}).has_value());
    }
}

TEST_CASE("date: a numeric date's order, given or shown") {
    auto ambiguous = read("03/04/2026");
    CHECK(ambiguous.ambiguous);
    CHECK(format_day(ambiguous.moment.day) == "2026-03-04");
    CHECK(format_day(day_first_reading(ambiguous.moment, nullptr).day) == "2026-04-03");
    CHECK_FALSE(read("04/04/2026").ambiguous); // the same either way
    auto day_first = read("13/04/2026");
    CHECK(day_first.shows == DateOrder::dmy);
    CHECK(format_day(day_first.moment.day) == "2026-04-13");
    auto month_first = read("04/13/2026");
    CHECK(month_first.shows == DateOrder::mdy);
    CHECK(read("2026-04-03").shows == DateOrder::automatic);
    CHECK(format_day(read("03/04/2026", {DateOrder::dmy}).moment.day) == "2026-04-03");
    CHECK(format_day(read("03.04.2026", {DateOrder::dmy}).moment.day) == "2026-04-03");
    CHECK(format_day(read("03/04/2026", {DateOrder::mdy}).moment.day) == "2026-03-04");
    CHECK_FALSE(read("03/04/2026", {DateOrder::dmy}).ambiguous);
    auto wrong = read_list_date("04/13/2026", {DateOrder::dmy});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().message.find("not a valid date read day first") != std::string::npos);
    auto not_ymd = read_list_date("03/04/2026", {DateOrder::ymd});
    REQUIRE_FALSE(not_ymd);
    CHECK(not_ymd.error().message.find("not year first") != std::string::npos);
    CHECK(format_day(read("2026-04-03", {DateOrder::ymd}).moment.day) == "2026-04-03");
    CHECK(parse_date_order("dmy") == DateOrder::dmy);
    CHECK_FALSE(parse_date_order("ydm").has_value());
}

TEST_CASE("date: IANA zones from the system's tz database") {
    auto ny = TimeZone::load("America/New_York");
    REQUIRE(ny.has_value());
    DateReading in_ny{DateOrder::automatic, &*ny};
    CHECK(utc("2026-12-03 19:00", in_ny) == "2026-12-04T00:00:00Z"); // EST, UTC-5
    CHECK(utc("2026-07-03 19:00", in_ny) == "2026-07-03T23:00:00Z"); // EDT, UTC-4
    CHECK(utc("Dec 3, 2026 7:00:00 PM", in_ny) == "2026-12-04T00:00:00Z");
    CHECK(utc("2026-12-03T19:00:00Z", in_ny) == "2026-12-03T19:00:00Z"); // a zone given wins
    // Clocks go forward at 02:00 on 8 March 2026 (02:30 does not exist) and back at 02:00 on
    // 1 November (01:30 happens twice: the first is taken).
    CHECK(utc("2026-03-08 02:30", in_ny) == "2026-03-08T07:30:00Z");
    CHECK(utc("2026-11-01 01:30", in_ny) == "2026-11-01T05:30:00Z");
    // An ambiguous date's other reading keeps its local time in the zone, across DST.
    auto d = read("03/12/2026 19:00", in_ny);
    REQUIRE(d.ambiguous);
    CHECK(format_utc(*d.moment.time) == "2026-03-12T23:00:00Z"); // 12 March: EDT
    CHECK(format_utc(*day_first_reading(d.moment, &*ny).time) == "2026-12-04T00:00:00Z"); // EST
    // A date that gives its own offset keeps it in its other reading, whatever the zone.
    auto own = read("03/04/2026 23:00 -05:00", in_ny);
    REQUIRE(own.ambiguous);
    CHECK(own.offset == -18000);
    CHECK(format_utc(*own.moment.time) == "2026-03-05T04:00:00Z");
    CHECK(format_utc(*day_first_reading(own.moment, &*ny, own.offset).time) ==
          "2026-04-04T04:00:00Z");
    CHECK_FALSE(read("2026-12-03 19:00", in_ny).offset.has_value());
    auto stockholm = TimeZone::load("Europe/Stockholm");
    REQUIRE(stockholm.has_value());
    CHECK(stockholm->offset_at(unix_ms(start_of(days_from_civil(2026, 7, 1))) / 1000) == 7200);
    for (const char* bad : {"EST", "CET", "PST8PDT", "Mars/Olympus", "../etc/passwd",
                            "Europe/../Europe/Paris", "", "America/New York"}) {
        INFO(bad);
        auto z = TimeZone::load(bad);
        REQUIRE_FALSE(z);
        CHECK(z.error().kind == ErrorKind::usage);
    }
    CHECK(TimeZone::load("UTC").has_value());
    CHECK(TimeZone::load("EST").error().message.find("America/New_York") != std::string::npos);
}

TEST_CASE("date: a zone abbreviation in a list is refused with a hint") {
    for (const char* text :
         {"2026-12-03 19:00 EST", "Dec 3, 2026 7:00 PM PST", "12/03/2026 19:00 CET"}) {
        INFO(text);
        auto d = read_list_date(text, {});
        REQUIRE_FALSE(d);
        CHECK(d.error().message.find("--timezone") != std::string::npos);
    }
    CHECK(utc("2026-12-03 19:00 GMT") == "2026-12-03T19:00:00Z");
}
