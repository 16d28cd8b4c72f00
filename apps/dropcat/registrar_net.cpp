#include "registrar_net.hpp"

#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/money.hpp>
#include <dropcat/registrar.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
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

// The longest one wait for an account's limits may be: a longer one ends the command with 75
// (rate-limited), so that a registrar's wait of an hour does not hang a cron job.
constexpr std::chrono::seconds k_patience{120};
// After this many over-limit answers in a row for one account, dropcat stops asking (as
// Namecheap's SDK does after 4 attempts).
constexpr int k_max_limit_rounds = 6;

// A call's bounds: a request may take the account's own timeout, within two minutes.
Call call_now(const Registrar& r) {
    return Call{r.clock().now() + k_patience, interrupt_token()};
}

// Waits on the registrar's clock until `until`, saying so when the wait is longer than a
// second (on a terminal, and with -v). False when interrupted.
bool wait_until(const Registrar& r, Clock::time_point until, std::string_view reason,
                Context& ctx) {
    auto left = until - r.clock().now();
    if (left > std::chrono::seconds(1) && (::isatty(2) || ctx.verbosity > 0))
        ctx.report.note(fmt::format("waiting {} s: {}",
                                    std::chrono::ceil<std::chrono::seconds>(left).count(), reason));
    return r.clock().sleep_until(until, interrupt_token()) && !interrupted();
}

