#include "dropcat/date.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
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

namespace {

constexpr std::array<std::string_view, 12> k_months{
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> k_weekdays{"monday", "tuesday",  "wednesday", "thursday",
                                                     "friday", "saturday", "sunday"};

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view read_word(std::string_view text, std::size_t& pos) {
    std::size_t start = pos;
    while (pos < text.size() && is_letter(text[pos]))
        ++pos;
    return text.substr(start, pos - start);
}

// A month's full name or its first three letters (and "Sept"), any case: 1-12, or 0.
unsigned month_number(std::string_view word) {
    std::string w = text::ascii_lower(word);
    if (w == "sept") return 9;
    for (std::size_t i = 0; i < k_months.size(); ++i)
        if (w == k_months[i] || (w.size() == 3 && k_months[i].starts_with(w)))
            return static_cast<unsigned>(i + 1);
    return 0;
}

bool is_weekday(std::string_view word) {
    std::string w = text::ascii_lower(word);
    return std::any_of(k_weekdays.begin(), k_weekdays.end(), [&](std::string_view d) {
        return w == d || (w.size() == 3 && d.starts_with(w));
    });
}

void skip_spaces(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && text[pos] == ' ')
        ++pos;
}

// A time of day at pos: H:MM or HH:MM[:SS[.fraction]], 24-hour or followed by AM or PM (also
// a.m., p.m.); seconds since midnight.
std::optional<int> read_any_clock(std::string_view text, std::size_t& pos) {
    auto hour = read_digits(text, pos, 1, 2);
    if (!hour || !expect(text, pos, ':')) return std::nullopt;
    auto minute = read_digits(text, pos, 2, 2);
    if (!minute) return std::nullopt;
    int second = 0;
    if (expect(text, pos, ':')) {
        auto sec = read_digits(text, pos, 2, 2);
        if (!sec) return std::nullopt;
        second = *sec;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
            ++pos;
            if (!read_digits(text, pos, 1, 9)) return std::nullopt;
        }
    }
    std::size_t mark = pos;
    skip_spaces(text, pos);
    std::string rest = text::ascii_lower(text.substr(pos, 4));
    int half = -1; // 0: AM, 1: PM
    for (auto [spelling, which] :
         {std::pair<std::string_view, int>{"a.m.", 0}, {"p.m.", 1}, {"am", 0}, {"pm", 1}}) {
        if (rest.starts_with(spelling) &&
            (pos + spelling.size() == text.size() || !is_letter(text[pos + spelling.size()]))) {
            half = which;
            pos += spelling.size();
            break;
        }
    }
    if (half < 0) pos = mark;
    if (half >= 0) {
        if (*hour < 1 || *hour > 12) return std::nullopt;
        *hour = *hour % 12 + 12 * half;
    }
    if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;
    return *hour * 3600 + *minute * 60 + (second == 60 ? 59 : second);
}

} // namespace

std::optional<DateOrder> parse_date_order(std::string_view name) {
    if (name == "mdy") return DateOrder::mdy;
    if (name == "dmy") return DateOrder::dmy;
    if (name == "ymd") return DateOrder::ymd;
    return std::nullopt;
}

std::string_view date_order_name(DateOrder order) {
    switch (order) {
    case DateOrder::mdy:
        return "mdy";
    case DateOrder::dmy:
        return "dmy";
    case DateOrder::ymd:
        return "ymd";
    default:
        return "automatic";
    }
}

