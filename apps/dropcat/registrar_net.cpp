#include "registrar_net.hpp"

#include "options.hpp"
#include "registrar_common.hpp"
#include "signals.hpp"

#include <fmt/format.h>

#include <memory>

namespace dropcat::cli {

int run_ping(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    std::vector<const RegistrarAccount*> accounts;
    for (const auto& n : o.names) {
        const RegistrarAccount* a = find_account(*config, n);
        if (a == nullptr) return ctx.failed(no_such_account(*config, n));
        accounts.push_back(a);
    }
    if (o.names.empty())
        for (const auto& a : config->registrars)
            accounts.push_back(&a);
    if (accounts.empty())
        return ctx.failed(Error{ErrorKind::config, "no registrar accounts are configured"});
    RowView view;
    if (int bad = open_view(o, k_ping_columns, ctx, view)) return bad;
    RowWriter writer(listing_format(o.listing.format), k_ping_columns, use_color(ctx.color, 1),
                     view);
    int code = 0;
    for (const RegistrarAccount* a : accounts) {
        auto registrar = open_account(*config, *a, o, ctx);
        // A ping is a request like any other: it waits for the account's limits first.
        if (registrar) {
            Registrar& r = **registrar;
            wait_for_room(r, RequestClass::other, ctx);
        }
        Result<PingResult> ping = registrar
                                      ? (*registrar)->ping(call_now(**registrar))
                                      : Result<PingResult>(std::unexpected(registrar.error()));
        if (interrupted()) return exit_code(ErrorKind::interrupted);
        if (ping) {
            write_row(writer, {{a->name, false},
                               {a->kind, false},
                               {"true", true},
                               {price_text(ping->balance), false},
                               {ping->balance ? ping->balance->currency : "", false},
                               {fmt::format("{:.0f}", ping->round_trip_ms), true},
                               {ping->detail, false}});
        } else {
            write_row(writer, {{a->name, false},
                               {a->kind, false},
                               {"false", true},
                               {"", true},
                               {"", false},
                               {"", true},
                               {ping.error().message, false}});
            ctx.report.error(ping.error().message);
            if (code == 0) code = exit_code(ping.error().kind);
        }
    }
    writer.finish();
    return code;
}

void add_registrar_net_commands(CLI::App& group, Context& ctx) {
    auto ping_o = std::make_shared<NetOptions>();
    auto* ping = group.add_subcommand("ping", "check credentials, IP whitelist and balance");
    ping->fallthrough();
    set_live_values(ping->add_option("NAME", ping_o->names, "accounts to ping (default: all)"),
                    "registrars");
    add_common(*ping, *ping_o, k_ping_columns);
    ping->footer(
        "The preflight to run the day before a drop.\nExample:\n  dropcat registrar ping dyn-main");
    ping->callback(
        [ping_o, &ctx] { ctx.action = [ping_o, &ctx] { return run_ping(*ping_o, ctx); }; });

    auto check_o = std::make_shared<NetOptions>();
    auto* check = group.add_subcommand("check", "availability and price of names, within limits");
    check->fallthrough();
    check->add_option("DOMAIN", check_o->names, "names to check, or - to read them from stdin")
        ->required();
    set_live_values(check
                        ->add_option("--registrar", check_o->registrar,
                                     "the account to ask (default: the first serving the TLD)")
                        ->type_name("NAME"),
                    "registrars");
    add_common(*check, *check_o, k_check_columns);
    check->footer("Exit status 69 when any name's availability is unknown.\nExample:\n"
                  "  dropcat registrar check --registrar dyn-main example.com example.net");
    check->callback(
        [check_o, &ctx] { ctx.action = [check_o, &ctx] { return run_check(*check_o, ctx); }; });

    auto reg_o = std::make_shared<NetOptions>();
    auto* reg = group.add_subcommand("register", "register names (a dry run unless --live)");
    reg->fallthrough();
    reg->add_option("DOMAIN", reg_o->names, "names to register, or - to read them from stdin")
        ->required();
    set_live_values(reg->add_option("--registrar", reg_o->registrar, "the account to register with")
                        ->type_name("NAME")
                        ->required(),
                    "registrars");
    reg->add_option("--max-price", reg_o->max_price, "never pay more than this, e.g. \"25.00 USD\"")
        ->type_name("PRICE")
        ->required();
    reg->add_option("--years", reg_o->years, "registration period (default: 1)")
        ->type_name("N")
        ->check(range_validator(1, 10));
    reg->add_flag("--live", reg_o->live, "really register (without it: a dry run)");
    add_common(*reg, *reg_o, k_register_columns);
    reg->footer(
        "Without --live nothing is bought: the registrar's own dry run where it has one,\n"
        "otherwise only the availability and price check.\nExample:\n"
        "  dropcat registrar register --registrar pb-main example.com --max-price '12.00 USD'");
    reg->callback(
        [reg_o, &ctx] { ctx.action = [reg_o, &ctx] { return run_register(*reg_o, ctx); }; });

    auto owns_o = std::make_shared<NetOptions>();
    auto* owns = group.add_subcommand("owns", "whether names are in an account now");
    owns->fallthrough();
    owns->add_option("DOMAIN", owns_o->names, "names to ask about, or - to read them from stdin")
        ->required();
    set_live_values(owns->add_option("--registrar", owns_o->registrar,
                                     "the account to ask (default: every one serving the TLD)")
                        ->type_name("NAME"),
                    "registrars");
    add_common(*owns, *owns_o, k_owns_columns);
    owns->footer("Settles creates whose outcome was not known (exit 3 from register).\n"
                 "Exit status 69 when an account could not say.\nExample:\n"
                 "  dropcat registrar owns --registrar dyn-main example.com");
    owns->callback(
        [owns_o, &ctx] { ctx.action = [owns_o, &ctx] { return run_owns(*owns_o, ctx); }; });
}

} // namespace dropcat::cli