RegistrarSetup setup_for(const NetOptions& o, Context& ctx) {
    RegistrarSetup setup;
    setup.sandbox = o.sandbox;
    setup.stop = interrupt_token();
    setup.http.user_agent = "dropcat/" DROPCAT_VERSION;
    setup.state_dir = default_state_dir();
    // The request log, already redacted by the library, at -vv.
    setup.log = [&ctx](const HttpLogEntry& e) {
        if (e.status == 0 && e.total_ms == 0 && !e.error.empty()) {
            ctx.report.debug(fmt::format("{} {} -> not sent: {}", e.method, e.url, e.error));
            return;
        }
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
        // A ping is a request like any other: it waits for the account's limits first.
        if (registrar) {
            Registrar& r = **registrar;
            auto free = r.next_free(RequestClass::other);
            if (free - r.clock().now() <= k_patience)
                wait_until(r, free, fmt::format("{}'s limits", a->name), ctx);
        }
        Result<PingResult> ping = registrar
                                      ? (*registrar)->ping(call_now(**registrar))
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

// One output row from owned texts, kept until the rows before it are out.
using Row = std::vector<std::pair<std::string, bool>>;

Row check_row(const Quote& q, std::string_view account) {
    return {{q.domain, false},
            {std::string(account), false},
            {std::string(availability_name(q.availability)), false},
            {price_text(q.price), true},
            {q.price ? q.price->currency : "", false},
            {q.definitive ? "true" : "false", true},
            {q.detail, false}};
}

Row unanswered_row(const std::string& domain, std::string_view account,
                   std::string_view availability, std::string why) {
    return {{domain, false},
            {std::string(account), false},
            {std::string(availability), false},
            {"", true},
            {"", false},
            {"false", true},
            {std::move(why), false}};
}

// One account's share of a check: the positions of its names in the output, what is still to
// ask, and when its limits allow the next request.
struct CheckWork {
    const RegistrarAccount* account = nullptr;
    std::unique_ptr<Registrar> registrar;
    std::vector<std::size_t> items; // positions still without an answer
    Clock::time_point retry_at{};
    std::string reason;
    int stalled = 0; // rounds in a row that answered nothing
};

int run_check(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    if (!o.registrar.empty() && find_account(*config, o.registrar) == nullptr)
        return ctx.failed(no_such_account(*config, o.registrar));
    if (config->registrars.empty())
        return ctx.failed(Error{ErrorKind::config, "no registrar accounts are configured"});
    auto domains = domains_from(o.names);
    if (!domains) return ctx.failed(domains.error());
    const std::vector<std::string>& names = *domains;

    // Rows go out in the order the names were given, each as soon as it and every row before
    // it is known.
    RowWriter writer(
        listing_format(o.format),
        {"domain", "registrar", "availability", "price", "currency", "definitive", "detail"},
        use_color(ctx.color, 1));
    std::vector<std::optional<Row>> rows(names.size());
    std::size_t printed = 0;
    bool unanswered = false;
    auto flush = [&] {
        while (printed < rows.size() && rows[printed])
            write_row(writer, *rows[printed++]);
    };
    auto settle = [&](std::size_t i, Row row, bool answered) {
        rows[i] = std::move(row);
        unanswered = unanswered || !answered;
    };

    // Each name goes to the named account, else to the first account that serves its TLD.
    std::vector<CheckWork> work;
    int code = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const RegistrarAccount* chosen = o.registrar.empty() ? account_for(*config, names[i])
                                                             : find_account(*config, o.registrar);
        if (chosen == nullptr) {
            settle(i,
                   unanswered_row(names[i], "", "unsupported",
                                  fmt::format("no configured account serves .{}",
                                              names[i].substr(names[i].rfind('.') + 1))),
                   false);
            continue;
        }
        auto it = std::find_if(work.begin(), work.end(),
                               [&](const CheckWork& w) { return w.account == chosen; });
        if (it == work.end())
            it = work.insert(work.end(), CheckWork{chosen, nullptr, {}, {}, {}, 0});
        it->items.push_back(i);
    }
    auto give_up = [&](CheckWork& w, const std::string& why) {
        for (std::size_t i : w.items)
            settle(i, unanswered_row(names[i], w.account->name, "unknown", why), false);
        w.items.clear();
    };
    for (auto& w : work) {
        auto opened = open_registrar(*config, *w.account, setup_for(o, ctx));
        if (!opened) {
            ctx.report.error(opened.error().message);
            if (code == 0) code = exit_code(opened.error().kind);
            give_up(w, "not asked: " + opened.error().message);
            continue;
        }
        w.registrar = std::move(*opened);
    }
    flush();

    for (;;) {
        if (interrupted()) break;
        // The account that may ask soonest.
        CheckWork* next = nullptr;
        for (auto& w : work)
            if (!w.items.empty() && (next == nullptr || w.retry_at < next->retry_at)) next = &w;
        if (next == nullptr) break;
        CheckWork& w = *next;
        const Clock& clock = w.registrar->clock();
        if (w.retry_at > clock.now()) {
            if (w.retry_at - clock.now() > k_patience) {
                if (code == 0) code = exit_code(ErrorKind::temporary);
                give_up(w, fmt::format("not asked: {} allows no request within {} s", w.reason,
                                       k_patience.count()));
                flush();
                continue;
            }
            if (!wait_until(*w.registrar, w.retry_at, w.reason, ctx)) break;
        }
        std::vector<std::string> asked;
        for (std::size_t i : w.items)
            asked.push_back(names[i]);
        // Rows are settled as answers come, so that each is printed as soon as it can be.
        std::vector<bool> done(w.items.size(), false);
        auto sink = [&](const Quote& q) {
            for (std::size_t k = 0; k < w.items.size(); ++k)
                if (!done[k] && asked[k] == q.domain) {
                    done[k] = true;
                    settle(w.items[k], check_row(q, w.account->name),
                           q.availability != Availability::unknown);
                    break;
                }
            flush();
        };
        auto quotes = w.registrar->quote(asked, 1, call_now(*w.registrar), sink);
        if (!quotes) {
            ctx.report.error(quotes.error().message);
            if (code == 0) code = exit_code(quotes.error().kind);
            std::vector<std::size_t> left;
            for (std::size_t k = 0; k < w.items.size(); ++k)
                if (!done[k]) left.push_back(w.items[k]);
            w.items = left;
            give_up(w, "not asked: " + quotes.error().message);
            flush();
            continue;
        }
        std::vector<std::size_t> left;
        std::optional<Clock::time_point> retry;
        for (std::size_t k = 0; k < quotes->size() && k < w.items.size(); ++k) {
            const Quote& q = (*quotes)[k];
            if (done[k]) continue;
            if (q.retry_at) {
                left.push_back(w.items[k]);
                if (!retry || *q.retry_at < *retry) {
                    retry = q.retry_at;
                    w.reason = q.wait_reason;
                }
                continue;
            }
            settle(w.items[k], check_row(q, w.account->name),
                   q.availability != Availability::unknown);
        }
        w.stalled = left.size() == w.items.size() ? w.stalled + 1 : 0;
        w.items = std::move(left);
        w.retry_at = retry.value_or(Clock::time_point{});
        if (w.stalled >= k_max_limit_rounds) {
            if (code == 0) code = exit_code(ErrorKind::temporary);
            give_up(w, fmt::format("not asked: still held by {} after {} tries", w.reason,
                                   k_max_limit_rounds));
        }
        flush();
    }
    bool stopped = interrupted();
    for (auto& w : work)
        give_up(w, stopped ? "not asked: interrupted" : "not asked");
    flush();
    writer.finish();
    if (stopped) {
        ctx.report.error("interrupted; the names answered so far are printed");
        return exit_code(ErrorKind::interrupted);
    }
    if (unanswered) {
        ctx.report.warning("some names could not be checked (availability unknown)");
        if (code == 0) code = exit_code(ErrorKind::unavailable);
    }
    return code;
}

// Quotes one name, waiting out the account's limits within the patience. The quote may be
// unknown (with retry_at when the limits still hold it).
Result<Quote> quote_one(Registrar& registrar, const std::string& domain, int years, Context& ctx) {
    Quote q;
    for (int round = 0; round < k_max_limit_rounds; ++round) {
        auto quotes = registrar.quote(std::span(&domain, 1), years, call_now(registrar));
        if (!quotes) return std::unexpected(quotes.error());
        q = quotes->front();
        if (!q.retry_at || *q.retry_at - registrar.clock().now() > k_patience) break;
        if (!wait_until(registrar, *q.retry_at, q.wait_reason, ctx))
            return fail(ErrorKind::interrupted, "interrupted");
    }
    return q;
}

// Creates, waiting out the account's limits and over-limit answers that came before
// execution, within the patience. The connection is warmed right before each create (after
// any wait), so that the create pays neither TCP nor TLS, as at drop time.
CreateResult create_one(Registrar& registrar, const CreateRequest& request, Context& ctx) {
    CreateResult r;
    bool may_send = !quote_blocks_create(request, registrar.clock().now(), true);
    for (int round = 0; round < k_max_limit_rounds; ++round) {
        if (may_send) {
            auto free = registrar.next_free(RequestClass::create);
            if (free > registrar.clock().now() && free - registrar.clock().now() <= k_patience &&
                !wait_until(registrar, free,
                            fmt::format("{}'s create limit", registrar.account().name), ctx))
                break;
            // A failure to connect is the create's own to report (nothing sent: transient).
            (void)registrar.warm(call_now(registrar));
        }
        r = registrar.create(request, call_now(registrar));
        if (r.outcome != Outcome::rate_limited || !r.retry_at ||
            *r.retry_at - registrar.clock().now() > k_patience)
            break;
        if (!wait_until(registrar, *r.retry_at, r.wait_reason, ctx)) break;
    }
    return r;
}

int run_register(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    const RegistrarAccount* account = find_account(*config, o.registrar);
    if (account == nullptr) return ctx.failed(no_such_account(*config, o.registrar));
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
    auto domains = domains_from(o.names);
    if (!domains) return ctx.failed(domains.error());
    if (account->max_price && ceiling->minor > account->max_price->minor) {
        ctx.report.note(
            fmt::format("the account's max_price {} is lower than --max-price; it applies",
                        format_money(*account->max_price)));
        ceiling = *account->max_price;
    }
    auto registrar = open_registrar(*config, *account, setup_for(o, ctx));
    if (!registrar) return ctx.failed(registrar.error());
    RowWriter writer(
        listing_format(o.format),
        {"domain", "registrar", "outcome", "dry_run", "price", "currency", "order_id", "detail"},
        use_color(ctx.color, 1));
    int code = 0;
    bool hint_live = false;
    for (const auto& domain : *domains) {
        if (interrupted()) break;
        CreateRequest request;
        request.domain = domain;
        request.years = o.years;
        request.max_price = *ceiling;
        request.dry_run = !o.live;
        // The quote first; a create only on a quote that allows it.
        CreateResult r;
        auto quoted = quote_one(**registrar, domain, o.years, ctx);
        if (!quoted && quoted.error().kind == ErrorKind::interrupted) break;
        if (!quoted) {
            r.dry_run = request.dry_run;
            r.outcome = Outcome::auth_error;
            r.detail = quoted.error().message;
        } else {
            request.quote = *quoted;
            r = create_one(**registrar, request, ctx);
        }
        // Interrupted before anything was sent: nothing to report. Once a create was sent its
        // outcome (perhaps ambiguous) is printed whatever happened after.
        if (interrupted() && !r.sent) break;
        write_row(writer, {{request.domain, false},
                           {account->name, false},
                           {std::string(outcome_name(r.outcome)), false},
                           {r.dry_run ? "true" : "false", true},
                           {price_text(r.price), true},
                           {r.price ? r.price->currency : "", false},
                           {r.order_id, false},
                           {r.detail, false}});
        if (r.dry_run && r.outcome == Outcome::dry_run_ok) hint_live = true;
        if (r.outcome == Outcome::ambiguous)
            ctx.report.error(fmt::format("{}: the create may have executed; check the account "
                                         "at {} before trying again (dropcat will not resend it)",
                                         request.domain, account->name));
        else if (auto failed = outcome_error(r.outcome))
            ctx.report.error(
                fmt::format("{}: {}: {}", request.domain, outcome_name(r.outcome), r.detail));
        if (auto failed = outcome_error(r.outcome); failed && code == 0) code = exit_code(*failed);
    }
    writer.finish();
    if (interrupted()) {
        ctx.report.error("interrupted; no further create was sent");
        // An outcome already printed (an ambiguous create, say) says more than the interrupt.
        return code != 0 ? code : exit_code(ErrorKind::interrupted);
    }
    if (hint_live && code == 0)
        ctx.report.note("dry run: nothing was bought; add --live to register");
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
    add_common(*reg, *reg_o);
    reg->footer(
        "Without --live nothing is bought: the registrar's own dry run where it has one,\n"
        "otherwise only the availability and price check.\nExample:\n"
        "  dropcat registrar register --registrar pb-main example.com --max-price '12.00 USD'");
    reg->callback(
        [reg_o, &ctx] { ctx.action = [reg_o, &ctx] { return run_register(*reg_o, ctx); }; });
}

} // namespace dropcat::cli
