// dropcat status history and status changes (what earlier look-ups kept), and the command's
// definition.
#include "status_cmd.hpp"

#include "options.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/store_tables.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

const std::vector<std::string> k_history_columns = {
    "domain", "observed_at", "phase", "statuses", "expiration", "deletion", "server", "problem"};
const std::vector<std::string> k_changes_columns = {"domain", "observed_at", "previous_phase",
                                                    "phase"};

namespace {

std::string event_text(const ObservationRow& row, std::string_view action) {
    for (const auto& e : row.events)
        if (e.action == action) return format_utc(e.at);
    return "";
}

} // namespace

int run_status_history(const StatusOptions& o, Context& ctx) {
    auto name = parse_domain(o.domain);
    if (!name) return ctx.failed(Error{ErrorKind::usage, name.error().message});
    RowView view;
    if (auto bad = make_view(o.listing, k_history_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    std::vector<ObservationRow> rows;
    auto read = store->read([&](const ReadTx& tx) -> Result<void> {
        rows = tx.observations().of(name->ascii);
        return {};
    });
    if (!read) return ctx.failed(read.error());
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_history_columns, use_color(ctx.color, 1),
                     view);
    for (const auto& r : rows) {
        std::string at = format_utc(r.at);
        std::string statuses = statuses_text(r.statuses);
        std::string json = r.phase == "unknown" ? std::string() : statuses_json(r.statuses);
        std::string expiration = event_text(r, "expiration");
        std::string deletion = event_text(r, "deletion");
        std::array<Cell, 8> cells{
            Cell{r.domain},   Cell{at},       Cell{r.phase},  Cell{statuses, false, json},
            Cell{expiration}, Cell{deletion}, Cell{r.server}, Cell{r.problem}};
        writer.row(cells);
    }
    writer.finish();
    if (rows.empty())
        ctx.report.note(
            fmt::format("{} has not been looked up (dropcat status {})", name->ascii, name->ascii));
    return 0;
}

int run_status_changes(const StatusOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_changes_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    Instant since = start_of(*parse_cli_date(o.since)); // date_validator checked it
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_changes_columns, use_color(ctx.color, 1),
                     view);
    auto read = store->read([&](const ReadTx& tx) -> Result<void> {
        tx.observations().changes(since, [&](const ObservationRow& r) {
            std::string at = format_utc(r.at);
            std::array<Cell, 4> cells{Cell{r.domain}, Cell{at}, Cell{r.previous_phase},
                                      Cell{r.phase}};
            writer.row(cells);
            return true;
        });
        return {};
    });
    writer.finish();
    if (!read) return ctx.failed(read.error());
    return 0;
}

CLI::App* add_status_command(CLI::App& parent, Context& ctx) {
    auto opts = std::make_shared<StatusOptions>();
    auto* cmd = parent.add_subcommand("status");
    set_live_values(cmd->add_option("DOMAIN", opts->names,
                                    "names to look up; - reads them from stdin, one a line")
                        ->type_name("DOMAIN"),
                    "backordered-domains");
    cmd->add_option("--due", opts->due, "also look up every drop listed for this day")
        ->type_name("DATE")
        ->check(date_validator());
    cmd->add_flag("--backordered", opts->backordered,
                  "also look up every name with an active backorder");
    cmd->add_flag("--refresh-bootstrap", opts->refresh_bootstrap,
                  "fetch IANA's RDAP bootstrap file (rdap.bootstrap_url) and keep it");
    add_listing_options(*cmd, opts->listing, k_status_columns);
    cmd->footer("Asks each name's registry over RDAP (RFC 9083), at most rdap.requests_per_second\n"
                "requests a second to each server; keeps every answer and predicts the drop.\n"
                "Examples:\n"
                "  dropcat status example.com\n"
                "  dropcat status --due tomorrow --format json\n"
                "  dropcat status history example.com");
    cmd->callback([opts, cmd, &ctx] {
        if (cmd->get_subcommands().empty())
            ctx.action = [opts, &ctx] { return run_status(*opts, ctx); };
    });

    auto history_o = std::make_shared<StatusOptions>();
    auto* history = cmd->add_subcommand("history", "every stored look-up of one name");
    set_live_values(history->add_option("DOMAIN", history_o->domain, "the name")->required(),
                    "backordered-domains");
    add_listing_options(*history, history_o->listing, k_history_columns);
    history->footer("Example:\n  dropcat status history example.com");
    history->callback([history_o, &ctx] {
        ctx.action = [history_o, &ctx] { return run_status_history(*history_o, ctx); };
    });

    auto changes_o = std::make_shared<StatusOptions>();
    auto* changes =
        cmd->add_subcommand("changes", "names whose phase changed, for a cron job to mail");
    changes->add_option("--since", changes_o->since, "changes seen on or after this day")
        ->type_name("DATE")
        ->check(date_validator())
        ->required();
    add_listing_options(*changes, changes_o->listing, k_changes_columns);
    changes->footer("Example:\n  dropcat status changes --since yesterday");
    changes->callback([changes_o, &ctx] {
        ctx.action = [changes_o, &ctx] { return run_status_changes(*changes_o, ctx); };
    });
    return cmd;
}

} // namespace dropcat::cli
