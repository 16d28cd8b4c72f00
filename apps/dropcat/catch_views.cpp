// dropcat catch results and catch resolve: what runs kept, and a person's finding.
#include "catch_cmd.hpp"

#include "options.hpp"

#include <dropcat/domain.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

const std::vector<std::string> k_results_columns = {
    "domain",      "outcome",   "account",    "attempts", "checks",
    "released_at", "caught_at", "arrived_at", "arrival",  "release_to_create_ms",
    "basis",       "detail"};

int run_catch_results(const CatchOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_results_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    auto day = catch_day(o);
    if (!day) return ctx.failed(Error{ErrorKind::usage, "--date: not a date"});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    struct Line {
        TargetRow target;
        std::vector<AttemptRow> attempts;
        std::vector<ObservationRow> observations;
    };
    std::vector<Line> lines;
    auto read = store->read([&](const ReadTx& tx) -> Result<void> {
        for (auto& t : tx.catches().targets(*day)) {
            auto attempts = tx.catches().attempts(t.id);
            auto observations = tx.observations().of(t.domain);
            lines.push_back(Line{std::move(t), std::move(attempts), std::move(observations)});
        }
        return {};
    });
    if (!read) return ctx.failed(read.error());
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_results_columns, use_color(ctx.color, 1),
                     view);
    for (const auto& l : lines) {
        const TargetRow& t = l.target;
        std::string outcome(target_state_name(t.state));
        std::string attempts = std::to_string(l.attempts.size());
        std::string checks = std::to_string(t.checks);
        CatchTiming timing = catch_timing(t, l.attempts, l.observations);
        std::string released = timing.released ? format_utc(*timing.released) : "";
        std::string caught = t.caught_at ? format_utc(*t.caught_at) : "";
        std::string arrived = timing.arrived_us ? format_utc_ms(*timing.arrived_us) : "";
        std::string gap =
            timing.release_to_create_ms ? fmt::format("{:.3f}", *timing.release_to_create_ms) : "";
        std::array<Cell, 12> cells{Cell{t.domain},
                                   Cell{outcome},
                                   Cell{t.account},
                                   Cell{attempts, true},
                                   Cell{checks, true},
                                   Cell{released},
                                   Cell{caught},
                                   Cell{arrived},
                                   Cell{timing.arrived_from},
                                   Cell{gap, !gap.empty()},
                                   Cell{t.basis},
                                   Cell{t.detail}};
        writer.row(cells);
    }
    writer.finish();
    if (lines.empty()) ctx.report.note(fmt::format("no catch targets on {}", format_day(*day)));
    return 0;
}

int run_catch_resolve(const CatchOptions& o, Context& ctx) {
    if (o.caught == o.lost) return ctx.failed(Error{ErrorKind::usage, "give --caught or --lost"});
    auto name = parse_domain(o.domain);
    if (!name) return ctx.failed(Error{ErrorKind::usage, name.error().message});
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto t =
        resolve_target(*store, name->ascii, o.caught, "dropcat catch resolve", wall_clock_now());
    if (!t) return ctx.failed(t.error());
    ctx.report.note(fmt::format("{}: {}{}", t->domain, target_state_name(t->state),
                                t->account.empty() ? "" : " by " + t->account));
    return 0;
}

} // namespace dropcat::cli
