// dropcat offer send and notify: approved offers, and the notices a catch's end owes its
// backorderers, handed to the mail server one by one (a dry run unless --send).
#include "actor.hpp"
#include "offer_cmd.hpp"
#include "options.hpp"
#include "signals.hpp"

#include <dropcat/offer.hpp>
#include <dropcat/smtp.hpp>

#include <fmt/format.h>

#include <unistd.h>

namespace dropcat::cli {

namespace {

// The mail server's settings and password; kind `config` when [smtp] or [operator] lacks
// what sending needs.
Result<std::string> smtp_password(const Config& config) {
    if (config.smtp.url.empty())
        return fail(ErrorKind::config, "[smtp] url is not set: offers and notices are handed to "
                                       "a mail server (smtp://HOST:587 with STARTTLS, or "
                                       "smtps://HOST:465)");
    if (auto ok = check_identity(config.operator_identity, "nothing is sent"); !ok)
        return std::unexpected(ok.error());
    if (config.smtp.username.empty()) return std::string();
    return resolve_secret(config, config.smtp.password_env);
}

int send_approved(Store& store, const Config& config, bool notices, const OfferOptions& o,
                  Context& ctx) {
    auto password = smtp_password(config);
    if (!password) return ctx.failed(password.error());
    SmtpSender sender(config.smtp, *password);
    DeliverFn deliver = [&](std::string_view from, std::string_view to, std::string_view message) {
        return sender.send(from, to, message, interrupt_token());
    };
    bool terminal = isatty(STDERR_FILENO) == 1 && !ctx.report.quiet();
    SendOptions so;
    so.notices = notices;
    if (o.limit > 0) so.limit = static_cast<std::size_t>(o.limit);
    so.per_minute = config.smtp.per_minute;
    // A live hand-off ends within two of the server's timeouts (a kept connection that failed
    // is tried once more on a new one): one older without an outcome was cut off by a process
    // that ended.
    so.stale = 2 * std::chrono::milliseconds(config.smtp.timeout_ms) + std::chrono::seconds(1);
    so.stop = interrupt_token();
    so.actor = actor_name(o.by);
    so.on_message = [&](const OfferRow& row, std::string_view outcome, std::string_view detail,
                        std::size_t i, std::size_t total) {
        if (!terminal) return;
        std::string who = row.recipient.value_or("(erased)");
        if (outcome.empty()) {
            fmt::print(stderr, "\r\033[K[{}/{}] {} {} of {} to {}: handing over…", i + 1, total,
                       row.kind == OfferKind::offer ? "offer" : "notice", row.id, row.domain, who);
            std::fflush(stderr);
            return;
        }
        fmt::print(stderr, "\r\033[K");
        ctx.report.note(fmt::format("[{}/{}] {} {} of {} to {}: {}{}", i + 1, total,
                                    row.kind == OfferKind::offer ? "offer" : "notice", row.id,
                                    row.domain, who, outcome,
                                    detail.empty() ? "" : fmt::format(" ({})", detail)));
    };
    auto sum = send_offers(store, config.operator_identity, deliver, so, real_clock());
    if (!sum) return ctx.failed(sum.error());
    std::string what = notices ? "notice" : "offer";
    std::string line =
        fmt::format("{} send: {} sent, {} refused (tried again next time), {} failed, {} unknown "
                    "(a person must check), {} opted out",
                    what, sum->sent, sum->refused, sum->failed, sum->unknown, sum->suppressed);
    if (sum->cut_off > 0)
        ctx.report.warning(fmt::format("{} earlier hand-off{} had been cut off and {} now unknown: "
                                       "check with 'dropcat offer list --status unknown'",
                                       sum->cut_off, sum->cut_off == 1 ? "" : "s",
                                       sum->cut_off == 1 ? "is" : "are"));
    if (isatty(STDOUT_FILENO) == 1)
        ctx.report.note(line);
    else
        Out::write(line + "\n");
    if (sum->stopped || interrupted()) return exit_code(ErrorKind::interrupted);
    if (sum->unknown > 0) return exit_code(ErrorKind::unresolved);
    if (sum->failed > 0) return exit_code(ErrorKind::failed);
    if (sum->refused > 0 && sum->sent == 0) return exit_code(ErrorKind::unavailable);
    return 0;
}

} // namespace

int run_offer_send(const OfferOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_offer_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    std::optional<std::size_t> limit;
    if (o.limit > 0) limit = static_cast<std::size_t>(o.limit);
    int code = 0;
    if (!o.send) {
        auto store = ctx.open_store(code, true);
        if (!store) return code;
        auto rows = sendable(*store, false, limit);
        if (!rows) return ctx.failed(rows.error());
        write_offers(*rows, o, ctx, view);
        ctx.report.note(fmt::format("dry run: {} approved offer{} would be sent; add --send to "
                                    "send {}",
                                    rows->size(), rows->size() == 1 ? "" : "s",
                                    rows->size() == 1 ? "it" : "them"));
        return 0;
    }
    auto store = ctx.open_store(code);
    if (!store) return code;
    return send_approved(*store, *config, false, o, ctx);
}

int run_offer_notify(const OfferOptions& o, Context& ctx) {
    RowView view;
    if (auto bad = make_view(o.listing, k_offer_columns, view))
        return ctx.failed(Error{ErrorKind::usage, bad->message});
    std::optional<Day> cycle;
    if (!o.date.empty()) {
        cycle = parse_cli_date(o.date);
        if (!cycle)
            return ctx.failed(
                Error{ErrorKind::usage, fmt::format("--date {}: not a date", o.date)});
    }
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    std::string secret = optout_secret(*config);
    int code = 0;
    auto store = ctx.open_store(code, !o.send);
    if (!store) return code;
    Instant now = wall_clock_now();
    auto due = notices_due(*store, config->operator_identity, secret, cycle, now);
    if (!due) return ctx.failed(due.error());
    if (!o.send) {
        auto waiting = sendable(*store, true, std::nullopt);
        if (!waiting) return ctx.failed(waiting.error());
        std::vector<OfferRow> rows = std::move(*waiting);
        rows.insert(rows.end(), due->begin(), due->end());
        write_offers(rows, o, ctx, view);
        ctx.report.note(fmt::format("dry run: {} notice{} would be sent; add --send to send {}",
                                    rows.size(), rows.size() == 1 ? "" : "s",
                                    rows.size() == 1 ? "it" : "them"));
        return 0;
    }
    auto password = smtp_password(*config);
    if (!password) return ctx.failed(password.error());
    auto added = add_notices(*store, std::move(*due), actor_name(o.by), now);
    if (!added) return ctx.failed(added.error());
    return send_approved(*store, *config, true, o, ctx);
}

} // namespace dropcat::cli
