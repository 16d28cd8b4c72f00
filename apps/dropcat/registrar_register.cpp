// dropcat registrar register: quote, then a journaled create, name by name.
#include "registrar_common.hpp"

#include "signals.hpp"

#include <dropcat/create_journal.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

namespace {

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
CreateResult create_one(Store& store, Registrar& registrar, const CreateRequest& request,
                        Context& ctx) {
    CreateResult r;
    // Only what will be sent waits for the create budget and a warm connection: a dry run
    // where the registrar has none of its own sends nothing.
    bool may_send = !quote_blocks_create(request, registrar.clock().now(), true) &&
                    (!request.dry_run || registrar.limits().dry_run);
    for (int round = 0; round < k_max_limit_rounds; ++round) {
        if (may_send) {
            if (!wait_for_room(registrar, RequestClass::create, ctx)) break;
            // A failure to connect is the create's own to report (nothing sent: transient).
            (void)registrar.warm(call_now(registrar));
        }
        r = journaled_create(store, registrar, request, call_now(registrar)).result;
        if (r.outcome != Outcome::rate_limited || !r.retry_at ||
            *r.retry_at - registrar.clock().now() > k_patience)
            break;
        if (!wait_until(registrar, *r.retry_at, r.wait_reason, ctx)) break;
    }
    return r;
}

} // namespace

int run_register(const NetOptions& o, Context& ctx) {
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    const RegistrarAccount* account = find_account(*config, o.registrar);
    if (account == nullptr) return ctx.failed(no_such_account(*config, o.registrar));
    // Context::failed ends a usage error with its 'try' line.
    auto usage = [&ctx](std::string message) {
        return ctx.failed(Error{ErrorKind::usage, std::move(message)});
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
    RowView view;
    if (int bad = open_view(o, k_register_columns, ctx, view)) return bad;
    // Every create is written to the store before it is sent (dropcat/create_journal.hpp).
    int store_code = 0;
    auto store = ctx.open_store(store_code);
    if (!store) return store_code;
    auto registrar = open_account(*config, *account, o, ctx);
    if (!registrar) return ctx.failed(registrar.error());
    RowWriter writer(listing_format(o.listing.format), k_register_columns, use_color(ctx.color, 1),
                     view);
    int code = 0;
    bool hint_live = false;
    // A dry run reports what a live run would meet. Where the registrar has no dry run of its
    // own (Dynadot, Namecheap), the balance ping reads stands in for its funds check: each
    // name that would be bought takes its price from what is left.
    std::optional<Money> left;
    if (!o.live && !(*registrar)->limits().dry_run) {
        Registrar& reg = **registrar;
        if (wait_for_room(reg, RequestClass::other, ctx))
            if (auto ping = reg.ping(call_now(reg)); ping && ping->balance) left = ping->balance;
    }
    for (const auto& domain : *domains) {
        if (interrupted()) break;
        CreateRequest request;
        request.domain = domain;
        request.years = o.years;
        request.max_price = *ceiling;
        request.dry_run = !o.live;
        CreateResult r;
        r.dry_run = request.dry_run;
        // A create of this name by this account with no known outcome (the last run was killed
        // mid-create, or its answer was lost) comes first: ask the account, and stop unless it
        // settles the question. Nothing else is sent for the name until then.
        auto open = unresolved_creates(*store, account->name, domain);
        if (!open) return ctx.failed(open.error());
        bool unresolved = false;
        if (!open->empty()) {
            Registrar& reg = **registrar;
            (void)wait_for_room(reg, RequestClass::other, ctx);
            auto settled = settle_creates(*store, reg, domain, call_now(reg));
            if (!settled) ctx.report.warning(settled.error().message);
            if (settled && !settled->settled.empty())
                ctx.report.note(fmt::format(
                    "{}: {} says the name is {}in the account: an earlier create {}", domain,
                    account->name, settled->owns.owned == Owned::yes ? "" : "not ",
                    settled->owns.owned == Owned::yes ? "bought it" : "did not buy it"));
            unresolved = !settled || !settled->still_unresolved.empty();
        }
        // The quote first; a create only on a quote that allows it. The journal refuses a name
        // still unresolved, and answers one the account already bought, before anything is sent.
        auto quoted =
            unresolved ? Result<Quote>(Quote{}) : quote_one(**registrar, domain, o.years, ctx);
        if (!quoted && quoted.error().kind == ErrorKind::interrupted) break;
        if (unresolved) {
            r = journaled_create(*store, **registrar, request, call_now(**registrar)).result;
        } else if (!quoted) {
            r.outcome = Outcome::auth_error;
            r.detail = quoted.error().message;
        } else {
            request.quote = *quoted;
            r = create_one(*store, **registrar, request, ctx);
        }
        // An unclear create: ask the account as soon as its limits allow (the catch engine
        // does the same). A name it lists was bought; otherwise the create stays unresolved.
        if (r.outcome == Outcome::ambiguous && !r.dry_run && !interrupted()) {
            Registrar& reg = **registrar;
            if (wait_for_room(reg, RequestClass::other, ctx)) {
                auto settled = settle_creates(*store, reg, domain, call_now(reg));
                if (settled && settled->owns.owned == Owned::yes) {
                    r.outcome = Outcome::registered;
                    r.detail = fmt::format("no whole answer came to the create, but {} lists "
                                           "the name: registered",
                                           account->name);
                    ctx.report.note(fmt::format("{}: {}", domain, r.detail));
                }
            }
        }
        if (r.dry_run && r.outcome == Outcome::dry_run_ok && left && r.price &&
            r.price->currency == left->currency) {
            if (r.price->minor > left->minor) {
                r.outcome = Outcome::insufficient_funds;
                r.detail = fmt::format("dry run: the balance {} is below the price {}; nothing "
                                       "was bought",
                                       format_money(*left), format_money(*r.price));
            } else {
                left->minor -= r.price->minor;
            }
        }
        // Interrupted before anything was sent: nothing to report. Once a create was sent its
        // outcome (perhaps ambiguous) is printed whatever happened after.
        if (interrupted() && !r.sent) break;
        write_row(writer, {{request.domain, false},
                           {account->name, false},
                           {std::string(outcome_name(r.outcome)), false},
                           {r.dry_run ? "true" : "false", true},
                           {price_text(r.price), false},
                           {r.price ? r.price->currency : "", false},
                           {r.order_id, false},
                           {r.detail, false}});
        if (r.dry_run && r.outcome == Outcome::dry_run_ok) hint_live = true;
        if (r.outcome == Outcome::ambiguous)
            ctx.report.error(fmt::format("{}: the create may have executed; check the account "
                                         "(dropcat registrar owns {} --registrar {}) before trying "
                                         "again (dropcat will not resend it)",
                                         request.domain, request.domain, account->name));
        else if (auto failed = outcome_error(r.outcome))
            ctx.report.error(
                fmt::format("{}: {}: {}", request.domain, outcome_name(r.outcome), r.detail));
        // The status that asks most of the operator wins: 3 (ask the account before anything
        // else), then an ambiguous create (1, check the account), then the first failure.
        if (auto failed = outcome_error(r.outcome)) {
            int c = exit_code(*failed);
            if (code == 0 || r.outcome == Outcome::unresolved ||
                (r.outcome == Outcome::ambiguous && code != exit_code(ErrorKind::unresolved)))
                code = c;
        }
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

} // namespace dropcat::cli
