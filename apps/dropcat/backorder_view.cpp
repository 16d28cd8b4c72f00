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
    ListingOptions listing;
};

const std::vector<std::string> k_columns{"id",       "domain", "unicode",    "email",    "name",
                                         "priority", "status", "created_at", "drop_date"};

int run_list(const ListOptions& options, Context& ctx) {
    BackorderQuery query;
    if (!options.status.empty()) query.status = parse_status(options.status);
    if (!options.email.empty()) {
        auto email = normalise_email(options.email);
        if (!email) return ctx.failed(Error{ErrorKind::data, "--email: " + email.error().message});
        query.email = *email;
    }
    if (!options.domain.empty()) {
        auto name = parse_domain(options.domain);
        if (!name) return ctx.failed(Error{ErrorKind::data, "--domain: " + name.error().message});
        query.domain = name->ascii;
    }
    if (!options.due.empty()) query.due_from = query.due_to = parse_cli_date(options.due);
    if (options.due_within) {
        Day today = day_of(wall_clock_now());
        query.due_from = today;
        query.due_to = today + *options.due_within;
    }
    RowView view;
    if (auto bad = make_view(options.listing, k_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    start_pager(options.listing);
    RowWriter writer(listing_format(options.listing.format), k_columns, use_color(ctx.color, 1),
                     view);
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

// A JSON value: the string, or null for an empty one (dropcat(1), JSON conventions).
std::string json_or_null(std::string_view text) {
    if (text.empty()) return "null";
    std::string out;
    append_json_string(out, text);
    return out;
}

int run_show(const std::string& domain_text, const std::string& format, Context& ctx) {
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
    bool json = format == "json";
    std::string unicode = to_unicode(name->ascii);
    std::string out;
    if (json) {
        out = fmt::format("{{\"domain\":{},\"unicode\":{},\"drop_date\":{},\"backorders\":[",
                          json_or_null(name->ascii), json_or_null(unicode),
                          *date ? json_or_null(format_day(**date)) : "null");
    } else {
        std::string shown = unicode;
        if (shown != name->ascii) shown += fmt::format(" ({})", name->ascii);
        out =
            fmt::format("{}: {}\n", shown,
                        *date ? "drops " + format_day(**date) : std::string("drop date not known"));
        if (rows->empty()) out += "no backorders\n";
    }
    // Active backorders are numbered by their place in the queue; the others are listed, in
    // the same order, with a dash (null in JSON).
    std::size_t place = 0;
    bool first = true;
    for (const auto& r : *rows) {
        bool active = r.status == BackorderStatus::active;
        if (active) ++place;
        auto events = book.events(r.id);
        if (!events) return ctx.failed(events.error());
        if (json) {
            out += fmt::format(
                "{}{{\"id\":{},\"place\":{},\"email\":{},\"name\":{},\"company\":{},"
                "\"phone\":{},\"note\":{},\"priority\":{},\"status\":{},\"created_at\":{},"
                "\"events\":[",
                first ? "" : ",", r.id, active ? std::to_string(place) : "null",
                json_or_null(r.email), json_or_null(r.name), json_or_null(r.company),
                json_or_null(r.phone), json_or_null(r.note), r.priority,
                json_or_null(status_name(r.status)), json_or_null(format_utc(r.created_at)));
            bool first_event = true;
            for (const auto& e : *events) {
                out += fmt::format("{}{{\"at\":{},\"action\":{},\"actor\":{},\"detail\":{}}}",
                                   first_event ? "" : ",", json_or_null(format_utc(e.at)),
                                   json_or_null(e.action), json_or_null(e.actor),
                                   json_or_null(e.detail));
                first_event = false;
            }
            out += "]}";
            first = false;
            continue;
        }
        std::string who = r.email.empty() ? "(forgotten customer)" : r.email;
        if (!r.name.empty()) who += fmt::format(" ({})", r.name);
        std::string mark = active ? fmt::format("{}.", place) : "-";
        out += fmt::format("{} backorder {}: {}, priority {}, {}, since {}\n", mark, r.id, who,
                           r.priority, status_name(r.status), format_utc(r.created_at));
        if (!r.company.empty()) out += fmt::format("     company: {}\n", r.company);
        if (!r.phone.empty()) out += fmt::format("     phone: {}\n", r.phone);
        if (!r.note.empty()) out += fmt::format("     note: {}\n", r.note);
        for (const auto& e : *events)
            out += fmt::format("     {} {} by {}{}{}\n", format_utc(e.at), e.action, e.actor,
                               e.detail.empty() ? "" : ": ", e.detail);
    }
    if (json) out += "]}\n";
    Out::write(out);
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
    add_listing_options(*cmd, opts->listing, k_columns);
    cmd->footer("Examples:\n  dropcat backorder list --due-within 7 --status active\n"
                "  dropcat backorder list --columns id,domain,email --no-header --format tsv");
    cmd->callback([opts, &ctx] { ctx.action = [opts, &ctx] { return run_list(*opts, ctx); }; });
}

void add_backorder_show(CLI::App& group, Context& ctx) {
    struct ShowOptions {
        std::string domain;
        std::string format = "text";
    };
    auto opts = std::make_shared<ShowOptions>();
    auto* cmd =
        group.add_subcommand("show", "a name's backorders in allocation order, with history");
    cmd->fallthrough();
    set_live_values(
        cmd->add_option("DOMAIN", opts->domain, "the name")->required()->type_name("DOMAIN"),
        "backordered-domains");
    add_choice(*cmd, "--format", opts->format, {"text", "json"},
               "text, or one JSON object with every backorder and its events")
        ->group("Output");
    cmd->footer("Allocation order: priority high to low, then oldest first.\n"
                "Examples:\n  dropcat backorder show example.com\n"
                "  dropcat backorder show example.com --format json");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] { return run_show(opts->domain, opts->format, ctx); };
    });
}

} // namespace dropcat::cli
