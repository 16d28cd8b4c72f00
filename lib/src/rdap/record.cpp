// An RDAP answer into the store: history, prediction, restored names.
#include "dropcat/status.hpp"

#include <dropcat/store_tables.hpp>

#include <fmt/format.h>

namespace dropcat {

namespace {

Observation observation_of(const ObservationRow& row) {
    Observation o;
    o.at = row.at;
    o.phase = parse_phase(row.phase).value_or(Phase::unknown);
    o.statuses = row.statuses;
    for (const auto& e : row.events)
        o.events.push_back(RdapEvent{e.action, e.at});
    return o;
}

} // namespace

std::vector<Observation> history_of(const ReadTx& tx, std::string_view domain) {
    std::vector<Observation> out;
    for (const auto& row : tx.observations().of(domain))
        out.push_back(observation_of(row));
    return out;
}

StatusReport record_status(Tx& tx, const RdapRecord& record, const LifecycleProfile& profile,
                           Instant now, std::string_view actor) {
    StatusReport report;
    report.record = record;
    report.observed_at = now;
    ObservationRow row;
    row.domain = record.domain;
    row.at = now;
    row.phase = std::string(phase_name(record.phase));
    row.statuses = record.statuses;
    for (const auto& e : record.events)
        row.events.push_back(ObservedEvent{e.action, e.at});
    row.server = record.server;
    row.problem = record.problem;
    row = tx.observations().add(std::move(row));

    std::optional<NameState> state = tx.observations().state(record.domain);
    report.listed_day = tx.drops().drop_day(record.domain);
    if (record.phase == Phase::unknown) {
        // Nothing learnt: the name keeps what it had.
        if (state) {
            report.phase = parse_phase(state->phase).value_or(Phase::unknown);
            report.known_at = state->observed_at;
            if (state->drop_earliest && state->drop_latest)
                report.window =
                    DropWindow{*state->drop_earliest, *state->drop_latest, state->basis};
        } else {
            tx.observations().set_state(NameState{record.domain, "unknown", now, {}, {}, {}, {}});
        }
    } else {
        report.phase = record.phase;
        report.known_at = now;
        report.window = predict_drop(history_of(tx, record.domain), profile, now);
        // A registry that publishes each name's drop time (Nominet): the list's time is the
        // drop, while the name is still on its way out.
        if (profile.list_time && report.window)
            if (auto listed = tx.drops().drop_time(record.domain); listed && *listed >= now)
                report.window = DropWindow{*listed, *listed, "the drop list's time"};
        NameState next{record.domain, row.phase, now, {}, {}, {}, {}};
        if (state) next.restored_at = state->restored_at;
        if (report.window) {
            next.drop_earliest = report.window->earliest;
            next.drop_latest = report.window->latest;
            next.basis = report.window->basis;
        }
        Observation before;
        before.phase = parse_phase(row.previous_phase).value_or(Phase::unknown);
        Observation after;
        after.phase = record.phase;
        if (restored_between(before, after)) {
            report.restored = true;
            next.restored_at = now;
            for (const auto& b : tx.backorders().on_domain(record.domain)) {
                if (b.status != BackorderStatus::active) continue;
                tx.events().append(
                    EventRecord{now, actor, EventSubject::backorder, b.id, "restored",
                                fmt::format("the registry shows {} registered again after {}",
                                            record.domain, row.previous_phase)});
                ++report.backorders_told;
            }
        } else if (record.phase == Phase::redemption || record.phase == Phase::pending_delete) {
            next.restored_at.reset(); // deleting again: a new cycle
        }
        tx.observations().set_state(next);
    }
    if (report.window && report.listed_day) {
        Day first = day_of(report.window->earliest);
        Day last = day_of(report.window->latest);
        report.prediction_differs = *report.listed_day < first || *report.listed_day > last;
    }
    return report;
}

} // namespace dropcat
