#include "timing.hpp"

#include <ctime>

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace dropcat::sim {

namespace {

std::optional<long long> whole_number(std::string_view text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

} // namespace

Instant now() {
    using namespace std::chrono;
    static const system_clock::time_point wall_at_start = system_clock::now();
    static const steady_clock::time_point steady_at_start = steady_clock::now();
    auto elapsed = duration_cast<system_clock::duration>(steady_clock::now() - steady_at_start);
    return floor<Duration>(wall_at_start + elapsed);
}

Result<Duration> parse_duration(std::string_view text) {
    auto bad = [&] {
        return fail(
            ErrorKind::data,
            fmt::format("'{}' is not a duration such as \"250ms\", \"5s\" or \"2m\"", text));
    };
    std::size_t unit_at = text.find_first_not_of("0123456789");
    if (unit_at == 0 || unit_at == std::string_view::npos) return bad();
    auto number = whole_number(text.substr(0, unit_at));
    if (!number || *number > 100'000'000) return bad();
    std::string_view unit = text.substr(unit_at);
    using namespace std::chrono;
    if (unit == "ms") return duration_cast<Duration>(milliseconds(*number));
    if (unit == "s") return duration_cast<Duration>(seconds(*number));
    if (unit == "m") return duration_cast<Duration>(minutes(*number));
    if (unit == "h") return duration_cast<Duration>(hours(*number));
    if (unit == "d") return duration_cast<Duration>(days(*number));
    return bad();
}

Instant from_civil(int year, unsigned month, unsigned day, int hour, int minute, int second,
                   Duration fraction) {
    using namespace std::chrono;
    sys_days date{std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day)};
    return Instant(duration_cast<Duration>(date.time_since_epoch()) + hours(hour) +
                   minutes(minute) + seconds(second) + fraction);
}

Result<Instant> parse_instant(std::string_view text, Instant start) {
    auto bad = [&] {
        return fail(ErrorKind::data,
                    fmt::format("'{}' is neither \"+5s\" (or \"-40d\") nor a UTC time such as "
                                "\"2026-11-28T19:00:00Z\"",
                                text));
    };
    if (text.starts_with('+') || text.starts_with('-')) {
        auto offset = parse_duration(text.substr(1));
        if (!offset) return bad();
        return text.starts_with('+') ? start + *offset : start - *offset;
    }
    // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
    auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text.size() < 20) return bad();
    if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
        text[13] != ':' || text[16] != ':')
        return bad();
    std::chrono::year_month_day date{std::chrono::year(*year) /
                                     std::chrono::month(static_cast<unsigned>(*month)) /
                                     std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return bad();
    std::size_t at = 19;
    long long micros = 0;
    if (text[at] == '.') {
        std::size_t first = ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            ++at;
        std::size_t count = at - first;
        if (count == 0 || count > 6) return bad();
        micros = *digits(text, first, count);
        for (std::size_t i = count; i < 6; ++i)
            micros *= 10;
    }
    if (at + 1 != text.size() || (text[at] != 'Z' && text[at] != 'z')) return bad();
    return from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day), *hour,
                      *minute, *second, Duration(micros));
}

namespace {

std::string format_utc(Instant t, bool micros) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day date{day};
    hh_mm_ss clock{t - day};
    std::string text =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(date.year()), unsigned(date.month()),
                    unsigned(date.day()), clock.hours().count(), clock.minutes().count(),
                    clock.seconds().count());
    if (micros) text += fmt::format(".{:06}", clock.subseconds().count());
    return text + "Z";
}

} // namespace

std::string format_utc_micros(Instant t) {
    return format_utc(t, true);
}
std::string format_utc_seconds(Instant t) {
    return format_utc(t, false);
}

long wait_seconds(Duration d) {
    auto micros = d.count();
    long seconds = static_cast<long>((micros + 999'999) / 1'000'000);
    return seconds < 1 ? 1 : seconds;
}

std::string format_http_date(Instant t) {
    std::time_t seconds =
        std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

} // namespace dropcat::sim
