#include "backorder_cmd.hpp"
#include "options.hpp"
#include "output.hpp"

#include <dropcat/domain.hpp>

#include <fmt/format.h>

#include <array>

namespace dropcat::cli {

namespace {

struct ListOptions {
    std::string status;
    std::string email;
    std::string domain;
    std::string due;
    std::optional<int> due_within;
    std::string format;
};

const std::vector<std::string> k_columns{"id",       "domain", "unicode",    "email",    "name",
                                         "priority", "status", "created_at", "drop_date"};

int run_list(const ListOptions& options, Context& ctx) {
    BackorderQuery query;
    if (!options.status.empty()) query.status = parse_status(options.status);
    if (!options.email.empty()) {
        auto email = normalise_email(options.email);
        if (!email) return ctx.failed(Error{ErrorKind::usage, "--email: " + email.error().message});
        query.email = *email;
    }
    if (!options.domain.empty()) {
        auto name = parse_domain(options.domain);
        if (!name) return ctx.failed(Error{ErrorKind::usage, "--domain: " + name.error().message});
        query.domain = name->ascii;
    }
    if (!options.due.empty()) query.due_from = query.due_to = parse_cli_date(options.due);
    if (options.due_within) {
        Day today = day_of(wall_clock_now());
        query.due_from = today;
        query.due_to = today + *options.due_within;
    }
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    RowWriter writer(listing_format(options.format), k_columns, use_color(ctx.color, 1));
    Backorders book(*store);
    auto done = book.each(query, [&](const BackorderRow& r) {
        std::string id = std::to_string(r.id);
        std::string unicode = to_unicode(r.domain);
        std::string priority = std::to_string(r.priority);
        std::string created = format_utc(r.created_at);
        std::string drop_date = r.drop_date ? format_day(*r.drop_date) : std::string();
        std::array<Cell, 9> cells{Cell{id, true},
                                  Cell{r.domain},
                                  Cell{unicode},
                                  Cell{r.email},
                                  Cell{r.name},
                                  Cell{priority, true},
                                  Cell{status_name(r.status)},
                                  Cell{created},
                                  Cell{drop_date}};
        writer.row(cells);
        return true;
    });
    if (!done) return ctx.failed(done.error());
    writer.finish();
    return 0;
}

int run_show(const std::string& domain_text, Context& ctx) {
    auto name = parse_domain(domain_text);
    if (!name)
        return ctx.failed(
            Error{ErrorKind::data, fmt::format("'{}': {}", domain_text, name.error().message)});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    Backorders book(*store);
    auto date = book.drop_date(name->ascii);
    if (!date) return ctx.failed(date.error());
    auto rows = book.on_domain(name->ascii);
    if (!rows) return ctx.failed(rows.error());
    std::string shown = to_unicode(name->ascii);
    if (shown != name->ascii) shown += fmt::format(" ({})", name->ascii);
    Out::write(
        fmt::format("{}: {}\n", shown,
                    *date ? "drops " + format_day(**date) : std::string("drop date not known")));
    if (rows->empty()) Out::write("no backorders\n");
    // Active backorders are numbered by their place in the queue; the others are listed, in
    // the same order, with a dash.
    std::size_t place = 0;
    for (const auto& r : *rows) {
        std::string who = r.email.empty() ? "(forgotten customer)" : r.email;
        if (!r.name.empty()) who += fmt::format(" ({})", r.name);
        std::string mark = r.status == BackorderStatus::active ? fmt::format("{}.", ++place) : "-";
        Out::write(fmt::format("{} backorder {}: {}, priority {}, {}, since {}\n", mark, r.id, who,
                               r.priority, status_name(r.status), format_utc(r.created_at)));
        auto events = book.events(r.id);
        if (!events) return ctx.failed(events.error());
        for (const auto& e : *events)
            Out::write(fmt::format("     {} {} by {}{}{}\n", format_utc(e.at), e.action, e.actor,
                                   e.detail.empty() ? "" : ": ", e.detail));
    }
    return 0;
}

} // namespace

void add_backorder_list(CLI::App& group, Context& ctx) {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = group.add_subcommand("list", "list backorders");
    cmd->fallthrough();
    std::vector<std::string> statuses(status_names().begin(), status_names().end());
    set_live_values(
        add_choice(*cmd, "--status", opts->status, statuses, "only backorders in this status")
            ->group("Filters"),
        "statuses");
    cmd->add_option("--email", opts->email, "only this customer's")
        ->type_name("EMAIL")
        ->group("Filters");
    cmd->add_option("--domain", opts->domain, "only backorders on this name")
        ->type_name("DOMAIN")
        ->group("Filters");
    auto* due = cmd->add_option("--due", opts->due, "only names that drop on this day")
                    ->type_name("DATE")
                    ->check(date_validator())
                    ->group("Filters");
    cmd->add_option("--due-within", opts->due_within, "only names that drop within DAYS from today")
        ->type_name("DAYS")
        ->check(range_validator(0, 3660))
        ->excludes(due)
        ->group("Filters");
    add_choice(*cmd, "--format", opts->format, listing_format_names(),
               "output format (default: table on a terminal)")
        ->group("Output");
    cmd->footer("Example:\n  dropcat backorder list --due-within 7 --status active");
    cmd->callback([opts, &ctx] { ctx.action = [opts, &ctx] { return run_list(*opts, ctx); }; });
}

void add_backorder_show(CLI::App& group, Context& ctx) {
    auto domain = std::make_shared<std::string>();
    auto* cmd =
        group.add_subcommand("show", "a name's backorders in allocation order, with history");
    cmd->fallthrough();
    cmd->add_option("DOMAIN", *domain, "the name")->required()->type_name("DOMAIN");
    cmd->footer("Allocation order: priority high to low, then oldest first.\n"
                "Example:\n  dropcat backorder show example.com");
    cmd->callback(
        [domain, &ctx] { ctx.action = [domain, &ctx] { return run_show(*domain, ctx); }; });
}

} // namespace dropcat::cli
