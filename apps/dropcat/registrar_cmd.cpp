#include "registrar_cmd.hpp"

#include "options.hpp"
#include "output.hpp"
#include "registrar_common.hpp"
#include "registrar_net.hpp"

#include <dropcat/config.hpp>
#include <dropcat/registrar.hpp>

#include <fmt/format.h>

#include <array>

namespace dropcat::cli {

namespace {

// The columns are an interface (TSV by position, JSON by key): new ones go at the end.
const std::vector<std::string> k_columns{
    "name",          "kind", "endpoint",  "checks_per_minute", "creates_per_minute",
    "max_in_flight", "tlds", "max_price", "catch_policy",      "check_batch",
    "currency"}; // max_price's: an amount is a string beside its currency

// A configured figure replaces the documented one (an account may have a higher tier); say
// so where it is higher, so that a typo does not pass for a tier.
void warn_above_documented(const RegistrarAccount& a, const RegistrarKind& kind, Context& ctx) {
    auto above = [&](std::string_view key, int configured, int documented) {
        if (configured > documented)
            ctx.report.warning(fmt::format("{}: {} {} is above {}'s documented {}; make sure the "
                                           "account's tier allows it",
                                           a.name, key, configured, kind.name, documented));
    };
    above("checks_per_minute", a.checks_per_minute, kind.checks_per_minute);
    above("creates_per_minute", a.creates_per_minute, kind.creates_per_minute);
    above("max_in_flight", a.max_in_flight, kind.max_in_flight);
    above("check_batch", a.check_batch, kind.batch);
}

int run_list(const ListingOptions& options, Context& ctx) {
    RowView view;
    if (auto bad = make_view(options, k_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    // The table fits 100 columns even off a terminal: the catch policy is cut there (whole in
    // the other formats).
    constexpr std::size_t k_table_width = 100;
    if (view.width == 0 || view.width > k_table_width) view.width = k_table_width;
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    if (config->registrars.empty())
        ctx.report.note(fmt::format("no registrar accounts are configured ({})",
                                    ctx.config_path.empty()
                                        ? default_config_path().value_or("").string()
                                        : ctx.config_path));
    start_pager(options);
    RowWriter writer(listing_format(options.format), k_columns, use_color(ctx.color, 1), view);
    for (const auto& a : config->registrars) {
        const RegistrarKind* kind = find_registrar_kind(a.kind);
        std::string endpoint = a.endpoint.empty() ? std::string(kind->production) : a.endpoint;
        std::string checks =
            std::to_string(a.checks_per_minute ? a.checks_per_minute : kind->checks_per_minute);
        std::string creates =
            std::to_string(a.creates_per_minute ? a.creates_per_minute : kind->creates_per_minute);
        std::string in_flight = std::to_string(a.max_in_flight);
        std::string batch = std::to_string(a.check_batch ? a.check_batch : kind->batch);
        warn_above_documented(a, *kind, ctx);
        std::string tlds;
        for (const auto& t : a.tlds)
            tlds += (tlds.empty() ? "" : " ") + t;
        std::string price = price_text(a.max_price);
        std::string currency = a.max_price ? a.max_price->currency : std::string();
        std::array<Cell, 11> cells{
            Cell{a.name},       Cell{a.kind},        Cell{endpoint},
            Cell{checks, true}, Cell{creates, true}, Cell{in_flight, true},
            Cell{tlds},         Cell{price},         Cell{kind->catch_policy},
            Cell{batch, true},  Cell{currency}};
        writer.row(cells);
    }
    writer.finish();
    return 0;
}

} // namespace

CLI::App* add_registrar_command(CLI::App& parent, Context& ctx) {
    auto* group = parent.add_subcommand("registrar");
    group->require_subcommand(1);
    group->fallthrough();
    group->footer("Accounts come from the configuration file (--config); secrets never do.\n"
                  "See dropcat-registrar(1).");
    auto listing = std::make_shared<ListingOptions>();
    auto* list = group->add_subcommand("list", "the configured accounts, limits and catch policy");
    list->fallthrough();
    add_listing_options(*list, *listing, k_columns);
    list->footer("Examples:\n  dropcat registrar list --format json\n"
                 "  dropcat registrar list --columns name,kind,max_price");
    list->callback(
        [listing, &ctx] { ctx.action = [listing, &ctx] { return run_list(*listing, ctx); }; });
    add_registrar_net_commands(*group, ctx);
    return group;
}

} // namespace dropcat::cli
