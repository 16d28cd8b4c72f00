#include "readers.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

namespace dropcat::droplist {

namespace {

// auDA purges in two daily cycles, in AEST (UTC+10, no daylight saving): names deleted by a
// registrar at 13:00, expired names at 13:30. A name goes in its section's first cycle that
// starts after its eligible purge time (the reference: "before 13:00 AEST drops that day,
// otherwise the next day").
constexpr int k_aest_offset = 10 * 3600;
constexpr int k_deleted_cycle = 13 * 3600;
constexpr int k_expired_cycle = 13 * 3600 + 30 * 60;

DropMoment purge_moment(Day day, int utc_seconds_of_day, int cycle) {
    std::int64_t eligible = std::int64_t{day} * 86400 + utc_seconds_of_day + k_aest_offset;
    std::int64_t aest_day = eligible / 86400;
    std::int64_t aest_time = eligible % 86400;
    if (aest_time >= cycle) ++aest_day; // a name eligible at the cycle's time waits a day
    std::int64_t purge_utc = aest_day * 86400 + cycle - k_aest_offset;
    Instant at{std::chrono::seconds{purge_utc}};
    return DropMoment{day_of(at), at};
}

} // namespace

Result<void> read_auda(RowContext& ctx) {
    Input& input = ctx.input;
    std::string_view line;
    std::vector<std::string> cells;
    std::string raw;
    int cycle = k_deleted_cycle; // until a section title says otherwise
    while (true) {
        auto more = input.next_line(line);
        if (!more) return std::unexpected(more.error());
        if (!*more) return {};
        if (is_blank_or_comment(line)) continue;
        std::size_t at = input.line_number();
        auto split = split_csv(input, line, ',', cells, raw);
        if (!split) return std::unexpected(split.error());
        std::string low = text::ascii_lower(raw);
        if (low.find("eligible purge time") != std::string::npos) continue; // a header
        if (*split < 3) {
            if (low.find("expired") != std::string::npos) {
                cycle = k_expired_cycle;
                continue;
            }
            if (low.find("deleted") != std::string::npos) {
                cycle = k_deleted_cycle;
                continue;
            }
            reject(ctx, at, "expected Date, Eligible purge time, Domain name", raw);
            continue;
        }
        auto day = parse_day_first_date(cells[0]);
        auto time = parse_time_of_day(cells[1]);
        std::optional<DropMoment> when;
        std::string date_text;
        if (day && time)
            when = purge_moment(*day, *time, cycle);
        else
            date_text = cells[0] + " " + cells[1];
        emit(ctx, at, cells[2], when, date_text, raw);
    }
}

} // namespace dropcat::droplist
