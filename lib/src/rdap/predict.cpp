// The drop window: from what the registry showed and when, and the registry's profile.
#include "dropcat/rdap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace dropcat {

namespace {

using std::chrono::days;
using std::chrono::minutes;

bool in_deletion(Phase p) {
    return p == Phase::redemption || p == Phase::pending_restore || p == Phase::pending_delete;
}

// Time zones by name, loaded once (a status run asks for thousands of windows).
const TimeZone* zone_named(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::optional<TimeZone>> zones;
    std::lock_guard lock(mutex);
    auto it = zones.find(name);
    if (it == zones.end()) {
        auto loaded = TimeZone::load(name);
        it = zones.emplace(name, loaded ? std::optional<TimeZone>(*loaded) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
}

struct Candidate {
    Instant from{}; // the phase began at or after this
    Instant to{};   // and at or before this
    days add{};
    std::string basis;
};

} // namespace

Instant next_release(const LifecycleProfile& profile, Instant t) {
    if (profile.release_minutes.empty() || profile.list_time) return t;
    const TimeZone* zone = profile.zone == "UTC" ? nullptr : zone_named(profile.zone);
    auto offset = [&](std::int64_t utc_s) { return zone ? zone->offset_at(utc_s) : 0; };
    std::int64_t t_s = unix_ms(t) / 1000;
    std::int64_t local_day = (t_s + offset(t_s)) / 86400;
    if (t_s + offset(t_s) < 0) --local_day;
    for (std::int64_t day = local_day - 1; day < local_day + 15; ++day) {
        int weekday = static_cast<int>(((day % 7) + 11) % 7); // 1970-01-01 was a Thursday
        if (!profile.weekdays.empty() && std::find(profile.weekdays.begin(), profile.weekdays.end(),
                                                   weekday) == profile.weekdays.end())
            continue;
        for (int m : profile.release_minutes) {
            std::int64_t local = day * 86400 + m * 60;
            std::int64_t utc = zone ? zone->to_utc(local) : local;
            if (utc * 1000 >= unix_ms(t)) return from_unix_ms(utc * 1000);
        }
    }
    return t;
}

std::optional<DropWindow> predict_drop(const std::vector<Observation>& history,
                                       const LifecycleProfile& profile, Instant now) {
    if (history.empty()) return std::nullopt;
    // The observations of the current cycle: after the last one that showed the name
    // registered (or available) again.
    std::size_t start = history.size();
    while (start > 0 && history[start - 1].phase != Phase::registered &&
           history[start - 1].phase != Phase::available)
        --start;
    const Observation& last = history.back();
    if (last.phase == Phase::available) return std::nullopt;

    std::vector<Candidate> candidates;
    const days pd{profile.pending_delete_days};
    const days rgp{profile.redemption_days};
    // Where a phase was first seen in this cycle, and the observation before it (which did
    // not show it) bounds its start from below.
    auto first_seen = [&](auto match) -> std::optional<std::pair<Instant, Instant>> {
        for (std::size_t i = start; i < history.size(); ++i) {
            if (history[i].phase == Phase::unknown || !match(history[i].phase)) continue;
            Instant before = history[i].at - days(365);
            for (std::size_t j = i; j > 0; --j)
                if (history[j - 1].phase != Phase::unknown) {
                    before = history[j - 1].at;
                    break;
                }
            return std::pair{before, history[i].at};
        }
        return std::nullopt;
    };
    if (in_deletion(last.phase) || last.phase == Phase::auto_renew_grace) {
        if (last.phase == Phase::pending_delete)
            if (auto seen = first_seen([](Phase p) { return p == Phase::pending_delete; }))
                candidates.push_back({std::max(seen->first, seen->second - pd), seen->second, pd,
                                      fmt::format("pending delete first seen {} + {} days",
                                                  format_utc(seen->second), pd.count())});
        // Redemption (or a restore asked for in it), not the final days: a name first seen in
        // pending delete says nothing of when its redemption began.
        if (auto seen = first_seen(
                [](Phase p) { return p == Phase::redemption || p == Phase::pending_restore; }))
            candidates.push_back({std::max(seen->first, seen->second - rgp - pd), seen->second,
                                  rgp + pd,
                                  fmt::format("redemption first seen {} + {} days",
                                              format_utc(seen->second), (rgp + pd).count())});
    }
    if (in_deletion(last.phase)) {
        for (const auto& e : last.events)
            if (e.action == "deletion") {
                candidates.push_back({e.at, e.at, rgp + pd,
                                      fmt::format("deletion event {} + {} days", format_utc(e.at),
                                                  (rgp + pd).count())});
                break;
            }
    }
    // The expiration bounds a name on its way out: in grace or deletion, or expired and held
    // (a registrar's hold in a grace the registry does not show). A registered name that is
    // not held was renewed, whatever the date says.
    bool held = std::any_of(last.statuses.begin(), last.statuses.end(),
                            [](const auto& s) { return s == "client hold" || s == "server hold"; });
    bool on_the_way_out = in_deletion(last.phase) || last.phase == Phase::auto_renew_grace ||
                          (last.phase == Phase::registered && held);
    for (const auto& e : last.events)
        // Only a date that has passed: a registry that renewed the name at expiry (Verisign
        // does, in grace) shows the next year's date, which bounds nothing.
        if (e.action == "expiration" && on_the_way_out && e.at <= now) {
            days grace{profile.grace_days_max};
            candidates.push_back({e.at, e.at + grace, rgp + pd,
                                  fmt::format("expiration {} + {} to {} days", format_utc(e.at),
                                              (rgp + pd).count(), (grace + rgp + pd).count())});
            break;
        }
    if (candidates.empty()) return std::nullopt;

    // A candidate whose window has passed with the name still there says nothing more (an
    // expiration bound long gone, a registry running late): the others decide. When all have
    // passed, the drop is overdue and may come at the next release.
    // What the phase now shown rules out: in redemption the final days have not begun; in
    // grace the registrar has not even deleted the name.
    Instant floor = now;
    if (last.phase == Phase::redemption || last.phase == Phase::pending_restore)
        floor = now + pd;
    else if (last.phase == Phase::auto_renew_grace)
        floor = now + rgp + pd;
    std::optional<DropWindow> best;
    std::optional<DropWindow> overdue;
    const minutes spread{profile.release_spread_minutes};
    for (const auto& c : candidates) {
        Instant last_release = next_release(profile, c.to + c.add) + spread;
        if (last_release < next_release(profile, floor)) {
            if (!overdue)
                overdue = DropWindow{next_release(profile, floor),
                                     next_release(profile, floor) + spread, "overdue: " + c.basis};
            continue;
        }
        Instant earliest = next_release(profile, std::max(c.from + c.add, floor));
        Instant latest = std::max(last_release, earliest);
        if (!best || latest - earliest < best->latest - best->earliest)
            best = DropWindow{earliest, latest, c.basis};
    }
    return best ? best : overdue;
}

bool restored_between(const Observation& before, const Observation& after) {
    bool was_deleting = in_deletion(before.phase);
    bool registered_again =
        after.phase == Phase::registered || after.phase == Phase::auto_renew_grace;
    return was_deleting && registered_again;
}

} // namespace dropcat
