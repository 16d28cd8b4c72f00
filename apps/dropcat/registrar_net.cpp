#include "registrar_net.hpp"

#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/money.hpp>
#include <dropcat/registrar.hpp>

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>

namespace dropcat::cli {

namespace {

struct NetOptions {
    bool sandbox = false;
    std::string format;
    std::vector<std::string> names; // accounts (ping) or domains (check)
    std::string registrar;
    std::string domain;
    std::string max_price;
    int years = 1;
    bool live = false;
};

std::string price_text(const std::optional<Money>& price) {
    if (!price) return {};
    return fmt::format("{}.{:02}", price->minor / 100, price->minor % 100);
}

// One output row from owned texts (a Cell only views its text). `true` marks a JSON bare value.
void write_row(RowWriter& writer, std::vector<std::pair<std::string, bool>> values) {
    std::vector<Cell> cells;
    for (const auto& [text, bare] : values)
        cells.push_back(Cell{text, bare});
    writer.row(cells);
}

RegistrarSetup setup_for(const NetOptions& o, Context& ctx) {
    RegistrarSetup setup;
    setup.sandbox = o.sandbox;
    setup.http.cancelled = [] { return interrupted(); };
    setup.http.user_agent = "dropcat/" DROPCAT_VERSION;
    setup.state_dir = default_state_dir();
    // The request log, already redacted by the library, at -vv.
    setup.log = [&ctx](const HttpLogEntry& e) {
        std::string status = e.status ? std::to_string(e.status) : "no answer";
        std::string line =
            fmt::format("{} {} -> {} in {:.1f} ms (connect {:.1f}, first byte {:.1f}{})", e.method,
                        e.url, status, e.total_ms, e.connect_ms, e.first_byte_ms,
                        e.reused ? ", connection reused" : "");
        if (!e.error.empty()) line += ": " + e.error;
        ctx.report.debug(line);
    };
    return setup;
}

const RegistrarAccount* find_account(const Config& config, std::string_view name) {
    for (const auto& a : config.registrars)
        if (a.name == name) return &a;
    return nullptr;
}

Error no_such_account(const Config& config, std::string_view name) {
    std::string known;
    for (const auto& a : config.registrars)
        known += (known.empty() ? "" : ", ") + a.name;
    return Error{ErrorKind::usage,
                 fmt::format("no registrar account '{}' in the configuration ({})", name,
                             known.empty() ? "none configured" : "configured: " + known)};
}

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
    RowWriter writer(listing_format(o.format),
                     {"name", "kind", "ok", "balance", "currency", "ms", "detail"},
                     use_color(ctx.color, 1));
    int code = 0;
    for (const RegistrarAccount* a : accounts) {
        auto registrar = open_registrar(*config, *a, setup_for(o, ctx));
        Result<PingResult> ping = registrar
                                      ? (*registrar)->ping()
                                      : Result<PingResult>(std::unexpected(registrar.error()));
        if (interrupted()) return exit_code(ErrorKind::interrupted);
        if (ping) {
            write_row(writer, {{a->name, false},
                               {a->kind, false},
                               {"true", true},
                               {price_text(ping->balance), true},
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

// The domains named on the line, or read one per line from stdin for "-".
Result<std::vector<std::string>> domains_from(const std::vector<std::string>& args) {
    std::vector<std::string> texts;
    for (const auto& a : args) {
        if (a != "-") {
            texts.push_back(a);
            continue;
        }
        std::string line;
        while (std::getline(std::cin, line)) {
            if (interrupted()) return fail(ErrorKind::interrupted, "interrupted");
            auto first = line.find_first_not_of(" \t\r");
            if (first == std::string::npos || line[first] == '#') continue;
            texts.push_back(line);
        }
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        auto d = parse_domain(texts[i]);
        if (!d) return fail(ErrorKind::data, fmt::format("'{}': {}", texts[i], d.error().message));
        out.push_back(d->ascii);
    }
    if (out.empty()) return fail(ErrorKind::usage, "no domain names to check");
    return out;
}

bool serves(const RegistrarAccount& a, const std::string& domain) {
    if (a.tlds.empty()) return true;
    for (const auto& t : a.tlds)
        if (domain.size() > t.size() && domain.ends_with("." + t)) return true;
    return false;
}

int run_check(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    if (!o.registrar.empty() && find_account(*config, o.registrar) == nullptr)
        return ctx.failed(no_such_account(*config, o.registrar));
    if (config->registrars.empty())
        return ctx.failed(Error{ErrorKind::config, "no registrar accounts are configured"});
    auto domains = domains_from(o.names);
    if (!domains) return ctx.failed(domains.error());
    // Each name goes to the named account, else to the first account that serves its TLD.
    std::map<const RegistrarAccount*, std::vector<std::string>> plan;
    for (const auto& d : *domains) {
        const RegistrarAccount* chosen = nullptr;
        if (!o.registrar.empty())
            chosen = find_account(*config, o.registrar);
        else
            for (const auto& a : config->registrars)
                if (chosen == nullptr && serves(a, d)) chosen = &a;
        if (chosen == nullptr)
            return ctx.failed(Error{ErrorKind::usage,
                                    fmt::format("no configured account serves {}; name one with "
                                                "--registrar",
                                                d)});
        plan[chosen].push_back(d);
    }
    RowWriter writer(
        listing_format(o.format),
        {"domain", "registrar", "availability", "price", "currency", "definitive", "detail"},
        use_color(ctx.color, 1));
    bool unknown = false;
    for (const auto& [account, names] : plan) {
        auto registrar = open_registrar(*config, *account, setup_for(o, ctx));
        if (!registrar) return ctx.failed(registrar.error());
        auto results = (*registrar)->check(names);
        if (interrupted()) return exit_code(ErrorKind::interrupted);
        if (!results) return ctx.failed(results.error());
        for (const auto& r : *results) {
            unknown = unknown || r.availability == Availability::unknown;
            write_row(writer, {{r.domain, false},
                               {account->name, false},
                               {std::string(availability_name(r.availability)), false},
                               {price_text(r.price), true},
                               {r.price ? r.price->currency : "", false},
                               {r.definitive ? "true" : "false", true},
                               {r.detail, false}});
        }
    }
    writer.finish();
    if (unknown) {
        ctx.report.warning("some names could not be checked (availability unknown)");
        return exit_code(ErrorKind::unavailable);
    }
    return 0;
}

int register_exit_code(Outcome o) {
    switch (o) {
    case Outcome::registered:
    case Outcome::pending:
    case Outcome::dry_run_ok:
        return 0;
    case Outcome::rate_limited:
        return exit_code(ErrorKind::temporary);
    case Outcome::auth_error:
        return exit_code(ErrorKind::config);
    case Outcome::transient:
        return exit_code(ErrorKind::unavailable);
    default:
        return exit_code(ErrorKind::failed);
    }
}

int run_register(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    const RegistrarAccount* account = find_account(*config, o.registrar);
    if (account == nullptr) return ctx.failed(no_such_account(*config, o.registrar));
    auto domain = parse_domain(o.domain);
    if (!domain)
        return ctx.failed(
            Error{ErrorKind::data, fmt::format("'{}': {}", o.domain, domain.error().message)});
    auto usage = [&ctx](std::string message) {
        int code = ctx.failed(Error{ErrorKind::usage, std::move(message)});
        ctx.report.plain("try 'dropcat registrar register --help'");
        return code;
    };
    auto ceiling = parse_money(o.max_price);
    if (!ceiling) return usage(fmt::format("--max-price: {}", ceiling.error().message));
    if (account->max_price && account->max_price->currency != ceiling->currency)
        return usage(fmt::format("--max-price is in {} and {}'s max_price ({}) in {}: "
                                 "give --max-price in {}",
                                 ceiling->currency, account->name,
                                 format_money(*account->max_price), account->max_price->currency,
                                 account->max_price->currency));
    if (account->max_price && ceiling->minor > account->max_price->minor) {
        ctx.report.note(
            fmt::format("the account's max_price {} is lower than --max-price; it applies",
                        format_money(*account->max_price)));
        ceiling = *account->max_price;
    }
    auto registrar = open_registrar(*config, *account, setup_for(o, ctx));
    if (!registrar) return ctx.failed(registrar.error());
    RegisterRequest request{domain->ascii, o.years, *ceiling, {}, !o.live};
    RegisterResult r = (*registrar)->register_domain(request);
    // Interrupted before anything was sent: nothing to report. Once a create was sent its
    // outcome (perhaps ambiguous) is printed whatever happened after.
    if (interrupted() && !r.sent) {
        ctx.report.error("interrupted; no create was sent");
        return exit_code(ErrorKind::interrupted);
    }
    RowWriter writer(
        listing_format(o.format),
        {"domain", "registrar", "outcome", "dry_run", "price", "currency", "order_id", "detail"},
        use_color(ctx.color, 1));
    write_row(writer, {{request.domain, false},
                       {account->name, false},
                       {std::string(outcome_name(r.outcome)), false},
                       {r.dry_run ? "true" : "false", true},
                       {price_text(r.price), true},
                       {r.price ? r.price->currency : "", false},
                       {r.order_id, false},
                       {r.detail, false}});
    writer.finish();
    if (r.dry_run) ctx.report.note(fmt::format("dry run: {}; add --live to register", r.detail));
    if (r.outcome == Outcome::ambiguous)
        ctx.report.error(fmt::format("{}: the create may have executed; check the account at {} "
                                     "before trying again (dropcat will not resend it)",
                                     request.domain, account->name));
    int code = register_exit_code(r.outcome);
    if (code != 0 && r.outcome != Outcome::ambiguous)
        ctx.report.error(
            fmt::format("{}: {}: {}", request.domain, outcome_name(r.outcome), r.detail));
    return code;
}

void add_common(CLI::App& cmd, NetOptions& o) {
    cmd.add_flag("--sandbox", o.sandbox,
                 "use each kind's sandbox endpoint where the account names none");
    add_choice(cmd, "--format", o.format, listing_format_names(),
               "output format (default: table on a terminal)");
}

} // namespace

void add_registrar_net_commands(CLI::App& group, Context& ctx) {
    auto ping_o = std::make_shared<NetOptions>();
    auto* ping = group.add_subcommand("ping", "check credentials, IP whitelist and balance");
    ping->fallthrough();
    set_live_values(ping->add_option("NAME", ping_o->names, "accounts to ping (default: all)"),
                    "registrars");
    add_common(*ping, *ping_o);
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
    add_common(*check, *check_o);
    check->footer("Exit status 69 when any name's availability is unknown.\nExample:\n"
                  "  dropcat registrar check --registrar dyn-main example.com example.net");
    check->callback(
        [check_o, &ctx] { ctx.action = [check_o, &ctx] { return run_check(*check_o, ctx); }; });

    auto reg_o = std::make_shared<NetOptions>();
    auto* reg = group.add_subcommand("register", "register one name (a dry run unless --live)");
    reg->fallthrough();
    reg->add_option("DOMAIN", reg_o->domain, "the name to register")->required();
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
    add_common(*reg, *reg_o);
    reg->footer(
        "Without --live nothing is bought: the registrar's own dry run where it has one,\n"
        "otherwise only the availability and price check.\nExample:\n"
        "  dropcat registrar register --registrar pb-main example.com --max-price '12.00 USD'");
    reg->callback(
        [reg_o, &ctx] { ctx.action = [reg_o, &ctx] { return run_register(*reg_o, ctx); }; });
}

} // namespace dropcat::cli
