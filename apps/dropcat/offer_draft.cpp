// dropcat offer draft, list, show, approve, mark: offers from draft to outcome.
#include "actor.hpp"
#include "offer_cmd.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/mail.hpp>
#include <dropcat/offer.hpp>

#include <fmt/format.h>

#include <fstream>
#include <unistd.h>
#include <sstream>

namespace dropcat::cli {

const std::vector<std::string> k_offer_columns = {
    "id",          "kind",        "domain",        "recipient", "status",
    "price",       "valid_until", "first_contact", "shown_at",  "approved_by",
    "approved_at", "sent_at",     "detail",        "note",      "created_at"};

namespace {

std::string when(const std::optional<Instant>& t) {
    return t ? format_utc(*t) : "";
}

Result<std::string> read_template(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail(ErrorKind::no_input, fmt::format("{}: cannot be read", path));
    std::stringstream text;
    text << in.rdbuf();
    auto checked = check_offer_template(text.str());
    if (!checked)
        return fail(ErrorKind::data, fmt::format("{}: {}", path, checked.error().message));
    return text.str();
}

} // namespace

std::string optout_secret(const Config& config) {
    auto secret = resolve_secret(config, config.operator_identity.token_secret_env);
    return secret ? *secret : std::string();
}

void write_offers(const std::vector<OfferRow>& rows, const OfferOptions& o, Context& ctx,
                  const RowView& view) {
    start_pager(o.listing);
    RowWriter writer(listing_format(o.listing.format), k_offer_columns, use_color(ctx.color, 1),
                     view);
    for (const auto& r : rows) {
        std::string id = std::to_string(r.id);
        std::string recipient = r.recipient.value_or("(erased)");
        std::string valid = r.valid_until ? format_day(*r.valid_until) : "";
        std::string first = r.first_contact ? "true" : "false";
        std::string shown = when(r.shown_at), approved = when(r.approved_at),
                    sent = when(r.sent_at), created = format_utc(r.created_at);
        std::array<Cell, 15> cells{Cell{id, true},
                                   Cell{offer_kind_name(r.kind)},
                                   Cell{r.domain},
                                   Cell{recipient},
                                   Cell{offer_status_name(r.status)},
                                   Cell{r.price},
                                   Cell{valid},
                                   Cell{first, true},
                                   Cell{shown},
                                   Cell{r.approved_by},
                                   Cell{approved},
                                   Cell{sent},
                                   Cell{r.detail},
                                   Cell{r.note},
                                   Cell{created}};
        writer.row(cells);
    }
    writer.finish();
}

int run_offer_draft(const OfferOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_offer_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    auto name = parse_domain(o.domain);
    if (!name) return ctx.failed(Error{ErrorKind::data, name.error().message});
    DraftRequest r;
    r.domain = name->ascii;
    if (o.to.empty() || (o.to.size() == 1 && o.to.front() == "backorderers")) {
        r.to = OfferAudience::backorderers;
    } else if (o.to.size() == 1 && o.to.front() == "next") {
        r.to = OfferAudience::next;
    } else {
        for (const auto& t : o.to)
            if (t == "backorderers" || t == "next")
                return ctx.failed(
                    Error{ErrorKind::usage, fmt::format("--to {} stands alone: give it, or "
                                                        "addresses, not both",
                                                        t)});
        r.to = OfferAudience::addresses;
        r.addresses = o.to;
    }
    r.reason = o.reason;
    std::string price = o.currency.empty() ? o.price : o.price + " " + o.currency;
    auto money = parse_money(price);
    if (!money)
        return ctx.failed(Error{ErrorKind::usage,
                                fmt::format("--price {}: {} (e.g. --price 1500 --currency USD, or "
                                            "--price \"1500.00 USD\")",
                                            price, money.error().message)});
    r.price = *money;
    r.valid_days = o.valid_days;
    if (!o.template_file.empty()) {
        auto text = read_template(o.template_file);
        if (!text) return ctx.failed(text.error());
        r.template_text = std::move(*text);
    }
    r.actor = actor_name(o.by);
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto out = draft_offers(*store, config->operator_identity, optout_secret(*config), r,
                            wall_clock_now());
    if (!out) return ctx.failed(out.error());
    if (out->accepted)
        ctx.report.warning(fmt::format("an offer of {} was accepted (offer {}): make sure it "
                                       "stands no more before sending these",
                                       r.domain, *out->accepted));
    for (const auto& s : out->skipped)
        ctx.report.warning(fmt::format("skipped {}: {}", s.recipient, s.why));
    write_offers(out->drafted, o, ctx, view);
    if (out->drafted.empty())
        ctx.report.note(fmt::format("no offer of {} was drafted", r.domain));
    else
        ctx.report.note(fmt::format("{} draft{} of {}; read each with 'dropcat offer show ID', "
                                    "then 'dropcat offer approve ID --by NAME'",
                                    out->drafted.size(), out->drafted.size() == 1 ? "" : "s",
                                    r.domain));
    return 0;
}

int run_offer_list(const OfferOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_offer_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    OfferQuery q;
    if (!o.status.empty()) q.status = parse_offer_status(o.status);
    if (!o.kind.empty()) q.kind = parse_offer_kind(o.kind);
    if (!o.domain.empty()) {
        auto name = parse_domain(o.domain);
        if (!name) return ctx.failed(Error{ErrorKind::data, name.error().message});
        q.domain = name->ascii;
    }
    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;
    auto rows = store->read(
        [&](const ReadTx& tx) -> Result<std::vector<OfferRow>> { return tx.offers().list(q); });
    if (!rows) return ctx.failed(rows.error());
    write_offers(*rows, o, ctx, view);
    if (rows->empty()) ctx.report.note("no offers");
    return 0;
}

int run_offer_show(const OfferOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Instant now = wall_clock_now();
    auto row = get_offer(*store, o.id);
    if (!row) return ctx.failed(row.error());
    auto message = offer_message(*row, config->operator_identity, now);
    if (!message) return ctx.failed(message.error());
    // The headers as they are sent; the body as the recipient reads it (it is sent
    // quoted-printable).
    std::string headers = message->substr(0, message->find("\r\n\r\n"));
    std::string text;
    for (char c : headers)
        if (c != '\r') text += c;
    text += "\n\n" + row->body;
    if (!text.ends_with('\n')) text += '\n';
    Out::write(text);
    Out::flush();
    // Displayed to a person: written whole to a terminal. Written to a pipe or a file it may
    // be read later, or never: not recorded.
    bool seen = isatty(STDOUT_FILENO) == 1;
    if (seen) {
        if (auto shown = record_shown(*store, row->id, now); !shown)
            return ctx.failed(shown.error());
    } else if (row->first_contact && row->status == OfferStatus::draft && !row->shown_at) {
        ctx.report.warning("standard output is not a terminal, so this is not recorded as "
                           "displayed: a first contact is approved after 'dropcat offer show' "
                           "on a terminal");
    }
    bool unsent = row->status == OfferStatus::draft || row->status == OfferStatus::approved;
    ctx.report.note(fmt::format(
        "offer {} ({}{}){}{}", row->id, offer_status_name(row->status),
        row->first_contact ? ", first contact" : "",
        unsent ? ": the Date is set again when it is sent" : "",
        row->status == OfferStatus::draft
            ? fmt::format("; approve it with 'dropcat offer approve {} --by NAME'", row->id)
            : ""));
    return 0;
}

int run_offer_approve(const OfferOptions& o, Context& ctx) {
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto done = approve_offers(*store, o.ids, o.by, wall_clock_now());
    if (!done) return ctx.failed(done.error());
    for (const auto& r : *done)
        ctx.report.note(fmt::format("offer {} ({} to {}): approved by {}", r.id, r.domain,
                                    r.recipient.value_or("(erased)"), o.by));
    ctx.report.note("'dropcat offer send' shows what would be sent; add --send to send");
    return 0;
}

int run_offer_mark(const OfferOptions& o, Context& ctx) {
    auto to = parse_offer_status(o.status);
    if (!to)
        return ctx.failed(Error{ErrorKind::usage, "give replied, accepted, declined, withdrawn, "
                                                  "sent or failed"});
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    auto done = mark_offer(*store, o.id, *to, o.note, actor_name(o.by), wall_clock_now());
    if (!done) return ctx.failed(done.error());
    ctx.report.note(fmt::format("offer {} ({}): {}", done->row.id, done->row.domain,
                                offer_status_name(done->row.status)));
    for (std::int64_t id : done->withdrawn)
        ctx.report.note(
            fmt::format("offer {}: withdrawn, since offer {} was accepted", id, done->row.id));
    return 0;
}

} // namespace dropcat::cli
