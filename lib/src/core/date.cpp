#include "dropcat/date.hpp"
#include "core/text.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace dropcat {

namespace {

// Reads exactly `width` digits (or 1..width when `exact` is false) from text at pos.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t min_width,
                               std::size_t max_width) {
    std::size_t start = pos;
    int value = 0;
    while (pos < text.size() && pos - start < max_width && text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10 + (text[pos] - '0');
        ++pos;
    }
    if (pos - start < min_width) return std::nullopt;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

// Dates may come quoted from a list that quotes inconsistently.
std::string_view trim(std::string_view s) {
    return text::trim(s, " \t\r\n\"");
}

// Parses HH:MM[:SS][.fraction] at pos; returns seconds since midnight.
std::optional<int> read_clock(std::string_view text, std::size_t& pos) {
    auto hour = read_digits(text, pos, 2, 2);
    if (!hour || !expect(text, pos, ':')) return std::nullopt;
    auto minute = read_digits(text, pos, 2, 2);
    if (!minute) return std::nullopt;
    int second = 0;
    if (expect(text, pos, ':')) {
        auto s = read_digits(text, pos, 2, 2);
        if (!s) return std::nullopt;
        second = *s;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
            ++pos;
            if (!read_digits(text, pos, 1, 9)) return std::nullopt;
        }
    }
    if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;
    return *hour * 3600 + *minute * 60 + (second == 60 ? 59 : second);
}

// Parses Z, +HH:MM, +HHMM, +HH (or '-') at pos into an offset in seconds east of UTC.
std::optional<int> read_zone(std::string_view text, std::size_t& pos) {
    if (pos == text.size()) return 0; // no zone: read as UTC (documented)
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
        return 0;
    }
    if (text.substr(pos) == " UTC" || text.substr(pos) == " GMT") {
        pos = text.size();
        return 0;
    }
    if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto hours = read_digits(text, pos, 2, 2);
    if (!hours) return std::nullopt;
    expect(text, pos, ':');
    int minutes = 0;
    if (pos < text.size()) {
        auto m = read_digits(text, pos, 2, 2);
        if (!m) return std::nullopt;
        minutes = *m;
    }
    if (*hours > 14 || minutes > 59) return std::nullopt;
    return sign * (*hours * 3600 + minutes * 60);
}

} // namespace

bool valid_civil(int year, unsigned month, unsigned day) {
    static constexpr std::array<unsigned, 12> k_days{31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    unsigned limit = k_days[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= limit;
}

// Howard Hinnant's days_from_civil algorithm.
Day days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

std::optional<DropMoment> parse_drop_date(std::string_view text) {
    text = trim(text);
    std::size_t pos = 0;
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    auto first = read_digits(text, pos, 1, 4);
    if (!first) return std::nullopt;
    if (pos == 4) { // YYYY-MM-DD or YYYY/MM/DD, maybe with a time
        char sep = pos < text.size() ? text[pos] : '\0';
        if (sep != '-' && sep != '/') return std::nullopt;
        ++pos;
        auto m = read_digits(text, pos, 2, 2);
        if (!m || !expect(text, pos, sep)) return std::nullopt;
        auto d = read_digits(text, pos, 2, 2);
        if (!d) return std::nullopt;
        year = *first;
        month = static_cast<unsigned>(*m);
        day = static_cast<unsigned>(*d);
    } else if (pos <= 2) { // MM/DD/YYYY or M-DD-YYYY
        char sep = pos < text.size() ? text[pos] : '\0';
        if (sep != '-' && sep != '/') return std::nullopt;
        ++pos;
        auto d = read_digits(text, pos, 1, 2);
        if (!d || !expect(text, pos, sep)) return std::nullopt;
        auto y = read_digits(text, pos, 4, 4);
        if (!y) return std::nullopt;
        year = *y;
        month = static_cast<unsigned>(*first);
        day = static_cast<unsigned>(*d);
    } else {
        return std::nullopt;
    }
    if (!valid_civil(year, month, day)) return std::nullopt;
    DropMoment moment{days_from_civil(year, month, day), std::nullopt};
    if (pos == text.size()) return moment;
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    auto clock = read_clock(text, pos);
    if (!clock) return std::nullopt;
    auto zone = read_zone(text, pos);
    if (!zone || pos != text.size()) return std::nullopt;
    std::int64_t seconds = std::int64_t{moment.day} * 86400 + *clock - *zone;
    moment.time = Instant{std::chrono::seconds{seconds}};
    moment.day = day_of(*moment.time);
    return moment;
}

std::optional<Day> parse_day_first_date(std::string_view text) {
    text = trim(text);
    std::size_t pos = 0;
    auto d = read_digits(text, pos, 1, 2);
    if (!d || !expect(text, pos, '/')) return std::nullopt;
    auto m = read_digits(text, pos, 1, 2);
    if (!m || !expect(text, pos, '/')) return std::nullopt;
    auto y = read_digits(text, pos, 4, 4);
    if (!y || pos != text.size()) return std::nullopt;
    if (!valid_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d))) return std::nullopt;
    return days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

std::optional<int> parse_time_of_day(std::string_view text) {
    text = trim(text);
    std::size_t pos = 0;
    auto clock = read_clock(text, pos);
    if (!clock || pos != text.size()) return std::nullopt;
    return clock;
}

std::string format_day(Day day) {
    using namespace std::chrono;
    year_month_day ymd{sys_days{days{day}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string format_utc(Instant t) {
    Day day = day_of(t);
    auto rest = static_cast<int>((unix_ms(t) - unix_ms(start_of(day))) / 1000);
    char buf[32];
    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", rest / 3600, rest / 60 % 60, rest % 60);
    return format_day(day) + buf;
}

Instant wall_clock_now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

} // namespace dropcat
