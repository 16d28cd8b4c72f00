// Which names a catch run is for, and when each is released.
#include "dropcat/catcher.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dropcat {

namespace {

std::string profile_basis(const LifecycleProfile& p, Instant release) {
    return fmt::format("registry profile .{}: release at {} ({}), over {} min",
                       p.tld.empty() ? "default" : p.tld, format_utc(release), p.zone,
                       p.release_spread_minutes);
}

} // namespace

std::optional<CatchWindow> catch_window(Day date, std::optional<Day> drop_day,
                                        std::optional<Instant> list_time,
                                        const std::optional<NameState>& state,
                                        const LifecycleProfile& profile,
                                        const CatchSettings& settings) {
    Instant day_start = start_of(date);
    Instant day_end = start_of(date + 1);
    auto on_day = [&](Instant t) { return t >= day_start && t < day_end; };
    using std::chrono::minutes;
    // The list's own time is the release instant.
    if (list_time && on_day(*list_time))
        return CatchWindow{*list_time, *list_time + settings.known_window, *list_time,
                           "drop list time"};
    bool listed_today = drop_day && *drop_day == date;
    // A registry that releases at one instant of the day.
    Instant release = next_release(profile, day_start);
    if ((listed_today || !drop_day) && profile.release_spread_minutes == 0 &&
        !profile.release_minutes.empty() && on_day(release) && !profile.list_time)
        return CatchWindow{release, release + settings.known_window, release,
                           profile_basis(profile, release)};
    // An RDAP prediction that falls on the day.
    if (state && state->drop_earliest && state->drop_latest && *state->drop_earliest < day_end &&
        *state->drop_latest >= day_start && (listed_today || !drop_day)) {
        Instant start = std::max(*state->drop_earliest, day_start);
        Instant end =
            std::min(*state->drop_latest + minutes(profile.release_spread_minutes), day_end);
        if (start < end)
            return CatchWindow{start, end, std::nullopt, "RDAP history: " + state->basis};
    }
    if (!listed_today) return std::nullopt;
    if (!on_day(release)) release = day_start;
    Instant end = release + minutes(std::max(1, profile.release_spread_minutes));
    return CatchWindow{release, end, std::nullopt, profile_basis(profile, release)};
}

Result<std::vector<CatchTarget>> catch_targets(const Store& store, const Config& config, Day date,
                                               std::span<const std::string> wished) {
    std::vector<CatchTarget> out;
    auto read = store.read([&](const ReadTx& tx) -> Result<void> {
        struct Wanted {
            int backorders = 0;
            int top_priority = 0;
            bool wished = false;
        };
        std::map<std::string, Wanted> names;
        BackorderQuery q;
        q.status = BackorderStatus::active;
        tx.backorders().each(q, [&](const BackorderRow& b) {
            Wanted& w = names[b.domain];
            w.top_priority = w.backorders == 0 ? b.priority : std::max(w.top_priority, b.priority);
            ++w.backorders;
            return true;
        });
        for (const auto& name : wished)
            names[name].wished = true;
        for (const auto& [domain, w] : names) {
            auto profile = config.rdap.profiles.for_domain(domain);
            auto window =
                catch_window(date, tx.drops().drop_day(domain), tx.drops().drop_time(domain),
                             tx.observations().state(domain), profile, config.catching);
            if (!window && w.wished) {
                // A wished name nothing dates: the registry's release on the day.
                window =
                    catch_window(date, date, std::nullopt, std::nullopt, profile, config.catching);
                if (window) window->basis += " (named by --target, no drop known)";
            }
            if (!window) continue;
            out.push_back(CatchTarget{domain, date, w.backorders, w.top_priority, w.wished,
                                      std::move(*window)});
        }
        return {};
    });
    if (!read) return std::unexpected(read.error());
    std::stable_sort(out.begin(), out.end(), [](const CatchTarget& a, const CatchTarget& b) {
        if (a.backorders != b.backorders) return a.backorders > b.backorders;
        if (a.top_priority != b.top_priority) return a.top_priority > b.top_priority;
        if (a.window.start != b.window.start) return a.window.start < b.window.start;
        return a.domain < b.domain;
    });
    return out;
}

} // namespace dropcat
