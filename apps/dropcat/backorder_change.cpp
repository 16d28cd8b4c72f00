#include "backorder_cmd.hpp"
#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>
#include <unistd.h>

namespace dropcat::cli {

namespace {

struct CancelOptions {
    std::vector<std::int64_t> ids;
    std::string domain;
    std::string email;
};

int run_cancel(const CancelOptions& options, const BackorderGroup& group, Context& ctx) {
    bool by_name = !options.domain.empty() || !options.email.empty();
    if (options.ids.empty() == !by_name ||
        (by_name && (options.domain.empty() || options.email.empty()))) {
        ctx.report.error("give backorder ids, or --domain and --email together");
        ctx.report.plain("try 'dropcat backorder cancel --help'");
        return exit_code(ErrorKind::usage);
    }
    // A bad --domain or --email is bad data (65), as in every command that takes them.
    std::optional<DomainName> name;
    std::optional<std::string> email;
    if (by_name) {
        auto parsed = parse_domain(options.domain);
        if (!parsed)
            return ctx.failed(Error{ErrorKind::data, "--domain: " + parsed.error().message});
        auto normal = normalise_email(options.email);
        if (!normal)
            return ctx.failed(Error{ErrorKind::data, "--email: " + normal.error().message});
        name = *parsed;
        email = *normal;
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Backorders book(*store);
    std::vector<std::int64_t> ids = options.ids;
    if (by_name) {
        auto found = book.find(name->ascii, *email);
        if (!found) return ctx.failed(found.error());
        if (found->empty())
            return ctx.failed(Error{ErrorKind::data,
                                    fmt::format("{} has no backorder on {}", *email, name->ascii)});
        ids = *found;
    }
    auto changed = book.cancel(ids, group.actor(), wall_clock_now());
    if (!changed) return ctx.failed(changed.error());
    ctx.report.note(fmt::format("cancelled {} of {}{}", *changed,
                                counted(ids.size(), "backorder", "backorders"),
                                *changed < ids.size() ? " (the others were not active)" : ""));
    return 0;
}

struct SetOptions {
    std::vector<std::int64_t> ids;
    std::optional<int> priority;
    std::optional<std::string> note;
};

int run_set(const SetOptions& options, const BackorderGroup& group, Context& ctx) {
    if (!options.priority && !options.note) {
        ctx.report.error("give --priority or --note (or both)");
        ctx.report.plain("try 'dropcat backorder set --help'");
        return exit_code(ErrorKind::usage);
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto changed = Backorders(*store).set(options.ids, options.priority, options.note,
                                          group.actor(), wall_clock_now());
    if (!changed) return ctx.failed(changed.error());
    ctx.report.note(
        fmt::format("changed {} of {} backorder{}{}", *changed, options.ids.size(),
                    options.ids.size() == 1 ? "" : "s",
                    *changed < options.ids.size() ? " (the others had those values)" : ""));
    return 0;
}

struct ForgetOptions {
    std::string email;
    bool yes = false;
};

int run_forget(const ForgetOptions& options, const BackorderGroup& group, Context& ctx) {
    auto email = normalise_email(options.email);
    if (!email) return ctx.failed(email.error());
    if (!options.yes) {
        if (isatty(STDIN_FILENO) == 0) {
            return ctx.failed(Error{ErrorKind::usage,
                                    "forget erases personal data for good: confirm with --yes "
                                    "when not on a terminal"});
        }
        std::fprintf(stderr,
                     "Erase the name, email, company, phone and notes of %s for good? [y/N] ",
                     email->c_str());
        char answer[16] = {0};
        if (std::fgets(answer, sizeof answer, stdin) == nullptr ||
            (answer[0] != 'y' && answer[0] != 'Y')) {
            ctx.report.note("nothing was erased");
            return exit_code(ErrorKind::failed);
        }
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Backorders book(*store);
    auto out = book.forget(*email, group.actor(), wall_clock_now());
    if (!out) return ctx.failed(out.error());
    // Old copies held by another session's reading are removed once it ends: wait a little for
    // that here (the library does not wait), then say what is left.
    if (out->leftover && out->leftover->kind == ErrorKind::temporary) {
        ctx.report.note("another session is reading the store; waiting up to 10 s for it, to "
                        "remove the old copies of the erased data");
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (out->leftover && out->leftover->kind == ErrorKind::temporary && !interrupted() &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            auto purged = book.purge();
            if (purged)
                out->leftover.reset();
            else
                out->leftover = purged.error();
        }
    }
    if (out->opted_out)
        ctx.report.note(fmt::format("{} had opted out of offers: the opt-out is kept by the "
                                    "address's hash alone",
                                    *email));
    if (!out->found && !out->opted_out) {
        // An earlier forget's leftovers, if any, were purged or are said here too.
        if (out->leftover) ctx.report.warning(out->leftover->message);
        return ctx.failed(
            Error{ErrorKind::data,
                  fmt::format("no customer with the address {}; nothing was erased", *email)});
    }
    if (out->found)
        ctx.report.note(fmt::format("erased the personal data of {}; {} kept without it", *email,
                                    counted(out->backorders, "backorder", "backorders")));
    if (out->leftover) return ctx.failed(*out->leftover);
    return 0;
}

int run_expire(int grace, const BackorderGroup& group, Context& ctx) {
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Backorders book(*store);
    Day today = day_of(wall_clock_now());
    auto n = book.expire(today, grace, group.actor(), wall_clock_now());
    if (!n) return ctx.failed(n.error());
    ctx.report.note(fmt::format("expired {} whose {} dropped {} or more days ago",
                                counted(*n, "backorder", "backorders"), *n == 1 ? "name" : "names",
                                grace));
    return 0;
}

} // namespace

void add_backorder_change(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared) {
    auto cancel = std::make_shared<CancelOptions>();
    auto* c = group.add_subcommand("cancel", "cancel backorders (kept, with an event)");
    c->fallthrough();
    // Only active backorders can be cancelled: completion offers those.
    set_live_values(c->add_option("ID", cancel->ids, "backorder ids")->type_name("ID"),
                    "active-backorder-ids");
    c->add_option("--domain", cancel->domain, "the name (with --email)")->type_name("DOMAIN");
    c->add_option("--email", cancel->email, "the customer (with --domain)")->type_name("EMAIL");
    c->footer("Examples:\n  dropcat backorder cancel 12 14\n"
              "  dropcat backorder cancel --domain example.com --email anna@example.se");
    c->callback([cancel, shared, &ctx] {
        ctx.action = [cancel, shared, &ctx] { return run_cancel(*cancel, *shared, ctx); };
    });

    auto set = std::make_shared<SetOptions>();
    auto* s = group.add_subcommand("set", "change backorders' priority or note (with an event)");
    s->fallthrough();
    set_live_values(s->add_option("ID", set->ids, "backorder ids")->required()->type_name("ID"),
                    "backorder-ids");
    s->add_option("--priority", set->priority, "the new priority (higher goes first)")
        ->type_name("N");
    s->add_option("--note", set->note, "the new note; \"\" removes it")->type_name("TEXT");
    s->footer("Examples:\n  dropcat backorder set 12 --priority 9\n"
              "  dropcat backorder set 12 14 --note 'asked again by phone'");
    s->callback([set, shared, &ctx] {
        ctx.action = [set, shared, &ctx] { return run_set(*set, *shared, ctx); };
    });

    auto forget = std::make_shared<ForgetOptions>();
    auto* f = group.add_subcommand("forget", "erase a customer's personal data on request");
    f->fallthrough();
    f->add_option("EMAIL", forget->email, "the customer's address")->required()->type_name("EMAIL");
    f->add_flag("-y,--yes", forget->yes, "do not ask (needed when not on a terminal)");
    f->footer("Keeps anonymous counts; afterwards the store holds no trace of the address.\n"
              "Example:\n  dropcat backorder forget anna@example.se --yes");
    f->callback([forget, shared, &ctx] {
        ctx.action = [forget, shared, &ctx] { return run_forget(*forget, *shared, ctx); };
    });

    auto grace = std::make_shared<int>(3);
    auto* e =
        group.add_subcommand("expire", "mark backorders expired whose names dropped uncaught");
    e->fallthrough();
    e->add_option("--grace", *grace, "days after the drop date (default: 3)")
        ->type_name("DAYS")
        ->check(range_validator(0, 365));
    e->footer("Safe to run from cron.\nExample:\n  dropcat backorder expire --grace 3");
    e->callback([grace, shared, &ctx] {
        ctx.action = [grace, shared, &ctx] { return run_expire(*grace, *shared, ctx); };
    });
}

} // namespace dropcat::cli