Result<ListDate> read_list_date(std::string_view raw, const DateReading& how) {
    std::string_view text = trim(raw);
    auto unreadable = [&]() -> Result<ListDate> {
        return fail(ErrorKind::data, "cannot read the date '" + text::for_message(text, 60) + "'");
    };
    std::size_t pos = 0;
    // An optional weekday: "Thu, Dec 3, 2026", "Thursday 3 December 2026".
    if (pos < text.size() && is_letter(text[pos])) {
        std::size_t mark = pos;
        if (is_weekday(read_word(text, pos))) {
            expect(text, pos, ',');
            skip_spaces(text, pos);
        } else {
            pos = mark;
        }
    }
    int year = 0;
    unsigned month = 0, day = 0;
    ListDate out;
    if (pos < text.size() && is_letter(text[pos])) { // Dec 3, 2026
        month = month_number(read_word(text, pos));
        expect(text, pos, '.');
        skip_spaces(text, pos);
        auto d = read_digits(text, pos, 1, 2);
        if (month == 0 || !d) return unreadable();
        std::string suffix = text::ascii_lower(read_word(text, pos)); // 3rd
        if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th")
            return unreadable();
        expect(text, pos, ',');
        skip_spaces(text, pos);
        auto y = read_digits(text, pos, 4, 4);
        if (!y) return unreadable();
        day = static_cast<unsigned>(*d);
        year = *y;
    } else {
        std::size_t start = pos;
        auto first = read_digits(text, pos, 1, 4);
        if (!first) return unreadable();
        char sep = pos < text.size() ? text[pos] : '\0';
        if (pos - start == 4) { // YYYY-MM-DD or YYYY/MM/DD
            if (sep != '-' && sep != '/') return unreadable();
            ++pos;
            auto m = read_digits(text, pos, 2, 2);
            if (!m || !expect(text, pos, sep)) return unreadable();
            auto d = read_digits(text, pos, 2, 2);
            if (!d) return unreadable();
            year = *first;
            month = static_cast<unsigned>(*m);
            day = static_cast<unsigned>(*d);
        } else if (pos - start <= 2 && (sep == '-' || sep == '/' || sep == '.' || sep == ' ')) {
            ++pos;
            if (sep == ' ') skip_spaces(text, pos);
            if (pos < text.size() && is_letter(text[pos])) { // 3 Dec 2026, 03-Dec-2026
                month = month_number(read_word(text, pos));
                if (month == 0) return unreadable();
                if (sep == ' ') {
                    expect(text, pos, ',');
                    skip_spaces(text, pos);
                } else if (!expect(text, pos, sep)) {
                    return unreadable();
                }
                auto y = read_digits(text, pos, 4, 4);
                if (!y) return unreadable();
                day = static_cast<unsigned>(*first);
                year = *y;
            } else { // A/B/YYYY
                if (sep == ' ') return unreadable();
                auto second = read_digits(text, pos, 1, 2);
                if (!second || !expect(text, pos, sep)) return unreadable();
                auto y = read_digits(text, pos, 4, 4);
                if (!y) return unreadable();
                year = *y;
                auto a = static_cast<unsigned>(*first);
                auto b = static_cast<unsigned>(*second);
                DateOrder order = how.order;
                if (order == DateOrder::ymd)
                    return fail(ErrorKind::data, "the date '" + text::for_message(text, 60) +
                                                     "' is not year first (--date-order ymd)");
                if (order == DateOrder::automatic) {
                    if (a > 12 && b <= 12) {
                        out.shows = DateOrder::dmy;
                        order = DateOrder::dmy;
                    } else if (b > 12 && a <= 12) {
                        out.shows = DateOrder::mdy;
                        order = DateOrder::mdy;
                    } else {
                        out.ambiguous = a != b;
                        order = DateOrder::mdy;
                    }
                }
                month = order == DateOrder::mdy ? a : b;
                day = order == DateOrder::mdy ? b : a;
                if (!valid_civil(year, month, day) && how.order != DateOrder::automatic)
                    return fail(
                        ErrorKind::data,
                        fmt::format("the date '{}' is not a valid date read {} (--date-"
                                    "order {})",
                                    text::for_message(text, 60),
                                    how.order == DateOrder::mdy ? "month first" : "day first",
                                    date_order_name(how.order)));
            }
        } else {
            return unreadable();
        }
    }
    if (!valid_civil(year, month, day)) return unreadable();
    out.moment = DropMoment{days_from_civil(year, month, day), std::nullopt};
    if (pos == text.size()) return out;
    // The time: after 'T', spaces, or a comma ("Dec 3, 2026, 7:00 PM").
    if (text[pos] == 'T' || text[pos] == 't') {
        ++pos;
    } else {
        expect(text, pos, ',');
        std::size_t mark = pos;
        skip_spaces(text, pos);
        if (pos == mark) return unreadable();
    }
    auto clock = read_any_clock(text, pos);
    if (!clock) return unreadable();
    std::int64_t local = std::int64_t{out.moment.day} * 86400 + *clock;
    std::int64_t utc = 0;
    std::size_t mark = pos;
    skip_spaces(text, pos);
    if (pos < text.size() && is_letter(text[pos]) && text[pos] != 'Z' && text[pos] != 'z') {
        std::string_view word = read_word(text, pos);
        if ((word != "UTC" && word != "GMT") || pos != text.size())
            return fail(ErrorKind::data,
                        fmt::format("the date '{}' has the zone abbreviation '{}', which names no "
                                    "place (EST, IST and CST each mean several); give the list's "
                                    "zone with --timezone, such as America/New_York",
                                    text::for_message(text, 60), text::for_message(word, 10)));
        utc = local;
        out.offset = 0;
    } else {
        if (pos == mark || pos == text.size()) pos = mark;
        if (pos == text.size()) {
            utc = how.zone != nullptr ? how.zone->to_utc(local) : local;
        } else {
            auto zone = read_zone(text, pos);
            if (!zone || pos != text.size()) return unreadable();
            utc = local - *zone;
            out.offset = *zone;
        }
    }
    out.moment.time = Instant{std::chrono::seconds{utc}};
    out.moment.day = day_of(*out.moment.time);
    return out;
}

DropMoment day_first_reading(const DropMoment& month_first, const TimeZone* zone,
                             std::optional<int> offset) {
    using namespace std::chrono;
    auto swapped = [](Day d) {
        year_month_day ymd{sys_days{days{d}}};
        auto m = static_cast<unsigned>(ymd.month());
        auto dd = static_cast<unsigned>(ymd.day());
        int y = static_cast<int>(ymd.year());
        return valid_civil(y, dd, m) ? days_from_civil(y, dd, m) : d;
    };
    if (!month_first.time) return DropMoment{swapped(month_first.day), std::nullopt};
    std::int64_t utc = unix_ms(*month_first.time) / 1000;
    std::int64_t local = utc + (offset ? *offset : zone != nullptr ? zone->offset_at(utc) : 0);
    Day local_day = static_cast<Day>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
    std::int64_t clock = local - std::int64_t{local_day} * 86400;
    std::int64_t moved = std::int64_t{swapped(local_day)} * 86400 + clock;
    std::int64_t back = offset ? moved - *offset : zone != nullptr ? zone->to_utc(moved) : moved;
    Instant t{std::chrono::seconds{back}};
    return DropMoment{day_of(t), t};
}

std::optional<DropMoment> parse_drop_date(std::string_view text) {
    auto date = read_list_date(text, DateReading{});
    if (!date) return std::nullopt;
    return date->moment;
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
    auto clock = read_any_clock(text, pos);
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

std::string format_utc_ms(std::int64_t unix_us) {
    std::int64_t ms = unix_us >= 0 ? unix_us / 1000 : -((-unix_us + 999) / 1000);
    std::string whole = format_utc(from_unix_ms(ms));
    whole.pop_back(); // the Z
    return fmt::format("{}.{:03}Z", whole, ((ms % 1000) + 1000) % 1000);
}

Instant wall_clock_now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

} // namespace dropcat
