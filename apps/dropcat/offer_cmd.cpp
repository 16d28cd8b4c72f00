// dropcat offer: the subcommands, and the opt-outs (optout, optouts, import-optouts) and the
// names held (hold).
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
    cmd->footer("Offers to interested parties: truthful, from the real company, approved by a "
                "person,\nwith an opt-out honoured at once and forever; and the notices a "
                "catch's end owes\nits backorderers.\n"
                "Examples:\n"
                "  dropcat offer draft example.com --to backorderers --price 1500 --currency USD\n"
                "  dropcat offer show 1\n"
                "  dropcat offer approve 1 --by anna\n"
                "  dropcat offer send --send\n"
                "  dropcat offer notify --send");
    auto action = [&ctx](CLI::App* sub, std::shared_ptr<OfferOptions> o,
                         int (*run)(const OfferOptions&, Context&)) {
        sub->callback([o, run, &ctx] { ctx.action = [o, run, &ctx] { return run(*o, ctx); }; });
    };

    auto draft_o = std::make_shared<OfferOptions>();
    auto* draft = cmd->add_subcommand("draft", "draft an offer of a name you hold, one per "
                                               "recipient");
    set_live_values(draft->add_option("DOMAIN", draft_o->domain, "the name offered")->required(),
                    "backordered-domains");
    draft
        ->add_option("--to", draft_o->to,
                     "backorderers (all, the default), next (the next in allocation order), "
                     "or addresses")
        ->type_name("WHO")
        ->expected(1, -1);
    draft->add_option("--price", draft_o->price, "the price, e.g. 1500 or \"1500.00 USD\"")
        ->type_name("AMOUNT")
        ->required();
    draft->add_option("--currency", draft_o->currency, "the currency (ISO 4217), e.g. USD")
        ->type_name("C");
    set_value_kind(draft
                       ->add_option("--template", draft_o->template_file,
                                    "the message's text, with {fields} (default: built in)")
                       ->type_name("FILE"),
                   ValueKind::file);
    draft->add_option("--valid-days", draft_o->valid_days, "how long the offer stands (default 14)")
        ->type_name("N")
        ->check(range_validator(1, 365));
    draft
        ->add_option("--reason", draft_o->reason,
                     "why addresses with no backorder are written to (said in the offer)")
        ->type_name("TEXT");
    draft->add_option("--by", draft_o->by, "who drafts, for the events (default: login)")
        ->type_name("NAME");
    add_listing_options(*draft, draft_o->listing, k_offer_columns);
    draft->footer(
        "Only names dropcat caught, or added with 'dropcat offer hold', can be offered.\n"
        "Opted-out recipients and those with an open offer of the name are skipped.\n"
        "A template must name {company}, {address}, {phone}, {domain}, {price} and {optout}.\n"
        "Examples:\n"
        "  dropcat offer draft example.com --price 1500 --currency USD\n"
        "  dropcat offer draft example.com --to next --price \"900.00 EUR\" --valid-days 7\n"
        "  dropcat offer draft example.com --to ceo@example.org --price 1500 --currency USD \\\n"
        "      --reason \"you own example.org, the same name in .org\"");
    action(draft, draft_o, run_offer_draft);

    auto list_o = std::make_shared<OfferOptions>();
    auto* list = cmd->add_subcommand("list", "offers and notices, oldest first");
    std::vector<std::string> statuses;
    for (auto s : offer_status_names())
        statuses.emplace_back(s);
    add_choice(*list, "--status", list_o->status, statuses, "only those in this state");
    add_choice(*list, "--kind", list_o->kind, {"offer", "caught", "lost"},
               "only offers, or only caught or lost notices");
    set_live_values(
        list->add_option("--domain", list_o->domain, "only this name")->type_name("DOMAIN"),
        "backordered-domains");
    add_listing_options(*list, list_o->listing, k_offer_columns);
    list->footer("Examples:\n  dropcat offer list --status draft\n"
                 "  dropcat offer list --domain example.com --format json");
    action(list, list_o, run_offer_list);

    auto show_o = std::make_shared<OfferOptions>();
    auto* show = cmd->add_subcommand("show", "the full message with its headers (and record "
                                             "that it was shown)");
    show->add_option("ID", show_o->id, "the offer")->required();
    show->footer("A first contact is approved only after its message was shown.\n"
                 "Example:\n  dropcat offer show 12");
    action(show, show_o, run_offer_show);

    auto approve_o = std::make_shared<OfferOptions>();
    auto* approve = cmd->add_subcommand("approve", "a person approves drafted offers");
    approve->add_option("ID", approve_o->ids, "the offers")->required()->expected(1, -1);
    approve->add_option("--by", approve_o->by, "who approves (recorded)")
        ->type_name("NAME")
        ->required();
    approve->footer("All or nothing. A first contact (no earlier offer of the name to the "
                    "address was sent)\nmust have been shown with 'dropcat offer show' first. "
                    "There is no approve-all.\nExample:\n  dropcat offer approve 12 13 --by "
                    "anna");
    action(approve, approve_o, run_offer_approve);

    auto send_o = std::make_shared<OfferOptions>();
    auto* send = cmd->add_subcommand("send", "send approved offers by SMTP (a dry run unless "
                                             "--send)");
    send->add_option("--limit", send_o->limit, "at most N messages")
        ->type_name("N")
        ->check(range_validator(1, 100000));
    send->add_flag("--send", send_o->send, "hand the messages to the mail server");
    send->add_option("--by", send_o->by, "who sends, for the events (default: login)")
        ->type_name("NAME");
    add_listing_options(*send, send_o->listing, k_offer_columns);
    send->footer("At most [smtp] per_minute messages a minute. Right before each message the "
                 "opt-outs are\nchecked again. A message whose hand-off had no clear outcome "
                 "is 'unknown' and never\nsent again by itself.\n"
                 "Examples:\n  dropcat offer send\n  dropcat offer send --send --limit 20");
    action(send, send_o, run_offer_send);

    auto mark_o = std::make_shared<OfferOptions>();
    auto* mark = cmd->add_subcommand("mark", "record what came of an offer: replied, accepted, "
                                             "declined, withdrawn");
    mark->add_option("ID", mark_o->id, "the offer")->required();
    add_choice(*mark, "OUTCOME", mark_o->status,
               {"replied", "accepted", "declined", "withdrawn", "sent", "failed"},
               "what came of it")
        ->required();
    mark->add_option("--note", mark_o->note, "what was said, for the record")->type_name("TEXT");
    mark->add_option("--by", mark_o->by, "who records it (default: login)")->type_name("NAME");
    mark->footer("Accepting one offer withdraws the name's other open offers. An offer or notice "
                 "whose\nhand-off is unknown is marked sent or failed by a person who checked the "
                 "mail\nserver's log.\n"
                 "Examples:\n  dropcat offer mark 12 accepted --note \"paid by invoice\"\n"
                 "  dropcat offer mark 14 sent --note \"in the server's log, queued\"");
    action(mark, mark_o, run_offer_mark);

    auto notify_o = std::make_shared<OfferOptions>();
    auto* notify = cmd->add_subcommand("notify", "tell backorderers that a name was caught or "
                                                 "lost (a dry run unless --send)");
    notify->add_option("--date", notify_o->date, "only catches of this drop day (default: all)")
        ->type_name("DATE")
        ->check(date_validator());
    notify->add_flag("--send", notify_o->send, "hand the notices to the mail server");
    notify->add_option("--by", notify_o->by, "who sends, for the events (default: login)")
        ->type_name("NAME");
    add_listing_options(*notify, notify_o->listing, k_offer_columns);
    notify->footer("One notice per backorderer and name, never two. No price, no sales text, "
                   "no approval:\nit answers the customer's own request.\n"
                   "Examples:\n  dropcat offer notify\n  dropcat offer notify --date yesterday "
                   "--send");
    action(notify, notify_o, run_offer_notify);

    auto serve_o = std::make_shared<OfferOptions>();
    auto* serve = cmd->add_subcommand("serve", "the one-click opt-out endpoint (HTTP, behind "
                                               "your TLS proxy)");
    serve->add_option("--listen", serve_o->listen, "HOST:PORT to listen on (port 0: any)")
        ->type_name("ADDR")
        ->required();
    serve->footer("POST /u/TOKEN (body List-Unsubscribe=One-Click, or empty) opts the address "
                  "out at once;\nGET /u/TOKEN shows a page with one button. An unknown token "
                  "is 404.\nExample:\n  dropcat offer serve --listen 127.0.0.1:8025");
    action(serve, serve_o, run_offer_serve);

    auto optout_o = std::make_shared<OfferOptions>();
    auto* optout = cmd->add_subcommand("optout", "no offer or notice goes to EMAIL, ever");
    optout->add_option("EMAIL", optout_o->email, "the address")->required();
    optout->add_option("--reason", optout_o->reason, "why, for the record")->type_name("TEXT");
    optout->footer("Example:\n  dropcat offer optout bob@example.net --reason \"replied STOP\"");
    action(optout, optout_o, run_offer_optout);

    auto optouts_o = std::make_shared<OfferOptions>();
    auto* optouts = cmd->add_subcommand("optouts", "every address opted out");
    add_listing_options(*optouts, optouts_o->listing, k_optout_columns);
    optouts->footer("Example:\n  dropcat offer optouts --format csv");
    action(optouts, optouts_o, run_offer_optouts);

    auto import_o = std::make_shared<OfferOptions>();
    auto* import = cmd->add_subcommand("import-optouts",
                                       "opt out every address in FILE (- for stdin), one a line");
    set_value_kind(import->add_option("FILE", import_o->file, "the list (- for stdin)")->required(),
                   ValueKind::file);
    import->footer("Blank lines and lines starting with # are skipped. All or nothing: a line "
                   "that is\nnot an address is an error with its line, and nothing is "
                   "written.\nExample:\n  dropcat offer import-optouts unsubscribed.txt");
    action(import, import_o, run_offer_import_optouts);

    auto hold_o = std::make_shared<OfferOptions>();
    auto* hold = cmd->add_subcommand("hold", "a name you hold, which may be offered");
    hold->add_option("DOMAIN", hold_o->domain, "the name")->required();
    hold->add_option("--note", hold_o->note, "how you came to hold it")->type_name("TEXT");
    hold->footer("Names dropcat caught may be offered without it.\n"
                 "Example:\n  dropcat offer hold example.com --note \"bought at auction\"");
    action(hold, hold_o, run_offer_hold);
    return cmd;
}

} // namespace dropcat::cli
