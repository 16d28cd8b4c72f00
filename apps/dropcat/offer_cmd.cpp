// dropcat offer: opt-outs (optout, optouts, import-optouts) and the names held (hold).
#include "offer_cmd.hpp"

#include "options.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/mail.hpp>
#include <dropcat/offer.hpp>

#include <fmt/format.h>

#include <fstream>
#include <iostream>

namespace dropcat::cli {

const std::vector<std::string> k_optout_columns = {"address", "address_hash", "source", "reason",
                                                   "created_at"};

int run_offer_optout(const OfferOptions& o, Context& ctx) {
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto added = suppress_address(*store, o.email, "command", o.reason, wall_clock_now());
    if (!added) return ctx.failed(added.error());
    ctx.report.note(*added ? fmt::format("{}: no offer or notice goes to it from now on",
                                         canonical_address(o.email))
                           : fmt::format("{}: already opted out", canonical_address(o.email)));
    return 0;
}

int run_offer_optouts(const OfferOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_optout_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    auto list = store->read(
        [&](const ReadTx& tx) -> Result<std::vector<Suppression>> { return tx.optouts().list(); });
    if (!list) return ctx.failed(list.error());
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_optout_columns, use_color(ctx.color, 1),
                     view);
    for (const auto& s : *list) {
        // Cells view their text: it lives here for the row.
        std::string address = s.address.value_or("");
        std::string created = format_utc(s.created_at);
        std::array<Cell, 5> cells{Cell{address}, Cell{s.address_hash}, Cell{s.source},
                                  Cell{s.reason}, Cell{created}};
        writer.row(cells);
    }
    writer.finish();
    if (list->empty()) ctx.report.note("no opt-outs");
    return 0;
}

int run_offer_import_optouts(const OfferOptions& o, Context& ctx) {
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Result<OptOutImport> done = std::unexpected(Error{});
    if (o.file == "-") {
        done = import_optouts(*store, std::cin, "stdin", wall_clock_now());
    } else {
        std::ifstream in(o.file);
        if (!in)
            return ctx.failed(
                Error{ErrorKind::no_input, fmt::format("{}: cannot be read", o.file)});
        done = import_optouts(*store, in, o.file, wall_clock_now());
    }
    if (!done) return ctx.failed(done.error());
    ctx.report.note(fmt::format("{} opted out, {} already", done->added, done->already));
    return 0;
}

int run_offer_hold(const OfferOptions& o, Context& ctx) {
    auto name = parse_domain(o.domain);
    if (!name) return ctx.failed(Error{ErrorKind::data, name.error().message});
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto added = hold_name(*store, name->ascii, o.note, wall_clock_now());
    if (!added) return ctx.failed(added.error());
    ctx.report.note(*added ? fmt::format("{}: held, and may be offered", name->ascii)
                           : fmt::format("{}: already held", name->ascii));
    return 0;
}

CLI::App* add_offer_command(CLI::App& parent, Context& ctx) {
    auto* cmd = parent.add_subcommand("offer");
    cmd->require_subcommand(1);
    cmd->footer("Offers to interested parties: truthful, approved by a person, with an opt-out\n"
                "honoured at once and forever. So far: the opt-outs and the names held.\n"
                "Examples:\n"
                "  dropcat offer optout bob@example.net --reason \"asked by phone\"\n"
                "  dropcat offer import-optouts unsubscribed.txt\n"
                "  dropcat offer hold example.com");

    auto optout_o = std::make_shared<OfferOptions>();
    auto* optout = cmd->add_subcommand("optout", "no offer or notice goes to EMAIL, ever");
    optout->add_option("EMAIL", optout_o->email, "the address")->required();
    optout->add_option("--reason", optout_o->reason, "why, for the record")->type_name("TEXT");
    optout->footer("Example:\n  dropcat offer optout bob@example.net --reason \"replied STOP\"");
    optout->callback([optout_o, &ctx] {
        ctx.action = [optout_o, &ctx] { return run_offer_optout(*optout_o, ctx); };
    });

    auto optouts_o = std::make_shared<OfferOptions>();
    auto* optouts = cmd->add_subcommand("optouts", "every address opted out");
    add_listing_options(*optouts, optouts_o->listing, k_optout_columns);
    optouts->footer("Example:\n  dropcat offer optouts --format csv");
    optouts->callback([optouts_o, &ctx] {
        ctx.action = [optouts_o, &ctx] { return run_offer_optouts(*optouts_o, ctx); };
    });

    auto import_o = std::make_shared<OfferOptions>();
    auto* import = cmd->add_subcommand("import-optouts",
                                       "opt out every address in FILE (- for stdin), one a line");
    set_value_kind(import->add_option("FILE", import_o->file, "the list (- for stdin)")->required(),
                   ValueKind::file);
    import->footer("Blank lines and lines starting with # are skipped. All or nothing: a line "
                   "that is\nnot an address is an error with its line, and nothing is "
                   "written.\nExample:\n  dropcat offer import-optouts unsubscribed.txt");
    import->callback([import_o, &ctx] {
        ctx.action = [import_o, &ctx] { return run_offer_import_optouts(*import_o, ctx);
};
} // namespace dropcat::cli
);

auto hold_o = std::make_shared<OfferOptions>();
auto* hold = cmd->add_subcommand("hold", "a name you hold, which may be offered");
hold->add_option("DOMAIN", hold_o->domain, "the name")->required();
hold->add_option("--note", hold_o->note, "how you came to hold it")->type_name("TEXT");
hold->footer("Names dropcat caught may be offered without it.\n"
             "Example:\n  dropcat offer hold example.com --note \"bought at auction\"");
hold->callback([hold_o, &ctx] {
    ctx.action = [hold_o, &ctx] { return run_offer_hold(*hold_o, ctx); };
});
return cmd;
}

} // namespace dropcat::cli
